"""The pytest fixtures that run the test OpenID Connect provider as a process of its own.

``oidc_provider_process`` (session): started once, on a free port of 127.0.0.1, waited for until its
discovery document answers, killed at the end. ``real_oidc`` (each test): Causerie configured to use
it through config/providers.py, from the same environment variables a site owner would set.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils.csp import CSP

from config.providers import authorize_origins, social_providers

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "maison"
CLIENT_ID = "causerie-tests"
SECRET = "secret-de-test-du-fournisseur"
PASSWORD = "mot-de-passe-du-fournisseur"
# The people the provider knows, and what it says of their address.
PEOPLE = {
    "jeanne": {"name": "Jeanne Dupont", "email": "jeanne@example.org", "email_verified": True},
    "paul": {"name": "Paul Martin", "email": "paul@example.org", "email_verified": False},
}
START_TIMEOUT = 30


@dataclass
class ProviderProcess:
    issuer: str
    log: Path

    def environment(self) -> dict[str, str]:
        """Causerie's variables for this provider, as docs/deploy.md lists them."""
        prefix = f"SOCIALACCOUNT_OIDC_{PROVIDER_ID.upper()}"
        return {
            "SOCIALACCOUNT_OIDC": PROVIDER_ID,
            f"{prefix}_NAME": "Maison SSO",
            f"{prefix}_SERVER_URL": self.issuer,
            f"{prefix}_CLIENT_ID": CLIENT_ID,
            f"{prefix}_SECRET": SECRET,
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The test OpenID Connect provider stopped (code {process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (http on loopback, our own)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"The test OpenID Connect provider did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def oidc_provider_process(live_server, tmp_path_factory):
    """django-oauth-toolkit's OpenID Connect provider, in a process of its own (tests/oidc_provider/)."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    callback = f"{live_server.url}/comptes/oidc/{PROVIDER_ID}/login/callback/"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DIR": str(folder),
        "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_CLIENT": json.dumps({"client_id": CLIENT_ID, "secret": SECRET, "redirect_uri": callback}),
        "OIDC_PROVIDER_PEOPLE": json.dumps({u: {**p, "password": PASSWORD} for u, p in PEOPLE.items()}),
    }
    log = folder / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "tests.oidc_provider"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    provider = ProviderProcess(issuer=f"http://127.0.0.1:{port}/o", log=log)
    try:
        wait_until_up(process, f"{provider.issuer}/.well-known/openid-configuration", log)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def real_oidc(settings, oidc_provider_process):
    """« Maison SSO », configured from its environment variables as in production (config/providers.py)."""
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(oidc_provider_process.environment())
    # As config/settings.py computes it from the same providers at start-up.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *authorize_origins(settings.SOCIALACCOUNT_PROVIDERS)],
    }
    return oidc_provider_process
