"""config/startup.py: a serving process loads what requests need, then freezes its start-up objects."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
before = gc.get_freeze_count()
module = __import__(sys.argv[1], fromlist=["application"])
from django.utils import translation
print(before, gc.get_freeze_count(), "blog.views" in sys.modules, "fr" in translation.trans_real._translations)
"""


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_the_entry_point_settles_the_process(entry):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-c", PROBE, entry], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    before, after, views_loaded, catalogue_loaded = result.stdout.split()
    assert before == "0"
    assert int(after) > 50_000  # Django, the apps, the URLconf and the catalogues: out of the collector's rounds
    assert (views_loaded, catalogue_loaded) == ("True", "True")
