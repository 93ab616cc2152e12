"""Settings of the test OpenID Connect provider (tests/oidc_provider/__init__.py says what it is).

Nothing here is Causerie's: a test-only project, on loopback, with a key made at start-up.
"""

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _private_key_pem() -> str:
    """A fresh RSA key for each run: the ID tokens' signature (RS256), published on the JWKS endpoint."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


FOLDER = Path(os.environ["OIDC_PROVIDER_DIR"])
PORT = int(os.environ["OIDC_PROVIDER_PORT"])
ISSUER = f"http://127.0.0.1:{PORT}/o"
CLIENT = json.loads(os.environ["OIDC_PROVIDER_CLIENT"])
PEOPLE = json.loads(os.environ["OIDC_PROVIDER_PEOPLE"])

DEBUG = True  # tracebacks in its log (the fixture prints it when the provider fails to start)
SECRET_KEY = os.urandom(32).hex()
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "tests.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": FOLDER / "provider.sqlite3",
        # A throwaway database: no waiting for the disk after each write (its migrations start seconds sooner).
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Its own cookie names, though on another host than the site (127.0.0.1, not localhost).
SESSION_COOKIE_NAME = "fournisseur_session"
CSRF_COOKIE_NAME = "fournisseur_csrf"
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test people, test speed
LANGUAGE_CODE = "fr"
USE_TZ = True
TIME_ZONE = "UTC"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": _private_key_pem(),
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.claims.PeopleClaims",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Nom", "email": "Adresse e-mail"},
    "PKCE_REQUIRED": True,  # Causerie sends S256 (config/providers.py: oauth_pkce_enabled)
}
