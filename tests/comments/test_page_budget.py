"""Query budgets of the pages that grow with data, and the weight of a post page.

Each budget is the page's count today: a change that adds a query per post or per
comment fails here. `pytest -s` prints the counts.
"""

import gzip
import random
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from blog.models import Post
from comments.models import Comment, Report
from markup.render import render_comment
from tests.factories import CategoryFactory, CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Je partage votre analyse sur la relation client : les conseillers doivent être associés dès le début "
    "du projet, sinon *rien ne change* pour les clients. Voir https://example.org/etude pour les chiffres."
)


def varied_bodies(count, *, seed, text=BODY):
    """Comments that differ as real ones do (identical texts would gzip unrealistically well)."""
    words = text.replace("*", "").split()
    rng = random.Random(seed)
    return [" ".join(rng.choices(words, k=rng.randint(25, 90))) for _ in range(count)]


def add_comments(post, authors, count, *, parents=None, bodies=None):
    """Published comments in bulk (bulk_create skips save(), so the HTML is rendered here)."""
    bodies = bodies or [BODY] * count
    rendered = {body: render_comment(body) for body in set(bodies)}
    return Comment.objects.bulk_create(
        Comment(
            post=post,
            author=authors[i % len(authors)],
            parent=parents[i % len(parents)] if parents else None,
            depth=parents[0].depth + 1 if parents else 0,
            body=bodies[i],
            body_html=rendered[bodies[i]],
            status=Comment.Status.APPROVED,
        )
        for i in range(count)
    )


@pytest.fixture
def big_post():
    """A post with 500 published comments in threads three deep: 100, 200 replies, 200 replies to those."""
    post = PostFactory(title="Un billet très commenté")
    post.categories.add(*CategoryFactory.create_batch(2))
    authors = UserFactory.create_batch(25)
    roots = add_comments(post, authors, 100)
    replies = add_comments(post, authors, 200, parents=roots)
    add_comments(post, authors, 200, parents=replies)
    Post.objects.filter(pk=post.pk).update(approved_comment_count=500)
    return post


def measure(client, url, assert_max, budget, label, status=200, **headers):
    with assert_max(budget) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == status
    print(f"\n{label}: {len(captured)} queries")
    return response


class TestHome:
    def test_home_with_50_posts(self, reader, django_assert_max_num_queries):
        categories = CategoryFactory.create_batch(3)
        for post in PostFactory.create_batch(50):
            post.categories.add(*categories[: post.pk % 3 + 1])
        url = reverse("blog:post_list")
        anonymous = Client()
        response = measure(anonymous, url, django_assert_max_num_queries, 4, "home, 50 posts, anonymous, cold")
        assert response.content.decode().count('class="post-summary"') == 10
        measure(anonymous, url, django_assert_max_num_queries, 1, "home, 50 posts, anonymous, warm")
        etag = anonymous.get(url)["ETag"]
        measure(anonymous, url, django_assert_max_num_queries, 1, "home, 50 posts, 304", status=304, if_none_match=etag)
        measure(anonymous, f"{url}?page=5", django_assert_max_num_queries, 4, "home page 5, anonymous, cold")
        logged_in = Client()
        logged_in.force_login(reader)
        # The first reader's page renders the frame every reader then shares (the page state costs a query).
        measure(logged_in, url, django_assert_max_num_queries, 6, "home, 50 posts, logged in, cold")
        measure(logged_in, url, django_assert_max_num_queries, 3, "home, 50 posts, logged in, frame cached")


class TestPostPage:
    def test_anonymous(self, big_post, django_assert_max_num_queries):
        url = big_post.get_absolute_url()
        client = Client()
        response = measure(client, url, django_assert_max_num_queries, 5, "post, 500 comments, anonymous, cold")
        assert response.content.decode().count('class="comment"') == 500
        response = measure(client, url, django_assert_max_num_queries, 1, "post, 500 comments, anonymous, warm")
        assert response.content.decode().count('class="comment-replies"') == 300
        measure(
            client,
            url,
            django_assert_max_num_queries,
            1,
            "post, 500 comments, 304",
            status=304,
            if_none_match=response["ETag"],
        )
        measure(client, f"{url}?x=1", django_assert_max_num_queries, 4, "post, 500 comments, anonymous, thread cached")

    def test_logged_in_with_own_pending_comments_and_reports(self, big_post, reader, django_assert_max_num_queries):
        url = big_post.get_absolute_url()
        replies = list(Comment.objects.filter(post=big_post, depth=1)[:3])
        for parent in replies:
            CommentFactory(post=big_post, author=reader, parent=parent, depth=2, body="Ma réponse en attente")
        for comment in replies:
            Report.objects.create(comment=comment, reporter=reader)
        client = Client()
        client.force_login(reader)
        response = measure(client, url, django_assert_max_num_queries, 9, "post, 500 comments, logged in, cold")
        html = response.content.decode()
        assert html.count('class="comment"') == 500
        assert html.count("comment comment-pending") == 3
        assert html.count("<span>Signalé</span>") == 3
        response = measure(client, url, django_assert_max_num_queries, 5, "post, 500 comments, logged in, warm")
        assert response.content.decode().count("comment comment-pending") == 3
        assert response.content.decode().count("<span>Signalé</span>") == 3


class TestMyComments:
    def test_my_comments_with_60_comments(self, reader, django_assert_max_num_queries):
        for post in PostFactory.create_batch(6):
            CommentFactory.create_batch(10, post=post, author=reader)
        client = Client()
        client.force_login(reader)
        response = measure(client, reverse("comments:mine"), django_assert_max_num_queries, 4, "Mes commentaires, 60")
        assert response.content.decode().count('<li class="my-comment ') == 20


class TestPageWeight:
    """HTML + the CSS and JS the page links to, gzipped, without images: under 60 KB."""

    LIMIT = 60 * 1024

    @staticmethod
    def weigh(html: bytes) -> dict[str, int]:
        from django.contrib.staticfiles import finders

        text = html.decode()
        urls = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
        urls += re.findall(r'<script[^>]+src="([^"]+)"', text)
        assert any(url.endswith(".css") for url in urls)  # the page does link its style sheet
        sizes = {"HTML": len(gzip.compress(html))}
        for url in urls:
            assert url.startswith(settings.STATIC_URL), url  # nothing from another site
            found = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
            assert found, url
            sizes[Path(found).name] = len(gzip.compress(Path(found).read_bytes()))
        return sizes

    def report(self, label, sizes):
        total = sum(sizes.values())
        details = ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in sizes.items())
        print(f"\n{label}, gzipped: {total / 1024:.1f} KB ({details})")
        return total

    @pytest.mark.parametrize("who", ["anonymous", "reader"])
    def test_seed_post_with_50_comments_weighs_under_60_kb_gzipped(self, reader, who):
        call_command("loaddata", "articles", verbosity=0)
        post = max(Post.objects.published(), key=lambda p: len(p.body_html))
        corpus = " ".join(Post.objects.values_list("body", flat=True))
        authors = UserFactory.create_batch(10)
        roots = add_comments(post, authors, 25, bodies=varied_bodies(25, seed=1, text=corpus))
        add_comments(post, authors, 25, parents=roots, bodies=varied_bodies(25, seed=2, text=corpus))
        client = Client()
        if who == "reader":
            client.force_login(reader)
        html = client.get(post.get_absolute_url()).content
        assert html.decode().count('class="comment"') == 50
        total = self.report(f"post page « {post.title} », 50 comments, {who}", self.weigh(html))
        assert total < self.LIMIT

    def test_a_comment_without_links_has_no_empty_row_of_links(self, reader, moderator):
        """A hundred empty paragraphs were sent to every anonymous visitor; a logged-in reader keeps their links."""
        post = PostFactory()
        authors = UserFactory.create_batch(3)
        roots = add_comments(post, authors, 3)
        comments = roots + add_comments(post, authors, 3, parents=roots)
        Post.objects.filter(pk=post.pk).update(approved_comment_count=6)
        waiting = CommentFactory(post=post, author=authors[0], body="En attente d’une décision.")
        url = post.get_absolute_url()

        anonymous = Client().get(url).content.decode()
        assert anonymous.count('class="comment"') == 6
        assert "comment-actions" not in anonymous and "<p></p>" not in anonymous

        client = Client()
        client.force_login(reader)
        html = client.get(url).content.decode()
        for comment in comments:
            article = html.split(f'id="comment-{comment.pk}"')[1].split("</article>")[0]
            assert re.search(
                rf'<p class="comment-actions"><a href="\?reply={comment.pk}#commenter">Répondre</a> '
                rf'<a href="{reverse("comments:report", kwargs={"pk": comment.pk})}">Signaler</a></p>',
                article,
            )

        # A moderator's waiting comment (rendered for them, outside the cached thread) has no links: no row either.
        client.force_login(moderator)
        html = client.get(url).content.decode()
        waiting_article = html.split(f'id="comment-{waiting.pk}"')[1].split("</article>")[0]
        assert "En attente d’une décision." in waiting_article
        assert '<p class="comment-actions"></p>' not in html

    @pytest.mark.parametrize(
        "who", ["anonymous", "reader", "reader with a pending reply", "reader sending an empty comment", "moderator"]
    )
    def test_the_post_and_its_comments_have_no_blank_line_nor_indent(self, reader, moderator, who):
        """Template tags on lines of their own sent a blank line or an indent per hidden branch, per comment."""
        post = PostFactory()
        post.categories.add(CategoryFactory())
        authors = UserFactory.create_batch(3)
        roots = add_comments(post, authors, 3)
        add_comments(post, authors, 2, parents=roots[:1])  # a comment with replies, others without
        Post.objects.filter(pk=post.pk).update(approved_comment_count=5)
        if who != "reader":  # waiting: the reader's own reply, or one the moderator may decide on
            CommentFactory(post=post, author=reader, parent=roots[1], body="Une réponse\n\nen attente.")
        client = Client()
        if who != "anonymous":
            client.force_login(moderator if who == "moderator" else reader)
        if who == "reader sending an empty comment":  # the page again, the error summary above the form
            response = client.post(reverse("comments:create", kwargs={"post_id": post.pk}), {"body": "  "})
            assert response.status_code == 422
        else:
            response = client.get(post.get_absolute_url())
        html = response.content.decode()
        assert html.count('<li class="comment') == 5 + (who != "anonymous" and who != "reader")
        # What readers wrote keeps its own white space (`body_html` may hold a <pre>): left out here.
        page = re.sub(r'<div class="(comment|post)-body"[^>]*>.*?</div>', "<div>…</div>", html, flags=re.S)
        post_and_comments = page[page.index('<article class="post">') : page.index("</section>")]
        assert not re.search(r"\n[ \t]*\n", post_and_comments), post_and_comments
        assert not re.search(r"\n[ \t]+", post_and_comments), post_and_comments

    def test_the_bench_post_with_200_comments_weighs_under_60_kb_gzipped(self):
        """The page `make bench` measures: 200 comments, about 45 % of them replies."""
        post = PostFactory(title="Billet du banc d’essai")
        authors = UserFactory.create_batch(20)
        roots = add_comments(post, authors, 110, bodies=varied_bodies(110, seed=3))
        add_comments(post, authors, 90, parents=roots[:60], bodies=varied_bodies(90, seed=4))
        html = Client().get(post.get_absolute_url()).content
        assert html.decode().count('class="comment"') == 200
        total = self.report("post page, 200 comments, anonymous", self.weigh(html))
        assert total < self.LIMIT
