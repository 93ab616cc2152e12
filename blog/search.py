"""Search of the published posts, in French, accents and plurals forgiven.

PostgreSQL
    Full-text search with the `french_unaccent` configuration (unaccent, then the French
    stemmer) made by migration 0004, over the weighted vector of the title (A) and the body (B)
    that the migration's GIN index holds; ranked with `ts_rank`, excerpts by `ts_headline`.

Elsewhere (SQLite)
    Every word of the query must begin a word of the title or the body, compared without
    accents or case and after a light French suffix stripping (« banques » → « banque »,
    « sociaux » → « socia »). Excerpts are made in Python.

Either way the excerpts are plain text escaped, in which only our own ``<mark>`` survives: the
database marks matches with private-use characters that we turn into tags after escaping, and
the result is sanitized once more, then given the bodies' French typography (`markup.typography`:
a « ? » stays with its word in an excerpt too). `comments.search` reuses these pieces for approved comments.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from markup.typography import typographize

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
CONFIG = "french_unaccent"
# Private-use characters: nobody types them, and escaping leaves them alone.
START, STOP = "\ue000", "\ue001"

# Words too common to search for (the French stemmer drops these on PostgreSQL too).
_STOPWORDS = """
a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme mes moi mon ne nos
notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n
s t y est sont the of and to in
"""
STOPWORDS = frozenset(_STOPWORDS.split())

TAG = re.compile(r"<[^>]*>")
SPACES = re.compile(r"\s+")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    """A reader's query, cleaned: what to show back, the words to search, or why there is nothing to search."""

    text: str = ""
    words: tuple[str, ...] = ()
    error: str = ""
    stems: tuple[str, ...] = field(default=(), repr=False)

    def __bool__(self) -> bool:
        return bool(self.words) and not self.error

    def __str__(self) -> str:
        return self.text


def parse(raw: str | None) -> Query:
    """Clean a query string: words only (no operator, no control character reaches the database)."""
    text = SPACES.sub(" ", "".join(filter(_is_printable, raw or ""))).strip()
    if not text:
        return Query(error=_("Saisissez un ou plusieurs mots à rechercher."))
    if len(text) > MAX_QUERY_LENGTH:
        return Query(
            text=text[:MAX_QUERY_LENGTH],
            error=_("Votre recherche est trop longue : %(max)d caractères au plus.") % {"max": MAX_QUERY_LENGTH},
        )
    words = _words(text)
    if not words:
        return Query(text=text, error=_("Aucun mot à rechercher : essayez avec des lettres ou des chiffres."))
    kept = list(dict.fromkeys(w for w in words if _is_searchable(w)))[:MAX_WORDS]
    if not kept:
        return Query(text=text, error=_("Ces mots sont trop courants pour une recherche : ajoutez un mot plus précis."))
    return Query(text=text, words=tuple(kept), stems=tuple(dict.fromkeys(stem(fold(w)) for w in kept)))


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w.replace("_", "")]


def _is_printable(character: str) -> bool:
    return unicodedata.category(character)[0] != "C" or character in " \t"


def _is_searchable(word: str) -> bool:
    """Worth looking for: longer than a letter and not a stop word."""
    return len(word) > 1 and fold(word) not in STOPWORDS


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so that positions in the folded text still hold)."""
    out = []
    for c in text:
        base = unicodedata.normalize("NFD", c)[0].lower()
        out.append(base if len(base) == 1 else c)
    return "".join(out)


def stem(word: str) -> str:
    """A light French suffix stripping, enough for plurals: banques → banque, sociaux → socia, prix → prix."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-2]
    if len(word) > 3 and (
        word.endswith("s") and not word.endswith(("ss", "us", "is")) or word.endswith(("eux", "oux"))
    ):
        return word[:-1]
    return word


def plain_text(markup: str) -> str:
    """Text of an HTML fragment: tags dropped, entities read, spaces collapsed."""
    return SPACES.sub(" ", html.unescape(TAG.sub(" ", markup or ""))).strip()


def searchable(markup: str | None) -> str:
    """What the fallback compares the query with (also registered as an SQLite function)."""
    return fold(plain_text(markup or ""))


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- PostgreSQL -----------------------------------------------------------------------------


def post_vector() -> SearchVector:
    """The weighted vector the GIN index of migration 0004 holds: keep the two in step."""
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector("body", weight="B", config=CONFIG)


def text_query(query: Query) -> SearchQuery:
    return SearchQuery(" ".join(query.words), config=CONFIG, search_type="plain")


def html_to_text_sql(field_name: str) -> Func:
    """body_html without its tags, in SQL: what ts_headline cuts excerpts from."""
    return Func(
        F(field_name), Value(r"<[^>]*>"), Value(" "), Value("g"), function="regexp_replace", output_field=TextField()
    )


def headline(expression, query: Query, **options) -> SearchHeadline:
    return SearchHeadline(expression, text_query(query), config=CONFIG, start_sel=START, stop_sel=STOP, **options)


def excerpt_options() -> dict:
    return {"max_words": 35, "min_words": 15, "max_fragments": 2, "fragment_delimiter": " … "}


def marked(text: str, *, from_html: bool = False) -> SafeString:
    """Text with START/STOP around the matches → escaped HTML whose only tags are <mark>."""
    if from_html:  # ts_headline ran over body_html with its tags stripped: entities remain
        text = html.unescape(text)
    out = escape(SPACES.sub(" ", text).strip()).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(typographize(nh3.clean(out, tags={"mark"}, attributes={})))  # noqa: S308 — escaped, only <mark>


# --- The fallback ------------------------------------------------------------------------------


def _register_sqlite_function():
    connection.ensure_connection()
    connection.connection.create_function("causerie_searchable", 1, searchable, deterministic=True)


def word_patterns(query: Query) -> list[str]:
    return [rf"\b{re.escape(s)}" for s in query.stems]


def fallback_filter(query: Query, *fields: str) -> tuple[dict, Q]:
    """Annotations and a filter: every word begins a word of one of the fields (folded, SQLite only)."""
    _register_sqlite_function()
    annotations = {
        f"_s_{name}": Func(F(name), function="causerie_searchable", output_field=TextField()) for name in fields
    }
    condition = Q()
    for pattern in word_patterns(query):
        condition &= Q.create([(f"_s_{name}__regex", pattern) for name in fields], connector=Q.OR)
    return annotations, condition


def highlight(text: str, query: Query, *, length: int | None = None) -> SafeString:
    """Escaped text with the query's words in <mark>.

    With `length`, an excerpt of about that many characters around the matches, as ts_headline
    makes them: a passage holding the most words of the query, and a second, shorter one for a
    word the first lacks.
    """
    folded = fold(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in query.stems) + r")\w*") if query.stems else None
    matches = list(pattern.finditer(folded)) if pattern else []
    if length is None or len(text) <= length:
        return mark_safe(typographize(_marked_span(text, matches, 0, len(text))))  # noqa: S308 — escaped
    excerpt = " ".join(
        _marked_span(text, matches, start, end) for start, end in _excerpt_spans(text, matches, query, length)
    )
    return mark_safe(typographize(excerpt.replace(" … … ", " … ")))  # noqa: S308 — each span escaped


def _excerpt_spans(text: str, matches, query: Query, length: int) -> list[tuple[int, int]]:
    """The passage holding the most words of the query, and a shorter one for a word it lacks (if any)."""
    spans = [_span(text, _best_anchor(matches, length) if matches else 0, length)]
    covered = {_stem_of(m, query) for m in matches if spans[0][0] <= m.start() < spans[0][1]}
    missing = next((m for m in matches if _stem_of(m, query) not in covered), None)
    if missing is not None:
        second = _span(text, missing.start(), length // 2)
        if second[0] >= spans[0][1]:
            spans.append(second)
        elif second[1] <= spans[0][0]:
            spans.insert(0, second)
    return spans


def _stem_of(match, query: Query) -> str:
    return next((s for s in query.stems if match.group(0).startswith(s)), "")


def _span(text: str, anchor: int, length: int) -> tuple[int, int]:
    """About `length` characters from a third of it before `anchor`, cut at spaces."""
    start = max(0, anchor - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < anchor else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > anchor else end
    return start, end


def _marked_span(text: str, matches, start: int, end: int) -> SafeString:
    pieces, cursor = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces += [escape(text[cursor : match.start()]), "<mark>", escape(text[match.start() : match.end()]), "</mark>"]
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    out = "".join(pieces)
    return mark_safe(("… " if start else "") + out + (" …" if end < len(text) else ""))  # noqa: S308 — escaped above


def _best_anchor(matches, length: int) -> int:
    """Where to put an excerpt: the match whose neighbourhood holds the most different words of the query."""

    def words_near(anchor):
        lo, hi = anchor.start() - length // 3, anchor.start() + length * 2 // 3
        return len({m.group(0)[:4] for m in matches if lo <= m.start() and m.end() <= hi})

    return max(matches[:50], key=lambda m: (words_near(m), -m.start())).start()


# --- Posts -------------------------------------------------------------------------------------


def search_posts(query: Query):
    """Published posts matching every word, best first; empty when the query is not searchable."""
    posts = Post.objects.published().select_related("author")
    if not query:
        return posts.none()
    if is_postgresql():
        search = text_query(query)
        return (
            posts.annotate(search=post_vector())
            .filter(search=search)
            .annotate(rank=SearchRank(post_vector(), search))
            .order_by("-rank", "-published_at", "-pk")
        )
    annotations, condition = fallback_filter(query, "title", "body_html")
    in_title = Q.create([("_s_title__regex", p) for p in word_patterns(query)], connector=Q.OR)
    return (
        posts.annotate(**annotations)
        .filter(condition)
        .annotate(rank=Case(When(in_title, then=1), default=0))
        .order_by("-rank", "-published_at", "-pk")
    )


def with_excerpts(posts, query: Query):
    """Set `title_html` and `excerpt_html` on each post of a page of results.

    On PostgreSQL one more query for the page's headlines (ts_headline is costly: only for the
    posts shown), in Python elsewhere.
    """
    posts = list(posts)
    if not posts or not query:
        return posts
    if is_postgresql():
        rows = Post.objects.filter(pk__in=[p.pk for p in posts]).values_list(
            "pk",
            headline("title", query, highlight_all=True),
            headline(html_to_text_sql("body_html"), query, **excerpt_options()),
        )
        heads = {pk: (title, body) for pk, title, body in rows}
        for post in posts:
            title, body = heads.get(post.pk, (post.title, ""))
            post.title_html = marked(title)
            post.excerpt_html = marked(body, from_html=True)
        return posts
    for post in posts:
        post.title_html = highlight(post.title, query)
        post.excerpt_html = highlight(plain_text(post.body_html), query, length=280)
    return posts
