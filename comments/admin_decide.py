"""The admin's decision tool, made from the registry in comments.decisions.

The "Décider" panel of a comment's page, the form its buttons and the queue's row
buttons post (with the preset reasons for a refusal), what that POST does, and one
bulk action per decision. `comments.admin` wires them into `CommentAdmin`; the
services (through `Decision.take`) check the permission and write the history.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.sanctions import redirect_back
from comments import decisions
from comments.models import Comment
from comments.moderation import RefusalPreset
from comments.services import CommentAlreadyDecided


class DecisionForm(forms.Form):
    """What the decision buttons post: the decision, an optional reason (a preset's code and/or words), where to go
    back. The preset is stored as its code and worded when shown, in the reader's language."""

    decision = forms.TypedChoiceField(
        choices=[(decision.name, decision.label) for decision in decisions.DECISIONS], coerce=decisions.BY_NAME.get
    )
    preset = forms.ChoiceField(label=_("Motif"), choices=[("", "—"), *RefusalPreset.choices], required=False)
    reason = forms.CharField(label=_("Précisions (facultatif)"), max_length=300, required=False)
    next = forms.CharField(required=False)
    # The decision state the moderator saw (the desk sends it): decided since by someone else, nothing changes.
    expected = forms.ChoiceField(choices=list(Comment.DECISION_STATES.items()), required=False)

    def reasons(self) -> dict:
        """The preset (for a refusal only) and the moderator's own words, as `Decision.take` takes them."""
        preset = self.cleaned_data["preset"] if self.cleaned_data["decision"].is_refusal else ""
        return {"preset": preset, "reason": self.cleaned_data["reason"].strip()}


def panel(request, comment) -> dict:
    """The "Décider" panel of `comment`'s page; it goes back to the queue as it was filtered."""
    changelist = reverse("admin:comments_comment_changelist")
    filters = request.GET.get("_changelist_filters", "")
    return {
        "url": reverse("admin:comments_comment_decide", args=[comment.pk]),
        "next": f"{changelist}?{filters}" if filters else changelist,
        "presets": RefusalPreset.choices,
        "decisions": decisions.DECISIONS,
    }


def take_posted(request, comment):
    """Take the decision a button posted on `comment`, tell the moderator how it went, go back to `next`.

    The desk's script asks for JSON (`Accept: application/json`): the same outcome, as
    `{"ok", "message", "state"}`, without a redirect (409 when someone decided it meanwhile).
    """
    form = DecisionForm(request.POST)
    status, level, message, comment = _take(request, comment, form)
    if request.headers.get("Accept", "").startswith("application/json"):
        payload = {"ok": status == 200, "message": message, "state": comment.decision_state}
        return JsonResponse(payload, status=status)
    messages.add_message(request, level, message)
    return redirect_back(request, form.data.get("next", ""), "admin:comments_comment_changelist")


def _take(request, comment, form) -> tuple[int, int, str, Comment]:
    """(HTTP status, message level, message, the comment as it now is) of the decision posted, through the registry."""
    if not form.is_valid():
        return 400, messages.ERROR, gettext("Décision invalide."), comment
    decision = form.cleaned_data["decision"]
    expected = form.cleaned_data["expected"] or None
    excerpt = Truncator(comment.body).chars(60)
    try:
        decided = decision.take(comment=comment, moderator=request.user, expected=expected, **form.reasons())
    except PermissionDenied as denied:
        return 403, messages.ERROR, str(denied), comment
    except CommentAlreadyDecided as already:
        return 409, messages.WARNING, f"« {excerpt} » : {already}", already.comment
    return 200, messages.SUCCESS, f"« {excerpt} » : {decision.done}", decided


def bulk_action(decision: decisions.Decision):
    """The admin action that takes `decision` on every selected comment."""

    def action(model_admin, request, queryset):
        done = 0
        try:
            for comment in queryset.select_related("post"):
                decision.take(comment=comment, moderator=request.user)
                done += 1
        except PermissionDenied as denied:
            model_admin.message_user(request, str(denied), messages.ERROR)
            return
        model_admin.message_user(request, decision.bulk_done % done, messages.SUCCESS)

    action.__name__ = decision.bulk_name  # the name the changelist's menu posts
    return admin.action(description=decision.bulk_label, permissions=["moderate"])(action)
