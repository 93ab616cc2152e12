import pytest
from django.test import RequestFactory

from config.proxies import client_ip


def request(xff=None, remote_addr="10.0.0.5"):
    headers = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


class TestClientIp:
    def test_without_trusted_proxies_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(request("203.0.113.9")) == "10.0.0.5"

    def test_one_proxy_the_entry_it_appended(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client claimed 1.2.3.4; nginx appended the address it really saw.
        assert client_ip(request("1.2.3.4, 203.0.113.9")) == "203.0.113.9"

    def test_two_proxies_the_second_entry_from_the_right(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(request("1.2.3.4,203.0.113.9, 10.0.0.2")) == "203.0.113.9"

    def test_ipv6(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(request("2001:db8::1")) == "2001:db8::1"

    @pytest.mark.parametrize("xff", [None, "", "203.0.113.9"])
    def test_fewer_entries_than_proxies_falls_back_on_the_peer(self, settings, xff):
        # A request that went round the proxies (or a misconfigured count): the peer is all we know.
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(request(xff)) == "10.0.0.5"

    def test_an_entry_that_is_no_address_falls_back_on_the_peer(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(request("1.2.3.4, unknown")) == "10.0.0.5"
