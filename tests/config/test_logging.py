"""The logging configuration as settings make it: each record printed once.

Run in a fresh interpreter, as `manage.py` starts one: Django applies its default configuration,
then settings.LOGGING, and what reaches stderr is what a developer reads.
"""

import sys

import pytest

from tests.config.test_settings import production, run

EMIT = """
import logging
import django

django.setup()
logging.getLogger("django.utils.autoreload").info("Watching for file changes with StatReloader")
logging.getLogger("django.request").warning("Not Found: /favicon.ico")
logging.getLogger("django.tasks").info("Task id=abc path=accounts.tasks.deliver_email state=SUCCESSFUL")
logging.getLogger("django.db.backends").warning("a warning from a child logger of django")
server = logging.getLogger("django.server")  # runserver passes the time stamp
server.info('"GET /missing HTTP/1.1" 404 179', extra={"server_time": "02/Dec/2026 16:00:19"})
logging.getLogger("comments").warning("a warning from one of our apps")
logging.getLogger("comments").info("an information from one of our apps")
"""

LINES = {
    "Watching for file changes with StatReloader",
    "Not Found: /favicon.ico",
    "Task id=abc path=accounts.tasks.deliver_email state=SUCCESSFUL",
    "a warning from a child logger of django",
    '"GET /missing HTTP/1.1" 404 179',
    "a warning from one of our apps",
}


def stderr_lines(**env) -> list[str]:
    result = run([sys.executable, "-c", EMIT], DJANGO_SETTINGS_MODULE="config.settings", **env)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


@pytest.mark.parametrize("env", [{"DJANGO_DEBUG": "1"}, production()], ids=["development", "production"])
def test_each_record_is_printed_once(env):
    lines = stderr_lines(**env)
    for message in LINES:
        assert sum(message in line for line in lines) == 1, (message, lines)
    assert not any("an information from one of our apps" in line for line in lines)  # the root's level: WARNING
    assert len(lines) == len(LINES)


def test_runserver_request_lines_keep_their_time_stamp():
    (line,) = [line for line in stderr_lines(DJANGO_DEBUG="1") if "GET /missing" in line]
    assert line == '[02/Dec/2026 16:00:19] "GET /missing HTTP/1.1" 404 179'
