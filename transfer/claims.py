"""A past commenter takes back their history: the e-mail they verify here is the one they used there.

Connected to allauth's `email_confirmed` signal (a verification link followed), and asked at import
time for addresses already verified here. The comments of every unclaimed `ImportedCommenter` with
that address move to the account, so they show under its name and count toward the trust ladder.
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from comments.services import post_refresh_comments
from transfer.models import ImportedCommenter


def commenter_claim(*, user, email: str) -> int:
    """Move the comments of the unclaimed imported commenters with `email` to `user`; return how many moved.

    The caller vouches that `user` verified `email` (allauth's signal, or an EmailAddress row marked
    verified). The placeholder accounts stay, inactive, marked as claimed.
    """
    email = (email or "").strip().lower()
    if not email:
        return 0
    with transaction.atomic():
        identities = list(ImportedCommenter.objects.select_for_update().filter(key=email, claimed_at__isnull=True))
        placeholders = [identity.user_id for identity in identities]
        post_ids = set(Comment.objects.filter(author_id__in=placeholders).values_list("post_id", flat=True))
        moved = Comment.objects.filter(author_id__in=placeholders).update(author=user)
        ImportedCommenter.objects.filter(pk__in=[i.pk for i in identities]).update(
            claimed_by=user, claimed_at=timezone.now()
        )
        for post_id in sorted(post_ids):
            post_refresh_comments(post_id=post_id)  # the thread shows the new name
    return moved


def verified_owners(emails: list[str]) -> dict:
    """The accounts here that verified some of `emails` (lowercase), by address: one query."""
    if not emails:
        return {}
    addresses = EmailAddress.objects.filter(email__in=emails, verified=True).select_related("user")
    return {address.email.lower(): address.user for address in addresses}


def _on_email_confirmed(sender, request=None, email_address=None, **kwargs):
    if email_address is not None and email_address.verified:
        commenter_claim(user=email_address.user, email=email_address.email)


def connect() -> None:
    email_confirmed.connect(_on_email_confirmed, dispatch_uid="transfer.claims")
