"""Queue health for the admin index: how much waits, for how long, and how fast moderators decide.

Reads only, in a few queries whatever the size of the queue: the pending
comments are counted up to `CountCap.LIMIT` (an index-only scan that stops
there), beyond which the panel says « plus de 10 000 ». The time to
decision runs from a comment's submission (`created_at`) to its last decision
(`moderated_at`), over the comments decided in the window; comments published
at once (trusted authors) or filed by the honeypot have no `moderated_at` and
do not count.
"""

import json
import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment


@dataclass(frozen=True)
class CountCap:
    """How many rows a queryset has: exact up to LIMIT, beyond that « more than LIMIT » and an estimate.

    The count reads at most LIMIT + 1 rows (`SELECT COUNT(*) FROM (… LIMIT 10001)`), so it costs
    the same with a million rows; the estimate is PostgreSQL's planner's (EXPLAIN), and LIMIT + 1
    elsewhere.
    """

    LIMIT: ClassVar[int] = 10_000
    exact: int | None  # None when there are more than LIMIT
    approximate: int

    @property
    def capped(self) -> bool:
        return self.exact is None

    @classmethod
    def of(cls, queryset) -> "CountCap":
        rows = queryset.order_by().values("pk")
        n = rows[: cls.LIMIT + 1].count()
        if n <= cls.LIMIT:
            return cls(exact=n, approximate=n)
        return cls(exact=None, approximate=max(estimated_rows(rows), cls.LIMIT + 1))


def estimated_rows(queryset) -> int:
    """PostgreSQL's estimate of the rows a queryset returns (its plan's « rows »); 0 elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return 0
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


WINDOWS = {"7": timedelta(days=7), "30": timedelta(days=30)}
DECIDED = [Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM]


def queue_health(now=None) -> dict:
    """Pending count, age of the oldest pending comment, median time to decision over 7 and 30 days."""
    now = now or timezone.now()
    pending = CountCap.of(Comment.objects.pending())
    # From when it entered the queue (`queued_at`), not when it was written: an imported old comment is new here.
    oldest = Comment.objects.pending().order_by("queued_at").values_list("queued_at", flat=True).first()
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
        "pending": pending.approximate,
        "pending_capped": pending.capped,
        "pending_limit": CountCap.LIMIT,
        "oldest_age": now - oldest if oldest else None,
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
