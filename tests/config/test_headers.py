"""The headers every page carries: Content-Security-Policy, Permissions-Policy, Referrer-Policy."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# A script without src (JSON-LD data blocks aside: never executed), a style element or attribute, an on* handler.
INLINE_CODE = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))|<style|\sstyle=|\son[a-z]+=")


class TestContentSecurityPolicy:
    def test_our_pages_need_no_nonce(self, client, post):
        for url in [reverse("blog:post_list"), post.get_absolute_url(), reverse("account_login")]:
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Security-Policy"] == POLICY
            assert "nonce=" not in response.content.decode()

    def test_no_inline_style_or_script_on_our_pages(self, client, post, reader):
        client.force_login(reader)
        for url in [reverse("blog:post_list"), post.get_absolute_url(), reverse("comments:mine")]:
            html = client.get(url).content.decode()
            assert not INLINE_CODE.search(html), url

    def test_the_admin_gets_the_requests_nonce(self, client, moderator):
        client.force_login(moderator)
        response = client.get(reverse("admin:comments_comment_changelist"))
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        nonce = re.search(r"script-src 'self' 'nonce-([\w-]+)'", policy).group(1)
        assert "style-src 'self';" in policy
        assert f'nonce="{nonce}"' in response.content.decode()
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy

    def test_a_fresh_nonce_each_request(self, client, moderator):
        client.force_login(moderator)
        url = reverse("admin:index")
        assert client.get(url)["Content-Security-Policy"] != client.get(url)["Content-Security-Policy"]


class TestOtherHeaders:
    def test_permissions_and_referrer_policies(self, client):
        response = client.get(reverse("blog:post_list"))
        assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
