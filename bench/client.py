"""HTTP to the stack on loopback with the standard library: no redirects followed, cookies by hand.

Shared by the benchmark (bench/scenarios.py) and the proof scenarios (proof/).
"""

import http.client
import ssl
import urllib.parse
from dataclasses import dataclass

HOST = "127.0.0.1"  # every server the benchmark and the proof start listens here, and only here


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self, jar: dict[str, str] | None = None) -> dict[str, str]:
        """The cookies of `jar` updated with those this response sets (an emptied one is dropped)."""
        jar = dict(jar or {})
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if value in {"", '""'}:
                    jar.pop(name.strip(), None)
                else:
                    jar[name.strip()] = value
        return jar


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def fetch(
    port: int, path: str, *, method="GET", cookies=None, form=None, headers=None, timeout=30, tls=False
) -> Response:
    """One request to 127.0.0.1:`port`, with `headers` besides the usual ones; over TLS with `tls` (the bench's
    throwaway certificate: not verified). A form's list values are sent as repeated fields."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        conn = http.client.HTTPSConnection(HOST, port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    sent = {"Host": HOST, "User-Agent": "causerie-bench", **(headers or {})}
    if cookies:
        sent["Cookie"] = cookie_header(cookies)
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form, doseq=True)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=sent)
        raw = conn.getresponse()
        return Response(raw.status, raw.getheaders(), raw.read().decode("utf-8", "replace"))
    finally:
        conn.close()
