"""caching.pages: the holes, the thread's two cache levels, and that no other module knows a key."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import translation

from caching.pages import (
    cached_thread,
    empty_thread_holes,
    fill_thread_holes,
    personal_hole,
    splice,
    thread_hole,
)

ROOT = Path(__file__).resolve().parents[2]


class TestHoles:
    html = f"<ol>{thread_hole('before', 1)}<li>a{thread_hole('actions', 1)}</li>{thread_hole('end', 0)}</ol>"

    def test_marks(self):
        assert thread_hole("actions", 12) == "<!--c:actions:12-->"
        assert personal_hole("account") == "<!--personal:account-->"
        with pytest.raises(ValueError):
            thread_hole("anything", 1)

    def test_emptied(self):
        assert empty_thread_holes(self.html) == "<ol><li>a</li></ol>"

    def test_a_splice_gives_what_a_full_fill_would(self):
        filled, holes = fill_thread_holes(self.html, lambda kind, pk: "R" if kind == "actions" else "")
        assert filled == "<ol><li>aR</li></ol>"
        changes = {("actions", 1): "R E", ("end", 0): "<li>mine</li>", ("new", 9): "absent: ignored"}
        full, _ = fill_thread_holes(
            self.html, lambda kind, pk: changes.get((kind, pk), "R" if kind == "actions" else "")
        )
        assert splice(filled, holes, changes) == full == "<ol><li>aR E</li><li>mine</li></ol>"


class TestCachedThread:
    @pytest.fixture(autouse=True)
    def _empty(self, settings):
        caches[settings.COMMENTS_THREAD_LOCAL_CACHE].clear()
        cache.clear()

    def test_rendered_once_per_version_and_language(self, settings):
        made = []

        def render():
            made.append(translation.get_language())
            return {"n": len(made)}

        first = cached_thread(post_pk=1, comments_version=3, render=render)
        assert cached_thread(post_pk=1, comments_version=3, render=render) is first  # this process's copy
        caches[settings.COMMENTS_THREAD_LOCAL_CACHE].clear()
        assert cached_thread(post_pk=1, comments_version=3, render=render) == first  # the shared cache's
        assert cached_thread(post_pk=1, comments_version=4, render=render) == {"n": 2}
        with translation.override("en"):
            assert cached_thread(post_pk=1, comments_version=4, render=render) == {"n": 3}
        assert cached_thread(post_pk=2, comments_version=4, render=render) == {"n": 4}
        assert made == ["fr", "fr", "en", "fr"]


@pytest.mark.django_db
class TestPageState:
    def test_a_deploy_changes_every_etag(self, post, settings):
        before = Client().get(post.get_absolute_url())["ETag"]
        settings.RELEASE = "next"
        after = Client().get(post.get_absolute_url())["ETag"]
        assert before != after


class TestOneModuleKnowsTheKeys:
    """Cache keys and hole marks are written in the caching package alone, each kind in one module:
    the page caches' in caching/pages.py, the rate counters' in caching/counters.py, the health probe's
    in caching/backends.py, the readers' rows in caching/readers.py, the shared skeletons of a reader's parts
    in caching/skeletons.py (tests may spell them to check them)."""

    MARKS = re.compile(
        r"""["'](page|front|frame|rate|healthz|reader|account):|:(thread|section):|<!--(personal|c|section):"""
    )

    def test_no_other_source_or_template_spells_one(self):
        sources = [
            path
            for folder in ("accounts", "blog", "caching", "comments", "config", "imaging", "markup", "templates")
            for path in (ROOT / folder).rglob("*")
            if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts
        ]
        assert len(sources) > 50
        spelled = sorted(
            str(path.relative_to(ROOT)) for path in sources if self.MARKS.search(path.read_text(encoding="utf-8"))
        )
        assert spelled == [
            "caching/backends.py",
            "caching/counters.py",
            "caching/pages.py",
            "caching/readers.py",
            "caching/skeletons.py",
        ]
