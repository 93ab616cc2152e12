import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings
from config.settings import mailer_from_url, s3_media_storage, url_origin

BASE_DIR = Path(__file__).resolve().parents[2]

# What a production server sets (docs/deploy.md); neither PostgreSQL nor Redis is contacted by these commands.
PRODUCTION = {
    "DJANGO_ALLOWED_HOSTS": "causerie.example",
    "DATABASE_URL": "postgres://causerie@127.0.0.1:5432/causerie",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://localhost:25",
}


def run(args, **env):
    """Run a command in a fresh interpreter with only the given settings variables."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 (our own commands)
        args, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def load_settings(**env):
    code = "import config.settings as s; print(s.DEBUG, s.MAILERS['default']['BACKEND'])"
    return run([sys.executable, "-c", code], **env)


def settings_values(*names, **env):
    """The named settings as loaded in a fresh interpreter, through JSON (absent ones are None)."""
    code = f"import json, config.settings as s; print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    result = run([sys.executable, "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production(**env):
    return {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **PRODUCTION, **env}


class TestSecretKey:
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = load_settings()
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is not set" in result.stderr

    def test_production_starts_with_one(self):
        result = load_settings(DJANGO_SECRET_KEY="x" * 50)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["False", "django.core.mail.backends.smtp.EmailBackend"]

    def test_development_needs_none_and_prints_mail(self):
        result = load_settings(DJANGO_DEBUG="1")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["True", "config.mail.ReadableConsoleBackend"]


class TestEmailUrl:
    def test_smtp_url_with_tls_and_credentials(self):
        mailer = mailer_from_url("smtp://bob:s%40cret@smtp.example.org:587?tls=1")
        assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
        options = mailer["OPTIONS"]
        assert (options["host"], options["port"], options["username"], options["password"]) == (
            "smtp.example.org",
            587,
            "bob",
            "s@cret",
        )
        assert options["use_tls"] and not options["use_ssl"]

    def test_smtps_defaults_to_port_465(self):
        options = mailer_from_url("smtps://smtp.example.org")["OPTIONS"]
        assert (options["port"], options["use_ssl"]) == (465, True)

    def test_unknown_scheme_is_a_clear_error(self):
        with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
            mailer_from_url("http://smtp.example.org")


class TestProductionSecurity:
    def test_https_everywhere_outside_development(self):
        values = settings_values(
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE",
            "CSRF_COOKIE_SECURE",
            "SECURE_REFERRER_POLICY",
            "SECURE_PROXY_SSL_HEADER",
            **production(),
        )
        assert values == {
            "SECURE_SSL_REDIRECT": True,
            "SECURE_HSTS_SECONDS": 31536000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": True,
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "CSRF_COOKIE_SECURE": True,
            "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
            "SECURE_PROXY_SSL_HEADER": None,  # no proxy trusted: nobody may claim HTTPS by a header
        }

    def test_development_has_neither_hsts_nor_redirect_but_keeps_the_csp(self):
        values = settings_values("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_CSP", DJANGO_DEBUG="1")
        assert values["SECURE_SSL_REDIRECT"] is False
        assert values["SECURE_HSTS_SECONDS"] == 0
        assert values["SECURE_CSP"]["script-src"] == ["'self'", "<CSP_NONCE_SENTINEL>"]

    def test_ssl_redirect_can_be_left_to_the_proxy(self):
        values = settings_values("SECURE_SSL_REDIRECT", **production(DJANGO_SECURE_SSL_REDIRECT="0"))
        assert values["SECURE_SSL_REDIRECT"] is False

    def test_trusted_proxies_bring_the_forwarded_scheme(self):
        values = settings_values(
            "TRUSTED_PROXY_COUNT",
            "ALLAUTH_TRUSTED_PROXY_COUNT",
            "SECURE_PROXY_SSL_HEADER",
            **production(DJANGO_TRUSTED_PROXY_COUNT="1"),
        )
        assert values == {
            "TRUSTED_PROXY_COUNT": 1,
            "ALLAUTH_TRUSTED_PROXY_COUNT": 1,
            "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        }

    def test_persistent_database_connections_in_production(self):
        def conn(**env):
            databases = settings_values("DATABASES", **env)["DATABASES"]["default"]
            return databases["CONN_MAX_AGE"], databases["CONN_HEALTH_CHECKS"]

        assert conn(**production()) == (60, True)
        assert conn(**production(DJANGO_CONN_MAX_AGE="300")) == (300, True)
        assert conn(DJANGO_DEBUG="1") == (0, True)

    def test_prepared_statements_unless_turned_off_for_a_pooler(self):
        assert settings_values("DATABASE_PREPARED_STATEMENTS", **production()) == {"DATABASE_PREPARED_STATEMENTS": True}
        turned_off = production(DATABASE_PREPARED_STATEMENTS="0")
        assert settings_values("DATABASE_PREPARED_STATEMENTS", **turned_off) == {"DATABASE_PREPARED_STATEMENTS": False}

    def test_postgresql_through_the_backend_with_the_quiet_health_check(self):
        replica = {"DATABASE_REPLICA_URL": "postgres://causerie@127.0.0.1:5433/causerie"}
        databases = settings_values("DATABASES", **production(**replica))["DATABASES"]
        assert {alias: db["ENGINE"] for alias, db in databases.items()} == {
            "default": "config.postgresql",
            "replica": "config.postgresql",
        }
        assert "prepare_threshold" not in databases["default"].get("OPTIONS", {})  # Django's: nothing prepared
        assert settings_values("DATABASES", DJANGO_DEBUG="1")["DATABASES"]["default"]["ENGINE"].endswith("sqlite3")


class TestCheckDeploy:
    def test_production_settings_pass_every_deployment_check(self):
        result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production())
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (0 silenced)." in result.stdout

    def test_a_short_secret_key_is_reported(self):
        # The same command does catch a weak production setting.
        result = run([sys.executable, "manage.py", "check", "--deploy"], **production(DJANGO_SECRET_KEY="court"))
        assert "security.W009" in result.stdout + result.stderr


class TestCollectstatic:
    def test_hashed_and_compressed_files(self, tmp_path):
        result = run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            **production(DJANGO_STATIC_ROOT=str(tmp_path)),
        )
        assert result.returncode == 0, result.stderr
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        hashed = manifest["css/site.css"]
        assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
        assert (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()
        assert (tmp_path / manifest["admin/js/actions.js"]).is_file()


class TestMediaStorage:
    def test_local_disk_by_default(self):
        values = settings_values("STORAGES", "MEDIA_URL", "SECURE_CSP", DJANGO_DEBUG="1")
        assert values["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        assert values["MEDIA_URL"] == "media/"
        assert values["SECURE_CSP"]["img-src"] == ["'self'", "data:"]

    def test_media_on_a_host_name_of_its_own_is_allowed_for_images(self):
        values = settings_values(
            "MEDIA_URL", "SECURE_CSP", DJANGO_DEBUG="1", DJANGO_MEDIA_URL="https://media.causerie.example/"
        )
        assert values["MEDIA_URL"] == "https://media.causerie.example/"
        assert values["SECURE_CSP"]["img-src"] == ["'self'", "data:", "https://media.causerie.example"]

    def test_s3_bucket_through_django_storages(self, monkeypatch):
        monkeypatch.setattr(config.settings, "find_spec", lambda name: object())
        storage = s3_media_storage(
            bucket="causerie-media",
            endpoint_url="https://s3.fr-par.example",
            region="fr-par",
            access_key="AK",
            secret_key="SK",
        )
        assert storage == {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "causerie-media",
                "endpoint_url": "https://s3.fr-par.example",
                "region_name": "fr-par",
                "access_key": "AK",
                "secret_key": "SK",
                "file_overwrite": False,
                "querystring_auth": True,  # signed, expiring URLs: the bucket need not be public
            },
        }

    def test_s3_with_a_custom_domain_gives_plain_urls_and_leaves_credentials_to_boto3(self, monkeypatch):
        monkeypatch.setattr(config.settings, "find_spec", lambda name: object())
        options = s3_media_storage(bucket="causerie-media", custom_domain="media.causerie.example")["OPTIONS"]
        assert options == {
            "bucket_name": "causerie-media",
            "custom_domain": "media.causerie.example",
            "file_overwrite": False,
            "querystring_auth": False,
        }

    def test_s3_without_the_extra_installed_says_what_to_install(self, monkeypatch):
        monkeypatch.setattr(config.settings, "find_spec", lambda name: None)
        with pytest.raises(ImproperlyConfigured, match=r"DJANGO_MEDIA_S3_BUCKET.*\.\[s3\]"):
            s3_media_storage(bucket="causerie-media")

    def test_url_origin(self):
        assert url_origin("https://media.causerie.example/uploads/") == "https://media.causerie.example"
        assert url_origin("media/") is None
