"""Check 5 of the scale proof: what two servers and a replica cost and give, measured.

- requests per second on the post page, anonymous and logged in, through nginx with one app server
  and with two (server blocks without nginx's cache: the app is measured), and through the micro-cache;
- SQL queries per page on each database alias, counted in a process of the stack's own settings
  (Django's test client, the router and its middleware as gunicorn runs them);
- the replica's lag under the comment load of check 4 (bytes not replayed, seconds), and the
  read-your-writes window the stack ran with.

It holds when every measure ran without an error answer and the queries went where the router says:
an anonymous reader's page on the replica only, a writer's (within the window) and the admin on the primary.
"""

import json
import shutil
import subprocess

from bench.client import HOST
from bench.stack import manage
from bench.wrk import parse_wrk
from proof.scale.stack import MODERATOR, SETTINGS, ScaleStack

QUERIES = """
import json, time
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from config import replica

def count(client, url):
    replica.health.checked_at = time.monotonic()  # just probed: the measure holds no probe
    with CaptureQueriesContext(connections["default"]) as p, CaptureQueriesContext(connections["replica"]) as r:
        status = client.get(url, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code
    return [status, len(p.captured_queries), len(r.captured_queries)]

path = "{path}"
rows = {{}}
anonymous = Client()
rows["anonymous post page, this process's first"] = count(anonymous, path)
rows["anonymous post page, again"] = count(anonymous, path)
rows["home page, anonymous"] = count(anonymous, "/")
reader = Client()
reader.force_login(User.objects.get(email="{reader}"))
rows["post page, logged-in reader"] = count(reader, path)
rows["post page, again"] = count(reader, path)
reader.cookies[settings.DATABASE_PRIMARY_COOKIE] = str(time.time() + settings.DATABASE_READ_YOUR_WRITES_SECONDS)
rows["post page, logged-in reader who just wrote"] = count(reader, path)
moderator = Client()
moderator.force_login(User.objects.get(email="{moderator}"))
rows["admin: comments to moderate"] = count(moderator, "/admin/comments/comment/")
print("QUERIES" + json.dumps(rows))
"""


def query_counts(stack: ScaleStack) -> dict:
    code = QUERIES.format(path=stack.post_path, reader=f"lecteur{stack.spare(5)}@scale.localhost", moderator=MODERATOR)
    out = manage("shell", "-c", code, env=stack.env, timeout=120)
    return json.loads(out.split("QUERIES", 1)[1])


def wrk(port: int, path: str, *, seconds: int, cookie: str = "") -> tuple[str, int]:
    args = [shutil.which("wrk") or "wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(  # noqa: S603
        [*args, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, timeout=seconds + 60
    )
    measured = parse_wrk(result.stdout)
    return f"{measured.requests_per_s:.0f}/s (p50 {measured.p50_ms:.0f} ms, errors {measured.errors})", measured.errors


def routed_as_said(queries: dict) -> bool:
    """An anonymous page read on the replica alone; a writer's page (within the window) and the admin on the primary."""
    status, primary, replica = queries["anonymous post page, this process's first"]
    anonymous = status == 200 and primary == 0 and replica > 0
    writer, admin = queries["post page, logged-in reader who just wrote"], queries["admin: comments to moderate"]
    return anonymous and writer[0] == admin[0] == 200 and writer[2] == admin[2] == 0


def check_figures(stack: ScaleStack, *, seconds: int = 8) -> tuple[bool, str]:
    cookie = f"sessionid={stack.sessions[f'lecteur{stack.spare(6)}@scale.localhost']}"
    runs = {
        "anonymous, micro-cache": wrk(stack.nginx_port, stack.post_path, seconds=seconds),
        "anonymous, one server": wrk(stack.figures_ports["one"], stack.post_path, seconds=seconds),
        "anonymous, two servers": wrk(stack.figures_ports["two"], stack.post_path, seconds=seconds),
        "logged-in, one server": wrk(stack.figures_ports["one"], stack.post_path, seconds=seconds, cookie=cookie),
        "logged-in, two servers": wrk(stack.figures_ports["two"], stack.post_path, seconds=seconds, cookie=cookie),
    }
    queries = query_counts(stack)
    lag = getattr(stack, "lag_samples", [])
    max_bytes = max((b for b, _ in lag), default=-1)
    max_seconds = max((s for _, s in lag), default=-1.0)
    ok = not any(errors for _, errors in runs.values()) and routed_as_said(queries)
    window = SETTINGS["DATABASE_READ_YOUR_WRITES_SECONDS"]
    return ok, (
        f"wrk {seconds} s, 8 connections, post page: "
        + "; ".join(f"{name} {text}" for name, (text, _) in runs.items())
        + " — queries per page [status, primary, replica]: "
        + "; ".join(f"{name} {row}" for name, row in queries.items())
        + f" — replica lag under check 4's comment load: at most {max_bytes} bytes of the cluster's WAL (every "
        f"database's), {max_seconds:.3f} s ({len(lag)} samples); read-your-writes window {window} s"
    )
