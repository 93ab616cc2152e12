"""allauth's two-factor forms, worded for the site (MFA_FORMS in settings)."""

from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django.utils.translation import gettext_lazy as _


def _code_field(field, label):
    field.label = label
    field.widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric", "placeholder": ""})


class ActivateTOTPForm(AllauthActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self.fields["code"], _("Code de l’application"))


class AuthenticateForm(AllauthAuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self.fields["code"], _("Code"))
        self.fields["code"].help_text = _("Six chiffres, ou un code de secours.")
