"""The front entry (caching/middleware.py, caching/pages.py): an anonymous page's last public answer,
served before the session, the user and the view — and to nobody it was not made for."""

import re

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.test import Client
from django.utils import translation

from caching.middleware import FrontEntryMiddleware
from caching.pages import NONCE_PLACEHOLDER
from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _front_on(settings):
    settings.BLOG_PAGE_FRONT_SECONDS = 5
    caches[settings.BLOG_PAGE_FRONT_CACHE].clear()


@pytest.fixture
def page(post):
    CommentFactory(post=post, status=Comment.Status.APPROVED, body="Un avis publié.")
    url = post.get_absolute_url()
    first = Client().get(url)
    assert first.status_code == 200 and "Un avis publié." in first.content.decode()
    return url, first


def test_a_visitor_without_cookies_gets_it_without_a_query_and_with_the_same_headers(page, django_assert_num_queries):
    url, first = page
    with django_assert_num_queries(0):
        again = Client().get(url)
    assert again.content == first.content
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Language", "Content-Type"):
        assert again[header] == first[header], header
    assert again["Content-Length"] == str(len(again.content))
    assert "Set-Cookie" not in again


def test_each_visitor_gets_their_own_csp_nonce_where_the_page_has_one(rf):
    """No template uses the nonce today; a page that does gets each visitor's own, in the page and the header."""
    html = f'<script nonce="{NONCE_PLACEHOLDER}">1</script><p>{NONCE_PLACEHOLDER}</p>'.encode()

    def view(request):
        made = HttpResponse(html)
        made["Cache-Control"] = "public, max-age=60"
        made.front_entry = ('W/"x"', None, tuple(html.split(NONCE_PLACEHOLDER.encode())))
        return made

    stack = ContentSecurityPolicyMiddleware(FrontEntryMiddleware(view))
    stack(rf.get("/billets/un-billet/"))  # kept
    answers = [stack(rf.get("/billets/un-billet/")) for _ in range(2)]
    nonces = [re.search(r"'nonce-([^']+)'", answer["Content-Security-Policy"]).group(1) for answer in answers]
    assert nonces[0] != nonces[1]
    for answer, nonce in zip(answers, nonces, strict=True):
        assert answer.content == f'<script nonce="{nonce}">1</script><p>{nonce}</p>'.encode()


def test_a_matching_etag_gets_a_304_without_a_body(page, django_assert_num_queries):
    url, first = page
    with django_assert_num_queries(0):
        revalidated = Client().get(url, headers={"if-none-match": first["ETag"]})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == first["ETag"] and "Content-Language" not in revalidated


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_session_or_messages_cookie_goes_to_the_view(page, cookie, django_assert_max_num_queries):
    url, _ = page
    client = Client()
    client.cookies[cookie] = "quelque-chose"
    with django_assert_max_num_queries(20) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) > 0  # the session looked up, the post read: not the front entry


def test_a_logged_in_reader_never_gets_it(page, post, reader):
    url, _ = page
    CommentFactory(post=post, author=reader, body="Mon avis, en attente.")
    me = Client()
    me.force_login(reader)
    response = me.get(url)
    assert "Mon avis, en attente." in response.content.decode() and "private" in response["Cache-Control"]


def test_each_language_has_its_own_entry(post):
    french = post.get_absolute_url()
    with translation.override("en"):
        english = post.get_absolute_url()
    assert english.startswith("/en/")
    for _ in range(2):  # the second round from the entries
        assert Client().get(french)["Content-Language"] == "fr"
        answer = Client().get(english)
        assert answer["Content-Language"] == "en" and '<html lang="en"' in answer.content.decode()


def test_a_host_outside_allowed_hosts_is_refused_even_with_an_entry(page):
    url, _ = page
    assert Client(HTTP_HOST="evil.example").get(url).status_code == 400


def test_a_query_string_the_page_cache_does_not_keep_is_not_kept(post, settings):
    # Answered afresh (?reply= makes the reply form), never a front entry.
    Client().get(f"{post.get_absolute_url()}?reply=1")
    assert caches[settings.BLOG_PAGE_FRONT_CACHE].items() == []


def test_head_is_answered_from_it(page, django_assert_num_queries):
    url, first = page
    with django_assert_num_queries(0):
        head = Client().head(url)
    assert head.status_code == 200 and head["ETag"] == first["ETag"]
