"""Causerie settings.

Every difference between a laptop and a production server is read here, from
the environment, and nowhere else. A fresh clone runs with `DJANGO_DEBUG=1`
and nothing more: SQLite in `db.sqlite3`, local-memory cache, e-mails on the console,
background tasks run immediately, media on the local disk. docs/deploy.md shows
a production set-up.

It reads top to bottom, one block a concern (security, apps and middleware, database,
caches, accounts, mail and tasks, languages, files, headers, comments): each setting is
written once, in its block, beside the environment variable that changes it.

Why not split: past 400 lines, but one file a reader searches for any setting is the point.
"""

import os
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.providers import authorize_origins, social_providers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("django-insecure-development-only-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random value in "
        "production, or set DJANGO_DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# How many reverse proxies of ours (nginx, a load balancer) stand in front of the
# app. 0: X-Forwarded-* headers are ignored, as anyone could send them.
# config/proxies.py:client_ip() and allauth's rate limits read the client's
# address from X-Forwarded-For accordingly.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT > 0:
    # The proxy terminates TLS and says so; it must overwrite, not pass on, this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # search lookups; harmless on SQLite
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",  # each provider below shows only when its keys are set (config/providers.py)
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "blog",
    "comments",
    "transfer",  # imports from WordPress (and later Blogger, Disqus), old addresses kept (301)
    "config",  # the project's own system checks (config/apps.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "caching.middleware.FrontEntryMiddleware",  # an anonymous page's last answer, before the session (caching/pages.py)
    "config.middleware.DatabaseUnavailableMiddleware",  # inside the header middleware: its 503 gets them too
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's, the reader's row cached on GET (caching/readers.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",  # see ACCOUNTS_STAFF_REQUIRE_MFA
    "accounts.middleware.SocialCallbackRateLimitMiddleware",  # ACCOUNT_RATE_LIMITS["social_callback"]
    "transfer.middleware.OldAddressMiddleware",  # an imported blog's old links answer 301
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
            ],
            # {% personal_hole %} and {% thread_hole %}: the holes of cached pages (caching/pages.py).
            "libraries": {"caching": "caching.pages"},
        },
    },
]

# Database: SQLite inside the project unless DATABASE_URL names another one,
# e.g. postgres://causerie@127.0.0.1:5432/causerie
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections in production; health checks replace one that died
        # (a database restart) before the request uses it.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
# The few queries every page repeats are prepared on PostgreSQL (parsed and planned once per connection, then run
# from the plan: config/postgresql/base.py, for blog.models.PostQuerySet.published_at_slug); the ORM's other
# queries bind on the client, as Django's do. `0` turns it off behind a connection pooler in transaction mode that
# cannot keep prepared statements (PgBouncer before 1.21, or without `max_prepared_statements`).
DATABASE_PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0"


def postgresql_backend(database: dict) -> None:
    """Django's PostgreSQL backend with a health check that needs no round trip while the server is silent, and a
    cursor that prepares what every page repeats (config/postgresql/base.py)."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "config.postgresql"


postgresql_backend(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL streaming replica for the reading side (config/replica.py; docs/deploy.md, section 8),
# e.g. postgres://causerie@10.0.0.21:5432/causerie. Unset: one database, no router, as ever.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# After a write (any POST…), its sender reads the primary this long: keep it above the replica's lag.
DATABASE_READ_YOUR_WRITES_SECONDS = int(os.environ.get("DATABASE_READ_YOUR_WRITES_SECONDS", "5"))
# Further behind than this, the replica is left aside (reads on the primary) until it catches up;
# with the check's interval it stays below the window above, so a writer never reads a stale replica.
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "2"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "1"))
DATABASE_PRIMARY_COOKIE = "causerie_primary"  # until when (a UNIX time) its holder reads the primary


def replica_database(url: str) -> dict:
    """The `replica` alias: read-only by the router; tests mirror it onto the test database."""
    database = dj_database_url.parse(
        url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["connect_timeout"] = 2  # down: fall back fast
        postgresql_backend(database)
    database["TEST"] = {"MIRROR": "default"}
    return database


if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(DATABASE_REPLICA_URL)
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("config.middleware.DatabaseUnavailableMiddleware") + 1, "config.replica.ReplicaMiddleware"
    )

# Caches (the rules: caching/pages.py). The shared cache is local memory unless REDIS_URL names a
# Redis server shared by every app process (sessions and rate limits must then hold across
# processes). Redis down: a cache read is a miss and a write is skipped, so pages and sessions come
# from the database; the comment rate limit still cannot count, so posting fails closed
# (caching/backends.py). A deploy id (e.g. the git SHA) in DJANGO_RELEASE changes every ETag and
# cache key, so a deploy never serves a page or fragment rendered by the previous code.
RELEASE = os.environ.get("DJANGO_RELEASE", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "caching.backends.DegradableRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"causerie:{RELEASE}" if RELEASE else "causerie",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Each process keeps its front entries in its own memory: no round trip to Redis for them.
    "pages-front": {
        "BACKEND": "caching.backends.ProcessMemoryCache",  # unpickled: bytes and tuples, never modified
        "LOCATION": "pages-front",
        "OPTIONS": {"MAX_ENTRIES": 200},  # a post page is ~140 KiB: at most ~30 MB a process
    },
    # What never goes stale, as its key names one state of it — a post's comment thread at one
    # comments version, a page frame for logged-in readers at one page state — each process also
    # keeps in its own memory: no round trip, no unpickling.
    "local": {
        "BACKEND": "caching.backends.ProcessMemoryCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 100},  # a thread ~300 KiB, a frame ~50 KiB: at most ~30 MB a process
    },
}
# With Redis: Django's cached_db sessions, the reader's cached row read in the same round trip (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
# A logged-in reader's user row and verified flag, kept in the shared cache (caching/readers.py); 0: off.
# Off without REDIS_URL: each process's local memory could not see another's saves.
ACCOUNTS_READER_CACHE_SECONDS = int(os.environ.get("ACCOUNTS_READER_CACHE_SECONDS", "300" if REDIS_URL else "0"))
BLOG_PAGE_MAX_AGE = int(os.environ.get("BLOG_PAGE_MAX_AGE", "60"))  # Cache-Control max-age, anonymous pages
BLOG_PAGE_CACHE_SECONDS = int(os.environ.get("BLOG_PAGE_CACHE_SECONDS", "300"))  # server-side page cache; 0: off
# Anonymous pages: a URL's last public answer is served for this many seconds without a query
# (the front entry); 0 turns it off. nginx's micro-cache already lags up to BLOG_PAGE_MAX_AGE:
# this only spares gunicorn the post's query in between. Off under DEBUG.
BLOG_PAGE_FRONT_SECONDS = int(os.environ.get("BLOG_PAGE_FRONT_SECONDS", "0" if DEBUG else "5"))
BLOG_PAGE_FRONT_CACHE = "pages-front"
BLOG_PAGE_FRAME_CACHE = "local"
COMMENTS_THREAD_CACHE_SECONDS = int(os.environ.get("COMMENTS_THREAD_CACHE_SECONDS", "3600"))
COMMENTS_THREAD_LOCAL_CACHE = "local"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "blog:post_list"
LOGIN_URL = "account_login"

# django-allauth: e-mail is the login, and must be verified before commenting.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDisplayNameForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link opens a page; only its POST confirms
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Causerie] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# « Recevoir un code par e-mail »: a code sent to the address logs in (and proves the address).
# Each code serves once, for 3 tries within 10 minutes (the mail goes through the task worker).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3

# Avatars (accounts/services.py, through the imaging package): what an upload may weigh and hold.
ACCOUNTS_AVATAR_MAX_BYTES = 5 * 1024 * 1024
ACCOUNTS_AVATAR_MAX_PIXELS = 25_000_000
# Media files served by the app itself (development, tests); production serves them with nginx.
ACCOUNTS_SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
# Two-factor authentication (allauth.mfa): an app's code (TOTP), passkeys, single-use recovery codes.
# A passkey also logs in alone (no password); browsers allow it on https and on http://localhost.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}  # passkey logins per IP (allauth's default, stated)
# Sign-up with a passkey: routed and staged by accounts/urls.py and accounts/adapter.py, not by
# MFA_PASSKEY_SIGNUP_ENABLED, which would demand confirming addresses by code instead of by link.
MFA_TOTP_ISSUER = "Causerie"
MFA_FORMS = {
    "authenticate": "accounts.mfa_forms.AuthenticateForm",
    "activate_totp": "accounts.mfa_forms.ActivateTOTPForm",
    # allauth's passkey forms, refusing a malformed credential with the form's error (not a 500)
    "add_webauthn": "accounts.mfa_forms.AddWebAuthnForm",
    "signup_webauthn": "accounts.mfa_forms.SignupWebAuthnForm",
    "authenticate_webauthn": "accounts.mfa_forms.AuthenticateWebAuthnForm",
    "login_webauthn": "accounts.mfa_forms.LoginWebAuthnForm",
    "reauthenticate_webauthn": "accounts.mfa_forms.ReauthenticateWebAuthnForm",
}
# On: the admin refuses a staff account without an activated authenticator (accounts/middleware.py).
ACCOUNTS_STAFF_REQUIRE_MFA = env_bool("DJANGO_STAFF_REQUIRE_MFA", not DEBUG)
# Sign-up spam: allauth's rate limits (per IP, and per address: "key"), a honeypot field, refused domains.
ACCOUNT_RATE_LIMITS = {
    "signup": "5/h/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "request_login_code": "10/h/ip,3/15m/key",  # « Recevoir un code par e-mail »: per IP, per address
    "social_callback": "20/m/ip",  # returns from Google, GitHub, Microsoft, OpenID Connect (accounts/middleware.py)
    "reset_password": "10/h/ip,3/h/key",
}
ACCOUNT_FORMS = {"signup": "accounts.signup.HoneypotSignupForm"}

# Social and OpenID Connect logins (allauth.socialaccount): providers from the environment only.
SOCIALACCOUNT_PROVIDERS = social_providers(os.environ)
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
# The reader picks their public name (never the provider's real name without asking): no auto sign-up.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"  # an address counts only if the provider says it verified it
# A login whose address the provider verified joins the account that has it; unverified, it does not:
# the reader logs in to that account first and connects the provider from the account page.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the provider's button posts (CSRF), a link only shows it
SOCIALACCOUNT_STORE_TOKENS = False  # we never call the providers' APIs afterwards
# Comma-separated; a domain refuses its sub-domains too (e.g. "mailinator.com,yopmail.com").
ACCOUNTS_REFUSED_EMAIL_DOMAINS = [d.lower().strip(".") for d in env_list("ACCOUNTS_REFUSED_EMAIL_DOMAINS")]

# Mail goes through Django's MAILERS. Development prints it on the console (config/mail.py);
# production reads EMAIL_URL, e.g. smtp://user:password@smtp.example.org:587?tls=1
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Causerie <ne-pas-repondre@causerie.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where a reader writes when an e-mail does not come or a password cannot be reset: linked (mailto:) by
# the sign-up, confirmation and password pages that say « écrivez-nous ».
CAUSERIE_CONTACT_EMAIL = os.environ.get("CAUSERIE_CONTACT_EMAIL", "contact@causerie.localhost")


def mailer_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "console":
        # Printed for a person to read (decoded, links whole), the HTML parts saved under var/mail/.
        return {
            "BACKEND": "config.mail.ReadableConsoleBackend",
            "OPTIONS": {"html_dir": str(BASE_DIR / "var" / "mail")},
        }
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL must start with smtp://, smtps:// or console://, not {url!r}.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    options = {
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": query.get("tls") in {"1", "true"},
        "timeout": 10,
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


MAILERS = {
    "default": mailer_from_url(os.environ.get("EMAIL_URL") or ("console://" if DEBUG else "smtp://localhost:25"))
}

# Background work (e-mails) goes through Django's tasks framework. Production
# stores tasks in the database for the `db_worker` process; development runs
# them at once.
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
# Our wording for a few of Django's and allauth's own strings lives apart from locale/fr, which
# `make messages` rewrites from our sources (and would drop them): locale/ first, all before the apps'.
# locale/apostrophes: their French with ’ for ', generated by scripts/french-apostrophes.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "overrides", BASE_DIR / "locale" / "apostrophes"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True


def s3_media_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    custom_domain: str = "",
) -> dict:
    """Media files in an S3-compatible bucket through django-storages (the `s3` extra).

    Empty values are left out so that boto3 falls back on its own configuration
    (AWS_* variables, instance roles). With a custom domain (a CDN or a public
    bucket's host name) URLs are plain; without one they are signed and expire.
    """
    if find_spec("storages") is None:
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_S3_BUCKET is set but django-storages is not installed: "
            "install the project with its s3 extra, pip install '.[s3]'."
        )
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": region,
        "access_key": access_key,
        "secret_key": secret_key,
        "custom_domain": custom_domain,
    }
    options = {key: value for key, value in options.items() if value}
    options["file_overwrite"] = False  # a second upload named like the first gets its own name
    options["querystring_auth"] = not custom_domain
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def url_origin(url: str) -> str | None:
    """`https://media.example/path/` -> `https://media.example`; None for a relative URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Media (uploads): the local disk, served by nginx in production (docs/deploy.md),
# or an S3-compatible bucket shared by every app server when DJANGO_MEDIA_S3_BUCKET is set.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_S3_BUCKET = os.environ.get("DJANGO_MEDIA_S3_BUCKET", "")
MEDIA_S3_ENDPOINT_URL = os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL", "")
MEDIA_S3_CUSTOM_DOMAIN = os.environ.get("DJANGO_MEDIA_S3_CUSTOM_DOMAIN", "")
MEDIA_STORAGE = (
    s3_media_storage(
        bucket=MEDIA_S3_BUCKET,
        endpoint_url=MEDIA_S3_ENDPOINT_URL,
        region=os.environ.get("DJANGO_MEDIA_S3_REGION", ""),
        access_key=os.environ.get("DJANGO_MEDIA_S3_ACCESS_KEY_ID", ""),
        secret_key=os.environ.get("DJANGO_MEDIA_S3_SECRET_ACCESS_KEY", ""),
        custom_domain=MEDIA_S3_CUSTOM_DOMAIN,
    )
    if MEDIA_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL") or (
    f"https://{MEDIA_S3_CUSTOM_DOMAIN}/" if MEDIA_S3_CUSTOM_DOMAIN else "media/"
)

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Blog exports uploaded in the admin (« Importer un blog »): kept outside MEDIA_ROOT, never served, and
# read by the task worker, which must see the same directory (docs/import-export.md).
TRANSFER_IMPORT_ROOT = Path(os.environ.get("DJANGO_IMPORT_ROOT") or BASE_DIR / "var" / "imports")
TRANSFER_IMPORT_MAX_MB = int(os.environ.get("DJANGO_IMPORT_MAX_MB") or 256)

# HTTPS and headers. Cookies are secure outside development; HSTS and the HTTPS
# redirect too (DJANGO_SECURE_SSL_REDIRECT=0 only where something else redirects).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = not DEBUG and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes call the app server over plain HTTP
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, in development too so that a violation shows early.
# Scripts come from our origin, or inline with the request's nonce (`{{ csp_nonce }}`,
# which the admin's tags add; it appears in the header only on pages that use it);
# never 'unsafe-inline' nor 'unsafe-eval'. Styles only from our stylesheets: no page
# of ours nor of the admin we use has an inline style (the admin's one nonce'd <style>
# is for changelists without action bars; add CSP.NONCE here if one ever appears).
# config/checks.py keeps the essential directives from being dropped.
# Images may come from a host name of their own: the media's, or the bucket's endpoint (signed URLs).
MEDIA_ORIGINS = [
    origin for origin in dict.fromkeys([url_origin(MEDIA_URL), url_origin(MEDIA_S3_ENDPOINT_URL)]) if origin
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF, *authorize_origins(SOCIALACCOUNT_PROVIDERS)],  # the sign-in providers' pages
    "frame-ancestors": [CSP.NONE],
}
# Browser features the site never uses, denied to it and to anything it embeds.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# The site's public address, for links in e-mails sent by the task worker (no request there).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Comments: the moderation policy's settings (comments/moderation.py reads them).
COMMENT_MAX_LENGTH = 5000
# "hold_all": every comment waits for a moderator (the seed blogs' rule);
# "trust": authors with COMMENTS_TRUST_THRESHOLD approved comments and no refusal since are published at once.
COMMENTS_MODERATION_MODE = os.environ.get("COMMENTS_MODERATION_MODE", "hold_all")
COMMENTS_TRUST_THRESHOLD = int(os.environ.get("COMMENTS_TRUST_THRESHOLD", "3"))
COMMENTS_MAX_LINKS = int(os.environ.get("COMMENTS_MAX_LINKS", "2"))
COMMENTS_MIN_ACCOUNT_AGE_MINUTES = int(os.environ.get("COMMENTS_MIN_ACCOUNT_AGE_MINUTES", "10"))
COMMENTS_DUPLICATE_WINDOW_HOURS = int(os.environ.get("COMMENTS_DUPLICATE_WINDOW_HOURS", "24"))
# The same text sent again by its author on the same post this soon (Back, then Send) stores nothing new.
COMMENTS_RESEND_WINDOW_MINUTES = int(os.environ.get("COMMENTS_RESEND_WINDOW_MINUTES", "10"))
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "0"))  # 0: never
COMMENTS_RATE_PER_MINUTE = int(os.environ.get("COMMENTS_RATE_PER_MINUTE", "3"))
COMMENTS_RATE_PER_HOUR = int(os.environ.get("COMMENTS_RATE_PER_HOUR", "20"))
COMMENTS_MAX_DEPTH = int(os.environ.get("COMMENTS_MAX_DEPTH", "3"))
COMMENTS_EDIT_MINUTES = int(os.environ.get("COMMENTS_EDIT_MINUTES", "15"))
COMMENTS_REPORT_THRESHOLD = int(os.environ.get("COMMENTS_REPORT_THRESHOLD", "3"))
# Comments by moderators and by the post's author are published at once (the reason says so); "0": held like any.
COMMENTS_STAFF_PUBLISH_AT_ONCE = os.environ.get("COMMENTS_STAFF_PUBLISH_AT_ONCE", "1") == "1"
# "each": an e-mail to moderators per held comment; "digest": one a day (send_moderation_digest); "off".
COMMENTS_MODERATOR_NOTIFICATIONS = os.environ.get("COMMENTS_MODERATOR_NOTIFICATIONS", "each")
COMMENTS_MODERATION_LINK_MAX_AGE_HOURS = int(os.environ.get("COMMENTS_MODERATION_LINK_MAX_AGE_HOURS", "72"))

# One configuration, and each log line printed once. Django first applies its own default
# (django.utils.log.DEFAULT_LOGGING), in which the "django" logger has a console handler of its
# own in development while its records also propagate to the root's: every line showed twice
# (« Watching for file changes », « Not Found », the tasks' states). Here the root's console
# handler (stderr: what runserver and gunicorn show) is the only one that prints; the "django"
# logger keeps only Django's e-mail to ADMINS on errors outside development. Naming "django"
# resets its children, so runserver's request lines ("django.server") get Django's handler and
# format back here, printed by it alone.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"level": "INFO", "class": "logging.StreamHandler", "formatter": "django.server"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
