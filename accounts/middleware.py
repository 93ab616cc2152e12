from allauth.core.internal import ratelimit
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMFAMiddleware:
    """With ACCOUNTS_STAFF_REQUIRE_MFA, the admin is closed to a staff account without two-factor authentication.

    The admin's login goes through allauth's (config/urls.py), where an account with an
    authenticator must give its code; this sends those without one to set it up first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "ACCOUNTS_STAFF_REQUIRE_MFA", False) and self._needs_mfa(request):
            messages.warning(
                request,
                _(
                    "L’administration demande la double authentification : activez-la avec une application "
                    "d’authentification, puis revenez."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(request) -> bool:
        if not request.path_info.startswith(reverse("admin:index")):
            return False  # before touching request.user: other pages need not load the session
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        return not is_mfa_enabled(user)


class SocialCallbackRateLimitMiddleware:
    """The providers' callbacks (``…/login/callback/``), counted per IP like allauth's other doors.

    allauth limits logins, codes and passkeys itself, not the social callbacks: this counts them under
    ACCOUNT_RATE_LIMITS["social_callback"], in the same cache and by the same client address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not (match and match.url_name and match.url_name.endswith("_callback")):
            return None
        if not view_func.__module__.startswith("allauth.socialaccount."):
            return None
        usage = ratelimit.consume(request, app="allauth.account", action="social_callback", limit_get=True)
        return None if usage else ratelimit.respond_429(request)
