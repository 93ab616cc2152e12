import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

import imaging
from accounts import services
from accounts.avatars import default_avatar_svg
from accounts.forms import AvatarForm, DeleteAccountForm, PreferencesForm, ProfileForm
from accounts.models import User


@login_required
def preferences(request):
    """The reader's public name, the language of e-mails, and the notifications they want."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("accounts:preferences")
        return render(request, "accounts/preferences.html", {"form": form}, status=422)
    return render(request, "accounts/preferences.html", {"form": form})


# Profile ------------------------------------------------------------------------------------


@require_GET
def profile(request, pk):
    """A reader's public page: name, presentation, avatar. No form: anyone may cache it."""
    person = get_object_or_404(User.objects.public(), pk=pk)
    return render(request, "accounts/profile.html", {"person": person})


def _profile_page(request, *, form=None, avatar_form=None, status=200):
    context = {
        "form": form or ProfileForm(instance=request.user),
        "avatar_form": avatar_form or AvatarForm(),
        "person": request.user,
    }
    return render(request, "accounts/profile_edit.html", context, status=status)


@login_required
def profile_edit(request):
    """The owner's profile: name and presentation (POST), with the avatar forms beside."""
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if form.is_valid():
        try:
            services.user_update_profile(
                user=request.user, display_name=form.cleaned_data["display_name"], bio=form.cleaned_data["bio"]
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field, problem)
        else:
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("accounts:profile_edit")
    return _profile_page(request, form=form, status=422)


@login_required
@require_POST
def avatar_upload(request):
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        try:
            services.user_set_avatar(user=request.user, file=avatar_form.cleaned_data["avatar"])
        except imaging.ImageRejected as rejected:
            avatar_form.add_error("avatar", str(rejected.message))
        else:
            messages.success(request, _("Votre nouvel avatar est en place."))
            return redirect("accounts:profile_edit")
    return _profile_page(request, avatar_form=avatar_form, status=422)


@login_required
@require_POST
def avatar_remove(request):
    services.user_remove_avatar(user=request.user)
    messages.success(request, _("Votre avatar est retiré : vos initiales le remplacent."))
    return redirect("accounts:profile_edit")


@require_GET
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
def default_avatar(request, hue, initials):
    """The generated avatar (initials on a colour): the address says it all, so it never changes."""
    if hue >= 360 or len(initials) > 2 or not all(c.isalnum() for c in initials.replace("-", "")):
        raise Http404
    svg = default_avatar_svg("" if initials == "-" else initials, hue)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def serve_media(request, path):
    """Uploaded files served by the app itself (development and tests, ACCOUNTS_SERVE_MEDIA)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# Data rights (RGPD) -------------------------------------------------------------------------


@require_GET
def privacy_policy(request):
    return render(request, "accounts/privacy.html")


@login_required
@require_GET
def my_data(request):
    """« Mes données » : download them, or delete the account."""
    return render(request, "accounts/my_data.html", {"delete_form": DeleteAccountForm()})


@login_required
@require_POST
@reauthentication_required
def data_export(request):
    """All the user's data as a JSON file, after they confirmed who they are."""
    data = services.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="causerie-mes-donnees-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@reauthentication_required
def account_delete(request):
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/my_data.html", {"delete_form": form}, status=422)
    user = request.user
    try:
        services.user_delete(user=user, keep_comments=form.cleaned_data["comments"] == DeleteAccountForm.KEEP)
    except services.AccountNotDeletable as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:my_data")
    logout(request)
    messages.success(request, _("Votre compte est supprimé. Merci d’avoir participé à Causerie."))
    return redirect("blog:post_list")
