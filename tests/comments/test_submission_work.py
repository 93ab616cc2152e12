"""A comment's body is worked on once: one Markdown parse, one personal-data scan, one parent lookup."""

import sys
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markdown_it import MarkdownIt

import markup.personal_data
from comments.models import Comment
from comments.services import comment_edit, comment_submit
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

BODY = "Voir https://a.example et https://b.example, ou appelez le 06 12 34 56 78 (*merci*)."


class Spy:
    """Counts the Markdown parses and the personal-data scans of `body`, the real functions doing the work."""

    def __init__(self, monkeypatch, body):
        self.parses, self.scans = 0, 0
        real_parse, real_inline, real_find = (
            MarkdownIt.parse,
            MarkdownIt.parseInline,
            markup.personal_data.find_personal_data,
        )

        def parse(md, src, env=None):
            self.parses += 1
            return real_parse(md, src, env)

        def parse_inline(md, src, env=None):
            self.parses += 1
            return real_inline(md, src, env)

        def find(text):
            self.scans += text == body
            return real_find(text)

        monkeypatch.setattr(MarkdownIt, "parse", parse)
        monkeypatch.setattr(MarkdownIt, "parseInline", parse_inline)
        # Every module that imported the function by name gets the counting one.
        for module in list(sys.modules.values()):
            if getattr(module, "find_personal_data", None) is real_find:
                monkeypatch.setattr(module, "find_personal_data", find)


def parent_lookups(queries, parent):
    return sum(
        'FROM "comments_comment"' in q["sql"] and f'"comments_comment"."id" = {parent.pk}' in q["sql"] for q in queries
    )


class TestWorkedOnOnce:
    def test_a_submitted_reply_is_parsed_scanned_and_its_parent_read_once(self, client, post, reader, monkeypatch):
        parent = CommentFactory(post=post, status=Comment.Status.APPROVED)
        client.force_login(reader)
        spy = Spy(monkeypatch, BODY)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                reverse("comments:create", kwargs={"post_id": post.pk}),
                {"body": BODY, "parent": parent.pk, "submission_key": uuid.uuid4()},
            )
        assert response.status_code == 302
        comment = Comment.objects.get(parent=parent)
        assert "06 ** ** ** 78" in comment.body_html
        assert comment.link_domains == ["a.example", "b.example"]
        lookups = parent_lookups(captured, parent)
        print(f"\nsubmitted: {spy.parses} parses, {spy.scans} scans, {lookups} lookups, {len(captured)} queries")
        assert (spy.parses, spy.scans, lookups) == (1, 1, 1)

    def test_an_edit_is_parsed_and_scanned_once(self, post, reader, monkeypatch):
        comment = comment_submit(post=post, author=reader, body="Premier jet")
        spy = Spy(monkeypatch, BODY)
        comment_edit(comment=comment, author=reader, body=BODY)
        assert (spy.parses, spy.scans) == (1, 1)
