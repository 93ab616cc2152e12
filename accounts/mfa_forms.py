"""allauth's two-factor forms, worded for the site (MFA_FORMS in settings)."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.webauthn import forms as webauthn_forms
from django.utils.translation import gettext_lazy as _
from fido2.webauthn import AuthenticationResponse, RegistrationResponse


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


# Passkey forms: a credential missing a member (`{"id": "x"}`) makes fido2 raise KeyError, which allauth
# does not catch (it catches TypeError and ValueError): the payload's shape is checked first, so that a
# forged POST gets the form's error, never a 500 — on the anonymous passkey login too.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


def _check_shape(credential, parse) -> None:
    try:
        parse(credential)
    except MALFORMED:
        raise get_adapter().validation_error("incorrect_code") from None


class _RegistrationShape:
    def clean(self):
        if credential := self.cleaned_data.get("credential"):
            _check_shape(credential, RegistrationResponse.from_dict)
        return super().clean()


class _AuthenticationShape:
    def clean_credential(self):
        _check_shape(self.cleaned_data["credential"], AuthenticationResponse.from_dict)
        return super().clean_credential()


class AddWebAuthnForm(_RegistrationShape, webauthn_forms.AddWebAuthnForm):
    pass


class SignupWebAuthnForm(_RegistrationShape, webauthn_forms.SignupWebAuthnForm):
    pass


class AuthenticateWebAuthnForm(_AuthenticationShape, webauthn_forms.AuthenticateWebAuthnForm):
    pass


class LoginWebAuthnForm(_AuthenticationShape, webauthn_forms.LoginWebAuthnForm):
    pass


class ReauthenticateWebAuthnForm(_AuthenticationShape, webauthn_forms.ReauthenticateWebAuthnForm):
    pass
