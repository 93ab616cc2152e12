"""Who wrote an imported comment: an account here that verified the address, or an imported commenter.

A commenter with a usable e-mail gets an inactive account that cannot log in (its login address is a
`.invalid` one, its password unusable) and an `ImportedCommenter` row holding the real address, which
whoever verifies it later claims (transfer/claims.py). Without a usable e-mail (none, anonymous,
Blogger's noreply@blogger.com) only the display name is kept, on such an account too.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from transfer.claims import verified_owner
from transfer.models import ImportedCommenter

UNUSABLE_EMAILS = {"noreply@blogger.com", "anonymous@blogger.com"}
MAX_NAME = 50  # accounts.User.display_name


def usable_email(email: str) -> str:
    """The address lowercased if a person may verify it one day, else ""."""
    email = (email or "").strip().lower()
    if not email or email in UNUSABLE_EMAILS:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


class Commenters:
    """The authors of one import's comments, each looked up or made once."""

    def __init__(self, *, format: str, site: str, report):
        self.format, self.site, self.report = format, site, report
        self.users: dict[str, object] = {}

    def user_for(self, name: str, email: str):
        email = usable_email(email)
        name = (name or "").strip() or "Anonyme"
        key = email or f"name:{name}"
        if key not in self.users:
            self.users[key] = self._find_or_make(key, name, email)
            self.report.commenters["claimable" if email else "name_only"] += 1
        return self.users[key]

    def _find_or_make(self, key: str, name: str, email: str):
        identity = (
            ImportedCommenter.objects.filter(format=self.format, site=self.site, key=key)
            .select_related("user", "claimed_by")
            .first()
        )
        if identity is not None:
            return identity.claimed_by or identity.user
        owner = verified_owner(email) if email else None
        if owner is not None:
            return owner
        user = get_user_model()(
            email=_placeholder_email(f"{self.format}|{self.site}|{key}"), display_name=name[:MAX_NAME], is_active=False
        )
        user.set_unusable_password()
        user.save()
        ImportedCommenter.objects.create(
            user=user, key=key, email=email, name=name[:200], format=self.format, site=self.site
        )
        return user


def _placeholder_email(seed: str) -> str:
    """An imported commenter's login address: never deliverable (.invalid), never shown."""
    return f"importe-{hashlib.sha256(seed.encode()).hexdigest()[:24]}@causerie.invalid"
