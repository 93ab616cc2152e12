"""The import benchmark stays runnable: at a tiny size it imports everything, prints its figures, and a second
run of the same file creates nothing."""

from io import StringIO

import pytest
from django.db.models import F

from bench import import_wxr
from comments.models import Comment
from transfer.models import Source

pytestmark = pytest.mark.django_db


def test_the_benchmark_runs_at_a_tiny_size():
    out = StringIO()
    figures = import_wxr.main(4, 60, again=True, out=out)
    printed = out.getvalue()
    assert "comments/s (target ≥ 2000)" in printed and "peak memory:" in printed and "load average" in printed
    assert figures["comments"] == 60 and figures["created"] == 4 + 60
    assert figures["created_again"] == 0
    assert figures["peak_mb"] > 0
    assert Comment.objects.count() == 60
    assert Source.objects.filter(kind=Source.Kind.COMMENT).count() == 60
    # Dated as in the file (comment_date_gmt), not as the import: written with the row, no second write.
    assert {c.created_at.year for c in Comment.objects.all()} == {2020}
    # Replies keep their thread: a third of the file's comments answer an earlier one of the same post.
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert not Comment.objects.exclude(parent__isnull=True).exclude(parent__post=F("post")).exists()


def test_the_generated_file_holds_what_it_says(tmp_path):
    path = tmp_path / "bench.xml"
    import_wxr.write_wxr(path, 3, 30)
    text = path.read_text()
    assert text.count("<item>") == 3 and text.count("<wp:comment>") == 30
