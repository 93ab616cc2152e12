"""Changes to an account: sanctions (called by the admin), profile and avatar, data export and deletion."""

import contextlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

import imaging
from accounts import names, privacy
from accounts.models import AVATAR_SIZES, ModeratorNote

SANCTION_PERMISSION = "accounts.sanction_user"


def _check(moderator, user) -> None:
    if moderator is None or not moderator.is_active or not moderator.has_perm(SANCTION_PERMISSION):
        raise PermissionDenied(_("Vous n’avez pas le droit de sanctionner un compte."))
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(_("Un compte de l’équipe ne peut pas être sanctionné ici."))


def user_suspend(*, user, moderator, days: int, reason: str = ""):
    """No comment from `user` for `days` days."""
    _check(moderator, user)
    if days < 1:
        raise ValueError("A suspension lasts at least one day.")
    user.suspended_until = timezone.now() + timedelta(days=days)
    user.sanction_reason = reason[:300]
    user.trusted = False
    user.save(update_fields=["suspended_until", "sanction_reason", "trusted"])
    return user


def user_ban(*, user, moderator, reason: str = ""):
    """No comment from `user` any more."""
    _check(moderator, user)
    user.banned_at = timezone.now()
    user.sanction_reason = reason[:300]
    user.trusted = False
    user.save(update_fields=["banned_at", "sanction_reason", "trusted"])
    return user


def user_lift_sanction(*, user, moderator):
    _check(moderator, user)
    user.banned_at = None
    user.suspended_until = None
    user.sanction_reason = ""
    user.save(update_fields=["banned_at", "suspended_until", "sanction_reason"])
    return user


# Profile --------------------------------------------------------------------------------


def display_name_problem(name: str, *, user=None) -> str | None:
    """Why `name` may not be `user`'s public name (a sentence), or None when it may.

    The policy is accounts/names.py; this adds what the database knows: other accounts'
    names and the team's.
    """
    from accounts.models import User

    key = names.skeleton(name)
    if not key:
        return _("Indiquez un nom fait de lettres ou de chiffres.")
    others = User.objects.exclude(pk=getattr(user, "pk", None))
    if others.filter(display_name_key=key).exists():
        return _("Ce nom est trop proche de celui d’un autre lecteur : ajoutez une initiale ou choisissez-en un autre.")
    if user is not None and user.is_staff:
        return None
    problem = names.reserved_word_problem(name)
    if problem:
        return str(problem)
    staff_names = others.filter(is_staff=True).values_list("display_name", flat=True)
    problem = names.staff_name_problem(name, staff_names)
    return str(problem) if problem else None


def user_update_profile(*, user, display_name: str, bio: str):
    """Change the public name and presentation; pages showing the old name are made again."""
    display_name = " ".join(display_name.split())
    problem = display_name_problem(display_name, user=user)
    if problem:
        raise ValidationError({"display_name": problem})
    bio = bio.replace("\r\n", "\n").strip()
    if len(bio) > 500:
        raise ValidationError({"bio": _("La présentation dépasse 500 caractères.")})
    name_changed = display_name != user.display_name
    user.display_name = display_name
    user.bio = bio
    user.save(update_fields=["display_name", "bio"])
    if name_changed:
        _profile_changed(user)
    return user


def _profile_changed(user) -> None:
    for listener in privacy.profile_listeners().values():
        listener(user)


# Avatar ---------------------------------------------------------------------------------


def _avatar_settings():
    return (
        getattr(settings, "ACCOUNTS_AVATAR_MAX_BYTES", 5 * 1024 * 1024),
        getattr(settings, "ACCOUNTS_AVATAR_MAX_PIXELS", 25_000_000),
    )


def _avatar_files(prefix: str) -> list[str]:
    return [f"{prefix}-{size}.webp" for size in AVATAR_SIZES] if prefix else []


def _delete_files(names_: list[str]) -> None:
    for name in names_:
        # Already gone, or a storage hiccup: an orphan file harms no one.
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def user_set_avatar(*, user, file):
    """Check the uploaded image (imaging), store it square at each size with a new name, drop the old files.

    Raises imaging.ImageRejected with a sentence for the user when the file is refused.
    """
    max_bytes, max_pixels = _avatar_settings()
    image = imaging.prepare(imaging.load_upload(file, max_bytes=max_bytes, max_pixels=max_pixels))
    side = min(image.size)
    square = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    prefix = f"avatars/{uuid.uuid4().hex}"
    stored = []
    try:
        for size in AVATAR_SIZES:
            data = imaging.encode(square.resize((size, size), Image.Resampling.LANCZOS), "WEBP", quality=85)
            name = default_storage.save(f"{prefix}-{size}.webp", ContentFile(data))
            if name != f"{prefix}-{size}.webp":  # a storage that renamed it: keep names predictable
                stored.append(name)
                raise OSError(f"The storage renamed {prefix}-{size}.webp to {name}.")
            stored.append(name)
    except Exception:
        _delete_files(stored)
        raise
    old = _avatar_files(user.avatar)
    user.avatar = prefix
    user.save(update_fields=["avatar"])
    transaction.on_commit(lambda: _delete_files(old))
    _profile_changed(user)
    return user


def user_remove_avatar(*, user):
    """Back to the generated initials; the files go."""
    if not user.avatar:
        return user
    old = _avatar_files(user.avatar)
    user.avatar = ""
    user.save(update_fields=["avatar"])
    transaction.on_commit(lambda: _delete_files(old))
    _profile_changed(user)
    return user


# Data rights (RGPD) ---------------------------------------------------------------------


class AccountNotDeletable(PermissionDenied):
    """This account cannot delete itself; the message says whom to ask."""


def user_export_data(*, user) -> dict:
    """Everything the site holds about `user`, for « Télécharger mes données » (JSON-serialisable)."""
    data = {
        "format": "causerie-export/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "notify_post_comments": user.notify_post_comments,
            "avatar_files": _avatar_files(user.avatar),
            "trusted_author": user.trusted,
            "banned_at": user.banned_at.isoformat() if user.banned_at else None,
            "suspended_until": user.suspended_until.isoformat() if user.suspended_until else None,
            "sanction_reason": user.sanction_reason,
            **_ways_in_data(user),
            "moderator_notes": [
                {"note": note.body, "created_at": note.created_at.isoformat()}
                for note in user.moderator_notes.order_by("created_at", "id")
            ],
        },
    }
    for name, exporter in sorted(privacy.exporters().items()):
        data[name] = exporter(user)
    return data


def _ways_in_data(user) -> dict:
    """The account's addresses, second factors and passkeys, and connected accounts: allauth's rows."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": a.created_at.isoformat()}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "connected_accounts": [
            {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined.isoformat()}
            for a in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def moderator_note_add(*, user, moderator, body: str):
    """A moderator's short note on a reader; only those who may sanction readers write them."""
    if moderator is None or not moderator.is_active or not moderator.has_perm(SANCTION_PERMISSION):
        raise PermissionDenied(_("Vous n’avez pas le droit d’annoter les comptes."))
    body = body.strip()
    if not body:
        raise ValidationError(_("La note est vide."), code="empty")
    return ModeratorNote.objects.create(user=user, author=moderator, body=body[:300])


def user_delete(*, user, keep_comments: bool) -> None:
    """Delete the account. Each registered part of the site removes, or anonymises when
    `keep_comments`, what it holds first; all in one transaction.
    """
    if user.is_staff or user.is_superuser or user.is_deleted_account:
        raise AccountNotDeletable(_("Un compte de l’équipe ne se supprime pas ici : demandez-le à un administrateur."))
    avatar = _avatar_files(user.avatar)
    try:
        with transaction.atomic():
            for eraser in privacy.erasers().values():
                eraser(user, keep_contributions=keep_comments)
            user.delete()
    except ProtectedError as exc:
        raise AccountNotDeletable(
            _("Ce compte est l’auteur de billets publiés : demandez sa suppression à un administrateur.")
        ) from exc
    _delete_files(avatar)
