"""Accounts in the admin. Moderators read them and sanction through the panel (accounts.sanctions) only."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import sanctions
from accounts.models import ModeratorNote, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class BannedFilter(admin.SimpleListFilter):
    title = _("banni")
    parameter_name = "banni"

    def lookups(self, request, model_admin):
        return [("oui", _("Oui")), ("non", _("Non"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(banned_at__isnull=False)
        if self.value() == "non":
            return queryset.filter(banned_at__isnull=True)
        return queryset


class SuspendedFilter(admin.SimpleListFilter):
    title = _("suspendu")
    parameter_name = "suspendu"

    def lookups(self, request, model_admin):
        return [("oui", _("Oui, en ce moment")), ("non", _("Non"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(suspended_until__gt=timezone.now())
        if self.value() == "non":
            return queryset.exclude(suspended_until__gt=timezone.now())
        return queryset


class ModeratorNoteInline(admin.TabularInline):
    """The moderators' notes on this reader (written from the desk), read-only here."""

    model = ModeratorNote
    fk_name = "user"
    fields = ["body", "author", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return sanctions.may_sanction(request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. Moderators (view + sanction, no change) read them and sanction through the buttons only."""

    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["email"]
    list_display = ["email", "display_name", "trust", "sanction", "joined"]
    list_filter = [BannedFilter, SuspendedFilter, "trusted", "is_staff", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profil"), {"fields": ["display_name", "bio"]}),
        (_("Modération"), {"fields": ["trusted", "banned_at", "suspended_until", "sanction_reason"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "usable_password", "password1", "password2"]}),
    ]
    # Sanctions change only through accounts.services (the buttons), never by editing the dates.
    readonly_fields = ["banned_at", "suspended_until", "sanction_reason"]
    inlines = [ModeratorNoteInline]

    class Media:
        css = {"all": ["admin/causerie-admin.css"]}

    @admin.display(description=_("inscrit le"), ordering="date_joined")
    def joined(self, user):
        return date_format(timezone.localtime(user.date_joined), "SHORT_DATE_FORMAT")

    @admin.display(boolean=True, description=_("confiance"), ordering="trusted")
    def trust(self, user):
        return user.trusted

    @admin.display(description=_("sanction"))
    def sanction(self, user):
        state = sanctions.sanction_state(user, short=True)
        return format_html('<span class="sanction-badge">{}</span>', state) if state else "—"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/sanction/",
                self.admin_site.admin_view(self.sanction_view),
                name="accounts_user_sanction",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        user = self.get_object(request, unquote(object_id))
        if user is not None:
            url = reverse("admin:accounts_user_sanction", args=[user.pk])
            extra_context["sanction_panel"] = sanctions.panel(request, user, url=url)
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def sanction_view(self, request, object_id):
        """Suspend, ban or lift (accounts.sanctions); back to the user's page."""
        if not sanctions.may_sanction(request.user):
            raise PermissionDenied
        user = self.get_object(request, unquote(object_id))
        if user is None:
            messages.warning(request, gettext("Ce compte n’existe plus."))
            return redirect("admin:accounts_user_changelist")
        back = reverse("admin:accounts_user_change", args=[user.pk])
        return sanctions.apply_posted(request, user, back=back)
