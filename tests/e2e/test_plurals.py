"""Comment counts as a reader sees them in Chromium: French puts 0 and 1 in the singular, English only 1."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

EXPECTED = {
    "fr": ["0 commentaire", "1 commentaire", "2 commentaires"],
    "en": ["0 comments", "1 comment", "2 comments"],
}


@pytest.fixture
def posts(posts_with_0_1_2_comments):
    return posts_with_0_1_2_comments


@pytest.mark.parametrize(("language", "browser_locale", "home"), [("fr", "fr-FR", "/"), ("en", "en-GB", "/en/")])
def test_home_and_post_pages_count_comments(live_server, new_page, shoot, posts, language, browser_locale, home):
    page = new_page(locale=browser_locale)
    page.goto(live_server.url + home)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".post-summary .comment-count")).to_have_text(EXPECTED[language])
    shoot(page, f"plurals-home-{language}")

    for post, heading in zip(posts, EXPECTED[language], strict=True):
        with translation.override(language):
            url = post.get_absolute_url()
        page.goto(live_server.url + url)
        expect(page.locator("#commentaires-titre")).to_have_text(heading)
    shoot(page, f"plurals-post-{language}")
