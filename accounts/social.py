"""allauth's social-account adapter for Causerie (SOCIALACCOUNT_ADAPTER)."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Social and OpenID Connect logins (config/providers.py).

    allauth already holds the rules that matter here (config/settings.py): an address counts as
    verified only when the provider says so, and only such an address joins an existing account.
    What Causerie adds: the sign-up form proposes the provider's name as the public name, to be
    confirmed or changed (it passes the same checks as any display name).
    """

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.display_name = " ".join(str(data.get("name") or "").split())[:50]
        return user

    def get_signup_form_initial_data(self, sociallogin) -> dict:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["display_name"] = sociallogin.user.display_name
        return initial
