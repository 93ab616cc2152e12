"""Profile a page in-process with cProfile: where a request's CPU goes, without gunicorn or a network.

    DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 \\
    DATABASE_URL=postgres://causerie@127.0.0.1:5432/causerie_bench REDIS_URL=redis://127.0.0.1:6379/15 \\
    python -m bench.profile_pages /bench-billet-0001/ [--login lecteur-00001@bench.localhost] [-n 300]

It runs the production settings (`bench.settings`) against a filled database, warms the page up,
then profiles `-n` requests through Django's WSGI handler (the test client) and prints the
functions that cost the most, cumulatively, then by their own time. `--post` posts the comment form
instead (a fresh submission key each time).
"""

import argparse
import cProfile
import os
import pstats
import re
import time
import uuid


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--login", help="e-mail of the reader to log in as")
    parser.add_argument("--post", action="store_true", help="post the comment form of the page")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    request = page_request(args.path, login=args.login, post=args.post)
    for _ in range(20):  # warm-up: caches filled, connections open
        request()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.n):
        response = request()
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{args.n} requests, status {response.status_code}: {elapsed / args.n * 1000:.2f} ms each (profiled)")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def page_request(path: str, *, login: str | None, post: bool):
    """A function that makes the request to profile: GET `path`, or post its comment form (Django set up)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if login:
        client.force_login(get_user_model().objects.get(email=login))
    page = client.get(path)
    assert page.status_code == 200, page.status_code

    def request():
        if not post:
            return client.get(path)
        html = page.content.decode()
        action = re.search(r'action="([^"]*/commentaires/billets/\d+/)(?:#[^"]*)?"', html)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = {"csrfmiddlewaretoken": token, "body": f"Un avis profilé {uuid.uuid4()}"}
        form["submission_key"] = str(uuid.uuid4())
        return client.post(action.group(1), form)

    return request


if __name__ == "__main__":
    main()
