"""nginx for one benchmark run, the way a user's server runs it: the distribution's own nginx.conf
(/etc/nginx/nginx.conf of Debian's package, read at run time) including the site file of
docs/deploy.md, deploy/nginx/causerie.conf, over plain HTTP and over TLS.

Both files are taken as they are; only what ties them to a real server is changed, each change
found exactly once or the run stops (a changed file is noticed, not silently mis-edited):

    nginx.conf   pid, error and access logs, temporary directories in the run's directory; the site
                 file included instead of conf.d/ and sites-enabled/ (Debian's default site on
                 port 80); the access log in the `combined` format plus `$upstream_cache_status`
    site file    gunicorn's port, the cache directory, loopback ports instead of 80 and 443 (the
                 HTTPS server also listens on a plain-HTTP port: the load-balancer variant the
                 file describes), a throwaway self-signed certificate made with `openssl`, and the
                 ceiling: the post page saved as a file (www/post.html), served by the same server

Run by root, nginx keeps the `user` line and its workers drop to that user, as on a server.
"""

import hashlib
import os
import pwd
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOCK_CONF = Path("/etc/nginx/nginx.conf")
SITE_FILE = ROOT / "deploy" / "nginx" / "causerie.conf"
CEILING_PATH = "/bench-static/post.html"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache")

# The stock `combined` format, plus how the micro-cache answered: what a user's server writes, and
# the one field the bench reads (the last).
LOG_FORMAT = (
    'log_format causerie_bench \'$remote_addr - $remote_user [$time_local] "$request" $status '
    '$body_bytes_sent "$http_referer" "$http_user_agent" $upstream_cache_status\';'
)


class NginxConfigError(Exception):
    """The stock nginx.conf or the site file is not what the bench knows how to adapt."""


@dataclass(frozen=True)
class Ports:
    http: int  # the site over plain HTTP (as behind a load balancer)
    tls: int  # the site over TLS
    redirect: int  # the site file's server that redirects plain HTTP to HTTPS
    app: int  # gunicorn


def replace_once(text: str, pattern: str, replacement: str, *, where: str) -> str:
    """`text` with the one match of `pattern` (a regex, multiline) replaced; anything but one match stops."""
    new, count = re.subn(pattern, lambda _m: replacement, text, flags=re.M)
    if count != 1:
        raise NginxConfigError(f"{where}: expected `{pattern}` once, found it {count} times.")
    return new


def adapt_stock(conf: str, run: Path, *, keep_user: bool) -> str:
    """The distribution's nginx.conf, run from directory `run` and including only the site file."""
    temp = "".join(f"\t{name}_temp_path {run}/{name};\n" for name in TEMP_DIRS if name != "cache")
    changes = [
        (r"^pid\s+[^;]+;", f"pid {run}/nginx.pid;"),
        (r"^error_log\s+[^;]+;", f"error_log {run}/error.log;"),
        (r"^\s*access_log\s+[^;]+;", f"\t{LOG_FORMAT}\n\taccess_log {run}/access.log causerie_bench;"),
        (r"^\s*include /etc/nginx/conf\.d/\*\.conf;", f"\tinclude {run}/causerie.conf;"),
        (r"^\s*include /etc/nginx/sites-enabled/\*;", "\t# sites-enabled/: Debian's default site, not this run's"),
        (r"^http \{\n", "http {\n" + temp),
    ]
    if not keep_user:
        changes.append((r"^user\s+[^;]+;", "# user: not run by root, the workers run as we do"))
    for pattern, replacement in changes:
        conf = replace_once(conf, pattern, replacement, where=str(STOCK_CONF))
    return conf


def adapt_site(site: str, run: Path, *, ports: Ports, certificate: Path, key: Path, www: Path) -> str:
    """The site file on loopback ports, with the run's cache, certificate and ceiling."""
    ceiling = (
        f"    # The ceiling: the post page saved as a file (bench/nginx.py).\n"
        f"    location = {CEILING_PATH} {{\n"
        f"        alias {www}/post.html;\n"
        f'        default_type "text/html; charset=utf-8";\n'
        f"    }}\n\n"
        f"    location / {{"
    )
    changes = [
        (r"^\s*server 127\.0\.0\.1:8000;", f"    server 127.0.0.1:{ports.app};"),
        (r"proxy_cache_path /var/cache/nginx/causerie ", f"proxy_cache_path {run}/cache "),
        (r"^\s*listen 80;\n\s*listen \[::\]:80;$", f"    listen 127.0.0.1:{ports.redirect};"),
        (
            r"^\s*listen 443 ssl http2;\n\s*listen \[::\]:443 ssl http2;$",
            f"    listen 127.0.0.1:{ports.tls} ssl http2;\n    listen 127.0.0.1:{ports.http};",
        ),
        (r"^\s*ssl_certificate\s+[^;]+;", f"    ssl_certificate     {certificate};"),
        (r"^\s*ssl_certificate_key\s+[^;]+;", f"    ssl_certificate_key {key};"),
        (r"^    location / \{", ceiling),
    ]
    for pattern, replacement in changes:
        site = replace_once(site, pattern, replacement, where=str(SITE_FILE.relative_to(ROOT)))
    return site


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (one day), and its key."""
    certificate, key = directory / "loopback.crt", directory / "loopback.key"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",  # noqa: S607
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return certificate, key


def stock_user(conf: str) -> str | None:
    found = re.search(r"^user\s+([^\s;]+)", conf, re.M)
    if not found:
        return None
    try:
        pwd.getpwnam(found.group(1))
    except KeyError:
        return None
    return found.group(1)


def describe(stock: Path = STOCK_CONF) -> str:
    """Which nginx.conf the run took, and whether it is still the package's (dpkg's checksum of it)."""
    what = f"{stock} with {SITE_FILE.relative_to(ROOT)}"
    try:
        listed = subprocess.run(  # noqa: S603
            ["dpkg-query", "-W", "-f=${Conffiles}", "nginx-common"],  # noqa: S607
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return what
    found = re.search(rf"^\s*{re.escape(str(stock))}\s+([0-9a-f]{{32}})", listed, re.M)
    if not found:
        return what
    same = hashlib.md5(stock.read_bytes()).hexdigest() == found.group(1)  # noqa: S324 (dpkg's own checksum)
    return f"{what} ({stock} {'as Debian ships it' if same else 'CHANGED on this machine since its install'})"


def configure(tmp: Path, *, ports: Ports, stock: Path = STOCK_CONF, site: Path = SITE_FILE) -> list[str]:
    """Write the run's nginx.conf and site file under `tmp`/nginx; return the command that serves them."""
    if not stock.exists():
        raise NginxConfigError(f"{stock} is missing: install Debian's nginx (bench/install-tools).")
    run, www = tmp / "nginx", tmp / "www"
    www.mkdir(parents=True, exist_ok=True)
    for name in TEMP_DIRS:
        (run / name).mkdir(parents=True, exist_ok=True)
    stock_text = stock.read_text()
    user = stock_user(stock_text) if os.geteuid() == 0 else None
    if user:
        # nginx's workers drop to the stock user, who must reach the run's files.
        tmp.chmod(0o755)
        for path in run.iterdir():
            shutil.chown(path, user=user)
    certificate, key = make_certificate(run)
    (run / "nginx.conf").write_text(adapt_stock(stock_text, run, keep_user=bool(user)))
    (run / "causerie.conf").write_text(
        adapt_site(site.read_text(), run, ports=ports, certificate=certificate, key=key, www=www)
    )
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    return [binary, "-p", str(run), "-e", str(run / "error.log"), "-c", str(run / "nginx.conf"), "-g", "daemon off;"]
