"""The scenario scripts' pure parts (the scripts themselves run with `make proof`, on the real stack)."""

import time

from bench.client import Response
from proof.flood import AnswerTally
from proof.forms import form_data
from proof.outage import _count
from proof.stack import PacedRunner, acknowledged


class TestAcknowledged:
    def test_a_redirect_to_the_comment(self):
        assert acknowledged(Response(302, [("Location", "/billets/x/#comment-12")], ""))

    def test_anything_else(self):
        assert not acknowledged(Response(302, [("Location", "/comptes/login/")], ""))
        assert not acknowledged(Response(429, [], "trop vite"))
        assert not acknowledged(Response(503, [], ""))


class TestPacedRunner:
    def test_runs_each_job_once_spread_over_the_time(self):
        seen, started = [], time.monotonic()
        PacedRunner(20, 0.4, threads=4).run(lambda i: seen.append(i))
        assert sorted(seen) == list(range(20))
        assert 0.3 <= time.monotonic() - started < 3


class TestAnswerTally:
    def test_counts_statuses_and_errors(self):
        tally = AnswerTally()
        for status in (302, 429, 429, 503):
            tally.add(status)
        tally.add(error="TimeoutError")
        assert tally.server_errors == 2
        assert str(tally) == "302×1, 429×2, 503×1, TimeoutError×1"
        assert _count([503, 503, "OSError"]) == "503×2, OSError×1"


class TestFormData:
    PAGE = """<form method="post" action="/deconnexion/"><input type="hidden" name="csrfmiddlewaretoken" value="t1">
    </form><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t2">
    <input name="email" value=""><input type="checkbox" name="remember"><input type="checkbox" name="news" checked>
    <textarea name="bio">
Ma vie</textarea><select name="language"><option value="fr" selected>fr</option><option value="en">en</option>
    </select><input type="submit" name="go" value="Envoyer"></form>"""

    def test_the_form_holding_the_fields_as_a_browser_sends_it(self):
        assert form_data(self.PAGE, email="a@example.org") == {
            "csrfmiddlewaretoken": "t2",
            "email": "a@example.org",
            "news": "on",
            "bio": "Ma vie",
            "language": "fr",
        }
