from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from blog.models import Post
from blog.seeds import SeedComment, escape_markdown, parse_seed
from comments.models import Comment, ModerationEvent
from markup.render import render_post

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "fixtures" / "seeds"
FIXTURE = ROOT / "fixtures" / "articles.json"

# Lines of the old sites' pages (and scraper remnants) that must not survive the cleaning.
CHROME = [
    "Aucun commentaire",
    "Enregistrer un commentaire",
    "Afin de lutter contre le spam",
    "5 COMMENTS",
    "LEAVE A REPLY",
    "Laisser un commentaire",
    "Vous devez vous connecter pour publier un commentaire",
    "Url de rétrolien",
    "Flux RSS des commentaires",
    "A propos de l'auteur",
    "Pour en savoir plus sur l'auteur",
    "Commentaires (1)",
    "Votre adresse de messagerie ne sera pas publiée",
    "Classé dans",
    "1 Commentaire",
    "managers1",
    "PDF",  # not "[PDF]": escaping would turn a leftover into "\[PDF\]"
    "CULTURE NUMERIQUE",
    "Médias Sociaux: les Banques",
]


@pytest.fixture(scope="module")
def articles():
    return [parse_seed(path.stem, path.read_text(encoding="utf-8")) for path in sorted(SEEDS_DIR.glob("*.txt"))]


def seed(articles, number):
    (article,) = [article for article in articles if article.key.startswith(f"{number}_")]
    return article


def paragraphs(article):
    return article.body_markdown.split("\n\n")


class TestParseSeed:
    def test_five_articles(self, articles):
        assert [article.key[:3] for article in articles] == ["000", "001", "002", "003", "004"]

    def test_no_paragraph_appears_twice(self, articles):
        for article in articles:
            assert len(paragraphs(article)) == len(set(paragraphs(article))), article.key

    def test_duplicated_blocks_are_kept_once_in_their_first_place(self, articles):
        starts = [paragraph[:20] for paragraph in paragraphs(seed(articles, "000"))]
        assert starts == [
            "Simple coïncidence o",
            "Du côté de la banque",
            "La légitimité de Soc",
            "Pour BNP Paribas, ce",
            "La démarche, intégré",
            "La seconde, plus ori",
            "Petit à petit, les b",
            "Incidemment, et peut",
        ]
        assert len(paragraphs(seed(articles, "001"))) == 7

    @pytest.mark.parametrize("chrome", CHROME)
    def test_no_site_chrome_remains(self, articles, chrome):
        for article in articles:
            texts = [article.body_markdown, *(comment.body for comment in article.comments)]
            assert all(chrome not in text for text in texts), article.key

    def test_pdf_marker_is_removed_without_leaving_a_double_space(self, articles):
        assert "se dérouleront entre octobre" in seed(articles, "000").body_markdown

    def test_titles_are_french_sentences_not_capitals(self, articles):
        for article in articles:
            assert article.title.strip(), article.key
            assert not article.title.isupper(), article.title
            assert article.title[0].isupper(), article.title
        assert [article.title for article in articles] == [
            "BNP Paribas et Société Générale lancent des ateliers pédagogiques",
            "BPCE s’allie à Facebook, mais oublie ses collaborateurs",
            "Médias sociaux : les banques n’ont pas le choix, contrairement à leurs clients",
            "Les banques et le collaboratif client : premières conversations du web 2.0",
            "Culture numérique",
        ]

    def test_titles_are_not_repeated_in_the_body(self, articles):
        for article in articles:
            assert not article.body_markdown.startswith(article.title), article.key

    def test_slugs_are_unique_and_follow_the_titles(self, articles):
        slugs = [article.slug for article in articles]
        assert len(set(slugs)) == 5
        assert (
            seed(articles, "002").slug == "medias-sociaux-les-banques-n-ont-pas-le-choix-contrairement-a-leurs-clients"
        )
        assert seed(articles, "004").slug == "culture-numerique"
        assert all(slug == slugify(slug) for slug in slugs)

    def test_004_keeps_its_date_and_categories(self, articles):
        article = seed(articles, "004")
        assert article.published_at.date() == date(2014, 9, 20)
        assert article.published_at.utcoffset() == timedelta(hours=2)  # Paris, summer time
        assert article.categories == ["Actualités et humeurs", "Banque et finances", "Innovations"]

    def test_every_article_has_a_distinct_past_date(self, articles):
        dates = [article.published_at for article in articles]
        assert all(isinstance(published_at, datetime) and timezone.is_aware(published_at) for published_at in dates)
        assert len(set(dates)) == 5
        assert max(dates) < timezone.now()

    def test_reader_comment_is_extracted(self, articles):
        article = seed(articles, "004")
        assert article.comments == [
            SeedComment(
                author_name="assu. en ligne",
                body="Avec l’avènement du web, en effet, aujourd’hui tout est plus facile et c’est tant mieux ! "
                "plus besoin de se déplacer, tout se fait en ligne et c’est tant mieux !",
            )
        ]
        assert "avènement" not in article.body_markdown
        assert all(not other.comments for other in articles if other is not article)

    def test_003_section_headings_are_markdown_headings(self, articles):
        headings = [paragraph for paragraph in paragraphs(seed(articles, "003")) if paragraph.startswith("#")]
        assert headings == [
            "## Caisse d’Épargne avec « Bénéfices Futurs »",
            "## HSBC avec « VotrePointdevue\\.fr »",
            "## Le Crédit Mutuel et son « sijetaisbanquier\\.com »",
            "## Crédit Foncier et « Vivons l’Immobilier »",
            "## Conclusion",
        ]

    def test_only_003_has_headings(self, articles):
        for article in articles:
            has_headings = any(paragraph.startswith("## ") for paragraph in paragraphs(article))
            assert has_headings == article.key.startswith("003_"), article.key

    def test_the_author_s_words_render_as_written(self, articles):
        html = render_post(seed(articles, "004").body_markdown)
        assert "1/ Comment disposer" in html
        assert "<ol>" not in html
        html = render_post(seed(articles, "003").body_markdown)
        assert "<a " not in html  # sijetaisbanquier.com is gone: no link to whoever holds the domain now
        assert "sijetaisbanquier.com" in html

    def test_a_line_without_a_title_or_an_editorial_one_is_refused(self):
        with pytest.raises(ValueError, match="no title"):
            parse_seed("999_inconnu", "Un long paragraphe qui commence le texte et finit par un point, comme la prose.")


class TestEscapeMarkdown:
    @pytest.mark.parametrize(
        "text",
        [
            "# pas un titre",
            "* pas une liste",
            "- pas une liste",
            "+ pas une liste",
            "1. pas une liste",
            "2) pas une liste",
            "> pas une citation",
            "un *mot* et un _autre_, un `code`",
            "[pas un lien](adresse)",
            "&eacute; reste écrit ainsi",
            "un site.fr sans lien",
            "1/ Comment faire",
        ],
    )
    def test_renders_as_written(self, text):
        assert render_post(escape_markdown(text)) == f"<p>{escape(text, quote=False)}</p>\n"

    def test_explicit_addresses_stay_links(self):
        assert '<a href="https://example.org"' in render_post(escape_markdown("voir https://example.org"))

    def test_leaves_ordinary_prose_alone(self):
        text = "Le premier est conjoncturel (mais les conjonctures sont parfois durables !) : 1/ et 2/."
        assert escape_markdown(text) == text


class TestImportCommand:
    def test_committed_fixture_is_what_the_command_writes(self, tmp_path):
        first, second = tmp_path / "first.json", tmp_path / "second.json"
        call_command("import_articles", output=first, seeds=SEEDS_DIR, verbosity=0)
        call_command("import_articles", output=second, seeds=SEEDS_DIR, verbosity=0)
        assert first.read_bytes() == second.read_bytes()
        assert first.read_bytes() == FIXTURE.read_bytes(), "Run `manage.py import_articles` and commit the fixture."


@pytest.mark.django_db
class TestLoadFixture:
    def test_loaddata_gives_five_published_posts_and_one_pending_comment(self):
        call_command("loaddata", "articles", verbosity=0)

        assert Post.objects.published().count() == 5
        assert Comment.objects.count() == 1
        comment = Comment.objects.pending().get()
        assert comment.post.slug == "culture-numerique"
        assert comment.author.display_name == "assu. en ligne"
        assert not comment.author.is_active
        assert not comment.author.has_usable_password()
        assert ModerationEvent.objects.get().action == ModerationEvent.Action.SUBMITTED
        assert User.objects.get(email="redaction@causerie.invalid").posts.count() == 5
