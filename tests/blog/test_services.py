import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

import imaging
from blog.models import Post
from blog.services import post_delete, post_preview, post_remove_cover, post_set_cover
from tests.blog.test_images import image_bytes, upload
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def author_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="blog", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions


@pytest.fixture
def editor(db):
    return author_with("add_post", "change_post", "view_post")


def stored_files(media):
    covers = media / "covers"
    return sorted(path.name for path in covers.iterdir()) if covers.exists() else []


class TestPostSetCover:
    def test_stores_master_and_renditions(self, media, editor, django_capture_on_commit_callbacks):
        post = PostFactory()
        with django_capture_on_commit_callbacks(execute=True):
            post_set_cover(post=post, upload=upload(image_bytes(size=(1600, 900))), alt="  Un guichet  ", by=editor)
        post.refresh_from_db()
        assert post.cover.name.startswith("covers/") and post.cover.name.endswith(".jpg")
        assert post.cover_alt == "Un guichet"
        assert [item["width"] for item in post.cover_renditions["webp"]] == [480, 960, 1440]
        assert [item["width"] for item in post.cover_renditions["jpeg"]] == [480, 960, 1440]
        assert len(stored_files(media)) == 7  # master + 3 WebP + 3 JPEG
        assert all(default_storage.exists(item["name"]) for item in post.cover_renditions["jpeg"])

    def test_a_new_cover_removes_the_old_files_once_committed(self, media, editor, django_capture_on_commit_callbacks):
        post = PostFactory()
        with django_capture_on_commit_callbacks(execute=True):
            post_set_cover(post=post, upload=upload(image_bytes(size=(1000, 500))), alt="Avant", by=editor)
        before = set(stored_files(media))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post_set_cover(post=post, upload=upload(image_bytes(size=(1000, 500))), alt="Après", by=editor)
        assert before <= set(stored_files(media))  # not yet: the transaction could still roll back
        for callback in callbacks:
            callback()
        after = set(stored_files(media))
        assert not before & after
        assert len(after) == 7  # master + WebP and JPEG at 480, 960 and 1000

    def test_the_post_page_is_made_again(self, media, editor):
        post = PostFactory()
        updated_at = post.updated_at
        post_set_cover(post=post, upload=upload(image_bytes(size=(600, 300))), alt="Un guichet", by=editor)
        post.refresh_from_db()
        assert post.updated_at > updated_at

    def test_alternative_text_is_required(self, media, editor):
        post = PostFactory()
        with pytest.raises(ValidationError):
            post_set_cover(post=post, upload=upload(image_bytes()), alt="   ", by=editor)
        assert stored_files(media) == []

    def test_a_refused_file_writes_nothing(self, media, editor):
        post = PostFactory()
        with pytest.raises(imaging.ImageRejected):
            post_set_cover(post=post, upload=upload(image_bytes()[:2000]), alt="Un guichet", by=editor)
        post.refresh_from_db()
        assert not post.cover
        assert stored_files(media) == []

    @pytest.mark.parametrize("codenames", [(), ("view_post",), ("add_post",)])
    def test_only_who_may_change_posts(self, media, codenames):
        post = PostFactory()
        with pytest.raises(PermissionDenied):
            post_set_cover(post=post, upload=upload(image_bytes()), alt="Un guichet", by=author_with(*codenames))
        assert stored_files(media) == []

    def test_nobody_is_not_allowed(self, media):
        with pytest.raises(PermissionDenied):
            post_set_cover(post=PostFactory(), upload=upload(image_bytes()), alt="Un guichet", by=None)

    def test_a_failed_save_removes_the_new_files(self, media, editor, monkeypatch):
        post = PostFactory()

        def broken_save(*args, **kwargs):
            raise RuntimeError("base indisponible")

        monkeypatch.setattr(Post, "save", broken_save)
        with pytest.raises(RuntimeError):
            post_set_cover(post=post, upload=upload(image_bytes(size=(600, 300))), alt="Un guichet", by=editor)
        assert stored_files(media) == []


class TestPostRemoveCover:
    def test_removes_cover_and_files(self, media, editor, django_capture_on_commit_callbacks):
        post = PostFactory()
        post_set_cover(post=post, upload=upload(image_bytes(size=(600, 300))), alt="Un guichet", by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            post_remove_cover(post=post, by=editor)
        post.refresh_from_db()
        assert not post.cover and post.cover_alt == "" and post.cover_renditions == {}
        assert stored_files(media) == []

    def test_permission(self, media):
        with pytest.raises(PermissionDenied):
            post_remove_cover(post=PostFactory(), by=author_with("view_post"))


class TestPostDelete:
    def test_the_cover_files_go_with_the_post(self, media, editor, django_capture_on_commit_callbacks):
        post = PostFactory()
        post_set_cover(post=post, upload=upload(image_bytes(size=(600, 300))), alt="Un guichet", by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            post_delete(post=post, by=author_with("delete_post"))
        assert not Post.objects.exists()
        assert stored_files(media) == []

    def test_permission(self, editor):
        post = PostFactory()
        with pytest.raises(PermissionDenied):
            post_delete(post=post, by=editor)
        assert Post.objects.filter(pk=post.pk).exists()


class TestPostPreview:
    def test_renders_without_saving(self, editor):
        post = post_preview(title="Essai", body="L'essentiel : **tout**\n\n" + "mot " * 500, by=editor)
        assert post.pk is None
        assert "L’essentiel\u202f: <strong>tout</strong>" in post.body_html
        assert post.reading_minutes == 2
        assert Post.objects.count() == 0

    def test_raw_html_stays_text(self, editor):
        assert "<script" not in post_preview(title="x", body="<script>alert(1)</script>", by=editor).body_html

    def test_permission(self):
        with pytest.raises(PermissionDenied):
            post_preview(title="x", body="y", by=author_with("view_post"))
