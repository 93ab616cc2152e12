"""/favicon.ico answers, and the icons a page declares resolve."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db

STATIC_PREFIX = static("")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class TestFaviconIco:
    def test_the_root_address_answers_an_icon_with_both_sizes(self, client):
        response = client.get("/favicon.ico")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/x-icon"
        icon = Image.open(io.BytesIO(body(response)))
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32)} <= icon.info["sizes"]

    def test_browsers_may_keep_it_a_day_and_no_cookie_is_set(self, client):
        response = client.get("/favicon.ico")
        assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=86400"}
        assert not response.cookies

    def test_head_is_answered_and_post_refused(self, client):
        assert client.head("/favicon.ico").status_code == 200
        assert client.post("/favicon.ico").status_code == 405

    @override_settings(STATICFILES_DIRS=[])
    def test_served_from_the_collected_files_where_the_sources_are_absent(self, client, settings, tmp_path):
        (tmp_path / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
        settings.STATIC_ROOT = tmp_path
        response = client.get("/favicon.ico")
        assert response.status_code == 200
        assert response.content == b"\x00\x00\x01\x00"


class TestDeclaredIcons:
    def test_each_icon_the_page_declares_is_a_static_image(self, client, post):
        # WhiteNoise serves static files from the collected ones under test (DEBUG off): the finders say where each is.
        html = client.get(reverse("blog:post_list")).content.decode()
        links = re.findall(r'<link rel="icon" href="([^"]+)"[^>]*>', html)
        assert [href.rsplit(".", 1)[-1] for href in links] == ["ico", "svg"]  # the .ico first: any browser takes it
        for href in links:
            assert href.startswith(STATIC_PREFIX), href
            found = finders.find(href.removeprefix(STATIC_PREFIX))
            assert found, href
            content = Path(found).read_bytes()
            if href.endswith(".svg"):
                assert content.startswith(b"<svg")
            else:
                assert Image.open(io.BytesIO(content)).format == "ICO"
                assert content == client.get("/favicon.ico").content  # the same icon at the root
