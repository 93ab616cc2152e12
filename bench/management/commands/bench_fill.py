from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import fill


class Command(BaseCommand):
    help = (
        "Benchmark tool: fill the database with bench posts, threaded approved comments, verified readers "
        f"(password « {fill.PASSWORD} »), a moderator and a pending queue. Replaces an earlier bench fill; "
        "refuses a database holding other content (--force) and production settings (--i-know)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=20, help="published posts (default 20)")
        parser.add_argument(
            "--comments-per-post", type=int, default=200, help="approved comments on each post, threaded (200)"
        )
        parser.add_argument("--users", type=int, default=200, help="readers with a verified e-mail (200)")
        parser.add_argument("--pending", type=int, default=200, help="comments waiting for a moderator (200)")
        parser.add_argument(
            "--queue-million",
            action="store_true",
            help=f"then add {fill.QUEUE_MILLION:,} pending comments for the admin queue (about a minute)",
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed: the same seed, the same content")
        parser.add_argument("--force", action="store_true", help="fill even a database that holds other content")
        parser.add_argument("--i-know", action="store_true", help="fill even with DEBUG off (a bench database)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["i_know"]:
            raise CommandError(
                "DEBUG is off: this may be a production database. bench_fill adds thousands of rows; "
                "run it on a bench database with --i-know, or with DJANGO_DEBUG=1."
            )
        for name in ("posts", "comments_per_post", "users", "pending"):
            if options[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} cannot be negative.")
        foreign = fill.foreign_content()
        if foreign and not options["force"]:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']!s} holds content that is not the bench's "
                f"({', '.join(foreign)}). Use a bench database, or --force to add bench rows beside it."
            )
        self.stdout.write(
            f"Filling {connection.vendor} database {connection.settings_dict['NAME']!s}: {options['posts']} posts "
            f"× {options['comments_per_post']} comments, {options['users']} readers, {options['pending']} pending"
            + (f", then {fill.QUEUE_MILLION:,} queued" if options["queue_million"] else "")
        )
        try:
            totals = fill.fill(
                posts=options["posts"],
                comments_per_post=options["comments_per_post"],
                users=options["users"],
                pending=options["pending"],
                queue_million=options["queue_million"],
                seed=options["seed"],
                progress=self.stdout.write,
            )
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        for name, count in totals.rows.items():
            self.stdout.write(f"  {name:<38} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done. Readers log in as {fill.reader_email(1)} … {fill.reader_email(max(options['users'], 1))}, "
                f"the moderator as {fill.MODERATOR_EMAIL}; password « {fill.PASSWORD} »."
            )
        )
