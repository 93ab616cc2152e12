"""Blogger's Google Takeout archive (the 2018 schema), built here from the files under tests/transfer/takeout/."""

import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from tests.factories import UserFactory
from transfer.formats import takeout
from transfer.formats.xmlinput import ImportRefused, open_export
from transfer.models import ImportedCommenter, Redirect
from transfer.services import blog_import, detect

FILES = Path(__file__).parent / "takeout"
FEED = FILES / "Blogger" / "Blogs" / "Carnets" / "feed.atom"


def takeout_zip(path: Path, *, blogs=("Carnets",), extra=()) -> Path:
    """A Takeout archive as Google builds it: Takeout/Blogger/Blogs/<blog>/…, Albums, other products' files."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(FILES.rglob("*")):
            if file.is_file():
                archive.write(file, f"Takeout/{file.relative_to(FILES).as_posix()}")
        for blog in blogs[1:]:
            archive.write(FEED, f"Takeout/Blogger/Blogs/{blog}/feed.atom")
        archive.writestr("Takeout/archive_browser.html", "<html>Takeout</html>")
        for name, data in extra:
            archive.writestr(name, data)
    return path


def records():
    warnings = []
    with FEED.open("rb") as stream:
        return list(takeout.read(stream, warnings.append)), warnings


class TestReading:
    def test_detected_apart_from_the_classic_backup(self):
        head = FEED.read_bytes()[:4096]
        assert detect(head) == "takeout"
        assert detect(b"<feed xmlns='http://www.w3.org/2005/Atom'><id>tag:blogger.com,1999:blog-1</id>") == "blogger"

    def test_entries_states_labels_and_old_addresses(self):
        found, _warnings = records()
        site = found[0]
        assert (site.url, site.title) == ("blogger:blog-4081682457", "Carnets de route")
        entries = {r.source_id: r for r in found if isinstance(r, takeout.Entry)}
        assert {k: (e.kind, e.status) for k, e in entries.items()} == {
            "101": ("post", "publish"),
            "102": ("post", "draft"),
            "103": ("post", "future"),
            "104": ("post", "trash"),
            "105": ("post", "trash"),  # LIVE, but with a blogger:trashed date
            "201": ("page", "publish"),
        }
        post = entries["101"]
        assert post.slug == "vers-suzhou" and post.old_paths == ["/2011/10/vers-suzhou.html"]
        assert [t.name for t in post.tags] == ["Chine", "Trains"]
        assert post.author_login == "Bernard" and post.date.isoformat() == "2011-10-08T19:46:00+00:00"
        assert entries["102"].old_paths == []  # a draft had no address anyone could know
        assert entries["201"].old_paths == ["/p/a-propos.html"]

    def test_comments_come_after_the_posts_with_their_threads_and_statuses(self):
        found, warnings = records()
        (thread,) = [r for r in found if isinstance(r, takeout.Thread)]
        assert found[-1] is thread and thread.source_id == "101"
        assert {c.source_id: (c.parent_id, c.status) for c in thread.comments} == {
            "9001": ("", "approved"),
            "9002": ("9001", "approved"),
            "9003": ("", "pending"),
            "9004": ("", "spam"),
            "9005": ("", "rejected"),
            "9006": ("8888", "pending"),  # unknown status: never public
        }
        assert all(c.author_email == "" for c in thread.comments)
        assert any("MYSTERY" in w for w in warnings)


class TestImport:
    @pytest.fixture
    def archive(self, tmp_path):
        return takeout_zip(tmp_path / "takeout-20261203.zip")

    def test_the_archive_imports_its_feed_not_its_theme(self, db, archive):
        UserFactory(email="moi@example.org")
        report = blog_import(path=archive, author_email="moi@example.org")
        assert report.format == "takeout"
        assert dict(report.posts) == {"published": 1, "draft": 1, "scheduled": 1}
        assert report.pages == 1 and report.skipped["trash"] == 2
        assert dict(report.comments) == {"approved": 2, "pending": 2, "spam": 1, "rejected": 1}
        assert report.commenters["claimable"] == 0 and report.commenters["name_only"] > 0
        post = Post.objects.get(slug="vers-suzhou")
        assert post.status == "published" and post.body_format == "html"
        assert "Le train part" in post.body_html
        reply = Comment.objects.get(body__startswith="Merci Léa")
        assert reply.parent.body == "Très beau voyage\nMerci !"
        assert reply.body == 'Merci Léa, "à bientôt" !'  # escaped twice there, decoded once here
        assert Comment.objects.get(body__startswith="Réponse à un").parent is None  # its parent is missing
        assert Redirect.objects.get(old_path="/2011/10/vers-suzhou.html").post == post
        assert not Redirect.objects.filter(old_path="/2012/01/brouillon-secret.html").exists()
        assert not ImportedCommenter.objects.exclude(email="").exists()

    def test_a_second_import_changes_nothing(self, db, archive):
        UserFactory(email="moi@example.org")
        blog_import(path=archive, author_email="moi@example.org")
        again = blog_import(path=archive, author_email="moi@example.org")
        assert again.created == 0 and again.updated == 0
        assert Comment.objects.count() == 6 and Post.objects.count() == 4

    def test_without_an_author_it_is_refused_and_nothing_is_written(self, db, archive):
        with pytest.raises(ImportRefused, match="Bernard"):
            blog_import(path=archive)
        assert not Post.objects.exists()


class TestArchive:
    def test_several_blogs_are_refused_by_name(self, tmp_path):
        path = takeout_zip(tmp_path / "t.zip", blogs=("Carnets", "Recettes"))
        with pytest.raises(ImportRefused, match="Carnets, Recettes"):
            open_export(path)

    def test_the_feed_is_chosen_over_a_larger_xml_file(self, tmp_path):
        big = "<?xml version='1.0'?><other>" + "".join(f"<x>{i:08x}</x>" for i in range(4000)) + "</other>"
        path = takeout_zip(tmp_path / "t.zip", extra=[("Takeout/YouTube/playlists.xml", big)])
        with open_export(path) as stream:
            assert takeout.BLOGGER.encode() in stream.read(4096)

    def test_a_mac_copy_of_the_feed_is_not_a_second_blog(self, tmp_path):
        path = takeout_zip(tmp_path / "t.zip", extra=[("__MACOSX/Takeout/Blogger/Blogs/Carnets/feed.atom", b"x")])
        with open_export(path) as stream:
            assert takeout.BLOGGER.encode() in stream.read(4096)

    def test_path_traversal_in_a_takeout_archive_is_refused(self, tmp_path):
        path = takeout_zip(tmp_path / "t.zip", extra=[("Takeout/../../etc/passwd", b"x")])
        with pytest.raises(ImportRefused, match="chemin dangereux"):
            open_export(path)


class TestCommand:
    def test_import_blog_reads_the_archive_and_says_so(self, db, tmp_path):
        UserFactory(email="moi@example.org")
        out = StringIO()
        archive = takeout_zip(tmp_path / "takeout.zip")
        call_command("import_blog", str(archive), "--dry-run", "--json", "--author", "moi@example.org", stdout=out)
        report = json.loads(out.getvalue())
        assert report["format"] == "takeout" and report["dry_run"] is True and report["pages"] == 1
        assert not Post.objects.exists()
