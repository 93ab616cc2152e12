"""Start the test provider: its database, its client and people, then its server (until killed).

Run by tests/oidc_provider/fixtures.py as ``python -m tests.oidc_provider`` from the repository's root.
"""

import os


def prepare() -> None:
    """Migrate the provider's fresh database; register Causerie as its client and the test's people."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0)
    for username, person in settings.PEOPLE.items():
        get_user_model().objects.create_user(username=username, email=person["email"], password=person["password"])
    get_application_model().objects.create(
        name="Causerie",
        client_id=settings.CLIENT["client_id"],
        client_secret=settings.CLIENT["secret"],
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=settings.CLIENT["redirect_uri"],
        algorithm="RS256",
        skip_authorization=True,  # a company's own SSO: no consent page for its own site
    )


def main() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    django.setup()
    prepare()
    call_command("runserver", f"127.0.0.1:{settings.PORT}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main()
