"""Development's mailer: e-mails printed as a person reads them (config/mail.py)."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.urls import reverse

from comments import decisions, tasks
from config.mail import ReadableConsoleBackend, text_with_links_alone
from config.settings import mailer_from_url

# As long as allauth's confirmation links and the moderators' signed links: quoted-printable cuts such a line.
LONG_URL = "http://127.0.0.1:8000/commentaires/moderation/42/approuver/" + "MTIz:1vQxYz:" * 8 + "aBcD-eFgH_iJkL/"
SUBJECT = "[Causerie] Réponse à votre commentaire sur « Les banques et les réseaux sociaux » — à lire"


def printed(*messages, html_dir=None) -> str:
    stream = io.StringIO()
    assert ReadableConsoleBackend(stream=stream, html_dir=html_dir).send_messages(list(messages)) == len(messages)
    return stream.getvalue()


def message(body: str, *, subject: str = SUBJECT, html: str = "", **kwargs) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=subject, body=body, from_email="Causerie <ne-pas-repondre@causerie.localhost>", **kwargs
    )
    if html:
        email.attach_alternative(html, "text/html")
    return email


def own_lines(output: str) -> list[str]:
    """The links printed on a line of their own, taken as printed (a link stops at a blank)."""
    return re.findall(r"^\s*(https?://\S+)$", output, flags=re.MULTILINE)


class TestFormat:
    def test_accents_are_printed_in_utf8_not_quoted_printable(self):
        output = printed(message("Bonjour Clémence,\n\nÀ bientôt, l’équipe — « merci » !\n", to=["élodie@exemple.fr"]))
        assert "Bonjour Clémence,\n\nÀ bientôt, l’équipe — « merci » !\n" in output
        assert "To:          élodie@exemple.fr" in output
        assert "=C3" not in output
        assert "quoted-printable" not in output

    def test_the_subject_is_decoded_on_one_line(self):
        output = printed(message("Texte."))
        assert f"Subject:     {SUBJECT}\n" in output
        assert "=?utf-8?" not in output
        assert "From:        Causerie <ne-pas-repondre@causerie.localhost>\n" in output

    def test_a_long_link_alone_on_its_line_is_printed_whole(self):
        output = printed(message(f"Ouvrez ce lien :\n\n{LONG_URL}\n\nMerci."))
        assert f"\n{LONG_URL}\n" in output
        assert own_lines(output) == [LONG_URL]

    def test_a_link_after_a_label_goes_to_its_own_line(self):
        output = printed(message(f"Approuver : {LONG_URL}\nRefuser : {LONG_URL}x/\n"))
        assert f"Approuver :\n  {LONG_URL}\nRefuser :\n  {LONG_URL}x/\n" in output

    def test_a_link_inside_prose_is_repeated_below_without_the_punctuation(self):
        text = text_with_links_alone(f"Lisez {LONG_URL}. Puis répondez.\nOu (voir <{LONG_URL}>).")
        assert text.splitlines() == [
            f"Lisez {LONG_URL}. Puis répondez.",
            f"  {LONG_URL}",
            f"Ou (voir <{LONG_URL}>).",
            f"  {LONG_URL}",
        ]

    def test_the_one_click_unsubscribe_link_is_shown(self):
        output = printed(message("Texte.", headers={"List-Unsubscribe": f"<{LONG_URL}>"}))
        assert f"Unsubscribe: {LONG_URL}\n" in output

    def test_the_html_part_is_saved_to_a_file_whose_path_is_printed(self, tmp_path):
        html = "<p>Bonjour <strong>Clémence</strong>, <a href='https://exemple.fr/'>lire</a></p>"
        output = printed(message("Bonjour Clémence.", html=html), html_dir=tmp_path / "mail")
        (saved,) = (tmp_path / "mail").iterdir()
        assert saved.suffix == ".html"
        assert saved.read_text(encoding="utf-8") == html + "\n"  # as the mail client receives it
        assert f"HTML part: {saved}\n" in output
        assert "<strong>" not in output
        assert "Bonjour Clémence." in output

    def test_without_a_folder_the_html_part_is_neither_saved_nor_printed(self):
        output = printed(message("Texte seul.", html="<p>Texte seul.</p>"))
        assert "HTML part" not in output
        assert "<p>" not in output

    def test_an_html_only_message_is_saved(self, tmp_path):
        email = EmailMessage(subject="Été", body="<p>Été</p>", to=["a@exemple.fr"])
        email.content_subtype = "html"
        output = printed(email, html_dir=tmp_path)
        assert "(no text part)" in output
        assert "HTML part: " in output
        assert len(list(tmp_path.iterdir())) == 1

    def test_attachments_are_named(self):
        email = message("Voir la pièce jointe.")
        email.attach("export-données.json", b"{}", "application/json")
        assert "Attachment: export-données.json\n" in printed(email)

    def test_each_message_is_framed_and_the_stream_flushed(self):
        class Stream(io.StringIO):
            flushes = 0

            def flush(self):
                self.flushes += 1

        stream = Stream()
        backend = ReadableConsoleBackend(stream=stream)
        assert backend.send_messages([message("Un."), message("Deux.")]) == 2
        assert stream.flushes == 2
        assert stream.getvalue().count("-" * 79) == 4


class TestSettings:
    def test_console_url_chooses_it_with_html_saved_under_the_ignored_var_folder(self):
        mailer = mailer_from_url("console://")
        assert mailer["BACKEND"] == "config.mail.ReadableConsoleBackend"
        assert mailer["OPTIONS"]["html_dir"].endswith("/var/mail")


@pytest.fixture
def terminal(settings, tmp_path) -> io.StringIO:
    """What development's mailer prints, as `make run` sets it up (the HTML parts in tmp_path)."""
    stream = io.StringIO()
    settings.MAILERS = {
        "default": {
            "BACKEND": "config.mail.ReadableConsoleBackend",
            "OPTIONS": {"stream": stream, "html_dir": tmp_path},
        }
    }
    return stream


@pytest.mark.django_db
class TestLinksAsPrinted:
    def test_the_printed_sign_up_link_confirms_the_address(self, client, terminal):
        signup = {
            "display_name": "Clémence Lectrice",
            "email": "clemence@example.org",
            "password1": "un-mot-de-passe-long-2026",
            "password2": "un-mot-de-passe-long-2026",
        }
        assert client.post(reverse("account_signup"), signup).status_code == 302

        output = terminal.getvalue()
        assert "Subject:     [Causerie] Confirmez votre adresse e-mail\n" in output
        assert "« Clémence Lectrice » sur Causerie" in output
        (link,) = own_lines(output)
        assert len(link) > 76  # long enough that quoted-printable would have cut it

        page = client.get(link)
        assert page.status_code == 200
        assert not EmailAddress.objects.get().verified
        client.post(link)
        assert EmailAddress.objects.get(email="clemence@example.org").verified

    def test_the_moderators_signed_links_are_printed_whole_and_open_their_page(
        self, client, terminal, moderator, pending_comment
    ):
        tasks.send_held_comment_notice.call(comment_id=pending_comment.pk)

        links = [url for url in own_lines(terminal.getvalue()) if "/moderation/" in url]
        assert len(links) == len(decisions.BY_LINK)
        for link in links:
            assert len(link) > 76
            page = client.get(link)
            assert page.status_code == 200
            assert "comments/links/moderation_confirm.html" in [template.name for template in page.templates]
