"""Signed links sent by e-mail: moderate a comment in one click, stop reply notifications.

A moderation link names one comment, one moderator and one action. It is signed with
the secret key (nobody can make or alter one), it expires after
`COMMENTS_MODERATION_LINK_MAX_AGE_HOURS`, and it acts once: its random id is stored in
`UsedModerationLink` in the same transaction as the decision. The link is the
credential, so the moderator need not be logged in; opening it (GET) only shows a
confirmation page, and the decision is taken by the POST of that page.

An unsubscribe link names a comment and never expires: it only turns off the reply
notifications of that comment, which is harmless to repeat.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from comments import decisions
from comments.models import UsedModerationLink

MODERATION_SALT = "comments.moderation-link"
UNSUBSCRIBE_SALT = "comments.unsubscribe"


class LinkError(Exception):
    """A signed link that cannot be used; subclasses say why."""


class LinkInvalid(LinkError):
    """The token was not made by us, or was altered (bad signature, bad payload)."""


class LinkExpired(LinkError):
    """The token is genuine but older than its maximum age."""


class LinkAlreadyUsed(LinkError):
    """The token is genuine but has already acted once."""


@dataclass(frozen=True)
class ModerationLink:
    comment_id: int
    moderator_id: int
    action: str
    token_id: str


def awaits_decision(comment) -> bool:
    """Pending, or published with an edit waiting: what a moderation link may still act on."""
    return comment.awaits_decision


def moderation_url(*, comment, moderator, action: str) -> str:
    """Absolute URL of a single-use link that lets `moderator` take `action` on `comment`."""
    if action not in decisions.BY_LINK:
        raise ValueError(f"Unknown moderation action {action!r}; expected one of {tuple(decisions.BY_LINK)}.")
    payload = [comment.pk, moderator.pk, action, secrets.token_urlsafe(16)]
    token = signing.TimestampSigner(salt=MODERATION_SALT).sign_object(payload)
    return f"{settings.SITE_URL}{reverse('comments:moderation_link', kwargs={'token': token})}"


def read_moderation_token(token: str) -> ModerationLink:
    """The link a token stands for; raises LinkInvalid, LinkExpired or LinkAlreadyUsed."""
    max_age = settings.COMMENTS_MODERATION_LINK_MAX_AGE_HOURS * 3600
    try:
        payload = signing.TimestampSigner(salt=MODERATION_SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    except (signing.BadSignature, ValueError) as error:  # ValueError: not even base64/JSON
        raise LinkInvalid(str(error)) from error
    try:
        comment_id, moderator_id, action, token_id = payload
    except (TypeError, ValueError) as error:
        raise LinkInvalid("Malformed moderation link payload.") from error
    if action not in decisions.BY_LINK or not isinstance(comment_id, int) or not isinstance(moderator_id, int):
        raise LinkInvalid("Malformed moderation link payload.")
    link = ModerationLink(comment_id=comment_id, moderator_id=moderator_id, action=action, token_id=str(token_id))
    if UsedModerationLink.objects.filter(token_id=link.token_id).exists():
        raise LinkAlreadyUsed(link.token_id)
    return link


def consume_moderation_link(link: ModerationLink) -> None:
    """Mark the link used; call it inside the transaction that applies the decision.

    The unique token id settles a race between two POSTs of the same link: the second
    one gets LinkAlreadyUsed.
    """
    try:
        with transaction.atomic():
            UsedModerationLink.objects.create(token_id=link.token_id)
    except IntegrityError as error:
        raise LinkAlreadyUsed(link.token_id) from error


def unsubscribe_url(comment) -> str:
    """Absolute URL that turns off the reply notifications of `comment`."""
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(comment.pk))
    return f"{settings.SITE_URL}{reverse('comments:unsubscribe', kwargs={'token': token})}"


def read_unsubscribe_token(token: str) -> int:
    """The id of the comment an unsubscribe token names; raises LinkInvalid."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as error:
        raise LinkInvalid(str(error)) from error
    if not value.isdigit():
        raise LinkInvalid("Malformed unsubscribe link.")
    return int(value)
