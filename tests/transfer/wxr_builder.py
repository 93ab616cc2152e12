"""Small WXR files written for the tests: each pitfall on its own, in as few lines as it takes."""

WP12 = "http://wordpress.org/export/1.2/"


def comment(
    cid,
    *,
    parent=0,
    status="1",
    author="Alice",
    email="alice@example.org",
    date="2020-01-02 10:00:00",
    text="Bonjour",
    ctype="",
    cdata=True,
):
    body = f"<![CDATA[{text}]]>" if cdata else text
    return f"""<wp:comment><wp:comment_id>{cid}</wp:comment_id>
<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email><wp:comment_date_gmt>{date}</wp:comment_date_gmt>
<wp:comment_content>{body}</wp:comment_content><wp:comment_approved>{status}</wp:comment_approved>
<wp:comment_type>{ctype}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def item(
    pid,
    *,
    title="Un billet",
    slug=None,
    status="publish",
    ptype="post",
    date="2020-01-01 09:00:00",
    content="Premier paragraphe.\n\nSecond.",
    comments=(),
    terms="",
    password="",
    link=None,
):
    slug = slug if slug is not None else f"billet-{pid}"
    link = link if link is not None else f"https://ancien.example/2020/01/{slug}/"
    return f"""<item><title>{title}</title><link>{link}</link><dc:creator><![CDATA[admin]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded><wp:post_id>{pid}</wp:post_id>
<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>{ptype}</wp:post_type><wp:post_password>{password}</wp:post_password>{terms}{"".join(comments)}</item>"""


def wxr(*items, ns=WP12, channel="", before=""):
    return f"""{before}<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel><title>Ancien blog</title><link>https://ancien.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>admin</wp:author_login><wp:author_email>auteur@example.org</wp:author_email></wp:author>
{channel}
{"".join(items)}
</channel></rss>"""
