"""The import's throughput: a generated WXR of POSTS posts and COMMENTS comments imported, timed and measured.

    DATABASE_URL=postgres://… DJANGO_DEBUG=1 python bench/import_wxr.py [POSTS] [COMMENTS] [--again]

The issue's target: 5,000 posts and 200,000 comments on PostgreSQL, at least 2,000 comments a second
and a peak memory under 300 MB. Prints both, with the machine's load average (the rate is wall-clock
time: on a shared machine it says as much about the neighbours), the CPU time spent, and with
`--again` a second import of the same file, which must create nothing. The database is the one
DATABASE_URL names: the imported rows stay (run it on a fresh scratch database), the file goes.
"""

import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

WORDS = ["le", "la", "un", "blog", "billet", "commentaire", "merci", "bravo", "pourquoi", "jamais", "toujours"]


def write_wxr(path: Path, posts: int, comments: int, seed: int = 1) -> None:
    """A WXR 1.2 file: comments spread over the posts, a third of them replies, 1 in 20 pending."""
    rng = random.Random(seed)  # noqa: S311 — sample text, not secrets
    per_post, cid = comments // posts, 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            "<channel><title>Bench</title><link>https://bench.example</link>\n"
        )
        for pid in range(1, posts + 1):
            out.write(
                f"<item><title>Billet {pid}</title><link>https://bench.example/?p={pid}</link>"
                f"<dc:creator>admin</dc:creator><content:encoded><![CDATA[{' '.join(rng.choices(WORDS, k=300))}"
                f"]]></content:encoded><wp:post_id>{pid}</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00"
                f"</wp:post_date_gmt><wp:post_name>billet-{pid}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>\n"
            )
            first = cid + 1
            for _ in range(per_post):
                cid += 1
                parent = rng.randint(first, cid - 1) if cid > first and rng.random() < 0.33 else 0
                status = "0" if rng.random() < 0.05 else "1"
                who = rng.randint(1, 5000)
                out.write(
                    f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>Lecteur {who}"
                    f"</wp:comment_author><wp:comment_author_email>l{who}@bench.example</wp:comment_author_email>"
                    f"<wp:comment_date_gmt>2020-01-02 10:{cid % 60:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>{' '.join(rng.choices(WORDS, k=40))} {cid}</wp:comment_content>"
                    f"<wp:comment_approved>{status}</wp:comment_approved><wp:comment_parent>{parent}"
                    "</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def main(posts: int = 5000, comments: int = 200_000, *, again: bool = False, out=None) -> dict:
    """Import a generated file (twice with `again`: the second creates nothing); print and return the figures."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    from transfer.services import blog_import

    admin, _ = get_user_model().objects.get_or_create(
        email="bench-import@bench.localhost", defaults={"display_name": "Bench"}
    )
    # As in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries in memory (bulk inserts
    # spelled out in full) and times each one. DJANGO_DEBUG=1 only spares the bench a real secret key.
    with override_settings(DEBUG=False), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xml"
        write_wxr(path, posts, comments)
        figures = {"posts": posts, "mb": path.stat().st_size / 1e6, "load_before": os.getloadavg()[0]}
        cpu_before, start = _cpu_seconds(), time.perf_counter()
        report = blog_import(path=path, author_email=admin.email)
        figures["seconds"], figures["cpu"] = time.perf_counter() - start, _cpu_seconds() - cpu_before
        figures["load_after"] = os.getloadavg()[0]
        if again:
            figures["created_again"] = blog_import(path=path, author_email=admin.email).created
    figures["comments"], figures["created"] = sum(report.comments.values()), report.created
    figures["per_second"] = figures["comments"] / figures["seconds"]
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    _print(figures, out or sys.stdout)
    return figures


def _print(f: dict, out) -> None:
    lines = [
        f"file: {f['mb']:.1f} MB, {f['posts']} posts, {f['comments']} comments, created {f['created']}",
        f"load average (1 min, {os.cpu_count()} CPUs): {f['load_before']:.2f} before, {f['load_after']:.2f} after",
        f"time: {f['seconds']:.1f} s, {f['per_second']:.0f} comments/s (target ≥ 2000)",
        f"CPU: {f['cpu']:.1f} s, {f['comments'] / max(f['cpu'], 1e-9):.0f} comments per CPU-second"
        " (this process and its render workers; the database's own not counted)",
        f"peak memory: {f['peak_mb']:.0f} MB (target < 300); each render worker ≤ {f['worker_peak_mb']:.0f} MB",
    ]
    if "created_again" in f:
        lines.append(f"second run of the same file: created {f['created_again']} (must be 0)")
    print("\n".join(lines), file=out)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    arguments = [arg for arg in sys.argv[1:] if arg != "--again"]
    main(*(int(arg) for arg in arguments[:2]), again="--again" in sys.argv)
