"""The seed articles: raw texts scraped from the old blog, cleaned as an editor would.

`parse_seed(key, text)` turns one raw text of `fixtures/seeds/` into a `SeedArticle`;
`fixture_json(articles)` turns the articles into the Django fixture `fixtures/articles.json`
(written by `manage.py import_articles`). Everything here is pure: plain values in, plain
values out, no database, so the cleaning is tested on its own.

The cleaning, line by line (every rule is a pattern, never a line number):

- The site chrome of the two old platforms (Blogger's "Aucun commentaire:" /
  "Enregistrer un commentaire" / spam notice, the WordPress themes' "LEAVE A REPLY",
  "Laisser un commentaire", author box, trackback line, e-mail notice…) is dropped.
- The WordPress byline "Classé dans … par … sur 20 septembre 2014 1 Commentaire" is read
  for its date and categories, then dropped. Its capitals have lost their accents
  ("ACTUALITES"): names are recased the French way and the accents restored from a
  small word list.
- Stray image file names ("managers1") and the scraper's "[PDF]" link markers are dropped.
- A reader comment ("1. <name> dit :" followed by its indented text) becomes a
  `SeedComment`, out of the article body.
- A short first line without final punctuation is the title, however often the scrape
  repeated it. Titles written in English title case or in capitals are recased as French
  does (capital on the first word and proper nouns only, a space before the colon).
  Posts whose text lost its title get one from `EDITORIAL_TITLES`.
- A paragraph seen earlier in the same text (the scrape duplicated whole blocks) is
  dropped: the first occurrence stays, in its place.
- Other short lines without final punctuation are section headings: `## ` headings,
  without a trailing colon.
- Spaces: runs collapse to one; a no-break space stays only where French typography
  puts one (before : ; ! ? » and after «).
- Paragraph text is escaped so that Markdown shows it as written: no accidental
  emphasis, link, heading or list. Bare domain names ("sijetaisbanquier.com", a site the
  text itself says is gone) are kept as text rather than turned into links by linkify.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.text import slugify
from linkify_it import LinkifyIt

from markup.render import reading_minutes, render_comment, render_post

PARIS = ZoneInfo("Europe/Paris")

# Time of day given to every imported date: the old blogs showed the day only.
PUBLICATION_TIME = time(9, 0)

AUTHOR_NAME = "La rédaction"
AUTHOR_EMAIL = "redaction@causerie.invalid"
IMPORTED_EMAIL_DOMAIN = "import.causerie.invalid"
# Django's marker for "no password can match": the account cannot log in.
UNUSABLE_PASSWORD = "!"  # noqa: S105 (not a password)
IMPORT_REASON = "Importé de l’ancien blog"

# Editorial choices, not facts from the texts: these posts lost their title in the scrape.
EDITORIAL_TITLES = {
    "000_a7632421b933ca5e": "BNP Paribas et Société Générale lancent des ateliers pédagogiques",
    "001_82f9703db5884a7a": "BPCE s’allie à Facebook, mais oublie ses collaborateurs",
    "003_c4163c13a2daa434": "Les banques et le collaboratif client : premières conversations du web 2.0",
}

# Editorial choices, not facts from the texts: only 004 kept its date. These fixed,
# distinct past dates keep the fixture reproducible; each is placed by a clue in the text.
EDITORIAL_DATES = {
    # Société Générale's "Cafés 2.0" run "entre octobre et décembre", the Ulule Tour: autumn 2014.
    "000_a7632421b933ca5e": date(2014, 10, 2),
    # BPCE and Facebook sign with projects due "dès l'automne prochain", AXA did it a year before.
    "001_82f9703db5884a7a": date(2015, 6, 12),
    # The author blogs "sérieusement" since 2007, "cinq années de présence": 2012.
    "002_015c8de7fc8f3d6e": date(2012, 5, 15),
    # Web 2.0 era; sijetaisbanquier.com already offline.
    "003_c4163c13a2daa434": date(2009, 3, 10),
}

# Editorial choices: categories for the posts whose text lost its byline.
EDITORIAL_CATEGORIES = {
    "000_a7632421b933ca5e": ["Banque et finances"],
    "001_82f9703db5884a7a": ["Banque et finances", "Réseaux sociaux"],
    "002_015c8de7fc8f3d6e": ["Banque et finances", "Réseaux sociaux"],
    "003_c4163c13a2daa434": ["Banque et finances", "Réseaux sociaux"],
}

# Capitals in the scraped bylines and titles dropped their accents.
ACCENTED_WORDS = {"actualites": "actualités", "numerique": "numérique"}

FRENCH_MONTHS = {
    name: number
    for number, name in enumerate(
        ("janvier", "février", "mars", "avril", "mai", "juin")
        + ("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
        start=1,
    )
}

# Whole lines that belong to the old sites' pages, not to the articles.
CHROME_LINES = [
    re.compile(pattern)
    for pattern in [
        # Blogger
        r"Aucun commentaire ?:?",
        r"Enregistrer un commentaire",
        r"Afin de lutter contre le spam, .*",
        # WordPress themes
        r"\d+ COMMENTS?",
        r"LEAVE A REPLY",
        r"Laisser un commentaire",
        r"Vous devez vous connecter pour publier un commentaire\.",
        r"Url de rétrolien \| Flux RSS des commentaires",
        r"A propos de l['’]auteur ?\(.*\)",
        r"Pour en savoir plus sur l['’]auteur, cliquez .*",
        r"Commentaires \(\d+\)",
        r"Votre adresse de messagerie ne sera pas publiée\..*",
        # Image captions that are only a file name: "managers1", "photo.jpg"
        r"[A-Za-z][\w-]*\d+",
        r"\S+\.(?:jpe?g|png|gif|webp)",
    ]
]

# The scraper marked links to documents with their type.
INLINE_CHROME = re.compile(r" ?\[PDF\]")

BYLINE = re.compile(
    r"Classé dans (?P<categories>.+?) par (?P<author>.*?) ?sur "
    r"(?P<day>\d{1,2}) (?P<month>\w+) (?P<year>\d{4})(?: \d+ Commentaires?)?"
)
COMMENT_HEADER = re.compile(r"\d+\. (?P<author>.+?) dit[ \u00a0]?:")

TITLE_MAX_LENGTH = 120
HEADING_MAX_LENGTH = 60
FINAL_PUNCTUATION = ".!?…"

_linkify = LinkifyIt()


@dataclass
class SeedComment:
    author_name: str
    body: str


@dataclass
class SeedArticle:
    key: str
    title: str
    slug: str
    body_markdown: str
    published_at: datetime | None
    categories: list[str] = field(default_factory=list)
    comments: list[SeedComment] = field(default_factory=list)


def parse_seed(key: str, text: str) -> SeedArticle:
    """Clean one raw seed text (named `key`, its file name without .txt) into an article."""
    lines = _SeedLines(text.splitlines())
    lines.read()
    title, paragraphs = _title_and_body(key, lines.paragraphs)
    published_on = lines.published_on or EDITORIAL_DATES.get(key)
    return SeedArticle(
        key=key,
        title=title,
        slug=slugify(re.sub(r"['’.]", " ", title)),  # "n’ont" -> "n-ont", "2.0" -> "2-0"
        body_markdown="\n\n".join(_markdown_block(paragraph) for paragraph in unique_paragraphs(paragraphs)),
        published_at=datetime.combine(published_on, PUBLICATION_TIME, tzinfo=PARIS) if published_on else None,
        categories=lines.categories or list(EDITORIAL_CATEGORIES.get(key, [])),
        comments=lines.comments,
    )


@dataclass
class _SeedLines:
    """A raw text read line by line: chrome dropped, the byline and the reader comments taken out."""

    raw_lines: list[str]
    paragraphs: list[str] = field(default_factory=list)
    comments: list[SeedComment] = field(default_factory=list)
    published_on: date | None = None
    categories: list[str] = field(default_factory=list)
    index: int = 0

    def read(self) -> None:
        while self.index < len(self.raw_lines):
            line = normalize_spaces(self.raw_lines[self.index])
            self.index += 1
            if not line or any(pattern.fullmatch(line) for pattern in CHROME_LINES):
                continue
            if header := COMMENT_HEADER.fullmatch(line):
                self.comments.append(SeedComment(author_name=header["author"], body=self._comment_body()))
            elif byline := BYLINE.fullmatch(line):
                self.published_on = date(
                    int(byline["year"]), FRENCH_MONTHS[byline["month"].lower()], int(byline["day"])
                )
                self.categories = [french_case(name) for name in byline["categories"].split(", ")]
            else:
                self.paragraphs.append(INLINE_CHROME.sub("", line))

    def _comment_body(self) -> str:
        """The indented (or blank) lines after a comment's header: its text."""
        body_lines = []
        while self.index < len(self.raw_lines):
            raw = self.raw_lines[self.index]
            if raw.strip() and not raw[:1].isspace():
                break
            if raw.strip():
                body_lines.append(normalize_spaces(raw))
            self.index += 1
        return "\n\n".join(body_lines)


def _title_and_body(key: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    """The title (the first short line, dropped wherever the scrape repeated it, or the editorial one) and the rest."""
    title = EDITORIAL_TITLES.get(key, "")
    if paragraphs and _is_short_line(paragraphs[0], TITLE_MAX_LENGTH):
        raw_title = paragraphs[0]
        paragraphs = [paragraph for paragraph in paragraphs if paragraph != raw_title]
        title = french_case(raw_title)
    if not title:
        raise ValueError(f"Seed {key} has no title line and no entry in EDITORIAL_TITLES.")
    return title, paragraphs


def normalize_spaces(text: str) -> str:
    """One space between words; a no-break space only where French typography wants one."""
    text = re.sub(
        r"[ \t\u00a0\u202f]+", lambda run: " " if re.search(r"[ \t]", run.group()) else "\u00a0", text.strip()
    )
    return re.sub(r"(?<!«)\u00a0(?![:;!?»])", " ", text)


def unique_paragraphs(paragraphs: list[str]) -> list[str]:
    """The paragraphs in order, each one kept at its first occurrence only."""
    return list(dict.fromkeys(paragraphs))


def french_case(text: str) -> str:
    """Recase a title or category name as French writes it: "Médias sociaux : les banques…".

    Words in capitals are kept as acronyms (BNP, HSBC), unless the whole text is shouted.
    """
    text = re.sub(r"[ \u00a0]?:[ \u00a0]?", " : ", normalize_spaces(text))
    letters = [char for char in text if char.isalpha()]
    shouted = sum(char.isupper() for char in letters) > len(letters) / 2
    words = []
    for word in text.split(" "):
        if not shouted and len(word) > 1 and word.isupper():
            words.append(word)
        else:
            words.append(ACCENTED_WORDS.get(word.lower(), word.lower()))
    cased = " ".join(words)
    return cased[:1].upper() + cased[1:]


def escape_markdown(text: str) -> str:
    """Escape one line of prose so that CommonMark (with linkify) renders it exactly as written."""
    bare_domain_dots = {
        position
        for match in _linkify.match(text) or []
        if not match.schema
        for position in range(match.index, match.last_index)
        if text[position] == "."
    }
    line = "".join(
        "\\" + char if _needs_escape(text, position, bare_domain_dots) else char for position, char in enumerate(text)
    )
    # What only means something at the start of a line: headings, quotes, lists, rules, fences.
    if line and line[0] in "#>+-=~":
        return "\\" + line
    return re.sub(r"^(\d{1,9})([.)])(?= |$)", r"\1\\\2", line)


def _needs_escape(text: str, position: int, bare_domain_dots: set[int]) -> bool:
    """Whether the character at `position` would be read as Markdown (or a bare domain's dot as a link)."""
    char = text[position]
    return (
        char in "\\`*_[]<"
        or position in bare_domain_dots
        or bool(char == "&" and re.match(r"&#?\w+;", text[position:]))
    )


def _is_short_line(line: str, max_length: int) -> bool:
    return len(line) <= max_length and not line.endswith(tuple(FINAL_PUNCTUATION))


def _markdown_block(paragraph: str) -> str:
    if _is_short_line(paragraph, HEADING_MAX_LENGTH):
        return "## " + escape_markdown(paragraph.rstrip(" :\u00a0"))
    return escape_markdown(paragraph)


def commenter_email(author_name: str) -> str:
    """The address of an imported commenter's account: made up, on a domain that cannot receive mail."""
    return f"{slugify(author_name)}@{IMPORTED_EMAIL_DOMAIN}"


def fixture_objects(articles: list[SeedArticle]) -> list[dict]:
    """The Django fixture records for the articles: users, categories, posts, comments, events.

    Users, categories and posts use natural keys (e-mail, slug) so the fixture loads into any
    database. The imported comments wait for a moderator, like any new comment.
    """
    for article in articles:
        if article.published_at is None:
            raise ValueError(f"Seed {article.key} has no date; add it to EDITORIAL_DATES.")
    first_date = min(article.published_at for article in articles)

    users = {AUTHOR_EMAIL: _user(AUTHOR_EMAIL, AUTHOR_NAME, is_active=True, date_joined=first_date)}
    categories, posts, comments, events = {}, [], [], []
    for article in articles:
        categories.update((slugify(name), name) for name in article.categories)
        posts.append(_post_record(article))
        for position, comment in enumerate(article.comments):
            pk = len(comments) + 1
            email = commenter_email(comment.author_name)
            created_at = article.published_at + timedelta(days=1, minutes=position)
            # Historical readers: they get an account to own their words, but cannot log in.
            users.setdefault(email, _user(email, comment.author_name, is_active=False, date_joined=created_at))
            comments.append(_comment_record(pk, article, comment, email, created_at))
            events.append(_submitted_event_record(pk, email, created_at))

    category_objects = [
        {"model": "blog.category", "fields": {"name": name, "slug": slug}} for slug, name in sorted(categories.items())
    ]
    return [users[email] for email in sorted(users)] + category_objects + posts + comments + events


def _post_record(article: SeedArticle) -> dict:
    fields = {
        "title": article.title,
        "slug": article.slug,
        "author": [AUTHOR_EMAIL],
        "body": article.body_markdown,
        "body_html": render_post(article.body_markdown),
        "reading_minutes": reading_minutes(article.body_markdown),
        "status": "published",
        "published_at": article.published_at.isoformat(),
        "comments_open": True,
        "categories": [[slugify(name)] for name in article.categories],
        "approved_comment_count": 0,
        "created_at": article.published_at.isoformat(),
        "updated_at": article.published_at.isoformat(),
    }
    return {"model": "blog.post", "fields": _sorted(fields)}


def _comment_record(pk: int, article: SeedArticle, comment: SeedComment, email: str, created_at: datetime) -> dict:
    fields = {
        "post": [article.slug],
        "author": [email],
        "body": comment.body,
        "body_html": render_comment(comment.body),
        "status": "pending",
        "created_at": created_at.isoformat(),
        "moderated_at": None,
        "moderated_by": None,
        "submission_key": None,
    }
    return {"model": "comments.comment", "pk": pk, "fields": _sorted(fields)}


def _submitted_event_record(pk: int, email: str, created_at: datetime) -> dict:
    fields = {
        "comment": pk,
        "action": "submitted",
        "actor": [email],
        "reason": IMPORT_REASON,
        "created_at": created_at.isoformat(),
    }
    return {"model": "comments.moderationevent", "pk": pk, "fields": _sorted(fields)}


def fixture_json(articles: list[SeedArticle]) -> str:
    """The fixture as the bytes to commit: stable order, readable French, trailing newline."""
    return json.dumps(fixture_objects(articles), ensure_ascii=False, indent=2) + "\n"


def _user(email: str, display_name: str, *, is_active: bool, date_joined: datetime) -> dict:
    return {
        "model": "accounts.user",
        "fields": _sorted(
            {
                "email": email,
                "display_name": display_name,
                "password": UNUSABLE_PASSWORD,
                "is_active": is_active,
                "is_staff": False,
                "is_superuser": False,
                "last_login": None,
                "date_joined": date_joined.isoformat(),
            }
        ),
    }


def _sorted(fields: dict) -> dict:
    return dict(sorted(fields.items()))
