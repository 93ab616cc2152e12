"""The stall of a cached page on a stock nginx, reproduced in a minute without the rest of the stack.

    python -m bench.stall [--page FILE] [--size 95000] [--duration 5]

nginx runs as `make bench` runs it (Debian's stock nginx.conf including deploy/nginx/causerie.conf,
bench/nginx.py) in front of a tiny upstream that answers every request with the page (a file, or
`--size` bytes of HTML) marked `Cache-Control: public`, so that nginx's micro-cache serves it. Twice:
with the site file as it is, then with its `tcp_nopush off;` removed — Debian's `sendfile on;
tcp_nopush on;` left alone, the recipe as it was before the fix. wrk measures, over keep-alive, the
cached page and the same bytes as a static file, over plain HTTP and over TLS, at 4 and 32
connections. Every process it starts is stopped at the end; everything goes to 127.0.0.1.
"""

import argparse
import http.server
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

if not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import nginx  # noqa: E402
from bench.client import HOST, fetch  # noqa: E402
from bench.stack import BenchError, ChildProcesses, free_port, log, run_command, wait_for  # noqa: E402
from bench.wrk import run_wrk  # noqa: E402

FIX = "    tcp_nopush off;\n"


def upstream(body: bytes) -> http.server.ThreadingHTTPServer:
    """A server on a free loopback port answering every GET with `body`, cacheable for ten minutes."""

    class Page(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "public, max-age=600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((HOST, free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(tmp: Path, site: str, *, body: bytes, app_port: int, duration: int) -> list[tuple[str, str]]:
    """Serve `site` (the site file's text) with the stock nginx.conf; wrk on each URL; the figures."""
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "www").mkdir(parents=True)
    (tmp / "www" / "post.html").write_bytes(body)
    (tmp / "site.conf").write_text(site)
    ports = nginx.Ports(http=free_port(), tls=free_port(), redirect=free_port(), app=app_port)
    args = nginx.configure(tmp, ports=ports, site=tmp / "site.conf")
    run_command([args[0], "-t", "-q", *args[1:]], timeout=30, what="nginx -t")
    procs = ChildProcesses()
    procs.start("nginx", args, log_path=tmp / "nginx.log")
    rows = []
    try:
        wait_for(lambda: procs.check_alive() or fetch(ports.http, "/", timeout=5).status == 200, "nginx", 30)
        for scheme, port in (("http", ports.http), ("https", ports.tls)):
            fetch(port, "/post/", tls=scheme == "https")  # fills the cache
            for what, path in (("cached page", "/post/"), ("static file", nginx.CEILING_PATH)):
                for connections in (4, 32):
                    load = run_wrk(f"{scheme}://{HOST}:{port}{path}", connections=connections, duration=duration)
                    rows.append(
                        (f"{what}, {'TLS' if scheme == 'https' else 'plain HTTP'}, c{connections}",
                         f"{load.requests_per_s:,.0f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms")
                    )  # fmt: skip
    finally:
        procs.stop_all()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", type=Path, help="the page to serve (default: --size bytes of HTML)")
    parser.add_argument("--size", type=int, default=95_000, help="bytes of the made-up page (95000)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk a measure (5)")
    options = parser.parse_args(argv)
    body = options.page.read_bytes() if options.page else (b"<p>" + b"x" * 96 + b"</p>\n") * (options.size // 104)
    site = nginx.SITE_FILE.read_text()
    if site.count(FIX) != 1:
        raise BenchError(f"{nginx.SITE_FILE} no longer has `{FIX.strip()}` once.")
    server = upstream(body)
    tmp = Path(tempfile.mkdtemp(prefix="causerie-stall-"))
    tmp.chmod(0o755)  # nginx's workers (www-data when run by root) reach the cache inside
    try:
        log(f"a {len(body):,}-byte page; {nginx.describe()}")
        results = {}
        for label, text in (("without tcp_nopush off", site.replace(FIX, "")), ("the site file as it is", site)):
            log(f"nginx: {label}")
            results[label] = measure(tmp / label.replace(" ", "-"), text, body=body,
                                     app_port=server.server_address[1], duration=options.duration)  # fmt: skip
            time.sleep(1)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    for label, rows in results.items():
        print(f"\n{label}:")
        for what, figures in rows:
            print(f"  {what:28} {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
