"""export_blog: Causerie's backup (JSON) and WXR, read back by our own importers; a constant number of queries."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blog.models import Category, Post, Tag
from comments.models import Comment
from tests.factories import CategoryFactory, CommentFactory, PostFactory, UserFactory
from transfer.export import causerie_json

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def blog(blog_author):
    """Two posts (one a draft), a page, categories with a parent, tags, a thread with every status."""
    parent = CategoryFactory(name="Voyages", slug="voyages")
    child = Category.objects.create(name="Alpes", slug="alpes", parent=parent)
    tag = Tag.objects.create(name="Neige", slug="neige")
    post = PostFactory(author=blog_author, slug="col", title="Le col", published_at=WHEN, body="Du *Markdown*.")
    post.categories.set([child])
    post.tags.set([tag])
    PostFactory(author=blog_author, slug="brouillon", status=Post.Status.DRAFT, published_at=WHEN)
    PostFactory(
        author=blog_author,
        slug="a-propos",
        kind=Post.Kind.PAGE,
        published_at=WHEN,
        body="<p>Moi</p>",
        body_format=Post.BodyFormat.HTML,
    )
    reader = UserFactory(email="lectrice@example.org", display_name="Lectrice")
    first = CommentFactory(
        post=post, author=reader, body="Premier [lien](https://example.org).", status=Comment.Status.APPROVED
    )
    reply = CommentFactory(
        post=post, author=blog_author, parent=first, depth=1, body="Réponse.", status=Comment.Status.APPROVED
    )
    CommentFactory(post=post, author=reader, parent=reply, depth=2, body="En attente.")
    CommentFactory(post=post, author=reader, body="Pourriel.", status=Comment.Status.SPAM)
    CommentFactory(post=post, author=reader, body="Refusé.", status=Comment.Status.REJECTED)
    gone = CommentFactory(post=post, author=reader, body="", status=Comment.Status.APPROVED, removed_at=WHEN)
    CommentFactory(post=post, author=blog_author, parent=gone, depth=1, body="Sous un retiré.", status="approved")
    for n, comment in enumerate(Comment.objects.order_by("pk")):
        Comment.objects.filter(pk=comment.pk).update(created_at=WHEN.replace(hour=10 + n))
    return post


def snapshot():
    """What must survive a round trip, by slugs, names and dates (never by primary keys)."""
    posts = {
        (
            p.slug,
            p.kind,
            p.title,
            p.body,
            p.body_format,
            p.status,
            p.published_at,
            tuple(sorted(c.slug for c in p.categories.all())),
            tuple(sorted(t.slug for t in p.tags.all())),
        )
        for p in Post.objects.all()
    }
    comments = {
        (
            c.post.slug,
            c.body,
            c.status,
            c.created_at,
            c.parent.body if c.parent else "",
            c.author.display_name,
            c.removed_at,
        )
        for c in Comment.objects.select_related("post", "parent", "author")
    }
    categories = {(c.slug, c.name, c.parent.slug if c.parent else "") for c in Category.objects.all()}
    return posts, comments, categories, {(t.slug, t.name) for t in Tag.objects.all()}


def empty_the_blog():
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()


class TestJsonExport:
    def test_schema(self, blog):
        out = StringIO()
        call_command("export_blog", "--format", "json", stdout=out)
        data = json.loads(out.getvalue())
        assert data["format"] == "causerie-backup/1"
        assert {"slug": "alpes", "name": "Alpes", "parent": "voyages"} in data["categories"]
        col = next(p for p in data["posts"] if p["slug"] == "col")
        assert col["author_email"] == "auteur@example.org" and col["categories"] == ["alpes"]
        assert col["body_format"] == "markdown" and col["published_at"] == WHEN.isoformat()
        replies = [c for c in col["comments"] if c["parent"]]
        assert len(col["comments"]) == 7 and len(replies) == 3
        assert {c["author_email"] for c in col["comments"]} == {"lectrice@example.org", "auteur@example.org"}

    def test_no_emails(self, blog):
        out = StringIO()
        call_command("export_blog", "--no-emails", stdout=out)
        assert "@example.org" not in out.getvalue()
        assert json.loads(out.getvalue())["posts"][0]["author_email"] == ""

    def test_round_trip_into_an_empty_causerie(self, blog, tmp_path):
        before = snapshot()
        path = tmp_path / "sauvegarde.json"
        call_command("export_blog", "-o", str(path))
        empty_the_blog()
        call_command("import_blog", str(path), "--json", stdout=StringIO())  # the format found by itself
        assert snapshot() == before
        assert Post.objects.get(slug="col").approved_comment_count == 3  # the removed one not counted
        again = StringIO()
        call_command("export_blog", stdout=again)  # imported commenters: their original address, not a .invalid
        emails = {c["author_email"] for p in json.loads(again.getvalue())["posts"] for c in p["comments"]}
        assert emails == {"lectrice@example.org", "auteur@example.org"}

    def test_bad_path_is_a_clear_error(self, blog):
        with pytest.raises(CommandError, match="Impossible d’écrire /nonexistent/dir/x.json"):
            call_command("export_blog", "-o", "/nonexistent/dir/x.json")

    def test_exit_status_is_1_for_a_bad_path(self, blog):
        import subprocess
        import sys

        from django.conf import settings

        refused = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "export_blog", "-o", "/nonexistent/dir/x.json"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode == 1 and "/nonexistent/dir/x.json" in refused.stderr and refused.stdout == ""

    def test_queries_do_not_grow_with_posts(self, blog, blog_author, django_assert_max_num_queries):
        with django_assert_max_num_queries(8):
            causerie_json.write(StringIO())
        for _n in range(20):
            post = PostFactory(author=blog_author)
            CommentFactory(post=post, status=Comment.Status.APPROVED)
        with django_assert_max_num_queries(8):
            causerie_json.write(StringIO())


def threads():
    """Each comment by post, status and date, with its parent's date: the threads, primary keys aside.

    WXR has no « removed by its author »: such a comment goes as `trash`, and comes back refused, its replies kept.
    """
    return sorted(
        (c.post.slug, "rejected" if c.removed_at else c.status, c.created_at, c.parent.created_at if c.parent else None)
        for c in Comment.objects.select_related("post", "parent")
    )


class TestWxrExport:
    def test_shape_of_a_wordpress_export(self, blog):
        from xml.etree import ElementTree

        out = StringIO()
        call_command("export_blog", "--format", "wxr", stdout=out)
        text = out.getvalue()
        assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
        ns = {"wp": "http://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/"}
        root = ElementTree.fromstring(text.encode())  # noqa: S314 — our own output
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        assert channel.findtext("wp:wxr_version", namespaces=ns) == "1.2"
        assert channel.find("wp:author/wp:author_email", ns).text == "auteur@example.org"
        alpes = [
            c
            for c in channel.findall("wp:category", ns)
            if c.findtext("wp:category_nicename", namespaces=ns) == "alpes"
        ]
        assert alpes[0].findtext("wp:category_parent", namespaces=ns) == "voyages"
        items = {i.findtext("wp:post_name", namespaces=ns): i for i in channel.findall("item")}
        assert {k: i.findtext("wp:status", namespaces=ns) for k, i in items.items()} == {
            "col": "publish",
            "brouillon": "draft",
            "a-propos": "publish",
        }
        assert items["a-propos"].findtext("wp:post_type", namespaces=ns) == "page"
        assert "<em>Markdown</em>" in items["col"].findtext("content:encoded", namespaces=ns)
        assert "<![CDATA[" in text
        approved = sorted(
            c.findtext("wp:comment_approved", namespaces=ns) for c in items["col"].findall("wp:comment", ns)
        )
        assert approved == ["0", "1", "1", "1", "spam", "trash", "trash"]  # removed by its author: trash
        first = items["col"].find("wp:comment", ns)
        assert first.findtext("wp:comment_date", namespaces=ns) == "2026-03-01 11:30:00"  # Paris, UTC+1
        assert first.findtext("wp:comment_date_gmt", namespaces=ns) == "2026-03-01 10:30:00"

    def test_cdata_end_and_control_characters_stay_valid_xml(self, blog_author):
        from xml.etree import ElementTree

        PostFactory(author=blog_author, slug="piege", title="Titre\x0b piégé", body="Un `]]>` et un \x01.")
        out = StringIO()
        call_command("export_blog", "--format", "wxr", stdout=out)
        item = ElementTree.fromstring(out.getvalue().encode()).find("channel/item")  # noqa: S314 — our own output
        assert item.findtext("title") == "Titre piégé"
        assert "]]&gt;" in item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")

    def test_future_post(self, blog_author):
        from django.utils import timezone

        PostFactory(author=blog_author, slug="demain", published_at=timezone.now() + timezone.timedelta(days=2))
        out = StringIO()
        call_command("export_blog", "--format", "wxr", "--no-emails", stdout=out)
        assert "<wp:status>future</wp:status>" in out.getvalue() and "@example.org" not in out.getvalue()

    def test_round_trip_through_our_wxr_importer(self, blog, tmp_path):
        posts = sorted(Post.objects.values_list("slug", "kind", "status", "published_at"))
        before = threads()
        path = tmp_path / "wordpress.xml"
        call_command("export_blog", "--format", "wxr", "-o", str(path))
        empty_the_blog()
        call_command("import_blog", str(path), "--json", stdout=StringIO())
        assert sorted(Post.objects.values_list("slug", "kind", "status", "published_at")) == posts
        assert threads() == before
        assert Category.objects.get(slug="alpes").parent.slug == "voyages"
        assert "lien" in Comment.objects.get(created_at=WHEN.replace(hour=10)).body

    def test_queries_do_not_grow_with_posts(self, blog, blog_author, django_assert_max_num_queries):
        from transfer.export import wxr

        with django_assert_max_num_queries(9):
            wxr.write(StringIO())
        for _n in range(20):
            CommentFactory(post=PostFactory(author=blog_author), status=Comment.Status.APPROVED)
        with django_assert_max_num_queries(9):
            wxr.write(StringIO())


class TestAdminDownload:
    def test_a_moderator_is_refused(self, client, blog):
        from tests.factories import ModeratorFactory

        client.force_login(ModeratorFactory())
        assert client.get("/admin/transfer/redirect/export/json/").status_code == 403
        assert "blog-export" not in client.get("/admin/").content.decode()

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, blog):
        assert client.get("/admin/transfer/redirect/export/json/").status_code == 302

    @pytest.mark.parametrize(
        ("fmt", "content_type", "extension"),
        [
            ("json", "application/json; charset=utf-8", "json"),
            ("wxr", "text/xml; charset=utf-8", "xml"),
        ],
    )
    def test_a_superuser_downloads(self, client, blog, django_user_model, fmt, content_type, extension):
        from django.urls import reverse

        client.force_login(django_user_model.objects.create_superuser("root@example.org", "x", display_name="Root"))
        assert reverse("admin:transfer_export", args=[fmt]) in client.get("/admin/").content.decode()
        response = client.get(reverse("admin:transfer_export", args=[fmt]))
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith('attachment; filename="causerie-')
        assert response["Content-Disposition"].endswith(f'.{extension}"')
        body = b"".join(response.streaming_content).decode()
        assert "Le col" in body and "lectrice@example.org" in body

    def test_without_emails(self, client, blog, django_user_model):
        client.force_login(django_user_model.objects.create_superuser("root@example.org", "x", display_name="Root"))
        response = client.get("/admin/transfer/redirect/export/json/?emails=0")
        assert "sans-e-mails" in response["Content-Disposition"]
        assert "@example.org" not in b"".join(response.streaming_content).decode()
