"""Sign-up with a passkey: the passkey made during the sign-up counts as this login's second factor.

A reader who signs up with a passkey makes it (a registration with user verification: a fingerprint, a
face, a PIN), is sent the confirmation link, and — in the same browser — is logged in by confirming
(ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION). allauth would then ask for that passkey again, as the second
factor of an account that now has one (its AuthenticateStage). Causerie does not, for that login only,
because the passkey was proved in it a few minutes earlier; this weakens nothing:

- The login that resumes is the one stashed in this browser's session, for this very user
  (allauth's ``login_on_verification``): the link alone, opened in any other browser, logs nobody in.
  The stash lives ``ACCOUNT_LOGIN_TIMEOUT`` (15 minutes); later, the link only confirms, and the
  reader logs in with the passkey.
- The mark is set on that login's server-side state by the view that completed the registration, only
  once the authenticator accepted it with user verification (``begin_registration(user, True)``
  requires it); no request can set it, and no other login carries it: every later login — a code by
  e-mail, another browser — still asks for the passkey as before.
- The account is brand new: it holds nothing but what the reader typed in this same session.
"""

from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.webauthn.stages import PasskeySignupStage
from allauth.mfa.webauthn.views import SignupWebAuthnView

MADE_IN_THIS_LOGIN = "causerie_passkey_made"


class PasskeySignupView(SignupWebAuthnView):
    """allauth's page that makes the sign-up's passkey; it marks the pending login once the passkey is valid."""

    def form_valid(self, form):
        # The form has verified the registration (user verification included). allauth stores the passkey
        # and stashes the login with its state, the mark with it; should storing fail, nothing is stashed.
        self.request._login_stage.state[MADE_IN_THIS_LOGIN] = True
        return super().form_valid(form)


class SecondFactorStage(AuthenticateStage):
    """allauth's second-factor stage (same key, same page), passed by the login that made the passkey."""

    def handle(self) -> tuple:
        made = self.controller.get_stage(PasskeySignupStage.key)
        if made is not None and made.state.get(MADE_IN_THIS_LOGIN):
            return None, True
        return super().handle()
