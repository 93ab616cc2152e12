"""The old addresses, editable by superusers; the imported commenters, read only (their e-mail is never shown);
the blog imports started here (transfer/admin_import.py: « Importer un blog »)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from transfer import admin_import, imports
from transfer.export import causerie_json, wxr
from transfer.formats.xmlinput import ImportRefused
from transfer.models import ImportedCommenter, ImportRun, Redirect

DOWNLOADS = {  # format: (writer, content type, file extension)
    "json": (causerie_json, "application/json; charset=utf-8", "json"),
    "wxr": (wxr, "text/xml; charset=utf-8", "xml"),
}


def export_download(request, fmt: str):
    """The whole blog as a file (a GET that only reads), for superusers: it holds every e-mail address."""
    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied
    if fmt not in DOWNLOADS:
        raise Http404
    writer, content_type, extension = DOWNLOADS[fmt]
    emails = request.GET.get("emails") != "0"
    response = StreamingHttpResponse(writer.chunks(emails=emails), content_type=content_type)
    name = f"causerie-{timezone.localdate():%Y-%m-%d}{'' if emails else '-sans-e-mails'}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


class SuperuserOnly:
    """Only superusers see these pages: they touch every post's addresses and imported identities."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Redirect)
class RedirectAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["old_path", "post", "fragment", "target_url"]
    list_select_related = ["post"]
    search_fields = ["old_path", "target_url", "post__title"]
    raw_id_fields = ["post"]

    def get_urls(self):
        download = path("export/<str:fmt>/", self.admin_site.admin_view(export_download), name="transfer_export")
        return [download, *super().get_urls()]

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_delete_permission = lambda self, request, obj=None: (
        request.user.is_active and request.user.is_superuser
    )


@admin.register(ImportedCommenter)
class ImportedCommenterAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "site", "has_email", "claimed_by", "claimed_at"]
    list_select_related = ["claimed_by"]
    list_filter = ["format", "site"]
    search_fields = ["name"]
    fields = ["name", "format", "site", "claimed_by", "claimed_at"]
    readonly_fields = fields

    @admin.display(boolean=True, description=_("e-mail connu"))
    def has_email(self, identity):
        return bool(identity.email)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(SuperuserOnly, admin.ModelAdmin):
    """The imports started here; « Ajouter » is the upload page, a row opens its run's page."""

    list_display = ["original_name", "format", "stage", "status", "created_by", "created_at", "entries_done"]
    list_select_related = ["created_by"]
    list_filter = ["stage", "status"]
    actions = None  # one at a time: a run under way is not deleted

    def get_urls(self):
        return [*admin_import.urls(self.admin_site), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:transfer_importrun_new")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:transfer_importrun_run", int(object_id) if str(object_id).isdigit() else 0)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        superuser = request.user.is_active and request.user.is_superuser
        return superuser and (obj is None or not obj.is_active or imports.is_stale(obj))

    def delete_model(self, request, obj):
        try:
            imports.import_run_delete(user=request.user, run=obj)
        except ImportRefused as error:
            messages.error(request, str(error))
