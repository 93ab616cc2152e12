"""Reads about comments' authors and the site's lists: what the policy and the moderators need to know.

The writes are in `comments.services`; these only read (the services, the admin and the policy's
callers ask them), each in a fixed number of queries.
"""

from django.db.models import Case, Count, Max, Q, Subquery, Value, When
from django.utils import timezone

from accounts.models import ModeratorNote
from comments import moderation
from comments.decisions import MODERATE_PERMISSION
from comments.models import BlockedTerm, Comment, KnownDomain, ModerationEvent, Report


def kept_approvals(comment: Comment) -> int:
    """How many times the comment was approved; an approval its moderator took back (`reverted` next) does not count."""
    actions = list(comment.events.order_by("created_at", "pk").values_list("action", flat=True))
    following = [*actions[1:], None]
    approved, reverted = ModerationEvent.Action.APPROVED, ModerationEvent.Action.REVERTED
    return sum(1 for action, after in zip(actions, following, strict=False) if action == approved and after != reverted)


def author_summary(author) -> dict:
    """What a moderator wants to know about an author: age, verification, past decisions, open reports."""
    from allauth.account.models import EmailAddress

    counts = Comment.objects.filter(author=author).aggregate(
        approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
        spam=Count("pk", filter=Q(status=Comment.Status.SPAM)),
    )
    verified = EmailAddress.objects.filter(user=author, verified=True).first()
    return {
        "account_age": timezone.now() - author.date_joined,
        "verified": verified is not None,
        "open_reports": Report.objects.filter(comment__author=author, resolved_at__isnull=True).count(),
        **counts,
    }


def author_summaries(authors) -> dict[int, dict]:
    """`author_summary` for several authors at once (the desk's cards), by author id, with the moderators' notes
    (the latest five): four queries, however many authors."""
    from allauth.account.models import EmailAddress

    ids = {author.pk for author in authors}
    if not ids:
        return {}
    counts = {
        row["author"]: row
        for row in Comment.objects.filter(author__in=ids)
        .order_by()
        .values("author")
        .annotate(
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
            rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
            spam=Count("pk", filter=Q(status=Comment.Status.SPAM)),
        )
    }
    verified = set(EmailAddress.objects.filter(user__in=ids, verified=True).values_list("user", flat=True))
    reports = dict(
        Report.objects.filter(comment__author__in=ids, resolved_at__isnull=True)
        .order_by()
        .values("comment__author")
        .annotate(n=Count("pk"))
        .values_list("comment__author", "n")
    )
    notes = _notes_by_author(ids)
    now = timezone.now()
    return {
        author.pk: {
            "notes": notes.get(author.pk, [])[:5],
            "account_age": now - author.date_joined,
            "verified": author.pk in verified,
            "open_reports": reports.get(author.pk, 0),
            **{key: counts.get(author.pk, {}).get(key, 0) for key in ("approved", "rejected", "spam")},
        }
        for author in authors
    }


def _notes_by_author(ids) -> dict[int, list]:
    """The moderators' notes on these readers, newest first, by reader: one query."""
    notes: dict[int, list] = {}
    for note in ModeratorNote.objects.filter(user__in=ids).select_related("author")[: 20 * len(ids)]:
        notes.setdefault(note.user_id, []).append(note)
    return notes


def author_record(
    author, policy: moderation.Policy, exclude: Comment | None = None, post=None
) -> moderation.AuthorRecord:
    """What the policy needs of the author's past: their recent texts, and their approvals when the mode reads them.

    One query, two in trust mode for an author a moderator has not trusted: only then does the policy
    count approvals since the last refusal (`moderation.assess`), and that count costs a query on the
    path of every comment sent.
    """
    mine = Comment.objects.filter(author=author)
    if exclude is not None:
        mine = mine.exclude(pk=exclude.pk)
    approved_since_last_refusal = 0
    if policy.mode == moderation.TRUST and not author.trusted:
        refused = [Comment.Status.REJECTED, Comment.Status.SPAM]
        last_refusal = Subquery(
            mine.filter(status__in=refused).order_by().values("author").annotate(at=Max("moderated_at")).values("at")
        )
        counts = mine.aggregate(
            since_refusal=Count("pk", filter=Q(status=Comment.Status.APPROVED, moderated_at__gt=last_refusal)),
            refusals=Count("pk", filter=Q(status__in=refused)),
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
        )
        # With no refusal the subquery is NULL and `moderated_at > NULL` matches nothing: every approval counts.
        approved_since_last_refusal = counts["since_refusal"] if counts["refusals"] else counts["approved"]
    since = timezone.now() - policy.duplicate_window
    return moderation.AuthorRecord(
        account_age=timezone.now() - author.date_joined,
        trusted=author.trusted,
        approved_since_last_refusal=approved_since_last_refusal,
        recent_bodies=tuple(mine.filter(created_at__gte=since).values_list("body", flat=True)[:50]),
        role=_role(author, post) if policy.staff_at_once else "",
    )


def sent_before(
    author, *, post, parent_id: int | None, body: str, submission_key, policy: moderation.Policy
) -> Comment | None:
    """The comment a submission already stored, if any, in one query: the author's comment with the same
    `submission_key` (the same form sent twice), else their recent comment at the same place (post, parent)
    that `body` sends again.

    What counts as sent again is the policy's (`moderation.is_resend`); removed comments never do.
    """
    now = timezone.now()
    match = Q(
        post=post,
        parent_id=parent_id,
        status__in=moderation.RESENT_STATUSES,
        removed_at__isnull=True,
        created_at__gte=now - policy.resend_window,
    )
    # Without a key, `same_key` matches no row (Django drops an empty IN from the OR and the CASE).
    same_key = Q(submission_key=submission_key) if submission_key is not None else Q(pk__in=[])
    candidates = (
        Comment.objects.filter(author=author)
        .filter(match | same_key)
        .alias(by_key=Case(When(same_key, then=Value(0)), default=Value(1)))
        .order_by("by_key", "-created_at")[:21]  # the key's comment first, then the 20 latest at the place
    )
    for earlier in candidates:
        if submission_key is not None and earlier.submission_key == submission_key:
            return earlier
        if moderation.is_resend(
            body,
            earlier_body=earlier.body,
            earlier_status=earlier.status,
            earlier_age=now - earlier.created_at,
            policy=policy,
        ):
            return earlier
    return None


def _role(author, post) -> str:
    """ "moderator", "post_author" or "": a reader costs no query (only staff accounts have their permissions read)."""
    if author.is_staff and author.has_perm(MODERATE_PERMISSION):
        return "moderator"
    if post is not None and post.author_id == author.pk:
        return "post_author"
    return ""


def site_lists(link_domains: list[str]) -> moderation.SiteLists:
    """The block list, and of the known domains only those `link_domains` could match (none: no query)."""
    words, domains = set(), set()
    for kind, value in BlockedTerm.objects.values_list("kind", "value"):
        (domains if kind == BlockedTerm.Kind.DOMAIN else words).add(value)
    candidates = set()
    for domain in link_domains:
        parts = domain.lower().removeprefix("www.").split(".")
        for n in range(len(parts)):  # a.b.example.com, b.example.com, example.com, com
            suffix = ".".join(parts[n:])
            candidates |= {suffix, f"www.{suffix}"}
    known = KnownDomain.objects.filter(domain__in=candidates).values_list("domain", flat=True) if candidates else []
    return moderation.SiteLists(
        blocked_words=frozenset(words), blocked_domains=frozenset(domains), known_domains=frozenset(known)
    )


def waiting_on_post(post, moderator) -> list[Comment]:
    """The post's comments waiting for a decision, by others, for a moderator reading it (none for anyone else).

    Staff only: a moderator must be staff to reach the admin's decision endpoint, and the flag is on the
    user row already loaded, so an ordinary reader's page costs no permission query.
    """
    if not moderator.is_staff or not moderator.has_perm(MODERATE_PERMISSION):
        return []
    waiting = Comment.objects.pending().filter(post=post, removed_at__isnull=True).exclude(author=moderator)
    return list(waiting.select_related("author").order_by("created_at"))


def own_rows_exist_sql(reader: int) -> tuple[str, list]:
    """Whether `reader` has any of `Comment.objects.own_rows_on`'s rows on the post of the enclosing query
    (its table's id): an SQL expression and its parameters, for blog.models.READER_COLUMNS (comments/apps.py)."""
    comments, reports = Comment._meta.db_table, Report._meta.db_table
    post = f'"{Comment._meta.get_field("post").related_model._meta.db_table}".id'
    pending = f"SELECT 1 FROM {comments} WHERE {comments}.post_id = {post} AND status = %s AND author_id = %s"  # noqa: S608 — table names from the models
    reported = (
        f"SELECT 1 FROM {reports} JOIN {comments} ON {comments}.id = {reports}.comment_id "  # noqa: S608 — table names from the models
        f"WHERE {reports}.reporter_id = %s AND {comments}.post_id = {post}"
    )
    return f"EXISTS ({pending}) OR EXISTS ({reported})", [Comment.Status.PENDING, reader, reader]
