"""Sanctions on an account: suspend for some days, ban, lift. Called by the admin."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

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
