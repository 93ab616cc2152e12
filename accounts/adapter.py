from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from accounts.tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    PASSKEY_SIGNUP_STAGE = "allauth.mfa.webauthn.stages.PasskeySignupStage"
    EMAIL_VERIFICATION_STAGE = "allauth.account.stages.EmailVerificationStage"
    SECOND_FACTOR_STAGE = "allauth.mfa.stages.AuthenticateStage"

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with a passkey sign-up creating its passkey before the address is checked.

        allauth puts that stage last, so it only works when addresses are confirmed by code in the same
        session (MFA_PASSKEY_SIGNUP_ENABLED demands it). Here the passkey is made first, then the link is
        sent as for any sign-up: the reader may open it in any browser and log in with the passkey after.
        Confirmed in the same browser, the login goes on without asking for the passkey just made
        (accounts/passkey_signup.py says why that is safe); every other login asks as allauth does.
        """
        stages = [stage for stage in super().get_login_stages() if stage != self.PASSKEY_SIGNUP_STAGE]
        stages.insert(stages.index(self.EMAIL_VERIFICATION_STAGE), self.PASSKEY_SIGNUP_STAGE)
        return [
            "accounts.passkey_signup.SecondFactorStage" if stage == self.SECOND_FACTOR_STAGE else stage
            for stage in stages
        ]

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's e-mail now, deliver it through the task worker."""
        request = allauth_context.request
        site = get_current_site(request)
        site.name = "Causerie"  # without django.contrib.sites, the name would be the host name
        ctx = {"request": request, "email": email, "current_site": site}
        ctx.update(context)
        enqueue_email(self.render_mail(template_prefix, email, ctx))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link of the confirmation e-mail, carrying where the reader was going (the post's comment form).

        In the browser that signed up, allauth logs the reader in on confirmation and takes them
        there itself. Opened anywhere else (a phone's mail app), the link logs nobody in — it would
        work as a password for as long as it lives — so it goes on to the login page, which then
        takes the reader where they were going: the destination is carried by the link itself.
        """
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going_to = where_going(request)
        if not going_to:
            return url
        login = f"{reverse('account_login')}?{urlencode({'next': going_to})}"
        return f"{url}?{urlencode({'next': login})}"

    def clean_email(self, email: str) -> str:
        """Addresses at a refused domain (ACCOUNTS_REFUSED_EMAIL_DOMAINS, sub-domains included) are refused."""
        email = super().clean_email(email)
        if is_refused_email_domain(email):
            raise forms.ValidationError(
                _("Les adresses de ce fournisseur ne sont pas acceptées ici : utilisez une autre adresse e-mail.")
            )
        return email


def is_refused_email_domain(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().rstrip(".").lower()
    refused = getattr(settings, "ACCOUNTS_REFUSED_EMAIL_DOMAINS", [])
    return any(domain == d or domain.endswith(f".{d}") for d in (r.lower().strip(".") for r in refused) if d)


def where_going(request) -> str:
    """The `next` of the sign-up or login form being sent (a path of this site), or ""."""
    if request is None:
        return ""
    going_to = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(going_to, allowed_hosts={request.get_host()}, require_https=False)
    return going_to if safe and going_to.startswith("/") else ""
