"""The moderators' desk: « Commentaires à modérer », one card per comment, decided without leaving the page.

A custom admin view (`CommentAdmin.desk_view` wires it): tabs with capped counts, then the comments of
the tab as cards — the text as readers will see it (the masks of personal data highlighted), the
reasons, the post, the parent of a reply, the author's record. Each card's buttons are a plain form
posting to the admin's one decision endpoint (`admin:comments_comment_decide`, through the registry
and the services), with the decision state the moderator saw (`expected`): with JavaScript off it
redirects back to the next card; `static/admin/desk.js` posts the same form with `fetch` and reads a
JSON answer. Reads only here, in a fixed number of queries per page whatever its number of cards.
"""

from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import sanctions
from accounts import services as account_services
from accounts.sanctions import redirect_back
from comments import decisions, selectors, services
from comments.admin_stats import CountCap
from comments.models import Comment, Report
from comments.moderation import RefusalPreset
from markup.render import read_comment

PAGE_SIZE = 50
POLL_SECONDS = 20  # how often the desk asks whether new comments arrived
PERSONAL_DATA = frozenset({"iban", "card", "phone", "email"})
OLDEST_FIRST = ("queued_at", "id")
NEWEST_FIRST = ("-queued_at", "-id")


@dataclass(frozen=True)
class Tab:
    name: str
    label: Promise
    order: tuple[str, ...]

    def queryset(self):
        """The tab's comments (not ordered): the queue's tabs are what waits, the others what was decided."""
        comments = Comment.objects.filter(removed_at__isnull=True)
        if self.name == "reported":
            return comments.filter(Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)))
        if self.name == "edits":
            return comments.approved().exclude(pending_body="")
        return comments.filter(status=self.name)


TABS = (
    Tab("pending", _("À modérer"), OLDEST_FIRST),
    Tab("reported", _("Signalés"), OLDEST_FIRST),
    Tab("edits", _("Retouches en attente"), OLDEST_FIRST),
    Tab("rejected", _("Refusés"), NEWEST_FIRST),
    Tab("spam", _("Indésirables"), NEWEST_FIRST),
    Tab("approved", _("Approuvés"), NEWEST_FIRST),
)
BY_NAME = {tab.name: tab for tab in TABS}
# The buttons of a card, in the order of their keys: a, r, s, t.
CARD_DECISIONS = tuple(decisions.BY_NAME[name] for name in ("approve", "reject", "spam", "approve_trust"))
KEYS = {"approve": "a", "reject": "r", "spam": "s", "approve_trust": "t"}


def desk_context(request) -> dict:
    """What the desk's template shows: the tabs and their counts, the chosen tab's cards, the search."""
    tab = BY_NAME.get(request.GET.get("onglet", ""), TABS[0])
    search = request.GET.get("q", "").strip()[:200]
    page = _page_number(request.GET.get("page"))
    comments = tab.queryset()
    if search:
        comments = comments.filter(body__icontains=search)
    rows = list(
        comments.select_related("post", "author", "parent__author")
        .prefetch_related("hold_reasons")
        .order_by(*tab.order)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    here = {"onglet": tab.name, **({"q": search} if search else {}), **({"page": page} if page > 1 else {})}
    return {
        "tab": tab,
        "tabs": [(each, CountCap.of(each.queryset())) for each in TABS],
        "cards": _cards(rows, back=f"{reverse('admin:comments_comment_desk')}?{urlencode(here)}"),
        "search": search,
        "next_page": urlencode({**here, "page": page + 1}) if more else "",
        "may_decide": request.user.has_perm(decisions.MODERATE_PERMISSION),
        "presets": RefusalPreset.choices,
        "sanctions": sanctions.SANCTIONS if sanctions.may_sanction(request.user) else None,
        "oldest": _oldest_pending(),
        # The newest comment when the page was made: the poll counts the pending comments after it.
        "latest": Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "poll_ms": POLL_SECONDS * 1000,
    }


def _page_number(value) -> int:
    try:
        return max(1, min(int(value), 2**31 - 1))
    except (TypeError, ValueError):
        return 1


def _oldest_pending():
    """How long the oldest pending comment has waited, counted from when it entered the queue."""
    queued = Comment.objects.pending().order_by("queued_at").values_list("queued_at", flat=True).first()
    return timezone.now() - queued if queued else None


def _cards(rows: list[Comment], *, back: str) -> list[dict]:
    """One card per comment; each card's form goes back to the next card (the page never jumps to the top)."""
    summaries = selectors.author_summaries({row.author for row in rows})
    now = timezone.now()
    cards = []
    for position, comment in enumerate(rows):
        following = rows[position + 1] if position + 1 < len(rows) else None
        anchor = f"#card-{following.pk}" if following else "#desk-cards"
        cards.append(
            {
                "comment": comment,
                "html": _as_readers_will_see_it(comment),
                "reasons": list(comment.hold_reasons.all()),
                "place": _place_on_post(comment),
                "summary": summaries[comment.author_id],
                "queued_for": now - comment.queued_at,
                "sanction": sanctions.sanction_state(comment.author, short=True),
                "next": back + anchor,
                "buttons": [(decision, KEYS[decision.name]) for decision in CARD_DECISIONS],
            }
        )
    return cards


def _as_readers_will_see_it(comment: Comment) -> str:
    """The text readers will see (a waiting edit's new text), the masks of personal data highlighted."""
    body = comment.pending_body or comment.body
    found_personal_data = any(reason.code in PERSONAL_DATA for reason in comment.hold_reasons.all())
    if body == comment.body and not found_personal_data:
        return comment.body_html  # sanitized when it was saved
    return read_comment(body, mask=not comment.show_unmasked, highlight=True).html


def _place_on_post(comment: Comment) -> str:
    """The comment's place on the public post: itself once published, else the comment it answers, else the thread."""
    if comment.is_approved:
        anchor = f"comment-{comment.pk}"
    elif comment.parent_id:
        anchor = f"comment-{comment.parent_id}"
    else:
        anchor = "commentaires"
    return f"{comment.post.get_absolute_url()}#{anchor}"


def desk_view(model_admin, request):
    """The page: for whoever may view comments; the decision buttons for whoever may moderate."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Commentaires à modérer"),
        **desk_context(request),
    }
    return TemplateResponse(request, "admin/comments/desk/desk.html", context)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Votre réponse"), max_length=5000, widget=forms.Textarea)
    expected = forms.ChoiceField(choices=list(Comment.DECISION_STATES.items()), required=False)
    next = forms.CharField(required=False)


def urls(model_admin) -> list:
    """The desk's page, and its POST endpoints beside the admin's decision one: a reply, a note, an undo, a pick."""
    site = model_admin.admin_site
    return [
        path("desk/", site.admin_view(partial(desk_view, model_admin)), name="comments_comment_desk"),
        path("desk/new/", site.admin_view(partial(new_comments_view, model_admin)), name="comments_comment_desk_new"),
        path("<int:pk>/reply/", site.admin_view(require_POST(reply_view)), name="comments_comment_reply"),
        path(
            "desk/author/<int:user_id>/",
            site.admin_view(partial(author_comments_view, model_admin)),
            name="comments_comment_desk_author",
        ),
        path("<int:pk>/note/", site.admin_view(require_POST(note_view)), name="comments_comment_note"),
        path("<int:pk>/undo/", site.admin_view(require_POST(undo_view)), name="comments_comment_undo"),
        path("<int:pk>/feature/", site.admin_view(require_POST(feature_view)), name="comments_comment_feature"),
    ]


def _answer(request, status: int, message: str, back: str):
    """JSON for the desk's script; for a plain form, the message and back to the card."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": status == 200, "message": message}, status=status)
    messages.add_message(request, messages.SUCCESS if status == 200 else messages.WARNING, message)
    return redirect_back(request, back, "admin:comments_comment_desk")


def _moderated_comment(request, pk: int) -> Comment:
    if not request.user.has_perm(decisions.MODERATE_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Comment, pk=pk)


def new_comments_view(model_admin, request):
    """The desk's light poll: how many comments entered the queue after `?apres=<id>`; 304 when nothing changed.

    A GET that changes nothing, answered with an ETag: the script sends it back (If-None-Match)
    and reads a body only when the figure moved. The cards are never moved under the cursor.
    """
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    after = _page_number(request.GET.get("apres")) if request.GET.get("apres", "").isdigit() else 0
    waiting = Comment.objects.pending().filter(pk__gt=after, removed_at__isnull=True)
    count = CountCap.of(waiting)
    etag = f'W/"{after}-{count.approximate}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    message = ngettext(
        "%(n)s nouveau commentaire à modérer", "%(n)s nouveaux commentaires à modérer", count.approximate
    ) % {"n": f"{count.approximate}+" if count.capped else count.approximate}
    response = JsonResponse({"count": count.approximate, "message": message if count.approximate else ""})
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


HISTORY_SIZE = 10


def author_comments_view(model_admin, request, user_id):
    """The drawer of a card: the author's last comments, whatever their status (a fragment the script inserts)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    comments = Comment.objects.filter(author_id=user_id).select_related("post").order_by("-created_at")[:HISTORY_SIZE]
    return TemplateResponse(request, "admin/comments/desk/_author_comments.html", {"comments": comments})


def note_view(request, pk):
    """A moderator's note on the comment's author (shown on every card of theirs and on their admin page)."""
    comment = _moderated_comment(request, pk)
    try:
        note = account_services.moderator_note_add(
            user=comment.author, moderator=request.user, body=request.POST.get("note", "")
        )
    except (ValidationError, PermissionDenied) as refused:
        return _answer(
            request, 422, " ".join(getattr(refused, "messages", [str(refused)])), request.POST.get("next", "")
        )
    message = gettext("Note ajoutée sur %(name)s.") % {"name": comment.author.display_name}
    if request.headers.get("Accept", "").startswith("application/json"):
        by = gettext("%(name)s, à l’instant") % {"name": request.user.display_name}
        return JsonResponse({"ok": True, "message": message, "note": note.body, "by": by, "author": comment.author_id})
    return _answer(request, 200, message, request.POST.get("next", ""))


def undo_view(request, pk):
    """`z`: take back one's own last decision on this comment, within the minute (`comment_undo_decision`)."""
    comment = _moderated_comment(request, pk)
    excerpt = Truncator(comment.body).chars(60)
    try:
        services.comment_undo_decision(comment=comment, moderator=request.user)
    except ValidationError as refused:
        return _answer(request, 409, " ".join(refused.messages), request.POST.get("next", ""))
    message = gettext("« %(excerpt)s » : décision annulée, de retour dans la file.") % {"excerpt": excerpt}
    return _answer(request, 200, message, request.POST.get("next", ""))


def reply_view(request, pk):
    """A moderator's reply from a card (`e`): the comment approved if it waited, the reply published; JSON or back."""
    comment = _moderated_comment(request, pk)
    form = ReplyForm(request.POST)
    status, message = 400, gettext("Réponse vide.")
    if form.is_valid():
        excerpt = Truncator(comment.body).chars(60)
        try:
            services.comment_reply_from_desk(
                comment=comment,
                moderator=request.user,
                body=form.cleaned_data["body"],
                expected=form.cleaned_data["expected"] or None,
            )
            status, message = 200, gettext("« %(excerpt)s » : réponse publiée.") % {"excerpt": excerpt}
        except services.CommentAlreadyDecided as already:
            status, message = 409, f"« {excerpt} » : {already}"
        except (ValidationError, PermissionDenied, services.CommentRateLimited) as refused:
            status, message = 422, " ".join(getattr(refused, "messages", [str(refused)]))
    return _answer(request, status, message, form.data.get("next", ""))


def feature_view(request, pk):
    """`f`: put a published comment among the post's « Choix de la rédaction » (`featured=1`), or take it out."""
    comment = _moderated_comment(request, pk)
    featured = request.POST.get("featured") == "1"
    excerpt = Truncator(comment.body).chars(60)
    try:
        featured_comment = services.comment_feature(comment=comment, moderator=request.user, featured=featured)
    except ValidationError as refused:
        return _answer(request, 409, " ".join(refused.messages), request.POST.get("next", ""))
    done = gettext("choisi par la rédaction") if featured else gettext("retiré des choix de la rédaction")
    message = f"« {excerpt} » : {done}."
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True, "message": message, "featured": bool(featured_comment.featured_at)})
    return _answer(request, 200, message, request.POST.get("next", ""))
