"""The old addresses, editable by superusers; the imported commenters, read only (their e-mail is never shown)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from transfer.models import ImportedCommenter, Redirect


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
