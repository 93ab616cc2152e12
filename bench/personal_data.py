"""What the personal-data scan costs a comment, before and after python-stdnum and phonenumbers.

    DJANGO_DEBUG=1 .venv/bin/python -m bench.personal_data [--before REV] [--repeat N] [--scan-repeat N]
        [--submissions N]

Prints figures; it is not a test. Two measures, each run for the module as it is
(`markup/personal_data.py`, "after") and for the module at `--before` (a git revision
of the same file, loaded beside it, "before"), interleaved so that both see the same
machine:

1. The scan alone, over a corpus of comment bodies: the paragraphs of the seed articles
   (`fixtures/seeds/`) and of the fixture posts, and bodies a reader of a blog about
   banks writes with numbers in them (dates, amounts, order numbers, postcodes, phones,
   IBANs, cards, addresses). Per comment: `find_personal_data` (the moderation policy's
   look) and `mask_personal_data` (what `render_comment` shows), as a submission does.
2. `comments.services.comment_submit` end to end, on an in-memory SQLite database
   migrated here, the "before" functions put in place of the current ones wherever the
   project imported them.

Times are the process's CPU time (`time.process_time`), best of `--scan-repeat` runs (the
scan) or `--repeat` runs (the submissions) each way, after one run to warm up (phonenumbers
loads a country's metadata the first time it meets it): the least disturbed by other work
on a shared machine.
"""

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The last commit whose markup/personal_data.py carried its own IBAN registry, mod-97, Luhn and phone patterns.
BEFORE = "5fd9751"


def load_before(revision: str) -> types.ModuleType:
    """The module as it was at that git revision (or in that file), loaded under another name."""
    path = Path(revision)
    if path.is_file():
        source = path.read_text()
    else:
        source = subprocess.run(  # noqa: S603 (git, on a revision given by whoever runs the benchmark)
            ["git", "show", f"{revision}:markup/personal_data.py"],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    module = types.ModuleType("personal_data_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:markup/personal_data.py", "exec"), module.__dict__)  # noqa: S102 (our own file)
    return module


def corpus() -> tuple[list[str], list[str]]:
    """(prose, with numbers): comment bodies of plain prose, and bodies with numbers, personal or not."""
    prose = []
    for seed in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        prose += [line.strip() for line in seed.read_text().splitlines() if line.strip()]
    for row in json.loads((ROOT / "fixtures" / "articles.json").read_text()):
        if row["model"] == "blog.post":
            prose += [part.strip() for part in row["fields"]["body"].split("\n\n") if part.strip()]
    rng = random.Random(13)  # noqa: S311 (a corpus, not a secret)
    numbers = [
        "Ouvert le 12/03/2024, fermé le 2024-04-01 à 10:30.",
        "Un prêt de 1 500 000 € sur 25 ans, soit 12,50 € par mois de frais ; commande n° 123456789.",
        "L'agence du 12 rue Oberkampf, 75011 Paris, a fermé en 2019 (décret n° 2024-1234).",
        "Appelez-moi au 06 12 34 56 78 après 18h, ou au +33 1 23 45 67 89.",
        "Depuis Bruxelles : +32 470 12 34 56 ; depuis Genève : 0041 22 345 67 89.",
        "Mon IBAN : FR76 3000 6000 0112 3456 7890 189, merci de rembourser.",
        "Virement sur DE89 3704 0044 0532 0130 00 ou BE71 0961 2345 6769.",
        "Ma carte 4111 1111 1111 1111 a été débitée deux fois de 49,90 €.",
        "Écrivez à jeanne.dupont@example.org ou au 0612345678.",
        "Mon numéro client est 33061234567812 et ma référence FR-2024-00042.",
    ]
    with_numbers = []
    for sentence in numbers:
        for _ in range(10):
            with_numbers.append(f"{rng.choice(prose)[:600]} {sentence} {rng.choice(prose)[:300]}")
    return prose, with_numbers


def time_scan(module, bodies: list[str]) -> float:
    """Seconds for one submission's scans of each body: find (moderation) and mask (rendering)."""
    find, mask = module.find_personal_data, module.mask_personal_data
    start = time.process_time()
    for body in bodies:
        find(body)
        mask(body)
    return time.process_time() - start


def scan_figures(before, after, repeat: int) -> None:
    prose, with_numbers = corpus()
    print(f"Scan (find + mask), per comment, best of {repeat}:")
    print(f"  {'corpus':<34}{'comments':>9}{'before µs':>12}{'after µs':>11}{'after/before':>14}")
    for name, bodies in (
        ("seed and fixture paragraphs", prose),
        ("with numbers (half personal data)", with_numbers),
        ("all", prose + with_numbers),
    ):
        old = new = float("inf")
        time_scan(before, bodies), time_scan(after, bodies)  # warm-up
        for _ in range(repeat):  # interleaved: both see the same moments of a shared machine
            old = min(old, time_scan(before, bodies))
            new = min(new, time_scan(after, bodies))
        per_old, per_new = old / len(bodies) * 1e6, new / len(bodies) * 1e6
        print(f"  {name:<34}{len(bodies):>9}{per_old:>12.1f}{per_new:>11.1f}{per_new / per_old:>14.2f}")
    findings = sum(len(after.find_personal_data(body)) for body in with_numbers)
    findings_before = sum(len(before.find_personal_data(body)) for body in with_numbers)
    print(f"  findings in the bodies with numbers: before {findings_before}, after {findings}")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ["COMMENTS_RATE_PER_MINUTE"] = os.environ["COMMENTS_RATE_PER_HOUR"] = "1000000"
    os.environ["DJANGO_TASKS_BACKEND"] = "immediate"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # e-mail to a list in memory, not the console
    logging.disable(logging.INFO)  # the immediate task backend logs each task it runs
    call_command("migrate", verbosity=0)


SWAPPED = ("find_personal_data", "mask_personal_data")


def importers(function: types.FunctionType) -> list[tuple[types.ModuleType, str]]:
    """Where the project's modules imported the function: (module, name) pairs."""
    places = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if name.startswith(("comments", "markup", "blog", "accounts")) and name != "markup.personal_data":
            places += [(module, attribute) for attribute, value in vars(module).items() if value is function]
    return places


def swap(old: types.FunctionType, new: types.FunctionType) -> list[tuple[types.ModuleType, str]]:
    """Put `new` wherever a project module imported `old`; the places, to put it back."""
    places = importers(old)
    for module, attribute in places:
        setattr(module, attribute, new)
    return places


def submit_figures(before, after, count: int, repeat: int) -> None:
    setup_django()
    from django.db import transaction

    import markup.personal_data
    from comments.models import Comment, ModerationEvent
    from comments.services import comment_submit

    user, post = _author_and_post()
    prose, with_numbers = corpus()
    rng = random.Random(7)  # noqa: S311
    bodies = [*rng.sample(prose, min(len(prose), count // 2))]
    bodies += rng.sample(with_numbers, min(len(with_numbers), count // 2))
    rounds = iter(range(10**6))

    def run() -> float:
        suffix = f" ({next(rounds)})"  # each round its own bodies: no duplicate of an earlier round
        start = time.process_time()
        for body in bodies:
            comment_submit(post=post, author=user, body=body[:4900] + suffix)
        elapsed = time.process_time() - start
        with transaction.atomic():  # each round starts from the same table (the author's checks read it)
            ModerationEvent.objects.filter(comment__author=user).delete()
            Comment.objects.filter(author=user).delete()
        return elapsed

    old, new = _best_of_alternating(lambda: _with_functions_of(before, run), run, repeat)
    per_old, per_new = old / len(bodies) * 1e6, new / len(bodies) * 1e6
    print(
        f"comment_submit (SQLite in memory), per comment, {len(bodies)} comments, best of {repeat}:\n"
        f"  before {per_old:.0f} µs, after {per_new:.0f} µs, after/before {per_new / per_old:.2f}"
    )
    places = [place for name in SWAPPED for place in importers(getattr(markup.personal_data, name))]
    print(f"  the functions swapped for 'before' in: {', '.join(sorted({module.__name__ for module, _ in places}))}")


def _with_functions_of(before, run) -> float:
    """`run()` with the project's personal-data functions swapped for those of the module `before`."""
    import markup.personal_data

    places = [swap(getattr(markup.personal_data, name), getattr(before, name)) for name in SWAPPED]
    try:
        return run()
    finally:
        for name, swapped in zip(SWAPPED, places, strict=True):
            for module, attribute in swapped:
                setattr(module, attribute, getattr(markup.personal_data, name))


def _best_of_alternating(run_before, run_after, repeat: int) -> tuple[float, float]:
    """The best time of each after a warm-up, each run in turn first so that neither always follows the other."""
    old = new = float("inf")
    run_after(), run_before()  # warm-up
    for round_ in range(repeat):
        if round_ % 2:
            new, old = min(new, run_after()), min(old, run_before())
        else:
            old, new = min(old, run_before()), min(new, run_after())
    return old, new


def _author_and_post():
    """A verified reader of 30 days and a published post, in the database in memory."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from blog.models import Post

    user = get_user_model().objects.create_user(
        email="bench-pii@example.org",
        password="bench-pii-42",  # noqa: S106 (an account in a database in memory)
        date_joined=timezone.now() - timezone.timedelta(days=30),
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    post = Post.objects.create(
        title="Banc d'essai",
        slug="banc-essai",
        body="Corps.",
        author=user,
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timezone.timedelta(days=1),
    )
    return user, post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="git revision (or file) of markup/personal_data.py before")
    parser.add_argument("--repeat", type=int, default=7, help="runs of the submissions, each way")
    parser.add_argument("--scan-repeat", type=int, default=25, help="runs of the scan, each way (cheaper)")
    parser.add_argument("--submissions", type=int, default=100, help="comments submitted per round (0: skip)")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    before = load_before(arguments.before)
    import markup.personal_data as after

    scan_figures(before, after, arguments.scan_repeat)
    if arguments.submissions:
        submit_figures(before, after, arguments.submissions, arguments.repeat)


if __name__ == "__main__":
    main()
