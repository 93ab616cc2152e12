"""Blogger's backup: a link to an old comment lands on it; comment text escaped twice is decoded once."""

import pytest

from comments.models import Comment
from transfer.formats.blogger import comment_html
from transfer.models import Redirect
from transfer.services import blog_import

pytestmark = pytest.mark.django_db

BLOG = "tag:blogger.com,1999:blog-77"
KIND = "http://schemas.google.com/g/2005#kind"
POST_URL = "https://ancien.blogspot.com/2013/05/mon-billet.html"


def post_entry(number=1):
    return f"""<entry><id>{BLOG}.post-{number}</id><published>2013-05-02T10:00:00.000+02:00</published>
<category scheme="{KIND}" term="http://schemas.google.com/blogger/2008/kind#post"/>
<title type="text">Mon billet</title><content type="html">&lt;p&gt;Bonjour&lt;/p&gt;</content>
<link rel="alternate" type="text/html" href="{POST_URL}"/>
<author><name>Autrice</name><email>noreply@blogger.com</email></author></entry>"""


def comment_entry(number, content, *, link=True, parent=None):
    alternate = f'<link rel="alternate" type="text/html" href="{POST_URL}?showComment={number}#c{number}"/>'
    related = f'<link rel="related" href="https://www.blogger.com/feeds/77/1/comments/default/{parent}"/>'
    return f"""<entry><id>{BLOG}.post-{number}</id><published>2013-05-03T10:00:00.000+02:00</published>
<category scheme="{KIND}" term="http://schemas.google.com/blogger/2008/kind#comment"/>
<content type="html">{content}</content>{alternate if link else ""}{related if parent else ""}
<author><name>Lecteur {number}</name><email>noreply@blogger.com</email></author>
<thr:in-reply-to href="{POST_URL}" ref="{BLOG}.post-1" type="text/html"/></entry>"""


def blogger_file(*entries):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<id>{BLOG}.archive</id><title type="text">Ancien</title>
<link rel="alternate" type="text/html" href="https://ancien.blogspot.com/"/>
{"".join(entries)}</feed>"""


@pytest.fixture
def imported(blog_author, export):
    text = blogger_file(
        post_entry(),
        comment_entry(123, "Premier"),
        comment_entry(124, "Réponse", parent=123),
        comment_entry(125, "Sans lien propre", link=False),
    )
    return blog_import(path=export(text), author_email=blog_author.email)


class TestLinksToOldComments:
    def test_show_comment_lands_on_that_comment(self, client, imported):
        comment = Comment.objects.get(body="Premier")
        response = client.get("/2013/05/mon-billet.html?showComment=123")
        assert response.status_code == 301
        assert response["Location"] == f"/billets/mon-billet/#comment-{comment.pk}"

    def test_a_reply_lands_on_the_reply(self, client, imported):
        reply = Comment.objects.get(body="Réponse")
        assert reply.parent.body == "Premier"
        response = client.get("/2013/05/mon-billet.html?showComment=124&m=1")  # Blogger's mobile flag ignored
        assert response["Location"] == f"/billets/mon-billet/#comment-{reply.pk}"

    def test_without_its_own_link_the_comment_id_names_it(self, client, imported):
        comment = Comment.objects.get(body="Sans lien propre")
        response = client.get("/2013/05/mon-billet.html?showComment=125")
        assert response["Location"] == f"/billets/mon-billet/#comment-{comment.pk}"

    def test_an_unknown_comment_lands_on_the_post(self, client, imported):
        response = client.get("/2013/05/mon-billet.html?showComment=999")
        assert response.status_code == 301
        assert response["Location"] == "/billets/mon-billet/"

    def test_counted_once_and_not_again(self, blog_author, export, imported):
        assert imported.redirects == 1 + 3  # the post's old address, and one per comment
        assert Redirect.objects.filter(fragment__startswith="comment-").count() == 3
        again = blog_import(
            path=export(blogger_file(post_entry(), comment_entry(123, "Premier")), "again.xml"),
            author_email=blog_author.email,
        )
        assert again.created == 0
        assert Redirect.objects.filter(fragment__startswith="comment-").count() == 3


class TestTwiceEscapedComments:
    # As an export holds it, inside <content type="html">: escaped for XML, then once more.
    TWICE = "C&amp;amp;#39;est vrai&amp;lt;br /&amp;gt;Merci &amp;amp;amp; bravo"

    def test_decoded_once_on_import(self, blog_author, export):
        path = export(blogger_file(post_entry(), comment_entry(7, self.TWICE)))
        blog_import(path=path, author_email=blog_author.email)
        comment = Comment.objects.get()
        assert comment.body == "C'est vrai\nMerci & bravo"
        assert "Merci &amp; bravo" in comment.body_html  # the & shown once, as HTML writes it
        assert "&amp;amp;" not in comment.body_html and "&#39;" not in comment.body_html
        assert "lt;" not in comment.body_html

    @pytest.mark.parametrize(
        ("read", "expected"),
        [
            ("C&amp;#39;est &lt;b&gt;gras&lt;/b&gt;", "C&#39;est <b>gras</b>"),  # escaped twice: decoded once
            ("&lt;br /&gt;", "<br />"),
            ("C'est <b>gras</b> &amp; net", "C'est <b>gras</b> &amp; net"),  # real HTML: left as it is
            ("Un &amp; deux", "Un &amp; deux"),  # escaped once only: left as it is
            ("&amp;lt;script&amp;gt;", "&lt;script&gt;"),  # decoded once, not twice
        ],
    )
    def test_comment_html(self, read, expected):
        assert comment_html(read) == expected
