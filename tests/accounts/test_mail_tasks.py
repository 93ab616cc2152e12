import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Jeanne",
    "email": "jeanne@example.org",
    "password1": "un-mot-de-passe-long-2026",
    "password2": "un-mot-de-passe-long-2026",
}


class TestConfirmationMailThroughTheWorker:
    def test_signup_queues_the_mail_and_the_db_worker_sends_it(self, client, settings, monkeypatch):
        # The worker recycles its database connections between tasks; inside the
        # test's transaction that would close the connection the test runs in.
        monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

        client.post(reverse("account_signup"), SIGNUP)

        assert mail.outbox == []  # nothing sent on the request path
        assert DBTaskResult.objects.count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert [m.to for m in mail.outbox] == [["jeanne@example.org"]]
        assert "/comptes/confirm-email/" in mail.outbox[0].body
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
