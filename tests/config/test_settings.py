import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import mailer_from_url

BASE_DIR = Path(__file__).resolve().parents[2]


def load_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, s.MAILERS['default']['BACKEND'])"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


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
        assert result.stdout.split() == ["True", "django.core.mail.backends.console.EmailBackend"]


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
