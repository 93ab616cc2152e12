"""Queue health for the admin index: how much waits, for how long, and how fast moderators decide.

Reads only, in two queries whatever the size of the queue. The time to
decision runs from a comment's submission (`created_at`) to its last decision
(`moderated_at`), over the comments decided in the window; comments published
at once (trusted authors) or filed by the honeypot have no `moderated_at` and
do not count.
"""

import statistics
from datetime import timedelta

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment

WINDOWS = {"7": timedelta(days=7), "30": timedelta(days=30)}
DECIDED = [Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM]


def queue_health(now=None) -> dict:
    """Pending count, age of the oldest pending comment, median time to decision over 7 and 30 days."""
    now = now or timezone.now()
    pending = Comment.objects.pending().aggregate(count=Count("pk"), oldest=Min("created_at"))
    longest = max(WINDOWS.values())
    decided = list(
        Comment.objects.filter(status__in=DECIDED, moderated_at__gt=now - longest, moderated_at__lte=now).values_list(
            "created_at", "moderated_at"
        )
    )
    medians = {}
    for name, window in WINDOWS.items():
        delays = [moderated - created for created, moderated in decided if moderated > now - window]
        medians[name] = {"median": statistics.median(delays) if delays else None, "count": len(delays)}
    return {
        "pending": pending["count"],
        "oldest_age": now - pending["oldest"] if pending["oldest"] else None,
        "decided_7": medians["7"],
        "decided_30": medians["30"],
    }


def short_duration(delta: timedelta | None) -> str:
    """A duration as a moderator reads it at a glance: "< 1 min", "12 min", "3 h", "2 j"."""
    if delta is None:
        return "—"
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return _("< 1 min")
    if seconds < 3600:
        return _("%(n)d min") % {"n": seconds // 60}
    if seconds < 86400:
        return _("%(n)d h") % {"n": seconds // 3600}
    return _("%(n)d j") % {"n": seconds // 86400}
