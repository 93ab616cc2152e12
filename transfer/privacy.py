"""The importer's part of the RGPD rights (accounts.privacy), registered at start-up (TransferConfig.ready).

An imported commenter's e-mail address is personal data: a user who claimed a history finds, in
their export, the identities they claimed (name, address, blog); erasing the account removes those
rows and the inactive accounts that held the history before the claim.
"""

from accounts import privacy
from transfer.models import ImportedCommenter


def register() -> None:
    privacy.register_exporter("imported_history", export_identities)
    privacy.register_eraser("imported_history", erase_identities)


def export_identities(user) -> list[dict]:
    return [
        {
            "name": identity.name,
            "email": identity.email,
            "format": identity.format,
            "site": identity.site,
            "claimed_at": identity.claimed_at.isoformat() if identity.claimed_at else None,
        }
        for identity in ImportedCommenter.objects.filter(claimed_by=user).order_by("pk")
    ]


def erase_identities(user, *, keep_contributions: bool = False) -> None:
    """The claimed identities go, with their placeholder accounts (their comments were moved to `user`)."""
    identities = ImportedCommenter.objects.filter(claimed_by=user).select_related("user")
    for identity in identities:
        identity.user.delete()  # the identity row goes with it (CASCADE)
