"""The admin's decision tool, made from the registry in comments.decisions.

The "Décider" panel of a comment's page, the form its buttons and the queue's row
buttons post (with the preset reasons for a refusal), what that POST does, and one
bulk action per decision. `comments.admin` wires them into `CommentAdmin`; the
services (through `Decision.take`) check the permission and write the history.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.sanctions import redirect_back
from comments import decisions
from comments.models import RefusalPreset


class DecisionForm(forms.Form):
    """What the decision buttons post: the decision, an optional reason (a preset's code and/or words), where to go
    back. The preset is stored as its code and worded when shown, in the reader's language."""

    decision = forms.TypedChoiceField(
        choices=[(decision.name, decision.label) for decision in decisions.DECISIONS], coerce=decisions.BY_NAME.get
    )
    preset = forms.ChoiceField(label=_("Motif"), choices=[("", "—"), *RefusalPreset.choices], required=False)
    reason = forms.CharField(label=_("Précisions (facultatif)"), max_length=300, required=False)
    next = forms.CharField(required=False)

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
    """Take the decision a button posted on `comment`, tell the moderator how it went, go back to `next`."""
    form = DecisionForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            decision.take(comment=comment, moderator=request.user, **form.reasons())
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.success(request, f"« {Truncator(comment.body).chars(60)} » : {decision.done}")
    else:
        messages.error(request, gettext("Décision invalide."))
    return redirect_back(request, form.data.get("next", ""), "admin:comments_comment_changelist")


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
