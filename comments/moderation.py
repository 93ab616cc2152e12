"""The comment policy, in one place.

The blogs Causerie serves state it plainly: « Afin de lutter contre le spam,
les commentaires ne sont ouverts qu'aux personnes identifiées et sont soumis à
modération. » This module turns that sentence into rules:

- `refusal(user, post)`: may this reader comment on this post at all? It
  returns the reason (a code and words the reader understands), or None.
- `assess(...)`: what happens to a comment once written. Every comment is held
  for a moderator; the verdict carries the reasons, in words a moderator
  understands.

The functions take plain values and decide; they write nothing.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from comments.models import Comment

HOLD_ALL = "hold_all"


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    status: str
    reasons: list[Reason] = field(default_factory=list)


def refusal(user, post) -> Reason | None:
    """Why `user` may not comment on `post`, or None when they may."""
    if user is None or not user.is_authenticated:
        return Reason("login", _("Connectez-vous pour commenter."))
    if not user.is_active:
        return Reason("inactive", _("Ce compte est désactivé."))
    if not post.is_published:
        return Reason("unpublished", _("Ce billet n’est pas publié."))
    if not post.comments_open:
        return Reason("closed", _("Les commentaires sont fermés pour ce billet."))
    if not user.has_verified_email():
        return Reason("unverified", _("Confirmez votre adresse e-mail pour pouvoir commenter."))
    return None


def assess(*, author, post, body: str) -> Verdict:
    """The seed blogs' rule: every comment waits for a moderator."""
    return Verdict(
        status=Comment.Status.PENDING,
        reasons=[Reason("hold_all", _("Tous les commentaires sont soumis à modération."))],
    )
