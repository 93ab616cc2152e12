"""The comments of a post page: the published thread from the cache, the reader's own parts put in.

The published thread — approved comments only, personal data masked, as an anonymous reader
sees it — is rendered here and kept by `caching.pages.cached_thread`, under the post, its
comments version and the language (the rules, and when an entry goes, are at the top of
caching/pages.py). `comments.services.post_refresh_comments` raises the version whenever a
published comment appears, changes or goes, so an entry is never invalidated: the next page
simply asks for the next version.

Caching the HTML, not the comments, is what saves the time: a thread costs one indexed query
either way, while rendering hundreds of comments through the templates is the slow part. What
differs between readers is therefore left out of that HTML as holes, which
comments/_comment.html marks with ``{% thread_hole %}`` (caching/pages.py makes, fills and
splices them):

- ``actions`` where each comment's row of links goes, its paragraph included: nothing for an
  anonymous reader (no empty paragraph); « Répondre » / « Signaler » for a logged-in one (made
  once, with the thread); « Modifier » / « Supprimer » on the reader's own comments and « Signalé »
  on those they reported, made for each request (a reader has few of those);
- ``note`` at the top of each comment: « Merci ! » (or « Déjà envoyé ») on the comment its author
  has just sent, for that one page (`SENT_SESSION_KEY`, set by the view, taken here);
- none in the « Choix de la rédaction » at the top (`_picks`): comments a moderator featured, the
  same for every reader, cached with the thread (featuring raises the comments version);
- ``before`` each comment, ``end`` after its replies (or ``new`` where it has none yet; PK 0 is
  the top level): where the reader's own pending comments go, in date order among the
  published ones, a reply under its parent; for a moderator, every comment waiting on the post
  goes there too, « En attente », with its approve / refuse / spam buttons (a plain form to the
  admin's decision endpoint, CSRF token included, coming back to the post): personal, in the
  comments' personal part of the page, never in the shared thread.

An anonymous reader gets the thread with its holes emptied, stored alongside; so does a logged-in
reader with nothing of their own in it (no comment, pending or published, no report), with the
links every reader gets already in. Where each hole lies in that reader's copy is stored too, so
any other reader costs one query for their own rows (pending comments, reports), whatever the size
of the thread, and a few slices of the reader's copy at those places — no pass over the whole HTML.
"""

import uuid
from collections import defaultdict

from django import template
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caching.pages import (
    cached_thread,
    empty_thread_holes,
    fill_thread_holes,
    splice,
    thread_hole,
)
from caching.skeletons import SECTION_CSRF, SECTION_KEY, SECTION_THREAD, cached_section, fill_section, reader_csrf_token
from comments import decisions, moderation, selectors
from comments.forms import CommentForm
from comments.models import Comment

register = template.Library()

TOP = 0  # the "parent" of top-level comments in the holes

# The comment its author has just sent, as comments.views.comment_create leaves it in the session:
# {"post": pk, "comment": pk, "note": "pending" | "approved" | "resent"}. Read once, by the next post page.
SENT_SESSION_KEY = "comments:sent"
SENT_NOTES = {
    "pending": gettext_lazy("Merci ! Votre commentaire attend la validation d’un modérateur."),
    "approved": gettext_lazy("Merci ! Votre commentaire est publié."),
    "resent": gettext_lazy("Déjà envoyé : votre commentaire est ci-dessous, rien n’a été enregistré en double."),
}


def build_tree(comments):
    """Arrange comments (ordered by date) into threads in one pass; replies whose parent is hidden go to the top."""
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent is not None else roots).append(comment)
    return roots


def published_thread(post, policy: moderation.Policy) -> dict:
    """The post's published thread as cached: its two HTML copies, where the holes are, what filling them needs."""
    return cached_thread(
        post_pk=post.pk,
        comments_version=post.comments_version,
        render=lambda: _render_published_thread(post, policy),
    )


def _render_published_thread(post, policy: moderation.Policy) -> dict:
    comments = list(Comment.objects.approved().filter(post=post).select_related("author").order_by("created_at"))
    for comment in comments:
        comment.can_reply = not comment.is_removed and comment.depth + 1 < policy.max_depth
    item = get_template("comments/_comment.html")
    html = _picks(comments)
    html += "".join(item.render({"comment": root, "slots": True}) for root in build_tree(comments))
    html += thread_hole("end", TOP)
    reader_actions = {c.pk: _actions(c.pk, published=True, can_reply=c.can_reply) for c in comments if not c.is_removed}
    # What a logged-in reader with nothing of their own in the thread sees, and where its holes are.
    reader, holes = fill_thread_holes(html, lambda kind, pk: reader_actions.get(pk, "") if kind == "actions" else "")
    return {
        "anonymous": empty_thread_holes(html),
        "reader": reader,
        "holes": holes,
        "authors": frozenset(c.author_id for c in comments),
        # Plain values (no model instances) for what the holes need to know of each comment.
        "comments": {
            c.pk: {
                "parent": c.parent_id,
                "author": c.author_id,
                "name": c.author.public_name,
                "created_at": c.created_at,
                "can_reply": c.can_reply,
            }
            for c in comments
        },
    }


def _picks(comments) -> str:
    """The post's « Choix de la rédaction », first in the thread (no holes: the same for every reader)."""
    picks = sorted((c for c in comments if c.featured_at and not c.is_removed), key=lambda c: c.featured_at)
    return get_template("comments/_picks.html").render({"picks": picks}) if picks else ""


def _actions(pk, *, published, can_reply=False, mine=False, editable=False, reported=False) -> str:
    """The row of links under a comment for a logged-in reader, its paragraph included; "" when it has none
    (an anonymous reader gets no row: no empty paragraph a hundred times)."""
    links = []
    if can_reply:
        links.append(format_html('<a href="?reply={}#commenter">{}</a>', pk, _("Répondre")))
    if mine:
        if editable:
            links.append(format_html('<a href="{}">{}</a>', reverse("comments:edit", kwargs={"pk": pk}), _("Modifier")))
        links.append(format_html('<a href="{}">{}</a>', reverse("comments:delete", kwargs={"pk": pk}), _("Supprimer")))
    elif published and reported:
        links.append(format_html("<span>{}</span>", _("Signalé")))
    elif published:
        links.append(format_html('<a href="{}">{}</a>', reverse("comments:report", kwargs={"pk": pk}), _("Signaler")))
    if not links:
        return ""
    return mark_safe(f'<p class="comment-actions">{" ".join(links)}</p>')  # noqa: S308 — each part made by format_html


def _own_rows(post, user):
    """The reader's pending comments on the post, and the ids of its comments they reported: one query, none when
    the post was read for this reader and says they have none (blog.models.READER_COLUMNS, comments/apps.py)."""
    if getattr(post, "read_for", None) == user.pk and not getattr(post, "reader_has_own_rows", True):
        return [], set()
    rows = list(Comment.objects.own_rows_on(post, user))
    me = user.pk
    return [c for c in rows if c.author_id == me], {c.pk for c in rows if c.author_id != me}


def _reader_thread(thread, *, user, pending, reported, policy, now, sent=None, waiting=()) -> str:
    """The cached thread with this logged-in reader's links, pending comments and note (`sent`) put in place,
    and, for a moderator, the others' waiting comments (`waiting`) with their decision buttons."""
    published = thread["comments"]
    changes = {
        ("actions", pk): links for pk, links in _reader_actions(published, user.pk, reported, policy, now).items()
    }
    if sent is not None and sent[0] in published:
        changes[("note", sent[0])] = sent[1]
    for comment in pending:
        comment.sent_note = sent[1] if sent is not None and sent[0] == comment.pk else ""
    _as_own(pending, user=user, policy=policy, now=now)
    unpublished = sorted([*pending, *waiting], key=lambda comment: comment.created_at)
    before, end = _pending_places(published, unpublished)
    changes.update({("before", pk): "".join(items) for pk, items in before.items()})
    for pk, items in end.items():
        items = "".join(items)
        changes[("end", pk)] = items
        changes[("new", pk)] = f'<ol class="comment-replies">{items}</ol>'  # as _comment.html opens replies
    return splice(thread["reader"], thread["holes"], changes)


def _reader_actions(published: dict, me: int, reported: set, policy, now) -> dict:
    """The links that differ from every reader's: on the reader's own published comments, and on those they reported."""
    actions = {}
    for pk, info in published.items():
        if info["author"] == me:
            editable = now - info["created_at"] <= policy.edit_window
            actions[pk] = _actions(pk, published=True, can_reply=info["can_reply"], mine=True, editable=editable)
    for pk in reported:
        if pk in published and pk not in actions:
            actions[pk] = _actions(pk, published=True, can_reply=published[pk]["can_reply"], reported=True)
    return actions


def _as_own(pending: list, *, user, policy, now) -> None:
    """The reader's own pending comments, with their links (edit within the window, delete)."""
    for comment in pending:
        comment.author = user
        comment.is_mine = True
        editable = not comment.is_removed and now - comment.created_at <= policy.edit_window
        comment.actions = _actions(comment.pk, published=False, mine=True, editable=editable)


def _pending_places(published: dict, pending: list) -> tuple[dict, dict]:
    """The pending comments rendered, each before the first published sibling that came after it
    (`before`, by that sibling) or at the end of its parent's replies (`end`, by parent; TOP for the top level)."""

    def parent_of(parent_id) -> int:  # as build_tree places it
        return parent_id if parent_id in published else TOP

    before, end = defaultdict(list), defaultdict(list)
    item = get_template("comments/_comment.html")
    for root in build_tree(pending):
        html = item.render({"comment": root, "slots": False})
        parent = parent_of(root.parent_id)
        later = [
            (info["created_at"], pk)
            for pk, info in published.items()
            if parent_of(info["parent"]) == parent and info["created_at"] > root.created_at
        ]
        if later:
            before[min(later)[1]].append(html)
        else:
            end[parent].append(html)
    return before, end


SECTION = "comments/_comment_section.html"


@register.simple_tag(takes_context=True)
def comment_section(context, post):
    """The comments of a post as the current reader may see them, threaded, and the form or why there is none.

    A constant number of queries whatever the number of comments: the published thread
    (none when it is in the cache) and, for a logged-in reader, their own pending comments
    and reports in one query. See the module docstring for how the cache is shared; a reader
    with nothing of their own on the post, who may comment and is not replying, gets the
    section every such reader gets, kept once per post state (`caching.pages.cached_section`)
    with their own CSRF token and a new submission key put in.
    """
    request = context["request"]
    user = request.user
    policy = moderation.Policy.from_settings()
    now = timezone.now()
    thread = published_thread(post, policy)
    sent = _sent(request, post)
    html, pending = _thread_for(thread, request=request, post=post, user=user, policy=policy, now=now, sent=sent)
    refusal = moderation.refusal(user, post, policy=policy, now=now)
    form = context.get("comment_form")
    reply_to = request.GET.get("reply", "")
    if all(
        (user.is_authenticated, html is thread["reader"], sent is None, refusal is None, form is None, not reply_to)
    ):
        return mark_safe(_usual_section(request, post, thread))  # noqa: S308 — our templates, as below
    if form is None and refusal is None:
        form = CommentForm(initial={"parent": int(reply_to)} if reply_to.isdigit() else None)
    return _render_section(
        csrf_token=context.get("csrf_token"),
        post=post,
        thread=mark_safe(html),  # noqa: S308 — rendered by our templates, user text escaped or sanitized there
        has_comments=bool(thread["comments"] or pending),
        pending_count=len(pending),
        sent_note=_note_above(sent, thread, pending),
        refusal=refusal,
        form=form,
        replying_to=_replying_to(thread, form),
    )


def _note_above(sent, thread, pending) -> str:
    """The note of a sent comment that is not shown (a honeypot's spam): said above the thread, the same answer."""
    return sent[1] if sent and sent[0] not in thread["comments"] and not _is_among(sent[0], pending) else ""


def _render_section(**values) -> SafeString:
    return mark_safe(get_template(SECTION).render(values))  # noqa: S308 — a template of ours, autoescaped


def _usual_section(request, post, thread) -> str:
    """The section of a reader with nothing of their own on the post: the shared skeleton, filled for them."""

    def render():
        return _render_section(
            csrf_token=SECTION_CSRF,
            post=post,
            thread=mark_safe(SECTION_THREAD),  # noqa: S308 — our own constant
            has_comments=bool(thread["comments"]),
            pending_count=0,
            sent_note="",
            refusal=None,
            form=CommentForm(initial={"submission_key": SECTION_KEY}),
            replying_to=None,
        )

    section = cached_section(post=post, render=render)
    return fill_section(
        section, csrf_token=reader_csrf_token(request), submission_key=str(uuid.uuid4()), thread=thread["reader"]
    )


def _thread_for(thread, *, request, post, user, policy, now, sent=None) -> tuple[str, list]:
    """The thread's HTML as this reader sees it, and the pending comments in it (theirs; a moderator's: all)."""
    if not user.is_authenticated:
        return thread["anonymous"], []
    pending, reported = _own_rows(post, user)
    waiting = selectors.waiting_on_post(post, user)
    if not pending and not reported and not waiting and user.pk not in thread["authors"]:
        return thread["reader"], []  # the usual case: nothing of this reader's in the thread
    for comment in waiting:
        comment.decide = _decide_in_place(request, post, comment)
    html = _reader_thread(
        thread, user=user, pending=pending, waiting=waiting, reported=reported, policy=policy, now=now, sent=sent
    )
    return html, sorted(pending + waiting, key=lambda comment: comment.created_at)


def _decide_in_place(request, post, comment) -> dict:
    """What a moderator's buttons on a waiting comment need: the admin's decision endpoint, then back to the post."""
    return {
        "url": reverse("admin:comments_comment_decide", args=[comment.pk]),
        "next": f"{post.get_absolute_url()}#commentaires",
        "csrf": get_token(request),
        "decisions": decisions.ON_ROWS,
    }


def _is_among(pk, comments) -> bool:
    return any(comment.pk == pk for comment in comments)


def _sent(request, post) -> tuple[int, str] | None:
    """The comment on this post its author has just sent and what to tell them of it, taken from the session once."""
    session = getattr(request, "session", None)
    sent = session.get(SENT_SESSION_KEY) if session is not None else None
    if not isinstance(sent, dict) or sent.get("post") != post.pk or not request.user.is_authenticated:
        return None
    del session[SENT_SESSION_KEY]
    note = SENT_NOTES.get(sent.get("note"), SENT_NOTES["pending"])
    return sent.get("comment"), format_html('<p class="comment-sent" role="status">{}</p>', note)


def _replying_to(thread, form) -> dict | None:
    """The published comment the form answers, if a reply to it may be written: its id and author's name."""
    parent_id = str(form["parent"].value()) if form is not None else ""
    target = thread["comments"].get(int(parent_id)) if parent_id.isdigit() else None
    return {"pk": int(parent_id), "name": target["name"]} if target and target["can_reply"] else None
