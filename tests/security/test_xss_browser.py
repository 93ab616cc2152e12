"""The XSS corpus through every field a reader or an author controls, then in Chromium.

Each vector of tests/security/xss_vectors.py goes in through the real views: as a
comment, a reply, an edit, a display name, a bio, a report
reason, a search query, and a post body through the admin. A moderator approves it all
through the admin's bulk action; then Chromium opens every page that shows them —
anonymous, as a logged-in reader, and as the moderator in the admin — sends focus,
hover and click to every element, and counts dialogs, requests to another origin, CSP
violations, and any rendered on* attribute or javascript:/data:/vbscript: URL. The
feeds and every e-mail sent on the way are scanned too. The figures are printed.
"""

import re
import time
import uuid
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from comments.models import Comment
from proof.forms import form_data
from tests.browser import SCREENSHOTS
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory
from tests.security.xss_vectors import FAMILIES, VECTORS

pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = sum("\x00" in vector for vector in VECTORS)  # refused by the forms, with a message, and not stored
STORABLE = [vector for vector in VECTORS if "\x00" not in vector]  # PostgreSQL refuses NUL even in a query

URL_ATTRIBUTES = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
                  "lowsrc", "dynsrc", "ping", "codebase", "cite", "manifest", "content"]  # fmt: skip

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:")

# Runs in the page: every attribute of every element, what may run or load script.
SCAN = """(urlAttributes) => {
  const found = [];
  const strip = (v) => v.replace(/[\\u0000-\\u0020\\u007f-\\u009f\\u200b-\\u200d\\ufeff]/g, '');
  const bad = /^(javascript|data|vbscript|livescript):/i;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${tag} ${name}=${attr.value}`);
      if (name === 'srcdoc' || name === 'http-equiv') found.push(`${tag} ${name}=${attr.value}`);
      if (urlAttributes.includes(name) && bad.test(strip(attr.value))) found.push(`${tag} ${name}=${attr.value}`);
      if (name === 'style' && /url\\(|expression/i.test(attr.value)) found.push(`${tag} style=${attr.value}`);
    }
    // <svg> and <math> are checked by their attributes: the admin draws its icons with inline SVG.
    if (['iframe', 'frame', 'object', 'embed', 'base', 'applet', 'portal'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'meta' && el.getAttribute('http-equiv')) found.push('<meta http-equiv>');
    if (tag === 'script') {
      const data = ['application/ld+json', 'application/json'].includes((el.type || '').toLowerCase());
      if (data ? /</.test(el.textContent) : !el.src || new URL(el.src).origin !== location.origin) {
        found.push(`<script ${el.type} ${el.src}>`);  // a data block must hold no raw "<" (json_script escapes it)
      }
    }
    const loads = ['stylesheet', 'import', 'preload', 'modulepreload', 'prefetch', 'icon'];
    const loading = tag === 'link' && loads.some((rel) => el.relList.contains(rel));
    if (loading && new URL(el.href).origin !== location.origin) {
      found.push(`<link ${el.rel} ${el.href}>`);
    }
  }
  return found;
}"""

# Runs in the page: focus, hover and click every element of the body (navigations are stopped by the route).
EXERCISE = """() => {
  let count = 0;
  const events = ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove', 'pointerdown',
                  'mousedown', 'focusin', 'pointerup', 'mouseup', 'dblclick', 'contextmenu', 'auxclick'];
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    try { el.focus({preventScroll: true}); } catch (e) {}
    for (const type of events) {
      try { el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true})); } catch (e) {}
    }
    try { el.click(); } catch (e) {}
    try { el.blur(); } catch (e) {}
    count++;
  }
  return count;
}"""

CSP_WATCH = """document.addEventListener('securitypolicyviolation', (e) => {
  window.__proofViolations = (window.__proofViolations || []).concat([e.violatedDirective + ' ' + e.blockedURI]);
});"""


class Figures:
    def __init__(self, origin: str):
        self.origin = origin
        self.pages = 0
        self.elements = 0
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.links_followed: list[str] = []
        self.violations: list[str] = []
        self.rendered: list[str] = []
        self.feeds = 0
        self.feed_items = 0
        self.mails = 0
        self.fields: dict[str, int] = {}
        self.errors: list[str] = []
        self.started = time.monotonic()
        self.laps: list[str] = []

    def lap(self, name: str):
        self.laps.append(f"{name} {time.monotonic() - self.started:.0f} s")

    def watch(self, page):
        """Count dialogs and foreign requests; stop every foreign request, and every navigation the clicks start."""
        page.add_init_script(CSP_WATCH)
        page.on("dialog", lambda dialog: (self.dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        page.on("request", self._request)
        page.proof_loading = False

        def route(route):
            request = route.request
            if not request.url.startswith(self.origin):
                route.abort()
            elif request.is_navigation_request() and not page.proof_loading:
                route.fulfill(status=204)  # "No Content": the browser stays on the page being tested
            else:
                route.continue_()

        page.route("**/*", route)

    def _request(self, request):
        if not request.url.startswith(self.origin):
            # A click on a link to another site is a navigation the reader asked for (and the route stops it);
            # anything else is the page itself loading from elsewhere.
            (self.links_followed if request.is_navigation_request() else self.foreign).append(request.url)

    def visit(self, page, url: str, *, exercise: bool = True):
        page.proof_loading = True
        response = page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_load_state("load", timeout=60_000)
        page.proof_loading = False
        assert response is not None and response.status < 500, f"{url}: {response and response.status}"
        self.pages += 1
        if exercise:
            self.elements += page.evaluate(EXERCISE)
            page.wait_for_timeout(100)  # a handler's timer, an aborted navigation: let them settle
        self.rendered += [f"{url}: {finding}" for finding in page.evaluate(SCAN, URL_ATTRIBUTES)]
        self.violations += [f"{url}: {v}" for v in page.evaluate("window.__proofViolations || []")]

    def report(self) -> str:
        fields = ", ".join(f"{name} {count}" for name, count in self.fields.items())
        return (
            f"\nXSS corpus: {len(VECTORS)} vectors in {len(FAMILIES)} families; fields: {fields}\n"
            f"  Chromium: {self.pages} pages, {self.elements} elements focused, hovered and clicked\n"
            f"  dialogs: {len(self.dialogs)}, requests to another origin: {len(self.foreign)}, "
            f"CSP violations: {len(self.violations)}, rendered on*/dangerous URLs: {len(self.rendered)} "
            f"(links to other sites clicked, and stopped: {len(self.links_followed)})\n"
            f"  feeds: {self.feeds} scanned ({self.feed_items} items), e-mails: {self.mails} scanned; "
            f"errors: {len(self.errors)}\n  time: {', '.join(self.laps)}"
        )


class _Dangerous(HTMLParser):
    """What in an HTML document (a feed item, an e-mail) could run script or load from elsewhere."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "base", "svg", "math", "frame", "style", "link"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            cleaned = re.sub(r"[\x00-\x20\x7f-\x9f\u200b-\u200d\ufeff]", "", value or "").lower()
            # E-mails style their own markup inline (mail clients want it so): only a style that loads is suspect.
            loads = name == "style" and ("url(" in cleaned or "expression" in cleaned)
            runs = name.startswith("on") or name in {"srcdoc", "http-equiv"} or loads
            if runs or name in URL_ATTRIBUTES and cleaned.startswith(DANGEROUS_SCHEMES):
                self.found.append(f"{tag} {name}={value}")


def dangerous_html(markup: str) -> list[str]:
    parser = _Dangerous()
    parser.feed(markup)
    parser.close()
    return parser.found


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(client: Client, page_url: str, action_url: str | None = None, **changes):
    """GET the page, fill its form as a browser would, POST it; the response."""
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    return client.post(action_url or page_url, form_data(page.content.decode(), **changes))


def session_cookie(client: Client, origin: str) -> list[dict]:
    return [{"name": name, "value": morsel.value, "url": origin} for name, morsel in client.cookies.items()]


def _profile_url(user) -> str | None:
    for name in ("accounts:profile", "accounts:public_profile", "accounts:user"):
        try:
            return reverse(name, args=[user.pk])
        except NoReverseMatch:
            continue
    return None


def test_xss_corpus_through_every_field(live_server, new_page, shoot, settings, capsys):
    settings.COMMENTS_RATE_PER_MINUTE = settings.COMMENTS_RATE_PER_HOUR = 10**6
    settings.COMMENTS_REPORT_THRESHOLD = 10**6
    settings.COMMENTS_MAX_LINKS = 10**6
    settings.BLOG_PAGE_CACHE_SECONDS = 0
    figures = Figures(live_server.url)
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina")
    superuser = User.objects.create_superuser("root@example.org", "motdepasse-solide-42", display_name="Racine")
    on_comments, on_replies, on_edits = (PostFactory(title=f"Corpus {n}", slug=f"corpus-{n}") for n in range(3))
    parent = CommentFactory(post=on_replies, body="Le commentaire auquel tout le monde répond.", status="approved")
    reader = UserFactory(display_name="Lectrice ordinaire")
    staff = logged_in(moderator)

    # 1. Every vector as a display name and a bio, a comment, a reply, a first text later edited, a report reason.
    authors = []
    for i, vector in enumerate(VECTORS):
        author = UserFactory(display_name=f"Auteur {i}")
        client = logged_in(author)
        profile = reverse("accounts:profile_edit")
        page = client.get(profile).content.decode()
        response = client.post(profile, form_data(page, display_name=vector[:50], bio=vector))
        assert response.status_code in {302, 422}
        figures.fields["display name"] = figures.fields.get("display name", 0) + (response.status_code == 302)
        if response.status_code == 422:  # the name was refused (with a message): the bio goes in under a plain name
            response = client.post(profile, form_data(page, display_name=f"Auteur {i}", bio=vector))
        assert response.status_code == (422 if "\x00" in vector else 302), (profile, vector, response.status_code)
        figures.fields["bio"] = figures.fields.get("bio", 0) + (response.status_code == 302)
        create = reverse("comments:create", args=[on_comments.pk])
        texts = [(on_comments, vector, ""), (on_replies, vector, parent.pk), (on_edits, f"Premier jet {i}.", "")]
        for post, body, parent_pk in texts:
            response = client.post(
                reverse("comments:create", args=[post.pk]),
                {"body": body, "parent": parent_pk, "submission_key": uuid.uuid4(), "notify_replies": "on"},
            )
            # A NUL character is refused by the form itself (Django's ProhibitNullCharactersValidator).
            assert response.status_code == (422 if "\x00" in body else 302), (create, vector, response.status_code)
        response = client.post(reverse("comments:report", args=[parent.pk]), {"reason": vector})
        assert response.status_code == (422 if "\x00" in vector else 302), vector
        authors.append(author)
    stored = Comment.objects.filter(body__in=STORABLE)
    figures.fields.update(
        {
            "comment": stored.filter(post=on_comments).count(),
            "reply": stored.filter(post=on_replies).count(),
            "report reason": parent.reports.count(),
        }
    )
    assert figures.fields["comment"] == figures.fields["reply"] == len(VECTORS) - REFUSED

    def approve_everything():
        pending = list(Comment.objects.filter(status="pending").values_list("pk", flat=True)) + list(
            Comment.objects.exclude(pending_body="").values_list("pk", flat=True)
        )
        changelist = reverse("admin:comments_comment_changelist")
        data = {"action": "approve", "_selected_action": pending, "index": 0}
        response = staff.post(f"{changelist}?statut=tous", data)
        assert response.status_code == 302
        assert not Comment.objects.filter(status="pending").exists()
        assert not Comment.objects.exclude(pending_body="").exists()

    approve_everything()
    # The edits: each author rewrites their first text with the vector, the moderator approves the edit.
    for i, (author, vector) in enumerate(zip(authors, VECTORS, strict=True)):
        comment = Comment.objects.get(post=on_edits, author=author)
        response = logged_in(author).post(reverse("comments:edit", args=[comment.pk]), {"body": vector})
        assert response.status_code == (422 if "\x00" in vector else 302), (i, vector)
    approve_everything()
    figures.fields["edit"] = Comment.objects.filter(post=on_edits, body__in=STORABLE).count()
    assert figures.fields["edit"] == len(VECTORS) - REFUSED

    figures.lap("fields")
    # 2. A post whose body is the whole corpus, written by the superuser through the admin's form.
    admin = logged_in(superuser)
    admin_post = PostFactory(title="Corpus dans le billet", slug="corpus-billet", author=superuser)
    change = reverse("admin:blog_post_change", args=[admin_post.pk])
    response = submit(admin, change, body="\n\n".join(v for v in VECTORS if "\x00" not in v))
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode())
    admin_post.refresh_from_db()
    assert VECTORS[0] in admin_post.body
    figures.fields["post body (admin)"] = len(VECTORS)

    # 3. Chromium: anonymous pages, a logged-in reader's, the moderator's admin pages, every search.
    figures.lap("admin post")
    origin = live_server.url
    anonymous = new_page()
    figures.watch(anonymous)
    for post in (on_comments, on_replies, on_edits, admin_post):
        figures.visit(anonymous, f"{origin}{post.get_absolute_url()}")
    shoot(anonymous, "security-xss-post")
    figures.visit(anonymous, f"{origin}/")
    for author in authors[:10]:
        if url := _profile_url(author):
            figures.visit(anonymous, f"{origin}{url}")

    reading = new_page()
    reading.context.add_cookies(session_cookie(logged_in(reader), origin))
    figures.watch(reading)
    figures.visit(reading, f"{origin}{on_comments.get_absolute_url()}")
    figures.visit(reading, f"{origin}{on_replies.get_absolute_url()}")
    own = new_page()
    own.context.add_cookies(session_cookie(logged_in(authors[0]), origin))
    figures.watch(own)
    figures.visit(own, f"{origin}{reverse('comments:mine')}")
    figures.visit(own, f"{origin}{reverse('accounts:preferences')}")

    moderating = new_page()
    moderating.context.add_cookies(session_cookie(staff, origin))
    figures.watch(moderating)
    changelist = reverse("admin:comments_comment_changelist")
    figures.visit(moderating, f"{origin}{changelist}?statut=approved")
    figures.visit(moderating, f"{origin}{reverse('admin:comments_comment_change', args=[parent.pk])}")
    figures.visit(moderating, f"{origin}{reverse('admin:accounts_user_changelist')}")
    figures.visit(moderating, f"{origin}{reverse('admin:accounts_user_change', args=[authors[0].pk])}")
    shoot(moderating, "security-xss-admin")

    figures.lap("pages")
    try:
        search = reverse("blog:search")
    except NoReverseMatch:
        search = None
    if search:
        searching = new_page()
        figures.watch(searching)
        for vector in VECTORS:
            searching.proof_loading = True
            searching.goto(f"{origin}{search}?q={_quote(vector)}", wait_until="domcontentloaded", timeout=60_000)
            searching.proof_loading = False
            figures.rendered += [f"search {vector!r}: {f}" for f in searching.evaluate(SCAN, URL_ATTRIBUTES)]
        figures.pages += len(VECTORS)
        figures.visit(searching, f"{origin}{search}?q={_quote(VECTORS[0])}")
        figures.fields["search query"] = len(VECTORS)

    figures.lap("search")
    # 4. Feeds and e-mails.
    for name, args in (("blog:feed_rss", []), ("blog:feed_atom", []), ("comments:feed_rss", []),
                       ("comments:feed_atom", []), ("comments:post_feed_rss", [on_comments.slug]),
                       ("comments:post_feed_atom", [on_replies.slug])):  # fmt: skip
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        try:
            response = Client(raise_request_exception=False).get(url)
        except Exception as error:  # noqa: BLE001 (counted, and failed below)
            figures.errors.append(f"{url}: {error!r}")
            continue
        if response.status_code != 200:
            figures.errors.append(f"{url}: HTTP {response.status_code}")
            continue
        figures.feeds += 1
        for element in ET.fromstring(response.content).iter():  # noqa: S314 (our own feed, just made)
            # Titles are plain text in RSS and Atom (escaped once in the XML); descriptions are HTML.
            if element.tag.rsplit("}", 1)[-1] in {"description", "content", "summary"} and element.text:
                figures.feed_items += 1
                figures.rendered += [f"{url}: {f}" for f in dangerous_html(element.text)]
    for message in mail.outbox:
        figures.mails += 1
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                figures.rendered += [f"mail {message.subject!r}: {f}" for f in dangerous_html(content)]

    figures.lap("feeds and e-mails")
    with capsys.disabled():
        print(figures.report())
    details = {"errors": figures.errors, "dialogs": figures.dialogs, "foreign requests": figures.foreign,
               "CSP violations": figures.violations, "rendered": figures.rendered,
               "links followed": figures.links_followed}  # fmt: skip
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "security-xss-findings.txt").write_text(
        "\n\n".join(f"## {name} ({len(rows)})\n" + "\n".join(sorted(set(rows))) for name, rows in details.items())
    )
    assert figures.errors == []
    assert figures.dialogs == []
    assert figures.foreign == []
    assert figures.violations == []
    assert figures.rendered == []
    assert figures.elements > 10 * len(VECTORS)
    assert figures.mails > 0


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
