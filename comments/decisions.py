"""The moderators' decisions on a comment, each declared once.

A moderator approves a held comment (plainly, with its personal data left visible, or
trusting its author from now on), refuses it, or files it as spam. Each `Decision` below
says everything the site needs to offer it:

- its name: what the admin's buttons post, and what a signed e-mail link carries (links
  already sent hold these names: renaming one breaks them);
- its wording in the admin (button, message once done, bulk action and its message) and,
  when it may be taken from an e-mail, on the link's confirmation page;
- the service that takes it (a function of `comments.services`), the permission it needs
  and the `ModerationEvent` action it writes in the comment's history.

The readers: the admin (the buttons on each queue row and on the comment's page, the bulk
actions), the signed links (`comments.links` checks the name, `comments.link_views` words
the page and calls the service) and the e-mails (`comments.tasks`: which links a moderator
receives, which history rows are decisions). Adding a decision is one more entry here.

The services are named, not imported: `comments.services` imports `comments.notifications`,
which imports `comments.tasks`, which reads this module. So this module imports only the
models; `Decision.take` imports the services when a decision is taken.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from comments.models import Comment, ModerationEvent
from comments.moderation import MODERATE_PERMISSION

# A moderator may take back their own decision this long (`z` on the desk, `comment_undo_decision`);
# the e-mails a decision sets off leave once it is over (`comments.notifications`), so an undone
# decision has told nobody anything.
UNDO_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class LinkWording:
    """The confirmation page of a signed e-mail link: its title, its button, the sentence once done."""

    title: Promise
    button: Promise
    done: Promise
    asks_reason: bool = False  # a text field for a reason, sent to the author


@dataclass(frozen=True, eq=False)
class Decision:
    name: str
    label: Promise  # the admin's button
    done: Promise  # the admin's message once one comment is decided
    bulk_name: str  # the admin action (its name is posted by the changelist's menu)
    bulk_label: Promise
    bulk_done: Promise  # ngettext_lazy: `decision.bulk_done % count`
    service: str  # a keyword-only function of comments.services: (comment=, moderator=, [reason=], **options)
    event: str  # the ModerationEvent.Action written in the history
    options: Mapping[str, object] = field(default_factory=dict)
    takes_reason: bool = True
    on_rows: bool = False  # a button on each row of the admin queue
    link: LinkWording | None = None  # None: not offered in the e-mails
    permission: str = MODERATE_PERMISSION

    @property
    def is_refusal(self) -> bool:
        """Refused or filed as spam: the admin's preset reasons apply."""
        return self.event != ModerationEvent.Action.APPROVED

    def take(
        self, *, comment: Comment, moderator, reason: str = "", preset: str = "", expected: str | None = None
    ) -> Comment:
        """Call the service on `comment` as `moderator`; it checks the permission and writes the history.

        `preset` (a `RefusalPreset` code) goes to a refusal only; `reason` is the moderator's own words.
        `expected`: the `Comment.decision_state` the moderator saw; if the comment has left it since,
        the service changes nothing and raises `comments.services.CommentAlreadyDecided`.
        """
        service = getattr(import_module("comments.services"), self.service)
        reason_kwargs = {"reason": reason} if self.takes_reason else {}
        if self.takes_reason and self.is_refusal and preset:
            reason_kwargs["preset"] = preset
        return service(comment=comment, moderator=moderator, expected=expected, **reason_kwargs, **self.options)


DECISIONS = (
    Decision(
        name="approve",
        label=_("Approuver"),
        done=_("Commentaire approuvé."),
        bulk_name="approve",
        bulk_label=_("Approuver les commentaires sélectionnés"),
        bulk_done=ngettext_lazy("%d commentaire approuvé.", "%d commentaires approuvés."),
        service="comment_approve",
        event=ModerationEvent.Action.APPROVED,
        on_rows=True,
        link=LinkWording(
            title=_("Approuver ce commentaire ?"),
            button=_("Approuver"),
            done=_("Commentaire approuvé : tout le monde peut maintenant le lire."),
        ),
    ),
    Decision(
        name="approve_unmasked",
        label=_("Approuver, données personnelles visibles"),
        done=_("Commentaire approuvé, données personnelles visibles."),
        bulk_name="approve_unmasked",
        bulk_label=_("Approuver en laissant les données personnelles visibles"),
        bulk_done=ngettext_lazy(
            "%d commentaire approuvé, données personnelles visibles.",
            "%d commentaires approuvés, données personnelles visibles.",
        ),
        service="comment_approve",
        options={"unmasked": True},
        event=ModerationEvent.Action.APPROVED,
    ),
    Decision(
        name="approve_trust",
        label=_("Approuver et faire confiance"),
        done=_("Commentaire approuvé ; son auteur est de confiance."),
        bulk_name="approve_and_trust",
        bulk_label=_("Approuver et faire confiance à l’auteur"),
        bulk_done=ngettext_lazy(
            "%d commentaire approuvé, son auteur est de confiance.",
            "%d commentaires approuvés, leurs auteurs sont de confiance.",
        ),
        service="comment_approve_and_trust",
        takes_reason=False,
        event=ModerationEvent.Action.APPROVED,
    ),
    Decision(
        name="reject",
        label=_("Refuser"),
        done=_("Commentaire refusé."),
        bulk_name="reject",
        bulk_label=_("Refuser les commentaires sélectionnés"),
        bulk_done=ngettext_lazy("%d commentaire refusé.", "%d commentaires refusés."),
        service="comment_reject",
        event=ModerationEvent.Action.REJECTED,
        on_rows=True,
        link=LinkWording(
            title=_("Refuser ce commentaire ?"),
            button=_("Refuser"),
            done=_("Commentaire refusé : son auteur en est prévenu."),
            asks_reason=True,
        ),
    ),
    Decision(
        name="spam",
        label=_("Indésirable"),
        done=_("Commentaire marqué indésirable."),
        bulk_name="mark_spam",
        bulk_label=_("Marquer comme indésirables"),
        bulk_done=ngettext_lazy("%d commentaire marqué indésirable.", "%d commentaires marqués indésirables."),
        service="comment_mark_spam",
        event=ModerationEvent.Action.SPAM,
        on_rows=True,
        link=LinkWording(
            title=_("Marquer ce commentaire comme indésirable ?"),
            button=_("Marquer comme indésirable"),
            done=_("Commentaire classé comme indésirable."),
        ),
    ),
)

BY_NAME = {decision.name: decision for decision in DECISIONS}
ON_ROWS = tuple(decision for decision in DECISIONS if decision.on_rows)
# What a signed e-mail link may carry, in the order the e-mails list them.
BY_LINK = {decision.name: decision for decision in DECISIONS if decision.link is not None}
# The history rows that are decisions (the latest one is what the commenter is told).
EVENTS = frozenset(decision.event for decision in DECISIONS)
