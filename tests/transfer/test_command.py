"""python manage.py import_blog: the report in words or in JSON alone on stdout, exit status 1 on refusal."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from tests.transfer.wxr_builder import comment, item, wxr

pytestmark = pytest.mark.django_db


class TestImportBlog:
    def test_json_report_alone_on_stdout(self, blog_author, export):
        out = StringIO()
        call_command("import_blog", str(export(wxr(item(1, comments=[comment(1)])))), "--json", stdout=out)
        report = json.loads(out.getvalue())
        assert report["format"] == "wxr" and report["dry_run"] is False
        assert report["posts"] == {"published": 1, "draft": 0, "scheduled": 0}
        assert report["comments"]["approved"] == 1 and report["created"] == 2
        for key in ("pages", "skipped", "updated", "unchanged", "commenters", "redirects", "media", "warnings"):
            assert key in report

    def test_dry_run_in_words(self, blog_author, export):
        out = StringIO()
        call_command("import_blog", str(export(wxr(item(1)))), "--dry-run", stdout=out)
        assert "essai, rien n’est écrit" in out.getvalue() and Post.objects.count() == 0

    def test_broken_file_exits_with_an_error_and_writes_nothing(self, blog_author, export):
        with pytest.raises(CommandError, match="ligne"):
            call_command("import_blog", str(export(wxr(item(1)) + "<x")), stdout=StringIO())
        assert Post.objects.count() == 0

    def test_exit_status_is_1(self, blog_author, export):
        import subprocess
        import sys

        from django.conf import settings

        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "import_blog", "/nonexistent.xml", "--json"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1 and result.stdout == ""
