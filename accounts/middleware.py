from allauth.core.internal import ratelimit
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth import middleware as auth_middleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from caching.readers import cached_reader, keep_reader, remember_session_reader


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the reader's user row from the shared cache on GET and HEAD (caching/readers.py).

    Every check of Django's `get_user` is made again on the cached row (the session's backend, an
    account that may log in, the session's auth hash); when one fails, or for any other method,
    Django's own `get_user` answers from the database — and logs out a session that fails. A write
    therefore always sees the row as it is; a page may show a row that a concurrent save made
    stale for at most ACCOUNTS_READER_CACHE_SECONDS (the save drops the entry).
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _reader_or_user(request))


def _reader_or_user(request):
    if not hasattr(request, "_cached_user"):
        user = _cached_user(request) if request.method in ("GET", "HEAD") else None
        if user is None:
            user = auth.get_user(request)
            if user.is_authenticated and request.method in ("GET", "HEAD"):
                keep_reader(user, verified=user.has_verified_email)
        if user.is_authenticated:
            remember_session_reader(request.session.session_key, user.pk)
        request._cached_user = user
    return request._cached_user


def _cached_user(request):
    """The session's user from the cache if every check Django makes holds for it, else None."""
    session = request.session
    try:
        user_pk = auth._get_user_session_key(request)
        backend_path = session[BACKEND_SESSION_KEY]
    except (KeyError, ValueError):
        return None
    entry = cached_reader(user_pk, session) if backend_path in settings.AUTHENTICATION_BACKENDS else None
    if entry is None:
        return None
    user, verified = entry
    backend = load_backend(backend_path)
    session_hash = session.get(HASH_SESSION_KEY)
    if not getattr(backend, "user_can_authenticate", lambda user: True)(user):
        return None
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    user.verified_email = verified
    return user


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
