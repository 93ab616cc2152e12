"""« Importer un blog » in the admin: superusers only, an essay, a confirmation, the import in the worker."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from comments.models import Comment
from tests.factories import ModeratorFactory, UserFactory
from tests.transfer.wxr_builder import comment, item, wxr
from transfer import imports
from transfer.admin_import import progress_text
from transfer.formats.xmlinput import ImportRefused
from transfer.models import ImportRun

pytestmark = pytest.mark.django_db

WXR = wxr(item(12, slug="mon-billet", title="Mon billet", comments=[comment(1), comment(2, parent=1, text="Oui")]))
NEW = reverse("admin:transfer_importrun_new")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.TRANSFER_IMPORT_ROOT = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return settings.TRANSFER_IMPORT_ROOT


@pytest.fixture
def root(blog_author):
    return UserFactory(email="root@example.org", display_name="Root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, root, django_capture_on_commit_callbacks):
    """A superuser's client whose requests' on-commit tasks run, as they would outside the test's transaction."""
    client.force_login(root)

    class Committing:
        def get(self, *args, **kwargs):
            return client.get(*args, **kwargs)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

    return Committing()


def upload(text=WXR, name="wordpress.xml"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/xml")


def run_page(run):
    return reverse("admin:transfer_importrun_run", args=[run.pk])


class TestServices:
    def test_only_a_superuser_uploads(self, blog_author):
        with pytest.raises(PermissionDenied):
            imports.import_upload(user=ModeratorFactory(), upload=upload())
        assert not ImportRun.objects.exists()

    def test_the_essay_writes_nothing_and_keeps_the_file_private(
        self, root, private_root, settings, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run = imports.import_upload(user=root, upload=upload())
        run.refresh_from_db()
        assert (run.stage, run.status, run.format) == ("preview", "done", "wxr")
        assert run.preview["dry_run"] is True and run.preview["comments"]["approved"] == 2
        assert (run.entries_done, run.comments_done) == (1, 2)
        assert not Post.objects.exists()
        stored = Path(run.file.path)
        assert stored.is_relative_to(private_root) and not stored.is_relative_to(settings.MEDIA_ROOT)
        assert stored.read_text(encoding="utf-8") == WXR and "wordpress" not in stored.name
        assert stored.stat().st_mode & 0o777 == 0o600  # it holds every commenter's e-mail address
        with pytest.raises(ValueError):
            run.file.url  # noqa: B018 — never served

    def test_confirmed_it_imports_once(self, root, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            run = imports.import_upload(user=root, upload=upload())
        with django_capture_on_commit_callbacks(execute=True):
            imports.import_confirm(user=root, run=run)
        run.refresh_from_db()
        assert (run.stage, run.status, run.confirmed_by) == ("import", "done", root)
        assert run.report["created"] == run.preview["created"] == 3 and run.report["dry_run"] is False
        assert Comment.objects.get(body="Oui").parent.body == "Bonjour"
        with pytest.raises(ImportRefused, match="n’attend pas"):
            imports.import_confirm(user=root, run=run)
        imports.import_execute(run_id=run.pk)  # delivered twice: claimed once
        assert Post.objects.count() == 1

    def test_one_import_at_a_time(self, root, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            first = imports.import_upload(user=root, upload=upload())
            second = imports.import_upload(user=root, upload=upload())
        imports.import_confirm(user=root, run=first)  # queued: its task waits for the commit
        with pytest.raises(ImportRefused, match="Un autre import est en cours"):
            imports.import_confirm(user=root, run=second)

    def test_a_file_of_another_kind_is_refused_and_not_kept(self, root, private_root):
        with pytest.raises(ImportRefused, match="Format non reconnu"):
            imports.import_upload(user=root, upload=upload(b"\x89PNG\r\n\x1a\n", name="photo.xml"))
        assert not ImportRun.objects.exists()
        assert not [p for p in private_root.rglob("*") if p.is_file()]

    def test_broken_xml_fails_the_essay_with_its_line_and_column(self, root, django_capture_on_commit_callbacks):
        broken = WXR.replace("<title>Mon billet</title>", "<title>Mon billet</titre>")
        with django_capture_on_commit_callbacks(execute=True):
            run = imports.import_upload(user=root, upload=upload(broken))
        run.refresh_from_db()
        assert run.status == "failed" and "ligne" in run.error and "colonne" in run.error
        assert not Post.objects.exists()

    def test_a_run_started_by_someone_no_longer_superuser_fails(self, root):
        run = imports.import_upload(user=root, upload=upload())
        root.is_superuser = False
        root.save()
        imports.import_execute(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == "failed" and "superutilisateurs" in run.error

    def test_deleting_a_run_removes_its_file(self, root, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            run = imports.import_upload(user=root, upload=upload())
        stored = Path(run.file.path)
        imports.import_run_delete(user=root, run=run)
        assert not stored.exists() and not ImportRun.objects.exists()

    def test_the_worker_writes_its_counts_as_it_goes(self, root, monkeypatch):
        from transfer.report import Report

        run = imports.import_upload(user=root, upload=upload())
        progress = imports.ProgressFile(run)
        report = Report()
        report.posts["published"], report.pages, report.comments["pending"] = 4, 1, 7
        progress(report)
        assert progress.read() == {"entries": 5, "comments": 7}
        report.pages = 2
        progress(report)  # within half a second of the last write: not written
        assert progress.read() == {"entries": 5, "comments": 7}
        progress.remove()
        assert progress.read() == {"entries": 0, "comments": 0}

    def test_progress_is_read_from_the_file_the_worker_writes(self, root):
        run = imports.import_upload(user=root, upload=upload())
        ImportRun.objects.filter(pk=run.pk).update(status="running")
        run.refresh_from_db()
        Path(f"{run.file.path}.progress.json").write_text('{"entries": 3, "comments": 40}')
        progress = imports.run_progress(run)
        assert (progress["entries"], progress["comments"], progress["active"]) == (3, 40, True)
        assert progress_text(progress) == "Lus jusqu’ici : 3 billets et pages, 40 commentaires…"
        run.stage, run.preview = "import", {"posts": {"published": 9}, "pages": 1, "comments": {"approved": 200}}
        assert progress_text(imports.run_progress(run)) == (
            "Lus jusqu’ici : 3 billets et pages sur 10, 40 commentaires sur 200…"
        )


class TestPages:
    def test_the_whole_way_through_the_pages(self, admin_client):
        index = admin_client.get(reverse("admin:index")).content.decode()
        assert NEW in index
        response = admin_client.post(NEW, {"format": "auto", "author": "", "file": upload()})
        run = ImportRun.objects.get()
        assert response.status_code == 302 and response["Location"] == run_page(run)
        page = admin_client.get(run_page(run)).content.decode()
        assert "Essai : rien n’a été écrit" in page and "Confirmer l’import" in page
        assert "1 publiés, 0 brouillons, 0 programmés" in page
        assert admin_client.get(reverse("admin:transfer_importrun_confirm", args=[run.pk])).status_code == 405
        admin_client.post(reverse("admin:transfer_importrun_confirm", args=[run.pk]))
        page = admin_client.get(run_page(run)).content.decode()
        assert "Import terminé" in page and "Confirmer l’import" not in page
        download = admin_client.get(reverse("admin:transfer_importrun_report", args=[run.pk]))
        assert download["Content-Disposition"] == f'attachment; filename="import-{run.pk}-rapport.json"'
        assert json.loads(download.content)["created"] == 3  # the post and its two comments
        assert Post.objects.get().slug == "mon-billet"

    def test_the_author_chosen_gets_the_posts(self, admin_client, root):
        text = WXR.replace("auteur@example.org", "inconnu@example.org")
        admin_client.post(NEW, {"format": "wxr", "author": str(root.pk), "file": upload(text)})
        run = ImportRun.objects.get()
        assert run.author_email == root.email and run.status == "done"
        assert run.preview["posts"]["published"] == 1

    def test_a_bad_file_is_a_message_not_an_error(self, admin_client):
        response = admin_client.post(NEW, {"format": "auto", "file": upload("rien à voir", name="notes.txt")})
        assert response.status_code == 400
        assert "Format non reconnu" in response.content.decode()

    def test_too_big_is_refused_before_it_is_stored(self, admin_client, monkeypatch, private_root):
        monkeypatch.setattr(imports, "max_upload_bytes", lambda: 100)
        response = admin_client.post(NEW, {"format": "auto", "file": upload()})
        assert response.status_code == 400
        assert "Fichier trop volumineux" in response.content.decode()
        assert not ImportRun.objects.exists() and not private_root.exists()

    def test_csrf_is_checked_on_the_upload(self, root):
        client = Client(enforce_csrf_checks=True)
        client.force_login(root)
        assert client.post(NEW, {"format": "auto", "file": upload()}).status_code == 403
        assert not ImportRun.objects.exists()

    @pytest.mark.parametrize("name", ["new", "run", "status", "report", "confirm", "discard"])
    def test_staff_who_are_not_superusers_are_kept_out(self, client, root, name):
        run = ImportRun.objects.create(original_name="x.xml", created_by=root, preview={"posts": {}})
        client.force_login(ModeratorFactory())
        url = reverse(f"admin:transfer_importrun_{name}", args=[] if name == "new" else [run.pk])
        response = client.post(url) if name in ("confirm", "discard") else client.get(url)
        assert response.status_code == 403

    def test_a_queued_stage_shows_its_progress_without_inline_script(self, admin_client, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        admin_client.post(NEW, {"format": "auto", "file": upload()})
        run = ImportRun.objects.get()
        page = admin_client.get(run_page(run)).content.decode()
        assert "En attente du worker de tâches" in page
        assert 'http-equiv="refresh"' in page and "admin/import.js" in page
        assert "<script>" not in page.replace("<script src", "")
        state = admin_client.get(reverse("admin:transfer_importrun_status", args=[run.pk])).json()
        assert state["active"] is True and state["status"] == "queued"
        assert state["stage_text"] == "essai — en attente" and state["text"] == "En attente du worker de tâches…"

    def test_the_db_worker_runs_the_stages(self, admin_client, settings, monkeypatch):
        # The worker recycles its database connections between tasks; inside the test's transaction that
        # would close the connection the test runs in.
        monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        admin_client.post(NEW, {"format": "auto", "file": upload()})
        run = ImportRun.objects.get()
        assert run.status == "queued" and DBTaskResult.objects.get().task_path == "transfer.tasks.run_import"
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        run.refresh_from_db()
        assert run.status == "done" and not Post.objects.exists()

    def test_confirming_needs_its_csrf_token(self, root, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            run = imports.import_upload(user=root, upload=upload())
        client = Client(enforce_csrf_checks=True)
        client.force_login(root)
        assert client.post(reverse("admin:transfer_importrun_confirm", args=[run.pk])).status_code == 403
        run.refresh_from_db()
        assert run.stage == "preview" and not Post.objects.exists()

    def test_a_failed_essay_says_why_on_its_page(self, admin_client):
        broken = WXR.replace("<title>Mon billet</title>", "<title>Mon billet</titre>")
        admin_client.post(NEW, {"format": "auto", "file": upload(broken)})
        run = ImportRun.objects.get()
        page = admin_client.get(run_page(run)).content.decode()
        assert "L’essai a échoué, rien n’a été écrit :" in page and "ligne" in page
        assert "Confirmer l’import" not in page
        assert admin_client.get(reverse("admin:transfer_importrun_report", args=[run.pk])).status_code == 404

    def test_the_file_can_go_and_the_report_stay(self, admin_client):
        admin_client.post(NEW, {"format": "auto", "file": upload()})
        run = ImportRun.objects.get()
        admin_client.post(reverse("admin:transfer_importrun_confirm", args=[run.pk]))
        stored = Path(run.file.path)
        assert admin_client.get(reverse("admin:transfer_importrun_discard", args=[run.pk])).status_code == 405
        admin_client.post(reverse("admin:transfer_importrun_discard", args=[run.pk]))
        run.refresh_from_db()
        assert not stored.exists() and not run.file and run.report["created"] == 3
        page = admin_client.get(run_page(run)).content.decode()
        assert "supprimé" in page and "Import terminé" in page

    def test_an_essay_without_its_file_cannot_be_confirmed(self, admin_client, root):
        admin_client.post(NEW, {"format": "auto", "file": upload()})
        run = ImportRun.objects.get()
        imports.import_discard_file(user=root, run=run)
        with pytest.raises(ImportRefused):
            imports.import_confirm(user=root, run=run)


class TestChangelist:
    def test_the_runs_are_listed_and_open_their_page(self, admin_client):
        admin_client.post(NEW, {"format": "auto", "file": upload()})
        run = ImportRun.objects.get()
        listing = admin_client.get(reverse("admin:transfer_importrun_changelist"))
        assert listing.status_code == 200 and "wordpress.xml" in listing.content.decode()
        assert admin_client.get(reverse("admin:transfer_importrun_add"))["Location"] == NEW
        assert admin_client.get(reverse("admin:transfer_importrun_change", args=[run.pk]))["Location"] == run_page(run)

    def test_deleting_from_the_admin_removes_the_file(self, admin_client):
        admin_client.post(NEW, {"format": "auto", "file": upload()})
        run = ImportRun.objects.get()
        stored = Path(run.file.path)
        response = admin_client.post(reverse("admin:transfer_importrun_delete", args=[run.pk]), {"post": "yes"})
        assert response.status_code == 302 and not ImportRun.objects.exists() and not stored.exists()

    def test_a_run_under_way_cannot_be_deleted(self, admin_client, root):
        run = ImportRun.objects.create(original_name="x.xml", created_by=root, status="running")
        run.started_at = run.created_at
        run.save()
        assert admin_client.get(reverse("admin:transfer_importrun_delete", args=[run.pk])).status_code == 403
