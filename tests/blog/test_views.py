import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestPublished:
    def test_only_published_past_posts(self):
        visible = PostFactory()
        PostFactory(status=Post.Status.DRAFT)
        PostFactory(published_at=timezone.now() + timezone.timedelta(days=1))
        assert list(Post.objects.published()) == [visible]
        assert visible.is_published


class TestHome:
    def test_lists_published_posts_newest_first(self, client):
        old = PostFactory(title="Ancien", published_at=timezone.now() - timezone.timedelta(days=30))
        new = PostFactory(title="Récent")
        PostFactory(title="Brouillon secret", status=Post.Status.DRAFT)
        response = client.get(reverse("blog:post_list"))
        assert list(response.context["post_list"]) == [new, old]
        assert "Brouillon secret" not in response.content.decode()

    def test_paginated(self, client):
        PostFactory.create_batch(12)
        first = client.get(reverse("blog:post_list"))
        second = client.get(reverse("blog:post_list"), {"page": 2})
        assert len(first.context["post_list"]) == 10
        assert len(second.context["post_list"]) == 2
        assert client.get(reverse("blog:post_list"), {"page": 9}).status_code == 404

    def test_counts_only_approved_comments(self, client, post):
        CommentFactory.create_batch(2, post=post, status=Comment.Status.APPROVED)
        CommentFactory(post=post)  # pending: not counted
        post.approved_comment_count = 2  # as the moderation services keep it
        post.save()
        assert "2 commentaires" in client.get(reverse("blog:post_list")).content.decode()

    def test_home_query_count_does_not_grow_with_posts(self, client, django_assert_max_num_queries):
        PostFactory.create_batch(10)
        with django_assert_max_num_queries(4):
            client.get(reverse("blog:post_list"))


class TestPostDetail:
    def test_draft_and_future_posts_are_404(self, client):
        draft = PostFactory(status=Post.Status.DRAFT)
        future = PostFactory(published_at=timezone.now() + timezone.timedelta(hours=1))
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(future.get_absolute_url()).status_code == 404

    def test_body_is_rendered_markdown(self, client):
        post = PostFactory(body="## Intertitre\n\nUn paragraphe.")
        html = client.get(post.get_absolute_url()).content.decode()
        assert "<h2>Intertitre</h2>" in html

    def test_post_page_with_200_approved_comments_has_a_small_fixed_query_count(
        self, client, post, reader, django_assert_max_num_queries
    ):
        authors = UserFactory.create_batch(20)
        for i in range(200):
            CommentFactory(post=post, author=authors[i % 20], status=Comment.Status.APPROVED)
        client.force_login(reader)
        with django_assert_max_num_queries(9) as captured:  # the first reader's page renders the shared frame
            response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count('class="comment"') == 200
        print(f"post page, 200 comments, logged-in reader: {len(captured)} queries")

    def test_anonymous_post_page_query_count(self, client, post, django_assert_max_num_queries):
        CommentFactory.create_batch(50, post=post, status=Comment.Status.APPROVED)
        with django_assert_max_num_queries(5):  # the post, its author, categories and tags, the comment thread
            client.get(post.get_absolute_url())


class TestEveryPersona:
    @pytest.fixture(params=["anonymous", "unverified", "verified", "moderator"])
    def visitor(self, request, client):
        if request.param != "anonymous":
            client.force_login(
                request.getfixturevalue(
                    {"unverified": "unverified_reader", "verified": "reader"}.get(request.param, request.param)
                )
            )
        return client

    def test_reading_pages_answer_200(self, visitor, post):
        for url in [reverse("blog:post_list"), post.get_absolute_url()]:
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert post.title in response.content.decode()

    def test_unknown_page_is_a_french_404_in_the_site_layout(self, visitor):
        response = visitor.get("/billets/nexiste-pas/")
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


# --- The reading side: lists by category, tag, author and date; the post page's links -----------------

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from blog.models import Tag  # noqa: E402
from tests.factories import CategoryFactory  # noqa: E402


def tagged(post, *tags):
    for name in tags:
        post.tags.add(Tag.objects.get_or_create(slug=name, defaults={"name": name.capitalize()})[0])
    return post


def queries(client, url) -> int:
    """Queries of an anonymous first visit (page cache emptied), the page checked to answer 200."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


class TestCategoryPage:
    def test_lists_the_category_published_posts_only(self, client):
        banque = CategoryFactory(name="Banque et finances", slug="banque-et-finances")
        mine = PostFactory(title="Dans la catégorie")
        mine.categories.add(banque)
        PostFactory(title="Ailleurs")
        draft = PostFactory(title="Brouillon classé", status=Post.Status.DRAFT)
        draft.categories.add(banque)
        response = client.get(reverse("blog:category", kwargs={"slug": "banque-et-finances"}))
        assert list(response.context["post_list"]) == [mine]
        html = response.content.decode()
        assert "Catégorie « Banque et finances »" in html
        assert "Brouillon classé" not in html and "Ailleurs" not in html
        assert response["Cache-Control"] == "public, max-age=60" or "public" in response["Cache-Control"]
        assert reverse("blog:category_feed_rss", kwargs={"slug": "banque-et-finances"}) in html

    def test_unknown_category_is_404(self, client):
        assert client.get(reverse("blog:category", kwargs={"slug": "rien"})).status_code == 404

    def test_paginated_ten_a_page_with_prev_next_links(self, client):
        category = CategoryFactory()
        for post in PostFactory.create_batch(12):
            post.categories.add(category)
        url = reverse("blog:category", kwargs={"slug": category.slug})
        first, second = client.get(url), client.get(url, {"page": 2})
        assert len(first.context["post_list"]) == 10 and len(second.context["post_list"]) == 2
        assert 'rel="next" href="?page=2"' in first.content.decode()
        assert 'rel="prev" href="?page=1"' in second.content.decode()
        assert client.get(url, {"page": 3}).status_code == 404

    def test_anonymous_page_is_cached_and_revalidated(self, client):
        category = CategoryFactory()
        PostFactory().categories.add(category)
        url = reverse("blog:category", kwargs={"slug": category.slug})
        first = client.get(url)
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        PostFactory().categories.add(category)  # a new post in it: the page changes
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


class TestTagPage:
    def test_lists_tagged_published_posts(self, client):
        post = tagged(PostFactory(title="Étiqueté"), "mobile")
        tagged(PostFactory(title="Futur étiqueté", published_at=timezone.now() + timezone.timedelta(days=1)), "mobile")
        response = client.get(reverse("blog:tag", kwargs={"slug": "mobile"}))
        assert list(response.context["post_list"]) == [post]
        assert "Futur étiqueté" not in response.content.decode()

    def test_unknown_tag_is_404(self, client):
        assert client.get(reverse("blog:tag", kwargs={"slug": "rien"})).status_code == 404


class TestAuthorPage:
    def test_lists_the_author_posts_by_display_name_never_the_email(self, client):
        author = UserFactory(display_name="Anne Autrice", email="anne.secret@example.org")
        post = PostFactory(author=author)
        PostFactory()  # someone else's
        response = client.get(reverse("blog:author", kwargs={"pk": author.pk}))
        assert list(response.context["post_list"]) == [post]
        html = response.content.decode()
        assert "Billets de Anne Autrice" in html
        assert "anne.secret" not in html

    def test_a_reader_without_published_posts_has_no_page(self, client, reader):
        PostFactory(author=reader, status=Post.Status.DRAFT)
        assert client.get(reverse("blog:author", kwargs={"pk": reader.pk})).status_code == 404


class TestArchives:
    @pytest.fixture
    def dated(self):
        tz = timezone.get_current_timezone()
        return {
            "sept": PostFactory(title="Septembre", published_at=timezone.datetime(2014, 9, 20, 9, tzinfo=tz)),
            "oct": PostFactory(title="Octobre", published_at=timezone.datetime(2014, 10, 2, 9, tzinfo=tz)),
            "old": PostFactory(title="Ancien", published_at=timezone.datetime(2012, 5, 15, 9, tzinfo=tz)),
            "draft": PostFactory(
                title="Brouillon daté", status=Post.Status.DRAFT, published_at=timezone.datetime(2014, 9, 1, tzinfo=tz)
            ),
        }

    def test_year(self, client, dated):
        response = client.get(reverse("blog:archive_year", kwargs={"year": "2014"}))
        assert [p.title for p in response.context["post_list"]] == ["Octobre", "Septembre"]
        assert [d.month for d in response.context["date_list"]] == [9, 10]
        html = response.content.decode()
        assert "Brouillon daté" not in html
        assert reverse("blog:archive_month", kwargs={"year": "2014", "month": "09"}) in html
        assert 'rel="prev" href="{}"'.format(reverse("blog:archive_year", kwargs={"year": "2012"})) in html

    def test_month(self, client, dated):
        response = client.get(reverse("blog:archive_month", kwargs={"year": "2014", "month": "09"}))
        assert [p.title for p in response.context["post_list"]] == ["Septembre"]
        assert "Brouillon daté" not in response.content.decode()

    def test_empty_periods_are_404(self, client, dated):
        assert client.get(reverse("blog:archive_year", kwargs={"year": "2013"})).status_code == 404
        assert client.get(reverse("blog:archive_month", kwargs={"year": "2014", "month": "08"})).status_code == 404
        assert client.get("/archives/2014/13/").status_code == 404

    def test_index_lists_months_with_posts(self, client, dated):
        response = client.get(reverse("blog:archive"))
        assert [p.title for p in response.context["post_list"]] == ["Octobre", "Septembre", "Ancien"]
        html = response.content.decode()
        for year, month in [("2014", "09"), ("2014", "10"), ("2012", "05")]:
            assert reverse("blog:archive_month", kwargs={"year": year, "month": month}) in html

    def test_index_of_an_empty_blog(self, client):
        assert client.get(reverse("blog:archive")).status_code == 200


class TestPostPageLinks:
    def test_links_to_categories_tags_author_and_month(self, client):
        tz = timezone.get_current_timezone()
        post = tagged(PostFactory(published_at=timezone.datetime(2014, 9, 20, 9, tzinfo=tz)), "mobile", "agences")
        post.categories.add(CategoryFactory(slug="innovations", name="Innovations"))
        html = client.get(post.get_absolute_url()).content.decode()
        for url in [
            reverse("blog:category", kwargs={"slug": "innovations"}),
            reverse("blog:tag", kwargs={"slug": "mobile"}),
            reverse("blog:tag", kwargs={"slug": "agences"}),
            reverse("blog:author", kwargs={"pk": post.author_id}),
            reverse("blog:archive_month", kwargs={"year": "2014", "month": "09"}),
        ]:
            assert f'href="{url}"' in html, url

    def test_reading_time(self, client):
        post = PostFactory(body="mot " * 700)
        assert post.reading_minutes == 3
        assert "3 min de lecture" in client.get(post.get_absolute_url()).content.decode()


def add_posts(n, *, author, category):
    posts = PostFactory.create_batch(n, author=author)
    for post in posts:
        post.categories.add(category, CategoryFactory())
        tagged(post, "budget", f"t{post.pk}")
    return posts


class TestQueryBudgets:
    """The same number of queries with 3 posts as with 30, under a fixed ceiling."""

    PAGES = {
        "home": (lambda p: reverse("blog:post_list"), 4),
        "category": (lambda p: reverse("blog:category", kwargs={"slug": "budget"}), 5),
        "tag": (lambda p: reverse("blog:tag", kwargs={"slug": "budget"}), 5),
        "author": (lambda p: reverse("blog:author", kwargs={"pk": p.author_id}), 5),
        "archive index": (lambda p: reverse("blog:archive"), 5),
        "year": (lambda p: reverse("blog:archive_year", kwargs={"year": f"{p.published_at:%Y}"}), 8),
        "month": (
            lambda p: reverse(
                "blog:archive_month", kwargs={"year": f"{p.published_at:%Y}", "month": f"{p.published_at:%m}"}
            ),
            8,  # the generic view's checks, months, previous and next periods, then the list
        ),
        "post": (lambda p: p.get_absolute_url(), 5),
    }

    @pytest.mark.parametrize("page", PAGES)
    def test_budget(self, client, page, django_assert_max_num_queries):
        url_of, ceiling = self.PAGES[page]
        author, category = UserFactory(), CategoryFactory(slug="budget")
        first = add_posts(3, author=author, category=category)[0]
        url = url_of(first)
        with django_assert_max_num_queries(ceiling):
            cache.clear()
            client.get(url)
        with_3 = queries(client, url)
        add_posts(27, author=author, category=category)
        with_30 = queries(client, url)
        print(f"{page}: {with_3} queries with 3 posts, {with_30} with 30")
        assert with_3 == with_30 <= ceiling


from django.utils import translation  # noqa: E402

from markup.typography import NNBSP  # noqa: E402


class TestFrenchTypographyAndLanguage:
    """Titles, excerpts and bodies keep the bodies' typography; in English pages they are marked lang="fr"."""

    @pytest.fixture
    def question(self, db):
        return PostFactory(
            title="Les banques : qu'en pensent-elles ?",
            slug="question",
            body="Vraiment ? Oui : « tout » l'hiver ! " + "mot " * 60,
        )

    def test_home_titles_and_excerpts_keep_the_typography(self, client, question):
        html = client.get(reverse("blog:post_list")).content.decode()
        assert f"Les banques{NNBSP}: qu’en pensent-elles{NNBSP}?" in html
        assert f"Vraiment{NNBSP}? Oui{NNBSP}: «{NNBSP}tout{NNBSP}» l’hiver{NNBSP}!" in html
        assert "Vraiment ?" not in html

    def test_derived_texts_keep_it_too(self, client, question):
        """The page's <title> and description, OpenGraph, JSON-LD and the feed's item title."""
        page = client.get(question.get_absolute_url()).content.decode()
        title = f"Les banques{NNBSP}: qu’en pensent-elles{NNBSP}?"
        assert f"<title>{title} · Causerie</title>" in page
        assert f'<meta property="og:title" content="{title}">' in page
        assert f'"headline": "{title}"' in page.replace("\\u202f", NNBSP)
        assert f'<meta name="description" content="Vraiment{NNBSP}? Oui{NNBSP}:' in page
        assert f'<meta property="og:description" content="Vraiment{NNBSP}? Oui{NNBSP}:' in page
        assert f"<title>{title}</title>" in client.get(reverse("blog:feed_rss")).content.decode()

    def test_search_excerpts_keep_the_typography(self, client, question):
        html = client.get(reverse("blog:search"), {"q": "hiver"}).content.decode()
        assert f"Vraiment{NNBSP}? Oui{NNBSP}:" in html

    def test_french_pages_carry_no_lang_on_the_content(self, client, question):
        html = client.get(question.get_absolute_url()).content.decode()
        assert 'lang="fr"' not in html.split("<main", 1)[1]

    def test_english_pages_mark_the_french_content(self, client, question):
        CommentFactory(post=question, body="Un avis.", status=Comment.Status.APPROVED)
        question.comments_version += 1
        question.save()
        with translation.override("en"):
            home, detail = reverse("blog:post_list"), question.get_absolute_url()
        main = client.get(home).content.decode().split("<main", 1)[1]
        assert '<h2 lang="fr"><a href' in main and '<p class="excerpt" lang="fr">' in main
        page = client.get(detail).content.decode()
        assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
        main = page.split("<main", 1)[1]
        assert '<h1 lang="fr">' in main and '<div class="post-body" lang="fr">' in main
        assert '<div class="comment-body" lang="fr">' in main
