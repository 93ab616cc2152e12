"""Every real WordPress and Blogger export in ../shared/import-samples/, imported with its counts, then again.

The counts are written out per file, from reading the files (their MANIFEST.md, checked): what each
holds and maps to each state. Items without a status (isso's trimmed file) are drafts: never public
on a guess. Several files share a site address and post ids (http://localhost), so each is imported
into an empty database.
"""

from pathlib import Path

import pytest
from django.conf import settings

from blog.models import Post
from comments.models import Comment
from transfer.services import blog_import

pytestmark = pytest.mark.django_db

# CI clones the project next to shared/ (as /work/main sits next to /work/shared); a git worktree
# one level deeper (/work/wt/<branch>) finds it one level up.
_CANDIDATES = [Path(settings.BASE_DIR).parent / "shared", Path(settings.BASE_DIR).parent.parent / "shared"]
SAMPLES = next((path / "import-samples" for path in _CANDIDATES if (path / "import-samples").is_dir()), None)


def counts(published, draft, pages, approved, *, pending=0, spam=0, rejected=0, skipped=None, redirects, claimable=0):
    return {
        "posts": {"published": published, "draft": draft, "scheduled": 0},
        "pages": pages,
        "comments": {"approved": approved, "pending": pending, "spam": spam, "rejected": rejected},
        "skipped": {"pingback": 0, "trackback": 0, **(skipped or {})},
        "redirects": redirects,
        "claimable": claimable,
    }


EXPECTED = {
    # 3 items: 1 published post, 2 bare items (no type, no status); 8 comments, 2 levels; comment id 11 twice.
    "isso-wordpress.xml": counts(1, 2, 0, 8, redirects=4, claimable=3),
    # 7 published, 4 drafts, 2 pages; 3 comments + a trashed pingback; 4 attachments, 3 custom-type items.
    "pelican-wordpressexport.xml": counts(
        7,
        4,
        2,
        3,
        redirects=15,
        claimable=2,
        skipped={"pingback": 1, "attachment": 4, "custom1": 2, "custom2": 1},
    ),
    "wpimporter-slashes.xml": counts(1, 0, 0, 1, redirects=1),
    # 5 published posts and 1 private (a draft here); 5 pages, one a draft.
    "wpimporter-small-export.xml": counts(5, 1, 5, 1, redirects=11),
    "wpimporter-valid-wxr-1.0.xml": counts(3, 0, 3, 1, redirects=6),
    "wpimporter-valid-wxr-1.1.xml": counts(1, 0, 1, 1, redirects=2),
    "wpimporter-wxr-utf-8-challenges.xml": counts(1, 0, 0, 0, redirects=1),
}


BLOGGER = {
    # Blogger's classic backups: settings and the template never come in (the owner's e-mail is there).
    # Redirects: the posts' old addresses, and the comment's own link (…html?showComment=…).
    "hakyllconvert-blogger-000-input.xml": counts(2, 1, 0, 1, redirects=3, skipped={"settings": 56, "template": 1}),
    # The same blog re-exported: post links now https, the comment's still http (joined by thr:in-reply-to).
    "hakyllconvert-blogger-002-input.xml": counts(2, 1, 0, 1, redirects=3, skipped={"settings": 55, "template": 1}),
    # An undeclared app: prefix, repaired with a warning; a draft post and a draft page have no address.
    "pelican-bloggerexport.xml": counts(1, 1, 2, 1, redirects=3, skipped={"settings": 58, "template": 1}),
}


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin@example.org", "x", display_name="Admin")


def test_every_sample_is_listed():
    assert SAMPLES is not None, "../shared/import-samples/ not found next to the project"
    assert sorted(p.name for p in (SAMPLES / "wordpress").glob("*.xml")) == sorted(EXPECTED)
    assert sorted(p.name for p in (SAMPLES / "blogger").glob("*.xml")) == sorted(BLOGGER)


CASES = [("wordpress", name, expected) for name, expected in sorted(EXPECTED.items())] + [
    ("blogger", name, expected) for name, expected in sorted(BLOGGER.items())
]


@pytest.mark.parametrize(("folder", "name", "expected"), CASES, ids=[case[1] for case in CASES])
def test_sample_imports_with_its_counts_then_changes_nothing(folder, name, expected, admin_user):
    path = SAMPLES / folder / name
    first = blog_import(path=path, author_email=admin_user.email).as_dict()
    got = {key: first[key] for key in ("posts", "pages", "comments", "skipped", "redirects")}
    got["claimable"] = first["commenters"]["claimable"]
    assert got == expected
    objects = (Post.objects.count(), Comment.objects.count())
    assert first["created"] == objects[0] + objects[1]
    second = blog_import(path=path, author_email=admin_user.email).as_dict()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, first["created"])
    assert {k: second[k] for k in ("posts", "pages", "comments", "skipped")} == {
        k: first[k] for k in ("posts", "pages", "comments", "skipped")
    }
    assert (Post.objects.count(), Comment.objects.count()) == objects


def test_backslashes_are_data(admin_user):
    blog_import(path=SAMPLES / "wordpress" / "wpimporter-slashes.xml", author_email=admin_user.email)
    assert 'Slashes aren\\\'t \\"cool\\"' in Post.objects.get().body
    assert Comment.objects.get().body == "\\o/ ¯\\_(ツ)_/¯"


def test_blogger_comment_is_attached_by_in_reply_to_and_the_app_prefix_repaired(admin_user, client):
    report = blog_import(path=SAMPLES / "blogger" / "pelican-bloggerexport.xml", author_email=admin_user.email)
    assert any("app:" in warning for warning in report.warnings)
    comment = Comment.objects.get()
    assert comment.post.slug == "the-steel-windpipe" and comment.author.display_name
    assert Post.objects.get(slug="test-page").get_absolute_url() == "/pages/test-page/"
    assert client.get("/2010/11/the-steel-windpipe.html")["Location"] == "/billets/the-steel-windpipe/"
    assert client.get("/p/test-page.html")["Location"] == "/pages/test-page/"
    assert client.get("/feeds/posts/default")["Location"] == "/flux/atom/"
