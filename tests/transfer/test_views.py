"""Old addresses answer 301; pages have their own address and stay out of the lists."""

import pytest

from tests.transfer.wxr_builder import comment, item, wxr
from transfer.models import Redirect
from transfer.services import blog_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(blog_author, export):
    text = wxr(
        item(12, slug="mon-billet", title="Mon billet", comments=[comment(1)]),
        item(3, ptype="page", slug="a-propos", title="À propos"),
        item(14, slug="brouillon", status="draft"),
    )
    return blog_import(path=export(text))


class TestOldAddresses:
    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("/?p=12", "/billets/mon-billet/"),
            ("/?p=12&utm_source=x", "/billets/mon-billet/"),
            ("/2020/01/mon-billet/", "/billets/mon-billet/"),
            ("/2020/01/mon-billet", "/billets/mon-billet/"),
            ("/?page_id=3", "/pages/a-propos/"),
            ("/feed/", "/flux/rss/"),
        ],
    )
    def test_answer_301(self, client, imported, old, new):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == new

    def test_a_draft_old_address_does_not_leak(self, client, imported):
        assert client.get("/?p=14").status_code == 200  # the home page, as without an import
        assert client.get("/2020/01/brouillon/").status_code == 404

    def test_the_home_page_without_a_known_query_is_the_home_page(self, client, imported):
        assert client.get("/?p=999").status_code == 200

    def test_redirects_are_rows_an_admin_can_edit(self, client, imported):
        row = Redirect.objects.get(old_path="/?p=12")
        row.target_url, row.post = "/archives/", None
        row.save()
        assert client.get("/?p=12")["Location"] == "/archives/"


class TestPages:
    def test_a_page_has_its_own_address_and_is_not_listed(self, client, imported):
        page = client.get("/pages/a-propos/")
        assert page.status_code == 200 and "À propos" in page.content.decode()
        assert client.get("/billets/a-propos/").status_code == 404
        home = client.get("/").content.decode()
        assert "Mon billet" in home and "À propos" not in home
        assert "À propos" not in client.get("/flux/rss/").content.decode()


class TestCommentsOnPages:
    def test_a_reader_comments_on_a_page(self, client, imported, reader):
        from blog.models import Post
        from comments.models import Comment

        page = Post.objects.get(slug="a-propos")
        client.force_login(reader)
        response = client.post(f"/commentaires/billets/{page.pk}/", {"body": "Une question sur cette page."})
        assert response.status_code in (302, 303)
        assert Comment.objects.filter(post=page, body="Une question sur cette page.").exists()
