"""Sanctions on an account, as the admin offers them: suspend for a few days, ban, lift.

The writes are `accounts.services.user_suspend` / `user_ban` / `user_lift_sanction`
(with the other changes to an account: they check the permission and protect the team's
accounts). This module holds what the two admin pages that sanction share — the user's
own page and a comment's page, where the comment's author is sanctioned — so that both
offer the same buttons, word the outcome the same way and go back to the same place:

- `SANCTIONS`, the buttons; `SanctionForm`, what they post;
- `sanction_state(user)`, "Banni le …" / "Suspendu jusqu’au …", for badges and panels;
- `panel(request, user, url=…)`, the context of `admin/accounts/user/_sanction_panel.html`;
- `apply_posted(request, user, back=…)`, the POST behind the panel (JSON for a script that asks for it);
- `redirect_back(request, next_url, default)`, back to where the moderator came from.

It knows nothing of comments: `comments.admin` passes the author it wants sanctioned.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services

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


def may_sanction(user) -> bool:
    """Whether `user` is shown the sanction panel and may post it (the services check again)."""
    return user.has_perm(services.SANCTION_PERMISSION)


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


def panel(request, user, *, url: str) -> dict | None:
    """The sanction panel for `user`, posting to `url`; None when the moderator may not sanction."""
    if not may_sanction(request.user):
        return None
    return {
        "user": user,
        "state": sanction_state(user),
        "url": url,
        "next": request.get_full_path(),
        "choices": SANCTIONS,
        "protected": user.is_staff or user.is_superuser,
    }


def apply_posted(request, user, *, back: str) -> HttpResponseRedirect | JsonResponse:
    """Take the sanction the panel posted on `user`, tell the moderator how it went, go back to `next` or `back`.

    A script asking for JSON (`Accept: application/json`, the desk's) gets the same outcome as
    `{"ok", "message", "author", "state"}` without a redirect: 200, 403 when refused, 400 when unknown.
    """
    form = SanctionForm(request.POST)
    if form.is_valid():
        status, message = _apply(request, user, form.cleaned_data["sanction"], form.cleaned_data["reason"])
    else:
        status, message = 400, gettext("Sanction inconnue.")
    if request.headers.get("Accept", "").startswith("application/json"):
        state = sanction_state(user, short=True)
        return JsonResponse({"ok": status == 200, "message": message, "author": user.pk, "state": state}, status=status)
    messages.add_message(request, messages.SUCCESS if status == 200 else messages.ERROR, message)
    return redirect_back(request, form.data.get("next", ""), back)


def _apply(request, user, sanction: str, reason: str) -> tuple[int, str]:
    """(HTTP status, message) of the sanction taken on `user` through the services."""
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
        return 403, str(denied)
    until = timezone.localtime(user.suspended_until) if user.suspended_until else None
    date = date_format(until, "DATETIME_FORMAT") if until else ""
    return 200, done % {"user": user.display_name or user.email, "date": date}


def redirect_back(request, next_url: str, default: str) -> HttpResponseRedirect:
    """Go back to `next_url` if it points into this site, else to `default` (a URL or a URL name)."""
    allowed = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(next_url if next_url and allowed else resolve_url(default))
