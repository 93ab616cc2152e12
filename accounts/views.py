from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import PreferencesForm


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
