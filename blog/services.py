"""Writes on posts that do more than save a form (the cover image), and the preview that writes nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from blog import images
from blog.models import Post
from markup.render import reading_minutes, render_post


def _check_may_edit(post: Post, by) -> None:
    permission = "blog.change_post" if post.pk else "blog.add_post"
    if by is None or not by.has_perm(permission):
        raise PermissionDenied(_("Vous n’avez pas le droit de modifier ce billet."))


def _delete_on_commit(names: list[str]) -> None:
    """Old files go once the new state is in the database (a rollback keeps them in use)."""
    if names:
        transaction.on_commit(lambda: images.delete_files(names))


def post_set_cover(*, post: Post, upload, alt: str, by) -> Post:
    """Give the post a new cover: checked, stripped, made into WebP and JPEG renditions.

    Raises imaging.ImageRejected for a file that is not a sound JPEG, PNG or WebP within the
    limits, ValidationError without alternative text, PermissionDenied for a user who may not
    edit the post. The previous cover's files are removed once the change is committed.
    """
    _check_may_edit(post, by)
    alt = (alt or "").strip()
    if not alt:
        raise ValidationError(_("Une image de couverture demande son texte alternatif."), code="cover_alt")
    image = images.load_cover(upload)
    old_files = [post.cover.name, *images.rendition_names(post.cover_renditions)] if post.cover else []
    renditions = images.make_renditions(image)
    new_files = images.rendition_names(renditions)
    try:
        with transaction.atomic():
            post.cover.save("cover.jpg", ContentFile(images.master_bytes(image)), save=False)
            new_files.append(post.cover.name)
            post.cover_alt = alt
            post.cover_renditions = renditions
            post.save()
    except Exception:
        images.delete_files(new_files)
        raise
    _delete_on_commit(old_files)
    return post


def post_remove_cover(*, post: Post, by) -> Post:
    """Take the cover off the post; its files are removed once the change is committed."""
    _check_may_edit(post, by)
    old_files = [post.cover.name, *images.rendition_names(post.cover_renditions)] if post.cover else []
    post.cover = ""
    post.cover_alt = ""
    post.cover_renditions = {}
    post.save()
    _delete_on_commit(old_files)
    return post


def post_delete(*, post: Post, by) -> None:
    """Delete the post; its cover files go once the deletion is committed."""
    if by is None or not by.has_perm("blog.delete_post"):
        raise PermissionDenied(_("Vous n’avez pas le droit de supprimer ce billet."))
    old_files = [post.cover.name, *images.rendition_names(post.cover_renditions)] if post.cover else []
    post.delete()
    _delete_on_commit(old_files)


def post_preview(*, title: str, body: str, by) -> Post:
    """An unsaved post showing how `body` will read once published; nothing is written."""
    if by is None or not (by.has_perm("blog.change_post") or by.has_perm("blog.add_post")):
        raise PermissionDenied(_("Vous n’avez pas le droit de prévisualiser un billet."))
    post = Post(title=title, body=body, author=by)
    post.body_html = render_post(body)
    post.reading_minutes = reading_minutes(body)
    return post
