from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User

# Sanctions offered by the buttons: value posted -> label (suspensions carry their length in days).
SANCTIONS = {
    "suspend_1": _("Suspendre 1 jour"),
    "suspend_7": _("Suspendre 7 jours"),
    "suspend_30": _("Suspendre 30 jours"),
    "ban": _("Bannir"),
    "lift": _("Lever la sanction"),
}


class SanctionForm(forms.Form):
    """What the sanction buttons post: which sanction, an optional reason, where to go back."""

    sanction = forms.ChoiceField(choices=list(SANCTIONS.items()))
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=300, required=False)
    next = forms.CharField(required=False)


def redirect_back(request, next_url: str, default: str) -> HttpResponseRedirect:
    """Go back to `next_url` if it points into this site, else to `default`."""
    allowed = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(next_url if next_url and allowed else resolve_url(default))


def has_sanction_permission(request) -> bool:
    return request.user.has_perm(services.SANCTION_PERMISSION)


def apply_sanction(request, user, form: SanctionForm) -> bool:
    """Call the accounts service the valid `form` names; tell the moderator what happened."""
    sanction, reason = form.cleaned_data["sanction"], form.cleaned_data["reason"]
    try:
        if sanction == "ban":
            services.user_ban(user=user, moderator=request.user, reason=reason)
            done = gettext("%(user)s est banni.")
        elif sanction == "lift":
            services.user_lift_sanction(user=user, moderator=request.user)
            done = gettext("La sanction de %(user)s est levée.")
        else:
            days = int(sanction.removeprefix("suspend_"))
            services.user_suspend(user=user, moderator=request.user, days=days, reason=reason)
            done = gettext("%(user)s est suspendu jusqu’au %(date)s.")
    except PermissionDenied as denied:
        messages.error(request, str(denied))
        return False
    until = timezone.localtime(user.suspended_until) if user.suspended_until else None
    date = date_format(until, "DATETIME_FORMAT") if until else ""
    messages.success(request, done % {"user": user.display_name or user.email, "date": date})
    return True


def sanction_state(user, *, short: bool = False) -> str:
    """ "Banni le …", "Suspendu jusqu’au …", or "" for a user in good standing."""
    if user.is_banned:
        return gettext("Banni le %(date)s") % {
            "date": date_format(timezone.localtime(user.banned_at), "SHORT_DATE_FORMAT")
        }
    if user.is_suspended():
        until = date_format(
            timezone.localtime(user.suspended_until), "SHORT_DATE_FORMAT" if short else "SHORT_DATETIME_FORMAT"
        )
        return gettext("Suspendu jusqu’au %(date)s") % {"date": until}
    return ""


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
        state = sanction_state(user, short=True)
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
        if user is not None and has_sanction_permission(request):
            extra_context["sanction_panel"] = {
                "user": user,
                "state": sanction_state(user),
                "url": reverse("admin:accounts_user_sanction", args=[user.pk]),
                "next": request.get_full_path(),
                "choices": SANCTIONS,
                "protected": user.is_staff or user.is_superuser,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def sanction_view(self, request, object_id):
        """POST only: suspend, ban or lift, through accounts.services; back to the user's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not has_sanction_permission(request):
            raise PermissionDenied
        user = self.get_object(request, unquote(object_id))
        if user is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = SanctionForm(request.POST)
        if form.is_valid():
            apply_sanction(request, user, form)
        else:
            messages.error(request, gettext("Sanction inconnue."))
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        return redirect_back(request, form.data.get("next", ""), change_url)
