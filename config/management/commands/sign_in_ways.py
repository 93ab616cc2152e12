from django.conf import settings
from django.core.management.base import BaseCommand

LABELS = {"google": "Google", "github": "GitHub", "microsoft": "Microsoft"}


class Command(BaseCommand):
    help = "Say which ways in the login page offers here, and how to turn a provider on (make run prints it)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://localhost:8000")

    def handle(self, *args, base_url, **options):
        configured = providers(settings.SOCIALACCOUNT_PROVIDERS)
        self.stdout.write(
            "Ways in: password, « Recevoir un code par e-mail », passkey" + "".join(f", {name}" for name in configured)
        )
        self.stdout.write(
            f"  Passkeys: open {base_url} (browsers allow them on localhost, not on 127.0.0.1), "
            "then « S’inscrire » › « S’inscrire avec une clé d’accès »."
        )
        if not configured:
            self.stdout.write(
                "  No provider configured. To try GitHub, register an OAuth app whose callback is "
                f"{base_url}/comptes/github/login/callback/ and run:\n"
                "    SOCIALACCOUNT_GITHUB_CLIENT_ID=… SOCIALACCOUNT_GITHUB_SECRET=… make run\n"
                "  Google, Microsoft and any OpenID Connect provider (Keycloak, Authentik…): docs/deploy.md."
            )


def providers(configured: dict) -> list[str]:
    """The configured providers' names, as the login page shows them."""
    names = [label for name, label in LABELS.items() if name in configured]
    names += [app["name"] for app in configured.get("openid_connect", {}).get("APPS", [])]
    return names
