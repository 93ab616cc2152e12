"""E-mails printed in the terminal as a person reads them (development's `console://` mailer).

Django's console backend prints a message as it travels: the text part in quoted-printable, where
a soft line break cuts the sign-up link in two and accents read `=C3=A9`, MIME-encoded subjects,
and the whole HTML part after it. This backend parses the message back from the bytes that would
be sent, as a mail client does, and prints the decoded headers that matter and the text part in
UTF-8, with every link whole on a line of its own, so that it can be clicked or copied as printed.
The HTML part goes to a file (under `var/mail/`, git-ignored) whose path is printed.
"""

import email
import email.policy
import re
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.utils.text import slugify

HEADERS = ("Subject", "From", "To", "Cc", "Reply-To")
# A link runs to the next blank, quote or angle bracket; punctuation that ends a sentence is not part of it.
URL = re.compile(r"https?://[^\s<>\"«»]+")
TRAILING = ".,;:!?)]}'’"
RULE = "-" * 79


def parse(raw: bytes) -> EmailMessage:
    """The message as a mail client reads it: headers and parts decoded."""
    return email.message_from_bytes(raw, policy=email.policy.default)


def links(line: str) -> list[str]:
    return [match.group().rstrip(TRAILING) for match in URL.finditer(line)]


def text_with_links_alone(text: str) -> str:
    """Each link on a line of its own: a line ending with one is split before it; one inside prose is repeated below."""
    out = []
    for line in text.splitlines():
        found = links(line)
        stripped = line.strip()
        if not found or stripped in found:
            out.append(line)
        elif len(found) == 1 and stripped.endswith(found[0]):
            out.append(line[: line.rindex(found[0])].rstrip())
            out.append(f"  {found[0]}")
        else:
            out.append(line)
            out.extend(f"  {url}" for url in found)
    return "\n".join(out)


def html_part(message: EmailMessage) -> str:
    """The HTML alternative, if the message has one beside its text."""
    body = message.get_body(preferencelist=("html",))
    return body.get_content() if body is not None else ""


def format_message(message: EmailMessage, *, html_path: Path | None = None) -> str:
    """What the terminal shows of one e-mail: headers, text, the attachments' names, where the HTML went."""
    lines = [RULE]
    for name in HEADERS:
        value = message.get(name)
        if value:
            lines.append(f"{name + ':':<13}{value}")
    for url in links(str(message.get("List-Unsubscribe", ""))):
        lines.append(f"{'Unsubscribe:':<13}{url}")
    lines.append("")
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        lines.append(text_with_links_alone(body.get_content()).rstrip())
    else:
        lines.append("(no text part)")
    attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    if attachments or html_path:
        lines.append("")
    lines.extend(f"Attachment: {name}" for name in attachments)
    if html_path:
        lines.append(f"HTML part: {html_path}")
    lines.append(RULE)
    return "\n".join(lines) + "\n"


class ReadableConsoleBackend(ConsoleEmailBackend):
    """Django's console backend (same stream, lock and flush after each message), printing for a person.

    OPTIONS: `html_dir`, the folder the HTML parts are saved in (none: not saved); `stream`, as Django's.
    """

    def __init__(self, *args, html_dir: str | Path | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.html_dir = Path(html_dir) if html_dir else None

    def write_message(self, message) -> None:
        parsed = parse(message.message().as_bytes())
        html = html_part(parsed)
        html_path = self.save_html(html, subject=str(parsed.get("Subject", ""))) if html else None
        self.stream.write(format_message(parsed, html_path=html_path))

    def save_html(self, html: str, *, subject: str) -> Path | None:
        if self.html_dir is None:
            return None
        self.html_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.html_dir / f"{stamp}-{slugify(subject)[:60] or 'message'}.html"
        path.write_text(html, encoding="utf-8")
        return path
