"""The import service: states, threads, commenters, idempotence, dry run, all or nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, HoldReason
from comments.moderation import IMPORTED_PENDING
from tests.transfer.wxr_builder import comment, item, wxr
from transfer.formats.xmlinput import ImportRefused
from transfer.models import ImportedCommenter, Redirect, Source
from transfer.services import blog_import

pytestmark = pytest.mark.django_db


def run(export, text, **options):
    return blog_import(path=export(text), **options)


class TestPosts:
    def test_states_are_kept_and_private_ones_become_drafts(self, blog_author, export):
        future = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
        report = run(
            export,
            wxr(
                item(1),
                item(2, status="draft"),
                item(3, status="future", date=future),
                item(4, status="private"),
                item(5, password="secret"),
                item(6, ptype="page", slug="a-propos"),
            ),
        )
        assert dict(report.posts) == {"published": 1, "draft": 3, "scheduled": 1}
        assert report.pages == 1
        assert len([w for w in report.warnings if "brouillon" in w]) == 2
        assert set(Post.objects.filter(status="published").values_list("slug", flat=True)) == {
            "billet-1",
            "billet-3",
            "a-propos",
        }
        assert list(Post.objects.published().values_list("slug", flat=True)) == ["billet-1"]  # no page, no future
        assert Post.objects.get(slug="a-propos").get_absolute_url() == "/pages/a-propos/"

    def test_body_is_html_sanitized(self, blog_author, export):
        run(export, wxr(item(1, content='Un<script>alert(1)</script>\n\n[caption]<img src="/a.jpg"> L[/caption]')))
        post = Post.objects.get()
        assert post.body_format == "html"
        assert "<script>" not in post.body_html and "<figcaption>L</figcaption>" in post.body_html

    def test_terms_used_but_never_defined_are_created(self, blog_author, export):
        terms = '<category domain="category" nicename="nouvelles">Nouvelles</category>'
        run(export, wxr(item(1, terms=terms)))
        assert [c.slug for c in Post.objects.get().categories.all()] == ["nouvelles"]

    def test_an_unknown_author_is_refused_unless_author_is_given(self, db, export):
        with pytest.raises(ImportRefused, match="--author"):
            run(export, wxr(item(1)))
        assert Post.objects.count() == 0

    def test_author_option_maps_every_post(self, reader, export):
        run(export, wxr(item(1)), author_email=reader.email)
        assert Post.objects.get().author == reader


class TestComments:
    def test_statuses_pingbacks_and_the_hold_reason(self, blog_author, export):
        comments = [
            comment(1),
            comment(2, status="0", author="B", email="b@example.org"),
            comment(3, status="spam", text="Casino"),
            comment(4, status="trash", text="Jeté"),
            comment(5, ctype="pingback"),
            comment(6, ctype="trackback"),
        ]
        report = run(export, wxr(item(1, comments=comments)))
        assert dict(report.comments) == {"approved": 1, "pending": 1, "spam": 1, "rejected": 1}
        assert report.skipped["pingback"] == 1 and report.skipped["trackback"] == 1
        pending = Comment.objects.get(status="pending")
        assert list(HoldReason.objects.filter(comment=pending).values_list("code", flat=True)) == [IMPORTED_PENDING]
        assert "en attente sur l’ancien site" in HoldReason.objects.get(comment=pending).message
        assert Post.objects.get().approved_comment_count == 1

    def test_threads_dates_and_missing_parents(self, blog_author, export, settings):
        settings.COMMENTS_MAX_DEPTH = 3
        comments = [
            comment(1),
            comment(2, parent=1, text="r1"),
            comment(3, parent=2, text="r2"),
            comment(4, parent=3, text="r3, trop profonde"),
            comment(5, parent=99, text="orpheline"),
        ]
        report = run(export, wxr(item(1, comments=comments)))
        by_text = {c.body: c for c in Comment.objects.all()}
        assert by_text["r1"].parent == by_text["Bonjour"] and by_text["r1"].depth == 1
        assert by_text["r2"].parent == by_text["r1"] and by_text["r2"].depth == 2
        assert by_text["r3, trop profonde"].parent == by_text["r1"]  # at the deepest level, in its thread
        assert by_text["r3, trop profonde"].depth == 2
        assert by_text["orpheline"].parent is None
        assert any("sans son parent" in w for w in report.warnings)
        assert by_text["Bonjour"].created_at.isoformat() == "2020-01-02T10:00:00+00:00"

    def test_the_same_comment_twice_comes_once(self, blog_author, export):
        report = run(export, wxr(item(1, comments=[comment(1), comment(2)])))
        assert Comment.objects.count() == 1 and report.skipped["duplicate"] == 1

    def test_commenters_are_inactive_accounts_and_name_only_without_email(self, blog_author, export):
        comments = [
            comment(1),
            comment(2, author="Anonyme", email="", text="x"),
            comment(3, author="Alice Bis", email="ALICE@example.org", text="y"),
        ]
        report = run(export, wxr(item(1, comments=comments)))
        assert dict(report.commenters) == {"claimable": 1, "name_only": 1}
        alice = ImportedCommenter.objects.get(email="alice@example.org")
        assert not alice.user.is_active and not alice.user.has_usable_password()
        assert alice.user.email.endswith(".invalid")
        assert ImportedCommenter.objects.get(key="name:Anonyme").email == ""

    def test_a_verified_account_with_the_address_gets_the_comments_directly(self, blog_author, reader, export):
        run(export, wxr(item(1, comments=[comment(1, email=reader.email)])))
        assert Comment.objects.get().author == reader


class TestIdempotence:
    FILE = staticmethod(lambda: wxr(item(1, comments=[comment(1), comment(2, parent=1, text="r")]), item(2)))

    def test_the_same_file_twice_changes_nothing(self, blog_author, export):
        first = run(export, self.FILE())
        second = run(export, self.FILE())
        assert (first.created, second.created, second.updated, second.unchanged) == (4, 0, 0, 4)
        assert first.posts == second.posts and first.comments == second.comments
        assert Post.objects.count() == 2 and Comment.objects.count() == 2

    def test_a_newer_export_updates_and_adds(self, blog_author, export):
        run(export, self.FILE())
        report = run(export, wxr(item(1, title="Nouveau titre", comments=[comment(1), comment(3, text="neuf")])))
        assert (report.created, report.updated) == (1, 1)
        assert Post.objects.get(slug="billet-1").title == "Nouveau titre"

    def test_what_was_edited_here_is_kept_and_listed(self, blog_author, export):
        run(export, self.FILE())
        post = Post.objects.get(slug="billet-1")
        post.title = "Retouché ici"
        post.save()
        report = run(export, wxr(item(1, title="Changé là-bas")))
        assert report.kept == ["Retouché ici"]
        assert Post.objects.get(pk=post.pk).title == "Retouché ici"


class TestAllOrNothing:
    def test_dry_run_reports_the_same_and_writes_nothing(self, blog_author, export):
        text = wxr(item(1, comments=[comment(1)]))
        dry = run(export, text, dry_run=True)
        assert (Post.objects.count(), Comment.objects.count(), Source.objects.count(), Redirect.objects.count()) == (
            0,
            0,
            0,
            0,
        )
        real = run(export, text)
        assert dry.as_dict() | {"dry_run": False} == real.as_dict()

    def test_broken_xml_after_good_items_writes_nothing(self, blog_author, export):
        with pytest.raises(ImportRefused):
            run(export, wxr(item(1), item(2)).replace("</channel>", "<oops></channel>"))
        assert Post.objects.count() == 0 and Source.objects.count() == 0
