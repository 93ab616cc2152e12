"""Disqus: comments attached to posts already here, by the thread's link; unmatched threads listed, nothing invented."""

import pytest

from comments.models import Comment
from tests.transfer.wxr_builder import item, wxr
from transfer.services import blog_import

pytestmark = pytest.mark.django_db


def post(pid, thread, message, *, parent=None, deleted=False, spam=False, email="lu@example.org", name="Lu"):
    parent = f'<parent dsq:id="{parent}"/>' if parent else ""
    return f"""<post dsq:id="{pid}"><message><![CDATA[{message}]]></message>
<createdAt>2021-05-0{pid % 9 + 1}T10:00:00Z</createdAt><isDeleted>{str(deleted).lower()}</isDeleted>
<isSpam>{str(spam).lower()}</isSpam><author><email>{email}</email><name>{name}</name>
<isAnonymous>false</isAnonymous></author><thread dsq:id="{thread}"/>{parent}</post>"""


def disqus_file(*posts):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<category dsq:id="1"><forum>ancien</forum><title>General</title></category>
<thread dsq:id="10"><id>a</id><forum>ancien</forum><link>https://ancien.example/2020/01/mon-billet/</link>
<title>Mon billet</title></thread>
<thread dsq:id="11"><id>b</id><forum>ancien</forum><link>https://causerie.example/billets/billet-2/</link></thread>
<thread dsq:id="12"><id>c</id><forum>ancien</forum><link>https://ailleurs.example/rien/</link></thread>
{"".join(posts)}
</disqus>"""


@pytest.fixture
def blog(blog_author, export):
    blog_import(path=export(wxr(item(12, slug="mon-billet"), item(2)), "wordpress.xml"))


def test_threads_matched_by_old_address_or_current_one(blog, export):
    text = disqus_file(
        post(1, 10, "<p>Premier</p>"),
        post(2, 10, "Réponse", parent=1),
        post(3, 10, "", deleted=True),
        post(4, 10, "Casino", spam=True),
        post(5, 11, "Sur le billet 2"),
        post(6, 12, "Perdu"),
        post(7, 12, "Perdu aussi"),
    )
    report = blog_import(path=export(text, "disqus.xml"))
    assert report.format == "disqus"
    assert dict(report.comments) == {"approved": 3, "pending": 0, "spam": 1, "rejected": 1}
    assert report.unmatched_threads == 1 and report.skipped["orphan"] == 2
    assert any("ailleurs.example/rien/" in warning for warning in report.warnings)
    reply = Comment.objects.get(body="Réponse")
    assert reply.parent.body == "Premier" and reply.post.slug == "mon-billet"
    assert Comment.objects.get(body="Sur le billet 2").post.slug == "billet-2"
    again = blog_import(path=export(text, "disqus.xml"))
    assert (again.created, again.unchanged) == (0, report.created)


def test_the_isso_sample_matches_nothing_in_an_empty_blog(db):
    from tests.transfer.test_samples import SAMPLES

    report = blog_import(path=SAMPLES / "disqus" / "isso-disqus.xml")
    assert (report.unmatched_threads, report.skipped["orphan"], report.created) == (3, 6, 0)
    assert Comment.objects.count() == 0
