"""config/gunicorn.conf.py: its values, and a real gunicorn serving /healthz with it."""

import http.client
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
CONF = BASE_DIR / "config" / "gunicorn.conf.py"


def load_conf(monkeypatch, **env):
    for name in [name for name in os.environ if name.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


class TestConfig:
    def test_defaults(self, monkeypatch):
        conf = load_conf(monkeypatch)
        assert conf["wsgi_app"] == "config.wsgi:application"
        assert conf["bind"] == ["127.0.0.1:8000"]
        assert conf["workers"] == 2 * os.cpu_count() + 1
        assert (conf["worker_class"], conf["threads"]) == ("sync", 1)  # one request at a time, no kept connection
        assert "keepalive" not in conf
        assert conf["preload_app"] is False  # each worker opens its own database connections
        assert conf["timeout"] == 30
        assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
        assert conf["access_log_format"].endswith("%(M)sms")  # the request's duration

    def test_from_the_environment(self, monkeypatch):
        conf = load_conf(
            monkeypatch,
            GUNICORN_BIND="unix:/run/causerie/gunicorn.sock",
            GUNICORN_WORKERS="3",
            GUNICORN_THREADS="8",
            GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.2",
        )
        assert conf["bind"] == ["unix:/run/causerie/gunicorn.sock"]
        assert (conf["workers"], conf["threads"], conf["forwarded_allow_ips"]) == (3, 8, "10.0.0.2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kept_alive(port: int) -> str:
    """The Connection header of an answer to an HTTP/1.1 request asking to keep the connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Connection": "keep-alive"})
        response = connection.getresponse()
        response.read()
        return (response.getheader("Connection") or "").lower()
    finally:
        connection.close()


def test_gunicorn_serves_healthz_with_this_config(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "GUNICORN_"))}
    env.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", "gunicorn", "-c", str(CONF)], cwd=BASE_DIR, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    status, headers, body = response.status, response.headers, json.load(response)
                kept = kept_alive(port)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # TimeoutError: a slow first answer
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (status, body) == (200, {"database": "ok", "cache": "ok"})
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "Using worker: sync" in log.read_text()
    # A worker holds no connection between requests: the next one goes to whichever process is free.
    assert kept == "close"
    assert '"GET /healthz HTTP/1.1" 200' in log.read_text()
