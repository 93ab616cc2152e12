"""Bench content: posts, threaded approved comments, verified readers, a moderator, a pending queue.

Every row made here is recognisable — slugs start with `bench-`, e-mails end with
`@bench.localhost` — so that `clear()` removes exactly these rows and `foreign_content()`
tells a database that holds anything else. Bulk inserts bypass `save()`: the derived
fields (`body_html`, `link_domains`) and the posts' approved-comment counts are set here.
Used by the `bench_fill` command (bench/management/commands/, under `bench.settings`) that `bench/run.py` runs.

Why not split: over 400 lines, and three functions over 40 (`_make_approved_comments`, `fill_queue`, `_queue_sql`):
it is one recipe, a third of it sample text and SQL, and each of those functions is one step — thread
the replies then write them parents first; write the queue the PostgreSQL way or the portable way;
one INSERT … SELECT — that reads best in one piece.
"""

import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from blog.models import Category, Post
from comments.models import Comment, HoldReason, ModerationEvent, Report
from comments.moderation import Reason
from markup.render import read_comment, render_post

PREFIX = "bench-"
EMAIL_DOMAIN = "bench.localhost"
PASSWORD = "bench-motdepasse-42"  # noqa: S105 (bench accounts on a throwaway database)
AUTHOR_EMAIL = f"autrice@{EMAIL_DOMAIN}"
MODERATOR_EMAIL = f"moderateur@{EMAIL_DOMAIN}"
MODERATORS_GROUP = "Modérateurs"
QUEUE_MILLION = 1_000_000
QUEUE_AUTHORS = 2000  # at most: the queue's authors, apart from the readers the benchmark logs in as
REPLY_SHARE = 0.45  # share of approved comments that answer an earlier one

Progress = Callable[[str], None]


def reader_email(number: int) -> str:
    """The login of bench reader `number` (1-based); they all share PASSWORD."""
    return f"lecteur-{number:05d}@{EMAIL_DOMAIN}"


def post_slug(number: int) -> str:
    return f"{PREFIX}billet-{number:04d}"


@dataclass
class Totals:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + count


class Meter:
    """Times a phase and reports rows per second."""

    def __init__(self, progress: Progress, totals: Totals):
        self.progress = progress
        self.totals = totals

    @contextmanager
    def phase(self, name: str) -> Iterator[Callable[[int], None]]:
        started = time.perf_counter()
        count = 0

        def done(rows: int) -> None:
            nonlocal count
            count += rows

        yield done
        elapsed = max(time.perf_counter() - started, 1e-6)
        self.totals.add(name, count)
        self.progress(f"  {name}: {count:,} rows in {elapsed:.1f} s ({count / elapsed:,.0f} rows/s)")


# What is in the database ----------------------------------------------------------


def bench_users():
    return get_user_model().objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")


def bench_posts():
    return Post.objects.filter(slug__startswith=PREFIX)


def foreign_content() -> list[str]:
    """What the database holds besides bench rows, in words (empty: only bench content, or nothing)."""
    found = []
    posts = Post.objects.exclude(slug__startswith=PREFIX).count()
    users = get_user_model().objects.exclude(email__endswith=f"@{EMAIL_DOMAIN}").count()
    comments = Comment.objects.exclude(post__slug__startswith=PREFIX).count()
    for count, label in ((posts, "posts"), (users, "users"), (comments, "comments")):
        if count:
            found.append(f"{count} {label}")
    return found


def clear(progress: Progress) -> None:
    """Remove the rows of an earlier fill (comments in SQL: there may be a million of them)."""
    comment_table = Comment._meta.db_table
    bench_comments = (
        f"SELECT id FROM {comment_table} WHERE post_id IN (SELECT id FROM {Post._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608
        f" OR author_id IN (SELECT id FROM {get_user_model()._meta.db_table} WHERE email LIKE %s)"
    )
    params = [f"{PREFIX}%", f"%@{EMAIL_DOMAIN}"]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not foreign_content():
            # Only bench rows: emptying the tables is much faster than deleting a million rows.
            cursor.execute(f"SELECT count(*) FROM {comment_table}")  # noqa: S608
            removed = cursor.fetchone()[0]
            tables = (
                HoldReason._meta.db_table,
                ModerationEvent._meta.db_table,
                Report._meta.db_table,
                comment_table,
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred checks
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in (HoldReason._meta.db_table, ModerationEvent._meta.db_table, Report._meta.db_table):
                cursor.execute(f"DELETE FROM {table} WHERE comment_id IN ({bench_comments})", params)  # noqa: S608
            cursor.execute(f"DELETE FROM {comment_table} WHERE id IN ({bench_comments})", params)  # noqa: S608
            removed = cursor.rowcount
        posts, _ = bench_posts().delete()
        Category.objects.filter(slug__startswith=PREFIX).delete()
        users, _ = bench_users().delete()
    if removed or posts or users:
        progress(f"  earlier bench content removed ({removed:,} comments, then posts and users)")


# Filling ---------------------------------------------------------------------------


@contextmanager
def explicit_timestamps(*models):
    """Let bulk inserts keep the `created_at` we set: auto_now_add would stamp every row with now()."""
    fields = [model._meta.get_field("created_at") for model in models]
    saved = [f.auto_now_add for f in fields]
    try:
        for f in fields:
            f.auto_now_add = False
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def fill(
    *,
    posts: int,
    comments_per_post: int,
    users: int,
    pending: int,
    queue_million: bool = False,
    seed: int = 42,
    progress: Progress = print,
) -> Totals:
    """Replace earlier bench content with a fresh set at the given scale; return the rows made."""
    if users < 1 and (comments_per_post or pending):
        raise ValueError("Comments need at least one reader (--users).")
    rng = random.Random(seed)  # noqa: S311 (reproducible bench content, not a secret)
    totals = Totals()
    meter = Meter(progress, totals)
    started = time.perf_counter()
    clear(progress)
    with explicit_timestamps(Comment, ModerationEvent), transaction.atomic():
        password = make_password(PASSWORD)  # hashed once: every bench account shares it
        author, moderator = _make_staff(meter, password)
        readers = _make_readers(meter, users, password)
        post_list = _make_posts(meter, posts, author, rng)
        bodies = _body_pool(rng)
        _make_approved_comments(meter, post_list, readers, moderator, comments_per_post, bodies, rng)
        _make_pending_comments(meter, post_list, readers, pending, bodies, rng)
        refresh_approved_counts()
    if queue_million:
        fill_queue(count=QUEUE_MILLION, progress=progress, totals=totals)
    elapsed = time.perf_counter() - started
    rows = sum(totals.rows.values())
    progress(f"Bench content: {rows:,} rows in {elapsed:.1f} s ({rows / max(elapsed, 1e-6):,.0f} rows/s)")
    return totals


def _make_staff(meter: Meter, password: str):
    User = get_user_model()
    try:
        group = Group.objects.get(name=MODERATORS_GROUP)
    except Group.DoesNotExist:
        raise RuntimeError(f"No « {MODERATORS_GROUP} » group: run `manage.py migrate` first.") from None
    joined = timezone.now() - timedelta(days=400)
    with meter.phase("staff") as done:
        author = User(email=AUTHOR_EMAIL, display_name="Autrice (bench)", password=password, date_joined=joined)
        moderator = User(
            email=MODERATOR_EMAIL, display_name="Modérateur (bench)", password=password, date_joined=joined
        )
        author.is_staff = moderator.is_staff = True
        User.objects.bulk_create([author, moderator])
        moderator.groups.add(group)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in (author, moderator)]
        )
        done(2)
    return author, moderator


def _make_readers(meter: Meter, count: int, password: str) -> list:
    User = get_user_model()
    # Established readers: the policy holds the comments of accounts younger than a few minutes.
    joined = timezone.now() - timedelta(days=90)
    with meter.phase("readers (verified e-mail)") as done:
        readers = User.objects.bulk_create(
            [
                User(email=reader_email(n), display_name=f"Lecteur {n} (bench)", password=password, date_joined=joined)
                for n in range(1, count + 1)
            ],
            batch_size=5000,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in readers], batch_size=5000
        )
        done(2 * len(readers))
    return readers


POST_BODY = """\
Les banques ont longtemps parlé à leurs clients par courrier, puis par le guichet, enfin par
l'application. Les réseaux sociaux ont changé le ton : on y répond en public, vite, et chaque
réponse est lue par des milliers de personnes qui n'ont rien demandé.

## Ce que les lecteurs attendent

- une réponse dans la journée, signée par une personne ;
- un suivi en message privé dès que le compte ou le contrat est en jeu ;
- **jamais** de coordonnées bancaires dans un fil public.

Le community manager d'une banque n'est ni un conseiller ni un service juridique. Il oriente,
il rassure, il explique ; il ne règle pas un litige en 280 caractères. Encore faut-il que
l'organisation derrière lui réponde aussi vite que lui.

> « Afin de lutter contre le spam, les commentaires ne sont ouverts qu'aux personnes
> identifiées et sont soumis à modération. »

C'est la règle de ce blog, et elle vaut pour les banques : une parole publique se modère,
une parole privée se protège. Entre les deux, il y a tout le travail de la relation client.
"""

COMMENT_OPENINGS = [
    "Merci pour ce billet très clair.",
    "Je ne suis pas tout à fait d'accord.",
    "Bonne analyse, mais il manque un point.",
    "Expérience vécue la semaine dernière :",
    "Question naïve :",
    "Tout à fait, et c'est encore plus vrai en agence.",
    "C'est exactement ce que j'ai constaté.",
    "Intéressant, *surtout* le passage sur les délais.",
]
COMMENT_MIDDLES = [
    "Ma banque m'a répondu en deux heures sur Twitter, puis plus rien pendant trois semaines.",
    "Le conseiller ne voit pas ce que le community manager a promis, et inversement.",
    "Les réponses toutes faites se repèrent tout de suite et agacent plus qu'un silence.",
    "On confond souvent rapidité et qualité : une réponse rapide mais fausse coûte cher.",
    "Le passage en message privé est souvent vécu comme une façon d'étouffer la plainte.",
    "Les petites banques en ligne s'en sortent mieux, faute d'agences à protéger.",
    "La modération a posteriori ne suffit pas quand quelqu'un publie son IBAN par erreur.",
    "Il faudrait des indicateurs publics : délai de réponse, taux de résolution.",
    "Voir aussi l'étude citée ici : https://www.example.org/etude-relation-client",
    "Les jeunes clients n'appellent plus : le fil public *est* le service client.",
]
COMMENT_CLOSINGS = [
    "",
    "Qu'en pensez-vous ?",
    "À suivre.",
    "Merci encore pour ces échanges.",
    "Bref, du chemin reste à faire.",
]


def _body_pool(rng: random.Random, size: int = 60) -> list[tuple[str, str, list[str]]]:
    """Comment texts of varied length, rendered once: (body, body_html, link_domains)."""
    pool = []
    for _ in range(size):
        paragraphs = [f"{rng.choice(COMMENT_OPENINGS)} {rng.choice(COMMENT_MIDDLES)}"]
        for _ in range(rng.randrange(0, 3)):
            paragraphs.append(rng.choice(COMMENT_MIDDLES))
        closing = rng.choice(COMMENT_CLOSINGS)
        if closing:
            paragraphs.append(closing)
        body = "\n\n".join(paragraphs)
        text = read_comment(body)
        pool.append((body, text.html, text.link_domains))
    return pool


def _make_posts(meter: Meter, count: int, author, rng: random.Random) -> list[Post]:
    now = timezone.now()
    body_html = render_post(POST_BODY)
    with meter.phase("posts") as done:
        categories = Category.objects.bulk_create(
            [
                Category(name=f"{name} (bench)", slug=f"{PREFIX}{slug}")
                for name, slug in (("Banque", "banque"), ("Relation client", "relation-client"), ("Réseaux", "reseaux"))
            ]
        )
        posts = Post.objects.bulk_create(
            [
                Post(
                    title=f"Billet de charge n° {n} : les banques et les réseaux sociaux",
                    slug=post_slug(n),
                    author=author,
                    body=POST_BODY,
                    body_html=body_html,
                    status=Post.Status.PUBLISHED,
                    published_at=now - timedelta(days=n, hours=3),
                )
                for n in range(1, count + 1)
            ],
            batch_size=2000,
        )
        Through = Post.categories.through
        links = [
            Through(post_id=post.pk, category_id=category.pk)
            for post in posts
            for category in rng.sample(categories, rng.randint(1, 2))
        ]
        Through.objects.bulk_create(links, batch_size=5000)
        done(len(categories) + len(posts) + len(links))
    return posts


def _make_approved_comments(meter, posts, readers, moderator, per_post, bodies, rng) -> None:
    """`per_post` approved comments on each post, threaded: replies go up to COMMENTS_MAX_DEPTH levels."""
    deepest = settings.COMMENTS_MAX_DEPTH - 1  # depth is 0 for a top-level comment
    now = timezone.now()
    layers: list[list[Comment]] = [[] for _ in range(deepest + 1)]
    for post in posts:
        span = (now - post.published_at).total_seconds() - 3600
        stamps = sorted(post.published_at + timedelta(seconds=rng.uniform(60, span)) for _ in range(per_post))
        made: list[Comment] = []
        for created_at in stamps:
            body, body_html, domains = rng.choice(bodies)
            parent = None
            candidates = [c for c in made[-30:] if c.depth < deepest]
            if candidates and rng.random() < REPLY_SHARE:
                parent = rng.choice(candidates)
            comment = Comment(
                post=post,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                author=rng.choice(readers),
                body=body,
                body_html=body_html,
                link_domains=domains,
                status=Comment.Status.APPROVED,
                created_at=created_at,
                moderated_at=min(created_at + timedelta(minutes=rng.randint(5, 600)), now),
                moderated_by=moderator,
            )
            made.append(comment)
            layers[comment.depth].append(comment)
    with meter.phase("approved comments (threaded)") as done:
        for layer in layers:  # parents first: bulk_create gives them their ids
            Comment.objects.bulk_create(layer, batch_size=5000)
            done(len(layer))
    with meter.phase("history rows (submitted, approved)") as done:
        events = []
        for layer in layers:
            for c in layer:
                events.append(
                    ModerationEvent(
                        comment=c, action=ModerationEvent.Action.SUBMITTED, actor=c.author, created_at=c.created_at
                    )
                )
                events.append(
                    ModerationEvent(
                        comment=c, action=ModerationEvent.Action.APPROVED, actor=moderator, created_at=c.moderated_at
                    )
                )
        ModerationEvent.objects.bulk_create(events, batch_size=5000)
        done(len(events))


HOLD_REASONS = [
    [{"code": "hold_all", "params": {}}],
    [{"code": "hold_all", "params": {}}],
    [{"code": "hold_all", "params": {}}],
    [{"code": "unknown_domain", "params": {"domain": "example.org"}}],
    [{"code": "duplicate", "params": {}}],
    [
        {"code": "links", "params": {"count": 3, "limit": 2}},
        {"code": "unknown_domain", "params": {"domain": "example.org"}},
    ],
]


def _make_pending_comments(meter, posts, readers, count, bodies, rng) -> None:
    """`count` comments waiting for a moderator, spread over the posts, sent in the last two days."""
    if not count or not posts:
        return
    now = timezone.now()
    with meter.phase("pending comments (+ history)") as done:
        comments, held_for = [], []
        for n in range(count):
            body, body_html, domains = rng.choice(bodies)
            held_for.append(rng.choice(HOLD_REASONS))
            comments.append(
                Comment(
                    post=posts[n % len(posts)],
                    author=rng.choice(readers),
                    body=body,
                    body_html=body_html,
                    link_domains=domains,
                    status=Comment.Status.PENDING,
                    created_at=now - timedelta(seconds=rng.uniform(60, 2 * 86400)),
                )
            )
        Comment.objects.bulk_create(comments, batch_size=5000)
        events = [
            ModerationEvent(
                comment=c,
                action=ModerationEvent.Action.SUBMITTED,
                actor=c.author,
                reason="; ".join(Reason(r["code"], r["params"]).message for r in reasons),
                created_at=c.created_at,
            )
            for c, reasons in zip(comments, held_for, strict=True)
        ]
        ModerationEvent.objects.bulk_create(events, batch_size=5000)
        reasons = _hold_reason_rows(zip(comments, held_for, strict=True))
        HoldReason.objects.bulk_create(reasons, batch_size=5000)
        done(len(comments) + len(events) + len(reasons))


def _hold_reason_rows(held) -> list[HoldReason]:
    """The HoldReason rows comment_submit writes, for (comment, HOLD_REASONS entry) pairs."""
    return [
        HoldReason(comment=c, position=n, code=r["code"], params=r["params"])
        for c, reasons in held
        for n, r in enumerate(reasons)
    ]


def refresh_approved_counts() -> int:
    """Set each bench post's denormalised approved-comment count, as the comment services keep it."""
    return bench_posts().update(approved_comment_count=Comment.objects.approved_count_per_post())


def fill_queue(*, count: int, progress: Progress = print, totals: Totals | None = None, batch: int = 10_000) -> int:
    """Add `count` pending comments (no history rows) over the bench posts: the admin queue under load.

    They come from authors of their own (« file-… » accounts, up to QUEUE_AUTHORS, each with the same
    share on every post): the readers the benchmark logs in as keep pages of a normal size.
    PostgreSQL makes the rows itself (INSERT … SELECT over generate_series, 100,000 a statement);
    other databases get bulk_create batches of `batch`.
    """
    totals = totals or Totals()
    meter = Meter(progress, totals)
    post_ids = list(bench_posts().values_list("pk", flat=True))
    if not post_ids:
        raise RuntimeError("The queue needs bench posts: fill them first.")
    author_ids = _queue_authors(meter, min(QUEUE_AUTHORS, max(1, count // 500)))
    bodies = _body_pool(random.Random(7), size=40)  # noqa: S311 (bench content)
    started = time.perf_counter()
    with meter.phase(f"queue: {count:,} pending comments") as done:
        if connection.vendor == "postgresql":
            step = max(batch, 100_000)
            for first in range(1, count + 1, step):
                last = min(first + step - 1, count)
                _queue_sql(first, last, post_ids, author_ids, bodies)
                done(last - first + 1)
                _report(progress, last, count, started)
        else:
            with explicit_timestamps(Comment):
                now = timezone.now()
                for first in range(0, count, batch):
                    rows = []
                    for n in range(first, min(first + batch, count)):
                        body, body_html, domains = bodies[n % len(bodies)]
                        rows.append(
                            Comment(
                                post_id=post_ids[n % len(post_ids)],
                                author_id=author_ids[(n // len(post_ids)) % len(author_ids)],
                                body=body,
                                body_html=body_html,
                                link_domains=domains,
                                status=Comment.Status.PENDING,
                                created_at=now - timedelta(seconds=2.5 * n),
                            )
                        )
                    Comment.objects.bulk_create(rows)
                    held = [(c, HOLD_REASONS[(first + i) % len(HOLD_REASONS)]) for i, c in enumerate(rows)]
                    HoldReason.objects.bulk_create(_hold_reason_rows(held))
                    done(len(rows))
                    _report(progress, first + len(rows), count, started)
    return count


def _queue_authors(meter: Meter, count: int) -> list[int]:
    User = get_user_model()
    joined = timezone.now() - timedelta(days=2)
    with meter.phase("queue authors") as done:
        made = User.objects.bulk_create(
            [
                User(
                    email=f"file-{n:05d}@{EMAIL_DOMAIN}", display_name=f"Auteur en file {n} (bench)", date_joined=joined
                )
                for n in range(1, count + 1)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        done(len(made))
    return list(bench_users().filter(email__startswith="file-").order_by("pk").values_list("pk", flat=True)[:count])


def _report(progress: Progress, made: int, count: int, started: float) -> None:
    elapsed = max(time.perf_counter() - started, 1e-6)
    progress(f"    {made:,} / {count:,} ({made / elapsed:,.0f} rows/s)")


def _queue_sql(first: int, last: int, post_ids, author_ids, bodies) -> None:
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        # The comments and, from what that INSERT returns, their hold-reason rows, in one statement
        # (a comment's number g comes back from its created_at, now() - g * 2.5 s, now() being fixed).
        cursor.execute(
            f"""
            WITH made AS (
            INSERT INTO {table} (
                post_id, parent_id, depth, author_id, body, body_html, status, link_domains,
                pending_body, show_unmasked, notify_replies, decision_preset, decision_reason, created_at,
                queued_at
            )
            SELECT
                (%(posts)s::bigint[])[1 + g %% %(n_posts)s],
                NULL, 0,
                (%(authors)s::bigint[])[1 + (g / %(n_posts)s) %% %(n_authors)s],
                (%(bodies)s::text[])[1 + g %% %(n_bodies)s],
                (%(htmls)s::text[])[1 + g %% %(n_bodies)s],
                'pending',
                ((%(domains)s::text[])[1 + g %% %(n_bodies)s])::jsonb,
                '', false, false, '', '',
                now() - g * interval '2.5 seconds',
                now() - g * interval '2.5 seconds'
            FROM generate_series(%(first)s, %(last)s) AS g
            RETURNING id, round(extract(epoch FROM now() - created_at) / 2.5)::bigint AS g
            )
            INSERT INTO {HoldReason._meta.db_table} (comment_id, position, code, params)
            SELECT made.id, r.n - 1, r.reason->>'code', r.reason->'params' FROM made,
            jsonb_array_elements(((%(reasons)s::text[])[1 + made.g %% %(n_reasons)s])::jsonb)
                WITH ORDINALITY AS r(reason, n)
            """,  # noqa: S608 (table names from the models)
            {
                "posts": post_ids,
                "n_posts": len(post_ids),
                "authors": author_ids,
                "n_authors": len(author_ids),
                "bodies": [b for b, _h, _d in bodies],
                "htmls": [h for _b, h, _d in bodies],
                "domains": [json.dumps(d) for _b, _h, d in bodies],
                "n_bodies": len(bodies),
                "reasons": [json.dumps(r, ensure_ascii=False) for r in HOLD_REASONS],
                "n_reasons": len(HOLD_REASONS),
                "first": first,
                "last": last,
            },
        )
