"""HTTP for the scale proof: bench.client's requests, and a reader who keeps their cookies."""

import re
from dataclasses import dataclass, field

from bench.client import Response
from bench.client import fetch as request  # the proof's requests are the bench's, with headers of their own


def csrf_token(html: str) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else None


@dataclass
class Browser:
    """One person's cookies, kept across requests to any server (as a browser keeps them for one site)."""

    cookies: dict = field(default_factory=dict)
    # Straight to an app server, nginx's header is sent as nginx would send it (DJANGO_TRUSTED_PROXY_COUNT=1):
    # each person their own address, so that one's flood does not rate-limit another.
    ip: str = "127.0.0.1"

    @property
    def headers(self) -> dict:
        return {"X-Forwarded-For": self.ip}

    def get(self, port: int, path: str, **kwargs) -> Response:
        response = request(port, path, cookies=self.cookies, headers=self.headers, **kwargs)
        self.cookies = response.cookies(self.cookies)
        return response

    def post(self, port: int, path: str, form: dict, **kwargs) -> Response:
        response = request(port, path, method="POST", cookies=self.cookies, form=form, headers=self.headers, **kwargs)
        self.cookies = response.cookies(self.cookies)
        return response
