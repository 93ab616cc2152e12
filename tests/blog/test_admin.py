import contextlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from blog.admin import publication_state
from blog.models import Post
from tests.blog.test_images import image_bytes, upload
from tests.factories import CategoryFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def staff_with(*codenames, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="blog", codename__in=codenames))
    return user


@pytest.fixture
def editor(db):
    return staff_with("add_post", "change_post", "view_post", display_name="Édith Rédactrice")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def form_data(author, **overrides):
    when = timezone.localtime() - timedelta(hours=1)
    data = {
        "title": "Un billet écrit dans l’admin",
        "slug": "un-billet-ecrit",
        "author": author.pk,
        "body": "## Pourquoi ?\n\nL'essentiel : **tout**.",
        "status": Post.Status.DRAFT,
        "published_at_0": when.strftime("%Y-%m-%d"),
        "published_at_1": when.strftime("%H:%M:%S"),
        "comments_open": "on",
        "cover_alt": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


ADD_URL = "/admin/blog/post/add/"


class TestPublicationState:
    def test_draft_scheduled_published(self):
        now = timezone.now()
        assert publication_state(PostFactory.build(status=Post.Status.DRAFT))[0] == "draft"
        future_draft = PostFactory.build(status=Post.Status.DRAFT, published_at=now + timedelta(days=1))
        assert publication_state(future_draft)[0] == "draft"
        key, words = publication_state(PostFactory.build(published_at=now + timedelta(days=2)))
        assert key == "scheduled"
        assert str(words).startswith("Programmé pour le ")
        assert publication_state(PostFactory.build(published_at=now - timedelta(minutes=1)))[0] == "published"


class TestChangeList:
    @pytest.fixture
    def posts(self):
        return {
            "draft": PostFactory(title="Le brouillon", status=Post.Status.DRAFT),
            "scheduled": PostFactory(title="Le programmé", published_at=timezone.now() + timedelta(days=3)),
            "published": PostFactory(title="Le publié"),
        }

    def test_states_are_shown(self, editor_client, posts):
        html = editor_client.get("/admin/blog/post/").content.decode()
        assert '<span class="post-state post-state-draft">Brouillon</span>' in html
        assert '<span class="post-state post-state-scheduled">Programmé pour le ' in html
        assert '<span class="post-state post-state-published">Publié</span>' in html

    @pytest.mark.parametrize("state", ["draft", "scheduled", "published"])
    def test_filter(self, editor_client, posts, state):
        response = editor_client.get("/admin/blog/post/", {"etat": state})
        assert list(response.context["cl"].result_list) == [posts[state]]

    def test_query_count_does_not_grow_with_posts(self, editor_client, django_assert_max_num_queries):
        PostFactory.create_batch(3)
        with django_assert_max_num_queries(10) as few:
            editor_client.get("/admin/blog/post/")
        PostFactory.create_batch(20)
        with django_assert_max_num_queries(len(few.captured_queries)):
            editor_client.get("/admin/blog/post/")


class TestAddForm:
    def test_markdown_help_and_preview_button(self, editor_client):
        html = editor_client.get(ADD_URL).content.decode()
        assert "**gras**" in html
        assert 'formaction="/admin/blog/post/preview/"' in html
        assert 'formtarget="_blank"' in html
        assert "Prévisualiser" in html
        assert 'accept="image/jpeg,image/png,image/webp"' in html

    def test_a_draft_is_saved_with_rendered_body(self, editor_client, editor):
        response = editor_client.post(ADD_URL, form_data(editor))
        assert response.status_code == 302, response.context["adminform"].form.errors
        post = Post.objects.get()
        assert post.status == Post.Status.DRAFT
        assert "<h2>Pourquoi\u202f?</h2>" in post.body_html
        assert "L’essentiel\u202f: <strong>tout</strong>" in post.body_html

    def test_author_defaults_to_who_writes(self, editor_client, editor):
        response = editor_client.get(ADD_URL)
        assert response.context["adminform"].form.initial["author"] == editor.pk

    def test_cover_with_alt_makes_renditions(self, editor_client, editor, media):
        data = form_data(editor, cover_alt="La façade d’une agence")
        data["cover_file"] = upload(image_bytes(size=(1600, 800)))
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 302
        post = Post.objects.get()
        assert post.cover.name.startswith("covers/")
        assert [item["width"] for item in post.cover_renditions["jpeg"]] == [480, 960, 1440]
        assert post.cover_alt == "La façade d’une agence"

    def test_cover_without_alt_is_a_clear_form_error(self, editor_client, editor, media):
        data = form_data(editor)
        data["cover_file"] = upload(image_bytes(size=(600, 300)))
        response = editor_client.post(ADD_URL, data)
        assert response.status_code == 200
        assert "Une image de couverture demande son texte alternatif" in response.content.decode()
        assert "choisissez-la à nouveau" in response.content.decode()
        assert not Post.objects.exists()
        assert not (media / "covers").exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"GIF89a not really", "Ce fichier n’est pas une image d’un format accepté (JPEG, PNG, WebP)."),
            (image_bytes()[:3000], "Le fichier est incomplet ou endommagé."),
            (image_bytes() + b"<script>alert(1)</script>", "Le fichier contient autre chose qu’une image"),
        ],
    )
    def test_a_bad_file_is_refused_in_french_never_a_500(self, editor_client, editor, media, data, message):
        payload = form_data(editor, cover_alt="Une image")
        payload["cover_file"] = upload(data)
        response = editor_client.post(ADD_URL, payload)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Post.objects.exists()

    def test_a_decompression_bomb_is_refused(self, editor_client, editor, media, monkeypatch):
        from blog import images

        monkeypatch.setattr(images, "MAX_PIXELS", 500 * 500)
        payload = form_data(editor, cover_alt="Une image")
        payload["cover_file"] = upload(image_bytes("PNG", size=(4000, 4000), mode="L", color=0))
        response = editor_client.post(ADD_URL, payload)
        assert response.status_code == 200
        assert "L’image est trop grande" in response.content.decode()


class TestChangeForm:
    def test_draft_link_for_a_draft_not_for_a_published_post(self, editor_client):
        draft = PostFactory(status=Post.Status.DRAFT)
        html = editor_client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
        assert f'href="/admin/blog/post/{draft.pk}/draft/"' in html
        assert "Voir le brouillon" in html
        assert f'formaction="/admin/blog/post/{draft.pk}/preview/"' in html
        assert "Voir sur le site" not in html
        published = PostFactory()
        html = editor_client.get(f"/admin/blog/post/{published.pk}/change/").content.decode()
        assert "Voir le brouillon" not in html
        assert "Voir sur le site" in html

    def test_clearing_the_alt_of_a_kept_cover_is_refused(self, editor_client, editor, media):
        post = PostFactory(author=editor)
        data = form_data(editor, slug=post.slug, cover_alt="Une agence")
        data["cover_file"] = upload(image_bytes(size=(600, 300)))
        editor_client.post(f"/admin/blog/post/{post.pk}/change/", data)
        post.refresh_from_db()
        assert post.cover
        response = editor_client.post(f"/admin/blog/post/{post.pk}/change/", form_data(editor, slug=post.slug))
        assert response.status_code == 200
        assert "Une image de couverture demande son texte alternatif" in response.content.decode()

    def test_cover_is_shown_then_removed(self, editor_client, editor, media, django_capture_on_commit_callbacks):
        post = PostFactory(author=editor)
        data = form_data(editor, slug=post.slug, cover_alt="Une agence")
        data["cover_file"] = upload(image_bytes(size=(600, 300)))
        editor_client.post(f"/admin/blog/post/{post.pk}/change/", data)
        html = editor_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
        assert 'class="cover-thumbnail"' in html and 'alt="Une agence"' in html
        with django_capture_on_commit_callbacks(execute=True):
            editor_client.post(
                f"/admin/blog/post/{post.pk}/change/", form_data(editor, slug=post.slug, cover_remove="on")
            )
        post.refresh_from_db()
        assert not post.cover
        assert not list((media / "covers").iterdir())


class TestDelete:
    def test_deleting_in_the_admin_removes_the_cover_files(
        self, client, media, editor, django_capture_on_commit_callbacks
    ):
        user = staff_with("change_post", "view_post", "delete_post")
        client.force_login(user)
        post = PostFactory(author=editor)
        data = form_data(editor, slug=post.slug, cover_alt="Une agence")
        data["cover_file"] = upload(image_bytes(size=(600, 300)))
        client.post(f"/admin/blog/post/{post.pk}/change/", data)
        assert len(list((media / "covers").iterdir())) == 5
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/blog/post/{post.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not Post.objects.exists()
        assert not list((media / "covers").iterdir())


class TestPreview:
    def test_shows_the_unsaved_form_in_the_site_s_look(self, editor_client, editor):
        response = editor_client.post(
            "/admin/blog/post/preview/",
            form_data(editor, title="Titre d’essai", body="Texte *non* enregistré ?\n\n<script>alert(1)</script>"),
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert response.templates[0].name == "blog/post_preview.html"
        assert "<h1>Titre d’essai</h1>" in html
        assert "Texte <em>non</em> enregistré\u202f?" in html
        assert "<script>alert" not in html
        assert 'class="site-header"' in html
        assert "noindex" in response.headers["X-Robots-Tag"]
        assert "no-cache" in response.headers["Cache-Control"] or "max-age=0" in response.headers["Cache-Control"]
        assert not Post.objects.exists()

    def test_of_a_saved_post_changes_nothing(self, editor_client, editor):
        post = PostFactory(title="Titre enregistré", body="Texte enregistré.")
        response = editor_client.post(
            f"/admin/blog/post/{post.pk}/preview/", form_data(editor, title="Titre changé", body="Texte changé.")
        )
        assert "<h1>Titre changé</h1>" in response.content.decode()
        post.refresh_from_db()
        assert (post.title, post.body) == ("Titre enregistré", "Texte enregistré.")

    def test_get_changes_nothing_and_is_refused(self, editor_client):
        assert editor_client.get("/admin/blog/post/preview/").status_code == 405

    def test_csrf_is_checked(self, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.post("/admin/blog/post/preview/", form_data(editor)).status_code == 403

    @pytest.mark.parametrize("codenames", [(), ("view_post",)])
    def test_staff_without_the_permission_is_refused(self, client, codenames):
        user = staff_with(*codenames)
        client.force_login(user)
        assert client.post("/admin/blog/post/preview/", form_data(user)).status_code == 403

    def test_adding_is_enough_for_a_new_post_not_for_another_s(self, client):
        user = staff_with("add_post")
        client.force_login(user)
        assert client.post("/admin/blog/post/preview/", form_data(user)).status_code == 200
        post = PostFactory()
        assert client.post(f"/admin/blog/post/{post.pk}/preview/", form_data(user)).status_code == 403

    def test_readers_are_sent_to_the_login(self, client, reader):
        client.force_login(reader)
        response = client.post("/admin/blog/post/preview/", {"title": "x", "body": "y"})
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestDraftView:
    @pytest.fixture
    def draft(self):
        return PostFactory(title="Brouillon secret", status=Post.Status.DRAFT, body="Texte *secret*.")

    def test_staff_sees_the_draft(self, editor_client, draft):
        response = editor_client.get(f"/admin/blog/post/{draft.pk}/draft/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Brouillon secret</h1>" in html
        assert "Texte <em>secret</em>." in html
        assert "Brouillon</strong>" in html
        assert "noindex" in response.headers["X-Robots-Tag"]

    def test_a_scheduled_post_says_when(self, editor_client):
        post = PostFactory(published_at=timezone.now() + timedelta(days=5))
        assert "Programmé pour le" in editor_client.get(f"/admin/blog/post/{post.pk}/draft/").content.decode()

    def test_anyone_else_gets_a_404(self, client, draft, reader):
        url = f"/admin/blog/post/{draft.pk}/draft/"
        assert client.get(url).status_code == 404
        client.force_login(reader)
        assert client.get(url).status_code == 404
        client.force_login(staff_with())  # staff, but no right on posts
        assert client.get(url).status_code == 404
        client.force_login(staff_with("view_post", is_active=False))
        assert client.get(url).status_code == 404

    def test_an_unknown_post_is_a_404(self, editor_client):
        assert editor_client.get("/admin/blog/post/999999/draft/").status_code == 404


def reader_urls(post, category):
    names = [
        ("blog:post_list", {}),
        ("blog:post_detail", {"slug": post.slug}),
        ("blog:category", {"slug": category.slug}),
        ("blog:author", {"pk": post.author_id}),
        ("blog:archive", {}),
        ("blog:archive_year", {"year": f"{post.published_at:%Y}"}),
        ("blog:archive_month", {"year": f"{post.published_at:%Y}", "month": f"{post.published_at:%m}"}),
        ("blog:feed_rss", {}),
        ("blog:feed_atom", {}),
    ]
    urls = []
    for name, kwargs in names:
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:  # a page not there (yet)
            continue
    with contextlib.suppress(NoReverseMatch):
        urls.append(reverse("blog:search") + "?q=Zéphyrin")
    with contextlib.suppress(NoReverseMatch):
        urls.append(reverse("sitemap"))
    return urls


class TestScheduledPublication:
    """A scheduled post is nowhere for readers until its date; then it is everywhere, with nobody doing anything."""

    def test_hidden_until_its_date_then_shown(self, client):
        category = CategoryFactory(name="Programmés", slug="programmes")
        soon = timezone.now() + timedelta(minutes=30)
        post = PostFactory(title="Zéphyrin paraît demain", slug="zephyrin", published_at=soon, body="Zéphyrin.")
        post.categories.add(category)
        visible = PostFactory(title="Déjà paru", author=post.author)
        visible.categories.add(category)
        urls = reader_urls(post, category)
        assert len(urls) >= 2
        detail = post.get_absolute_url()
        for url in urls:
            response = client.get(url)
            if url == detail:
                assert response.status_code == 404
            else:
                assert response.status_code == 200, url
                assert "Déjà paru" in response.content.decode() or "recherche" in url or "sitemap" in url, url
                assert detail not in response.content.decode(), url
            assert "Zéphyrin paraît demain" not in response.content.decode(), url

        # Time passes: the date is now behind us (moved back rather than waiting; no save, no action).
        Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
        for url in urls:
            if "sitemap" in url:
                continue
            response = client.get(url)
            assert response.status_code == 200, url
            assert detail in response.content.decode() or url == detail, url
        # The sitemap is cached for an hour (cache_page in config/urls.py): once that hour has passed, it is there.
        cache.clear()
        for url in urls:
            assert detail in client.get(url).content.decode() or url == detail, url
        assert "<h1>Zéphyrin paraît demain</h1>" in client.get(detail).content.decode()

    def test_a_draft_with_a_past_date_stays_hidden(self, client):
        post = PostFactory(title="Brouillon daté", status=Post.Status.DRAFT)
        assert "Brouillon daté" not in client.get(reverse("blog:post_list")).content.decode()
        assert client.get(post.get_absolute_url()).status_code == 404
