"""`make run`'s terminal: the sign-up link, taken as development's mailer prints it, confirms in a browser."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sign_up_link_copied_from_the_terminal_confirms_the_address(live_server, new_page, settings, tmp_path):
    terminal = io.StringIO()
    settings.MAILERS = {
        "default": {
            "BACKEND": "config.mail.ReadableConsoleBackend",
            "OPTIONS": {"stream": terminal, "html_dir": tmp_path},
        }
    }
    reader = new_page()
    reader.goto(f"{live_server.url}{reverse('account_signup')}")
    reader.get_by_label("Nom affiché").fill("Clémence Lectrice")
    reader.get_by_label("Adresse e-mail").fill("clemence@example.org")
    reader.locator("#id_password1").fill("un-mot-de-passe-long-2026")
    reader.locator("#id_password2").fill("un-mot-de-passe-long-2026")
    reader.get_by_role("button", name="Création de compte").click()
    expect(reader.locator("main")).to_contain_text("Vérifiez votre adresse e-mail")

    # What a newcomer copies from the terminal: the one link printed on a line of its own.
    (link,) = re.findall(r"^\s*(https?://\S+)$", terminal.getvalue(), flags=re.MULTILINE)
    reader.goto(link)
    expect(reader.get_by_role("button", name="Confirmer")).to_be_visible()
    assert not EmailAddress.objects.get().verified
    reader.get_by_role("button", name="Confirmer").click()
    expect(reader).not_to_have_url(link)  # the confirmation answered with a redirect
    assert EmailAddress.objects.get(email="clemence@example.org").verified
