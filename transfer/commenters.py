"""Who wrote an imported comment: an account here that verified the address, or an imported commenter.

A commenter with a usable e-mail gets an inactive account that cannot log in (its login address is a
`.invalid` one, its password unusable) and an `ImportedCommenter` row holding the real address, which
whoever verifies it later claims (transfer/claims.py). Without a usable e-mail (none, anonymous,
Blogger's noreply@blogger.com) only the display name is kept, on such an account too.
"""

import hashlib
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.names import skeleton
from transfer.claims import verified_owners
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
    """The authors of one import's comments: those already known read in one query, new ones made in bulk."""

    def __init__(self, *, format: str, site: str, report):
        self.format, self.site, self.report = format, site, report
        self.users: dict[str, object] = {
            identity.key: identity.claimed_by or identity.user
            for identity in ImportedCommenter.objects.filter(format=format, site=site).select_related(
                "user", "claimed_by"
            )
        }
        self.counted: set[str] = set()

    @staticmethod
    @lru_cache(maxsize=1 << 16)  # asked twice per comment, for a few thousand authors: validate_email once each
    def key(name: str, email: str) -> tuple[str, str, str]:
        """(key, display name, usable e-mail) of a comment's author."""
        email = usable_email(email)
        name = (name or "").strip() or "Anonyme"
        return email or f"name:{name}", name, email

    def prepare(self, authors: list[tuple[str, str]]) -> None:
        """Make sure every (name, e-mail) has an account: verified owners in one query, the others in bulk."""
        wanted = {}
        for name, email in authors:
            key, name, email = self.key(name, email)
            if key not in self.counted:
                self.counted.add(key)
                self.report.commenters["claimable" if email else "name_only"] += 1
            if key not in self.users:
                wanted.setdefault(key, (name, email))
        if not wanted:
            return
        owners = verified_owners([email for _name, email in wanted.values() if email])
        for key, (_name, email) in list(wanted.items()):
            if email in owners:
                self.users[key] = owners[email]
                del wanted[key]
        self._make(wanted)

    def _make(self, wanted: dict) -> None:
        model = get_user_model()
        users = []
        for key, (name, _email) in wanted.items():
            user = model(
                email=_placeholder_email(f"{self.format}|{self.site}|{key}"),
                display_name=name[:MAX_NAME],
                display_name_key=skeleton(name[:MAX_NAME])[:100],
                is_active=False,
            )
            user.set_unusable_password()
            users.append(user)
        model.objects.bulk_create(users, batch_size=500)
        ImportedCommenter.objects.bulk_create(
            [
                ImportedCommenter(user=user, key=key, email=email, name=name[:200], format=self.format, site=self.site)
                for user, (key, (name, email)) in zip(users, wanted.items(), strict=True)
            ],
            batch_size=500,
        )
        self.users.update(zip(wanted, users, strict=True))

    def user_for(self, name: str, email: str):
        return self.users[self.key(name, email)[0]]


def _placeholder_email(seed: str) -> str:
    """An imported commenter's login address: never deliverable (.invalid), never shown."""
    return f"importe-{hashlib.sha256(seed.encode()).hexdigest()[:24]}@causerie.invalid"
