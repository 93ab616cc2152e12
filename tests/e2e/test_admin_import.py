"""« Importer un blog » in Chromium, with a real task worker (django-tasks-db's): a superuser uploads a WordPress
export, reads the essay's report, confirms, follows the import, downloads its report; the post is then on the
site with its threaded comments.

The worker is `manage.py db_worker` in a process of its own when the test database is one other processes can
open (PostgreSQL); with SQLite's in-memory test database it is the same worker run in a thread of this process.
It is started only once the page has shown the stage waiting for it, so that state is seen every time.
"""

import json
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.transfer.wxr_builder import comment, item, wxr

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"
POSTS, COMMENTS_EACH = 30, 8
COMMENTS = 3 + (POSTS - 1) * COMMENTS_EACH  # 235


def export_text() -> str:
    """POSTS posts of COMMENTS_EACH comments, the first with three in a thread three levels deep."""
    thread = [
        comment(1, author="Ancienne Lectrice", email="ancienne@example.org", text="Premier avis"),
        comment(2, parent=1, author="Bob", email="bob@example.org", text="Une réponse", date="2020-01-03 10:00:00"),
        comment(3, parent=2, text="Réponse à la réponse", date="2020-01-04 10:00:00"),
    ]
    items = [item(1, slug="mon-billet", title="Mon billet importé", comments=thread)]
    for pid in range(2, POSTS + 1):
        comments = [
            comment(cid, text=f"Avis {pid}-{cid}", date=f"2020-02-{cid:02d} 10:00:00")
            for cid in range(1, 1 + COMMENTS_EACH)
        ]
        items.append(item(pid, title=f"Billet {pid}", comments=comments))
    return wxr(*items)


class TaskWorker:
    """django-tasks-db's worker, started and stopped by the test."""

    def __init__(self, root):
        self.root, self.process, self.thread, self.worker = root, None, None, None

    def start(self):
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            env = {
                **os.environ,
                "DATABASE_URL": f"{url}/{db['NAME']}",
                "DJANGO_DEBUG": "1",
                "DJANGO_TASKS_BACKEND": "database",
                "DJANGO_IMPORT_ROOT": str(self.root),
            }
            command = [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0.2",
            ]
            self.process = subprocess.Popen(command, cwd=django_settings.BASE_DIR, env=env)  # noqa: S603
        else:
            from django_tasks_db.management.commands.db_worker import Worker

            self.worker = Worker(
                queue_names=["default"],
                interval=0.2,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="e2e-import",
                excluded_queue_names=[],
            )
            self.thread = threading.Thread(target=self.worker.run, daemon=True)
            self.thread.start()

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
        if self.thread is not None:
            self.worker.running = False
            self.thread.join(timeout=30)
            self.thread = None


@pytest.fixture
def task_worker(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TRANSFER_IMPORT_ROOT = tmp_path / "imports"
    worker = TaskWorker(settings.TRANSFER_IMPORT_ROOT)
    yield worker
    worker.stop()


def test_a_superuser_imports_a_wordpress_export_from_the_admin(
    live_server, new_page, shoot, settings, tmp_path, task_worker
):
    settings.ACCOUNTS_STAFF_REQUIRE_MFA = False
    UserFactory(email="auteur@example.org", display_name="Autrice", is_staff=True)
    root = UserFactory(email="root@example.org", display_name="Root", is_staff=True, is_superuser=True)
    export = tmp_path / "wordpress.xml"
    export.write_text(export_text(), encoding="utf-8")

    page = new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Adresse e-mail").fill(root.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.get_by_role("link", name="Importer un blog").click()

    # 0. A file of another kind is refused on the form, with a message, nothing kept.
    notes = tmp_path / "notes.txt"
    notes.write_text("Liste de courses", encoding="utf-8")
    page.get_by_label("Fichier exporté").set_input_files(notes)
    page.get_by_role("button", name="Envoyer et lancer l’essai").click()
    expect(page.locator("#import-errors")).to_contain_text("Format non reconnu")
    shoot(page, "admin-import-00-refused")

    # 1. The upload: the essay waits for the worker, the page says so.
    page.get_by_label("Fichier exporté").set_input_files(export)
    shoot(page, "admin-import-01-form")
    page.get_by_role("button", name="Envoyer et lancer l’essai").click()
    progress = page.locator("#import-progress-text")
    expect(progress).to_have_text("En attente du worker de tâches…")
    shoot(page, "admin-import-02-essay-queued")

    # 2. The worker runs the essay; the page follows it and shows its report, nothing written yet.
    task_worker.start()
    report = page.locator("#import-report")
    expect(report.locator("h2")).to_have_text("Essai : rien n’a été écrit. Voici ce qui entrerait.", timeout=60_000)
    expect(page.locator("#report-posts")).to_have_text(f"{POSTS} publiés, 0 brouillons, 0 programmés")
    comments = f"{COMMENTS} approuvés, 0 en attente, 0 indésirables, 0 refusés"
    expect(page.locator("#report-comments")).to_have_text(comments)
    shoot(page, "admin-import-03-essay-report")
    anonymous = new_page()
    assert anonymous.goto(f"{live_server.url}/billets/mon-billet/").status == 404

    # 3. Confirmed: the import waits, then runs, its progress counted against the essay's totals.
    task_worker.stop()
    page.get_by_role("button", name="Confirmer l’import").click()
    expect(progress).to_have_text("En attente du worker de tâches…")
    expect(page.locator("#import-stage")).to_have_text("import — en attente")
    shoot(page, "admin-import-04-import-queued")
    task_worker.start()
    running = progress.filter(has_text="Lus jusqu’ici")
    expect(running.or_(report.locator("h2"))).to_be_visible(timeout=60_000)
    if running.is_visible():  # a fast machine may finish before the page asks: then only the report shows
        shoot(page, "admin-import-05-import-running")
    expect(report.locator("h2")).to_have_text("Import terminé", timeout=60_000)
    expect(page.locator("#report-created")).to_have_text(f"{POSTS + COMMENTS}, 0, 0")
    shoot(page, "admin-import-06-import-report")

    # 4. The report downloads as JSON, the counts of `import_blog --json`.
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le rapport (JSON)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "wxr" and data["dry_run"] is False
    assert data["posts"] == {"published": POSTS, "draft": 0, "scheduled": 0}
    assert data["comments"]["approved"] == COMMENTS

    # 5. The imported post is on the site with its thread, three levels deep.
    anonymous.goto(f"{live_server.url}/billets/mon-billet/")
    expect(anonymous.locator("h1")).to_have_text("Mon billet importé")
    expect(anonymous.locator(".comment-replies .comment-replies .comment-body")).to_have_text("Réponse à la réponse")
    expect(anonymous.locator(".comment-author").first).to_have_text("Ancienne Lectrice")
    shoot(anonymous, "admin-import-07-post-with-thread")


def test_the_import_pages_have_no_axe_violation(live_server, browser, shoot, settings, tmp_path):
    from tests.e2e.test_accessibility import AXE, AXE_TAGS, describe
    from transfer.models import ImportRun

    settings.ACCOUNTS_STAFF_REQUIRE_MFA = False
    root = UserFactory(email="root@example.org", display_name="Root", is_staff=True, is_superuser=True)
    report = {
        "format": "wxr",
        "dry_run": True,
        "posts": {"published": 3, "draft": 1, "scheduled": 0},
        "pages": 1,
        "comments": {"approved": 9, "pending": 1, "spam": 0, "rejected": 0},
        "skipped": {"pingback": 2, "trackback": 0},
        "created": 15,
        "updated": 0,
        "unchanged": 0,
        "kept": [],
        "commenters": {"claimable": 2, "name_only": 1},
        "redirects": 6,
        "media": {"copied": 0, "missing": 0},
        "unmatched_threads": 0,
        "warnings": ["« Un billet » : codes courts laissés en texte : [audio]"],
    }
    done = ImportRun.objects.create(original_name="wordpress.xml", created_by=root, status="done", preview=report)
    queued = ImportRun.objects.create(original_name="blogger.zip", created_by=root, stage="import", preview=report)
    failed = ImportRun.objects.create(original_name="casse.xml", created_by=root, status="failed", error="XML invalide")
    # The CSP rightly refuses the script axe is injected as: this audit's context bypasses it.
    context = browser.new_context(bypass_csp=True, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Adresse e-mail").fill(root.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    failures = []
    try:
        for name, url in [
            ("new", "/admin/transfer/importrun/new/"),
            *[(f"run-{run.status}", f"/admin/transfer/importrun/{run.pk}/run/") for run in (done, queued, failed)],
        ]:
            page.goto(f"{live_server.url}{url}")
            page.add_script_tag(path=str(AXE))
            options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
            result = page.evaluate("async (o) => await axe.run('#content-main', o)", options)
            assert result["passes"], "axe ran no rule"
            if result["violations"]:
                shoot(page, f"a11y-admin-import-{name}")
                failures.append(describe(name, url, result["violations"]))
    finally:
        context.close()
    assert not failures, "\n".join(failures)
