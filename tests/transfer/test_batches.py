"""Comments written in batches: the number of queries follows the posts, not the comments; threads, dates and
rendering are the same whether a batch is rendered here or by worker processes, and across batch boundaries."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments.models import Comment, HoldReason
from markup.render import read_comment
from tests.transfer.wxr_builder import comment, item, wxr
from transfer import pending, threads
from transfer.models import Redirect, Source
from transfer.services import blog_import

pytestmark = pytest.mark.django_db


def blog(posts: int, per_post: int) -> str:
    items = []
    for pid in range(1, posts + 1):
        first = pid * 1000
        comments = [
            comment(
                first + n,
                parent=first + n - 1 if n % 3 == 2 else 0,  # every third one answers the one before
                status="0" if n % 5 == 4 else "1",
                email=f"lecteur{n % 4}@example.org",
                date=f"2019-03-0{pid % 9 + 1} 08:{n % 60:02d}:00",
                text=f"Commentaire {n} du billet {pid}, écrit par moi@example.org ou 06 12 34 56 78",
            )
            for n in range(per_post)
        ]
        items.append(item(pid, comments=comments))
    return wxr(*items)


def queries_for(export, posts: int, per_post: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        blog_import(path=export(blog(posts, per_post), f"blog-{posts}-{per_post}.xml"))
    return len(captured)


def wipe():
    """Back to an empty blog (the author kept): the next import creates everything again."""
    Post.objects.all().delete()
    Source.objects.all().delete()
    Redirect.objects.all().delete()
    get_user_model().objects.filter(imported_commenter__isnull=False).delete()


def test_queries_do_not_grow_with_the_comments(blog_author, export):
    few = queries_for(export, 5, 3)
    wipe()
    many = queries_for(export, 5, 60)  # the same five posts, twenty times the comments
    assert Comment.objects.count() == 300
    assert many <= few + 5, (few, many)


def test_batches_and_workers_give_the_same_comments(blog_author, export, monkeypatch):
    monkeypatch.setattr(threads, "BATCH", 7)  # a batch boundary every post or so
    monkeypatch.setattr(threads, "PARALLEL_MIN", 1)  # rendered by worker processes
    report = blog_import(path=export(blog(4, 9)))
    assert report.created == 4 + 36
    assert Comment.objects.count() == 36
    for saved in Comment.objects.select_related("parent"):
        assert saved.body_html == read_comment(saved.body).html  # masked and sanitized as any comment
        assert "06 12 34 56 78" not in saved.body_html and "moi@example.org" not in saved.body_html
        assert saved.created_at.year == 2019 and saved.created_at.hour == 8
        if saved.parent is not None:
            assert saved.parent.post_id == saved.post_id and saved.depth == 1
    assert HoldReason.objects.count() == Comment.objects.filter(status="pending").count() > 0
    again = blog_import(path=export(blog(4, 9), "again.xml"))
    assert again.created == 0 and again.unchanged == 40


def test_counts_on_posts_follow(blog_author, export, monkeypatch):
    monkeypatch.setattr(threads, "BATCH", 5)
    blog_import(path=export(blog(3, 10)))
    for post in Post.objects.all():
        assert post.approved_comment_count == post.comments.filter(status="approved").count() > 0
        # Written in bulk, made as save() makes them: the HTML and reading time of the body.
        assert post.body_html == post.render_body() and "<p>Premier paragraphe.</p>" in post.body_html
        assert post.reading_minutes >= 1


def test_posts_sources_and_addresses_across_bulk_boundaries(blog_author, export, monkeypatch):
    monkeypatch.setattr(pending, "POSTS", 2)  # new posts written two at a time
    monkeypatch.setattr(pending, "SIZE", 3)  # sources and old addresses three at a time
    monkeypatch.setattr(threads, "BATCH", 4)
    text = blog(7, 3)
    report = blog_import(path=export(text))
    assert report.created == 7 + 21 and report.redirects == 7 * 2  # each post: /?p=ID and its permalink
    assert Source.objects.filter(kind=Source.Kind.POST).count() == 7
    for source in Source.objects.filter(kind=Source.Kind.POST):
        post = Post.objects.get(pk=source.object_id)
        assert post.comments.count() == 3 and source.stamp == post.updated_at
    assert Redirect.objects.get(old_path="/?p=5").post.title == "Un billet"
    again = blog_import(path=export(text, "again.xml"))
    assert again.created == 0 and again.unchanged == 28
