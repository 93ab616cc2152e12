"""The client's address behind our own reverse proxies.

Each proxy appends the address it received the request from to X-Forwarded-For,
so with N proxies of ours in front of the app the client is the N-th entry from
the right; whatever stands further left was sent by the client and proves nothing.
`DJANGO_TRUSTED_PROXY_COUNT` (settings.TRUSTED_PROXY_COUNT) says what N is — the
same count allauth's rate limits use.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or the right entry of X-Forwarded-For behind trusted proxies.

    A request that reached the app with fewer entries than proxies (it went round
    them) or an entry that is not an address falls back on REMOTE_ADDR.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    entries = [entry.strip() for entry in request.headers.get("X-Forwarded-For", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < count:
        return remote_addr
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote_addr
