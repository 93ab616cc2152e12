"""allauth's sign-up form with a honeypot (kept apart from accounts/forms.py, which allauth itself imports)."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

HONEYPOT = "site_web"


class HoneypotSignupForm(AllauthSignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS["signup"]) with a honeypot field.

    People never see the field (hidden by the stylesheet, not by a style attribute the CSP would block).
    Filled in, it means a robot: no account, no e-mail, and the very answer a real sign-up gets.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(
            required=False,
            label=_("Laissez ce champ vide"),
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def try_save(self, request):
        if self.cleaned_data.get(HONEYPOT):
            return None, get_adapter(request).respond_email_verification_sent(request, None)
        return super().try_save(request)
