"""Search: French words found whatever their accents and plurals, nothing unpublished, never a 500."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import search
from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

URL = reverse("blog:search")


@pytest.fixture
def seeds(db):
    """The five seed articles, as `make run` loads them."""
    call_command("loaddata", "articles", verbosity=0)
    return {post.slug: post for post in Post.objects.all()}


def found(q) -> list[str]:
    return [post.title for post in search.search_posts(search.parse(q))]


class TestParse:
    def test_words_lowercased_stopwords_dropped(self):
        query = search.parse("  Les BANQUES et le Numérique  ")
        assert query.words == ("banques", "numérique")
        assert query.stems == ("banque", "numerique")
        assert query.text == "Les BANQUES et le Numérique"

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ("", "Saisissez un ou plusieurs mots"),
            ("   ", "Saisissez un ou plusieurs mots"),
            (None, "Saisissez un ou plusieurs mots"),
            ("x" * 201, "trop longue : 200 caractères au plus"),
            ("!!! ??? ---", "Aucun mot à rechercher"),
            ("« » … ’", "Aucun mot à rechercher"),
            ("les et de", "trop courants"),
        ],
    )
    def test_what_cannot_be_searched_says_why(self, raw, message):
        query = search.parse(raw)
        assert not query
        assert message in str(query.error)

    def test_two_hundred_characters_are_accepted(self):
        assert search.parse("banque " * 28 + "ab").error == ""

    def test_operators_and_control_characters_never_reach_the_database(self):
        query = search.parse("banque\x00 & !numérique | 'x' <script>")
        assert query.words == ("banque", "numérique", "script")
        assert "\x00" not in query.text

    def test_words_are_capped(self):
        assert len(search.parse(" ".join(f"mot{i}" for i in range(30))).words) == search.MAX_WORDS


class TestFoldAndStem:
    def test_fold_keeps_positions(self):
        text = "Fédération ÉCONOMIQUE, œuvre à Noël"
        assert search.fold(text) == "federation economique, œuvre a noel"
        assert len(search.fold(text)) == len(text)

    @pytest.mark.parametrize(
        ("word", "stem"),
        [
            ("banques", "banque"),
            ("banque", "banque"),
            ("sociaux", "socia"),
            ("social", "social"),
            ("prix", "prix"),
            ("cheveux", "cheveu"),
        ],
    )
    def test_light_plural_stripping(self, word, stem):
        assert search.stem(word) == stem


class TestFrenchWords:
    """The seed articles through the real search (full-text on PostgreSQL, the fallback on SQLite)."""

    @pytest.mark.parametrize(
        ("query", "title"),
        [
            ("banques", "Culture numérique"),  # « banque » only, in that article
            ("banque", "Médias sociaux : les banques n’ont pas le choix, contrairement à leurs clients"),
            ("numerique", "Culture numérique"),
            ("NUMÉRIQUES", "Culture numérique"),
            ("reseaux sociaux", "BPCE s’allie à Facebook, mais oublie ses collaborateurs"),
            ("pedagogiques", "BNP Paribas et Société Générale lancent des ateliers pédagogiques"),
            ("Societe Generale", "BNP Paribas et Société Générale lancent des ateliers pédagogiques"),
        ],
    )
    def test_accents_case_and_plurals(self, seeds, query, title):
        assert title in found(query)

    def test_every_word_must_match(self, seeds):
        assert found("banque xylophone") == []

    def test_federation_finds_federation_accented(self, db):
        PostFactory(title="La Fédération bancaire française", body="Les fédérations professionnelles.")
        PostFactory(title="Autre chose", body="Rien à voir.")
        assert found("federation") == ["La Fédération bancaire française"]
        assert found("FÉDÉRATIONS") == ["La Fédération bancaire française"]

    def test_title_matches_rank_first(self, db):
        PostFactory(title="Un billet", body="On y parle de mutualisation, une fois.")
        PostFactory(title="La mutualisation", body="Encore la mutualisation.")
        assert found("mutualisation")[0] == "La mutualisation"


class TestNothingUnpublished:
    def test_draft_and_future_posts_are_never_found(self, db):
        PostFactory(title="Visible zéphyr", body="zéphyr")
        PostFactory(title="Brouillon zéphyr", body="zéphyr", status=Post.Status.DRAFT)
        PostFactory(title="Futur zéphyr", body="zéphyr", published_at=timezone.now() + timezone.timedelta(hours=1))
        assert found("zephyr") == ["Visible zéphyr"]

    def test_search_page_shows_no_draft(self, client, db):
        PostFactory(title="Brouillon zéphyr", body="zéphyr", status=Post.Status.DRAFT)
        html = client.get(URL, {"q": "zéphyr"}).content.decode()
        assert "Brouillon" not in html
        assert "Aucun billet ne contient « zéphyr »" in html


class TestExcerpts:
    def test_matches_marked_and_everything_else_escaped(self, client, db):
        PostFactory(
            title="<em>Banques</em> & fédération",
            body="Texte <script>alert(1)</script> sur la fédération des banques, & le reste.",
        )
        response = client.get(URL, {"q": "federation"})
        html = response.content.decode()
        assert "<mark>fédération</mark>" in html
        assert "<script>alert" not in html and "<em>Banques" not in html
        assert "&lt;em&gt;Banques&lt;/em&gt; &amp; <mark>fédération</mark>" in html
        assert "&lt;script&gt;" in html

    def test_long_body_cut_around_the_match(self, db):
        post = PostFactory(body="début " * 200 + "la mutualisation bancaire " + "fin " * 200)
        [result] = search.with_excerpts(
            search.search_posts(search.parse("mutualisation")), search.parse("mutualisation")
        )
        assert "<mark>mutualisation</mark>" in result.excerpt_html
        assert len(result.excerpt_html) < 600
        assert post.pk == result.pk

    def test_marked_keeps_only_mark(self):
        text = f"a <b onclick=x>{search.START}mot{search.STOP} &amp; {search.START}non fermé"
        assert (
            search.marked(text, from_html=True) == "a &lt;b onclick=x&gt;<mark>mot</mark> &amp; <mark>non fermé</mark>"
        )


class TestSearchPage:
    def test_results_and_the_form_keeps_the_query(self, client, seeds):
        response = client.get(URL, {"q": "numériques"})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'value="numériques"' in html
        assert "<mark>numérique</mark>" in html
        assert 'name="robots" content="noindex' in html

    @pytest.mark.parametrize(
        "raw",
        ["", "x" * 201, "x" * 5000, "\x00", "%", "'; DROP TABLE blog_post; --", "\\", "(", "a & | !", "<>", "le", "😀"],
    )
    def test_odd_queries_get_a_message_never_a_500(self, client, db, raw):
        PostFactory()
        response = client.get(URL, {"q": raw})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="search-message"' in html
        assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]

    def test_bare_page_shows_the_form_only(self, client, db):
        html = client.get(URL).content.decode()
        assert 'class="search-message"' not in html
        assert 'id="recherche-page"' in html

    def test_anonymous_search_is_public_and_carries_no_csrf(self, client, seeds):
        response = client.get(URL, {"q": "banque"})
        assert "public" in response["Cache-Control"]
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies
        assert client.get(URL, {"q": "banque"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_paginated_with_the_query_kept(self, client, db):
        PostFactory.create_batch(12, body="La mutualisation.")
        first = client.get(URL, {"q": "mutualisation"})
        assert len(first.context["post_list"]) == 10
        assert 'rel="next" href="?q=mutualisation&amp;page=2"' in first.content.decode()
        assert len(client.get(URL, {"q": "mutualisation", "page": 2}).context["post_list"]) == 2

    def test_english_page(self, client, seeds):
        response = client.get("/en" + URL, {"q": "banques"})
        assert response.status_code == 200
        assert "<mark>" in response.content.decode()

    def test_the_header_form_is_a_labelled_get_form(self, client, db):
        html = client.get(reverse("blog:post_list")).content.decode()
        assert f'<form method="get" action="{URL}" role="search"' in html
        assert '<label for="recherche">' in html


class TestSearchBudget:
    def test_same_queries_with_3_and_30_matching_posts(self, client, db, django_assert_max_num_queries):
        def count():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(URL, {"q": "mutualisation"}).status_code == 200
            return len(captured)

        PostFactory.create_batch(3, body="La mutualisation des risques.")
        with django_assert_max_num_queries(6):
            cache.clear()
            client.get(URL, {"q": "mutualisation"})
        with_3 = count()
        PostFactory.create_batch(27, body="La mutualisation des risques.")
        with_30 = count()
        print(f"search: {with_3} queries with 3 results, {with_30} with 30")
        assert with_3 == with_30 <= 6
