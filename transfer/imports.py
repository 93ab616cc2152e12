"""Blog imports started from the admin: the upload, an essay (the dry run), the confirmation, the import.

    transfer/admin_import.py   the pages: the upload form, the run's page (progress, report, confirm), its JSON
    transfer/imports.py        these services, for superusers only (checked here, not only by the pages)
    transfer/tasks.py          run_import(run_id): one stage of a run, in the task worker
    transfer/services.py       blog_import: the import itself, one transaction, all or nothing

Each stage runs in the worker, the essay too: a large export takes minutes, longer than a request may.
While a stage runs its counts cannot go to the database (the import is one transaction, invisible to
others until it ends, and SQLite allows one writer at a time), so the worker writes them to a small
JSON file beside the upload, at most twice a second, and the page reads it.
"""

import io
import json
import logging
import os
import time
import zipfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from transfer.formats.xmlinput import ImportRefused, open_export
from transfer.models import ImportRun
from transfer.services import READERS, blog_import, detect

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.5  # seconds between two writes of the progress file
STALE_AFTER = timedelta(hours=6)  # a stage still « running » this long: its worker died


def max_upload_bytes() -> int:
    from django.conf import settings

    return settings.TRANSFER_IMPORT_MAX_MB * 1024 * 1024


def _superuser(user) -> None:
    if not (user is not None and user.is_active and user.is_superuser):
        raise PermissionDenied(_("Seuls les superutilisateurs importent un blog."))


def import_upload(*, user, upload, format: str = "auto", author_email: str = "", language: str = "fr") -> ImportRun:
    """Keep the uploaded export (private storage), check what it is, queue its essay. ImportRefused: nothing kept."""
    _superuser(user)
    if upload.size > max_upload_bytes():
        raise ImportRefused(too_big_message())
    if not upload.size:
        raise ImportRefused(_("Le fichier est vide."))
    if format != "auto" and format not in READERS:
        raise ImportRefused(_("Format non pris en charge : %(format)s.") % {"format": format})
    if author_email and not get_user_model().objects.filter(email__iexact=author_email).exists():
        raise ImportRefused(_("Aucun compte n’a l’adresse %(email)s.") % {"email": author_email})
    run = ImportRun(
        original_name=os.path.basename(upload.name or "export")[:200],
        size=upload.size,
        author_email=author_email,
        language=language,
        created_by=user,
    )
    run.file.save(upload.name or "export", upload, save=False)
    try:
        found = _sniff(run.file.path)
    except ImportRefused:
        run.file.delete(save=False)
        raise
    run.format = found if format == "auto" else format
    run.save()
    transaction.on_commit(partial(_enqueue, run.pk))
    return run


def too_big_message() -> str:
    from django.conf import settings

    return _("Fichier trop volumineux : %(limit)d Mo au plus.") % {"limit": settings.TRANSFER_IMPORT_MAX_MB}


def _sniff(path: str) -> str:
    """The export's format from its first bytes (a .zip opened and checked first)."""
    try:
        with open_export(path) as raw:
            stream = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw, 1 << 16)
            return detect(stream.peek(4096)[:4096])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise ImportRefused(_("Archive illisible : %(error)s") % {"error": error}) from error


def import_confirm(*, user, run: ImportRun) -> ImportRun:
    """Queue the import itself after its essay, if no other import is under way."""
    _superuser(user)
    try:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            if not run.awaits_confirmation:
                raise ImportRefused(_("Cet import n’attend pas de confirmation (état : %(state)s).") % state(run))
            busy = ImportRun.objects.filter(stage=ImportRun.Stage.IMPORT, status__in=ACTIVE).exclude(pk=run.pk)
            if busy.exists():
                raise ImportRefused(_("Un autre import est en cours : attendez qu’il finisse."))
            run.stage, run.status = ImportRun.Stage.IMPORT, ImportRun.Status.QUEUED
            run.confirmed_by, run.confirmed_at = user, timezone.now()
            run.entries_done = run.comments_done = 0
            run.started_at = run.finished_at = None
            run.save()
            transaction.on_commit(partial(_enqueue, run.pk))
    except IntegrityError as error:  # another confirmation won the race (transfer_one_import_at_a_time)
        raise ImportRefused(_("Un autre import est en cours : attendez qu’il finisse.")) from error
    return run


ACTIVE = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)


def state(run: ImportRun) -> dict:
    return {"state": f"{run.get_stage_display()}, {run.get_status_display()}"}


def _enqueue(run_id: int) -> None:
    from transfer.tasks import run_import

    run_import.enqueue(run_id=run_id)


def import_execute(*, run_id: int) -> None:
    """One stage of a run, in the worker: claimed once, then done with its report, or failed with why."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now(), finished_at=None, error=""
    )
    if not claimed:
        return  # run already, or deleted
    run = ImportRun.objects.select_related("created_by", "confirmed_by").get(pk=run_id)
    progress = ProgressFile(run)
    with translation.override(run.language):
        try:
            _superuser(run.confirmed_by if run.stage == ImportRun.Stage.IMPORT else run.created_by)
            report = blog_import(
                path=run.file.path,
                format=run.format,
                dry_run=run.stage == ImportRun.Stage.PREVIEW,
                author_email=run.author_email,
                progress=progress,
            )
        except (ImportRefused, PermissionDenied, OSError) as error:
            _finish(run, ImportRun.Status.FAILED, error=str(error))
        except Exception:
            logger.exception("Import %s failed", run_id)
            _finish(run, ImportRun.Status.FAILED, error=_("Erreur inattendue : rien n’a été écrit (voir le journal)."))
        else:
            _finish(run, ImportRun.Status.DONE, report=report.as_dict())
        finally:
            progress.remove()


def _finish(run: ImportRun, status: str, *, report: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error}
    if report is not None:
        fields["preview" if run.stage == ImportRun.Stage.PREVIEW else "report"] = report
        fields["entries_done"], fields["comments_done"] = totals(report)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def totals(report: dict | None) -> tuple[int, int]:
    """Posts and pages, and comments, a report counts."""
    if not report:
        return 0, 0
    return sum(report["posts"].values()) + report["pages"], sum(report["comments"].values())


class ProgressFile:
    """The counts of a running stage, in a JSON file beside the upload (written whole, then renamed)."""

    def __init__(self, run: ImportRun):
        self.path = Path(f"{run.file.path}.progress.json")
        self.last = 0.0

    def __call__(self, report) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        entries, comments = totals({"posts": report.posts, "pages": report.pages, "comments": report.comments})
        partial_path = self.path.with_name(self.path.name + ".part")
        partial_path.write_text(json.dumps({"entries": entries, "comments": comments}), encoding="utf-8")
        os.replace(partial_path, self.path)

    def read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {"entries": int(data["entries"]), "comments": int(data["comments"])}
        except (OSError, ValueError, KeyError, TypeError):
            return {"entries": 0, "comments": 0}

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def run_progress(run: ImportRun) -> dict:
    """Where a run stands, for its page and its JSON: counts so far, and the totals the essay found."""
    done = ProgressFile(run).read() if run.status == ImportRun.Status.RUNNING else {}
    entries_total, comments_total = totals(run.preview) if run.stage == ImportRun.Stage.IMPORT else (0, 0)
    return {
        "stage": run.stage,
        "status": run.status,
        "active": run.is_active,
        "entries": done.get("entries", run.entries_done),
        "comments": done.get("comments", run.comments_done),
        "entries_total": entries_total,
        "comments_total": comments_total,
    }


def import_run_delete(*, user, run: ImportRun) -> None:
    """Forget a run and its file; not while it runs (unless its worker is long gone)."""
    _superuser(user)
    run.refresh_from_db()
    if run.is_active and not is_stale(run):
        raise ImportRefused(_("Cet import est en cours : il ne peut pas être supprimé maintenant."))
    ProgressFile(run).remove()
    run.file.delete(save=False)
    run.delete()


def import_discard_file(*, user, run: ImportRun) -> None:
    """Delete the uploaded export, keep the run and its reports: the file holds every commenter's e-mail."""
    _superuser(user)
    run.refresh_from_db()
    if run.is_active and not is_stale(run):
        raise ImportRefused(_("Cet import est en cours : son fichier ne peut pas être supprimé maintenant."))
    ProgressFile(run).remove()
    run.file.delete(save=False)
    ImportRun.objects.filter(pk=run.pk).update(file="")


def is_stale(run: ImportRun) -> bool:
    return run.is_active and (run.started_at or run.created_at) < timezone.now() - STALE_AFTER
