"""Search of the comments: approved ones on published posts only, in their published (masked) text."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from blog.search import parse
from comments.models import Comment
from comments.search import search_comments
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def found(q) -> list[str]:
    return [comment.body for comment in search_comments(parse(q))]


class TestSearchComments:
    def test_accents_and_plurals(self, post):
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="La fédération des banques numériques.")
        assert found("federation") == ["La fédération des banques numériques."]
        assert found("banque numerique") == ["La fédération des banques numériques."]
        assert found("Fédérations") == ["La fédération des banques numériques."]

    def test_only_approved_comments_of_published_posts(self, post):
        draft = PostFactory(status=Post.Status.DRAFT)
        future = PostFactory(published_at=timezone.now() + timezone.timedelta(days=1))
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="zéphyr publié")
        CommentFactory(post=post, body="zéphyr en attente")
        CommentFactory(post=post, status=Comment.Status.REJECTED, body="zéphyr refusé")
        CommentFactory(post=post, status=Comment.Status.SPAM, body="zéphyr indésirable")
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="zéphyr retiré", removed_at=timezone.now())
        CommentFactory(post=draft, status=Comment.Status.APPROVED, body="zéphyr sur un brouillon")
        CommentFactory(post=future, status=Comment.Status.APPROVED, body="zéphyr sur un billet futur")
        assert found("zephyr") == ["zéphyr publié"]

    def test_pending_edit_is_not_searched(self, post):
        CommentFactory(
            post=post, status=Comment.Status.APPROVED, body="Texte publié.", pending_body="anticonstitutionnel"
        )
        assert found("anticonstitution") == []

    def test_masked_personal_data_cannot_be_found(self, post):
        comment = CommentFactory(post=post, status=Comment.Status.APPROVED, body=f"Mon IBAN : {IBAN}")
        assert "6000" not in comment.body_html  # masked on the page
        assert found("6000") == []
        assert found("IBAN") == [comment.body]

    def test_excerpt_escaped_with_marks(self, post):
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="<b>gras</b> & la fédération")
        [comment] = search_comments(parse("fédération"))
        assert "<mark>fédération</mark>" in comment.excerpt_html
        assert "<b>" not in comment.excerpt_html
        assert "gras&lt;/b&gt; &amp; la <mark>" in comment.excerpt_html

    def test_nothing_for_an_unsearchable_query(self, post):
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="les")
        assert found("les") == [] and found("") == []


class TestTemplateTag:
    def test_renders_results_with_links_to_the_comment(self, post):
        comment = CommentFactory(post=post, status=Comment.Status.APPROVED, body="Une remarque sur la mutualisation.")
        html = Template("{% load comment_search %}{% comment_search_results query %}").render(
            Context({"query": parse("mutualisation")})
        )
        assert f'href="{post.get_absolute_url()}#comment-{comment.pk}"' in html
        assert "<mark>mutualisation</mark>" in html
        assert comment.author.display_name in html
        assert comment.author.email not in html

    def test_accepts_the_text_typed(self, post):
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="Une remarque sur la mutualisation.")
        html = Template("{% load comment_search %}{% comment_search_results 'mutualisations' %}").render(Context())
        assert "<mark>mutualisation</mark>" in html

    def test_search_page_shows_published_comments_only(self, client, post):
        CommentFactory(post=post, status=Comment.Status.APPROVED, body="Le zéphyr publié.")
        CommentFactory(post=post, body="Le zéphyr en attente.")
        html = client.get(reverse("blog:search"), {"q": "zephyr"}).content.decode()
        assert "<mark>zéphyr</mark> publié" in html
        assert "en attente" not in html


class TestBudget:
    def test_same_queries_with_3_and_30_matching_comments(self, client, post):
        def count():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("blog:search"), {"q": "mutualisation"}).status_code == 200
            return len(captured)

        CommentFactory.create_batch(3, post=post, status=Comment.Status.APPROVED, body="La mutualisation.")
        with_3 = count()
        CommentFactory.create_batch(27, post=post, status=Comment.Status.APPROVED, body="La mutualisation.")
        assert count() == with_3 <= 6
