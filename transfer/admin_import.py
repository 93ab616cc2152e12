"""« Importer un blog », for superusers: upload, the essay's report, confirm, follow the import, its report.

    GET  new/                   the form (format, author of the posts, file), and the last runs
    POST new/                   the file kept (private storage), checked, its essay queued -> the run's page
    GET  <id>/                  the run: its progress (static/admin/import.js polls status/; without
                                JavaScript the page refreshes itself), then its report, « Confirmer l’import »
    POST <id>/confirm/          the import queued (transfer.imports.import_confirm)
    POST <id>/discard/          the uploaded file deleted, the run and its reports kept
    GET  <id>/status/           where it stands, JSON, for the script
    GET  <id>/report.json       the report, as `import_blog --json` writes it

Every page is the admin's (staff, CSRF) and superusers only; the services check it again. The upload
is read through a handler that stops at TRANSFER_IMPORT_MAX_MB, so an oversized file is refused with
a message, not stored; the CSRF check runs once that handler is in place (Django's documented way).
"""

import json
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from transfer import imports
from transfer.formats.xmlinput import ImportRefused
from transfer.models import ImportRun

FORMATS = [
    ("auto", _("Reconnu tout seul")),
    ("wxr", _("WordPress (WXR, ou .zip)")),
    ("takeout", _("Blogger : archive Google Takeout (.zip)")),
    ("blogger", _("Blogger : sauvegarde du contenu (Atom)")),
    ("disqus", _("Disqus (XML)")),
    ("json", _("Sauvegarde Causerie (JSON)")),
]
POLL_MS = 1000


class AuthorChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.display_name} <{user.email}>"


class ImportForm(forms.Form):
    """The file comes last: fields sent before it are read even when the upload is cut at the size limit."""

    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="auto")
    author = AuthorChoice(
        label=_("Auteur des billets"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Selon l’export (par adresse e-mail)"),
        help_text=_("Blogger ne donne pas l’adresse de ses auteurs : choisissez à qui vont les billets."),
    )
    file = forms.FileField(
        label=_("Fichier exporté"),
        help_text=_("WXR ou .zip de WordPress, archive Takeout ou sauvegarde de Blogger, export Disqus, JSON."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
        self.fields["author"].queryset = staff.order_by("display_name", "pk")


class QuotaUploadHandler(FileUploadHandler):
    """Stops storing an upload past `limit` bytes; Django reads and drops the rest, and the page answers."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit, self.exceeded = limit, False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _superuser(request) -> None:
    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied


def upload_view(request, site):
    """The form, and the upload: CSRF is checked by _upload, once the size-limiting handler is in place."""
    _superuser(request)
    quota = None
    if request.method == "POST":
        quota = QuotaUploadHandler(request, limit=imports.max_upload_bytes())
        request.upload_handlers.insert(0, quota)
    return _upload(request, site, quota)


@csrf_protect
def _upload(request, site, quota):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_bound:
        run = _take_upload(request, form, quota)
        if run is not None:
            return redirect("admin:transfer_importrun_run", run.pk)
    context = {
        **site.each_context(request),
        "title": gettext("Importer un blog"),
        "form": form,
        "max_mb": imports.max_upload_bytes() // (1024 * 1024),
        "runs": ImportRun.objects.select_related("created_by")[:10],
        "opts": ImportRun._meta,
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "admin/transfer/importrun/upload.html", context, status=status)


def _take_upload(request, form, quota):
    """The run made from a valid form, or None with the form's errors said."""
    valid = form.is_valid()
    if quota is not None and quota.exceeded:
        form.errors["file"] = form.error_class([imports.too_big_message()])
        return None
    if not valid:
        return None
    author = form.cleaned_data["author"]
    try:
        return imports.import_upload(
            user=request.user,
            upload=form.cleaned_data["file"],
            format=form.cleaned_data["format"],
            author_email=author.email if author else "",
            language=getattr(request, "LANGUAGE_CODE", "fr"),
        )
    except ImportRefused as error:
        form.add_error("file", str(error))
        return None


@require_GET
def run_view(request, site, pk: int):
    _superuser(request)
    run = get_object_or_404(ImportRun.objects.select_related("created_by", "confirmed_by"), pk=pk)
    progress = imports.run_progress(run)
    context = {
        **site.each_context(request),
        "title": gettext("Import de « %(name)s »") % {"name": run.original_name},
        "run": run,
        "progress": progress,
        "progress_text": progress_text(progress),
        "report": run.latest_report,
        "format_label": dict(FORMATS).get(run.format, run.format),
        "skipped": [(kind, n) for kind, n in (run.latest_report or {}).get("skipped", {}).items() if n],
        "stale": imports.is_stale(run),
        "poll_ms": POLL_MS,
        "opts": ImportRun._meta,
    }
    return TemplateResponse(request, "admin/transfer/importrun/run.html", context)


@require_POST
def confirm_view(request, pk: int):
    _superuser(request)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        imports.import_confirm(user=request.user, run=run)
    except ImportRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Import confirmé : il commence dès que le worker le prend."))
    return redirect("admin:transfer_importrun_run", run.pk)


@require_POST
def discard_view(request, pk: int):
    _superuser(request)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        imports.import_discard_file(user=request.user, run=run)
    except ImportRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Fichier supprimé ; le rapport reste."))
    return redirect("admin:transfer_importrun_run", run.pk)


@require_GET
def status_view(request, pk: int):
    _superuser(request)
    run = get_object_or_404(ImportRun, pk=pk)
    progress = imports.run_progress(run)
    stage = f"{run.get_stage_display()} — {run.get_status_display()}"
    response = JsonResponse({**progress, "text": progress_text(progress), "stage_text": stage})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_view(request, pk: int):
    """The report as a file (JSON, as `import_blog --json` writes it); a GET that only reads."""
    _superuser(request)
    run = get_object_or_404(ImportRun, pk=pk)
    if run.latest_report is None:
        raise Http404
    which = "essai" if run.stage == ImportRun.Stage.PREVIEW else "rapport"
    body = json.dumps(run.latest_report, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-{which}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def progress_text(progress: dict) -> str:
    """Where a stage stands, in words."""
    if progress["status"] == ImportRun.Status.QUEUED:
        return gettext("En attente du worker de tâches…")
    entries = ngettext("%(n)d billet ou page", "%(n)d billets et pages", progress["entries"]) % {
        "n": progress["entries"]
    }
    comments = ngettext("%(n)d commentaire", "%(n)d commentaires", progress["comments"]) % {"n": progress["comments"]}
    if progress["entries_total"] or progress["comments_total"]:
        entries += " " + gettext("sur %(total)d") % {"total": progress["entries_total"]}
        comments += " " + gettext("sur %(total)d") % {"total": progress["comments_total"]}
    if progress["status"] == ImportRun.Status.RUNNING:
        return gettext("Lus jusqu’ici : %(entries)s, %(comments)s…") % {"entries": entries, "comments": comments}
    return gettext("Lus : %(entries)s, %(comments)s.") % {"entries": entries, "comments": comments}


def urls(site) -> list:
    view = site.admin_view
    return [
        path("new/", view(csrf_exempt(partial(upload_view, site=site))), name="transfer_importrun_new"),
        path("<int:pk>/run/", view(partial(run_view, site=site)), name="transfer_importrun_run"),
        path("<int:pk>/confirm/", view(confirm_view), name="transfer_importrun_confirm"),
        path("<int:pk>/discard/", view(discard_view), name="transfer_importrun_discard"),
        path("<int:pk>/status/", view(status_view), name="transfer_importrun_status"),
        path("<int:pk>/report.json", view(report_view), name="transfer_importrun_report"),
    ]


def run_url(run: ImportRun) -> str:
    return reverse("admin:transfer_importrun_run", args=[run.pk])
