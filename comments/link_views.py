"""The pages behind the links sent by e-mail: one-click moderation and reply unsubscription.

Opening a link (GET) shows what it will do and changes nothing, so a mail scanner
that fetches every link decides nothing; the page's form POSTs the decision. The
signed token in the URL is the credential: the moderator need not be logged in.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from comments import decisions, services
from comments.links import (
    LinkAlreadyUsed,
    LinkExpired,
    LinkInvalid,
    ModerationLink,
    awaits_decision,
    consume_moderation_link,
    read_moderation_token,
    read_unsubscribe_token,
)
from comments.models import Comment


class ReasonForm(forms.Form):
    """The reason a link's decision may carry (`LinkWording.asks_reason`)."""

    reason = forms.CharField(
        label=gettext_lazy("Motif (facultatif, envoyé à l’auteur)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _Refused(Exception):
    """The link cannot act; carries the error page that says why."""

    def __init__(self, status: int, title: str, message: str, *, admin: bool = False):
        super().__init__(title)
        self.status, self.title, self.message, self.admin = status, title, message, admin

    def response(self, request):
        return _error(request, self.status, self.title, self.message, admin=self.admin)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def moderation_link(request, token):
    """GET: show the comment and a button; POST: take the link's decision as the moderator it was sent to."""
    try:
        link, decision, comment, moderator = _open_moderation_link(token)
        form = None
        if decision.link.asks_reason:
            form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and (form is None or form.is_valid()):
            reason = form.cleaned_data["reason"] if form is not None else ""
            decided = _take(link, comment, moderator, decision, reason)
            context = {"comment": decided, "message": decision.link.done}
            return render(request, "comments/links/moderation_done.html", context)
    except _Refused as refused:
        return refused.response(request)
    context = {
        "comment": comment,
        "moderator": moderator,
        "action": decision.link,
        "form": form,
        "reasons": list(comment.hold_reasons.all()),
    }
    return render(request, "comments/links/moderation_confirm.html", context)


def _open_moderation_link(token: str):
    """The link, its decision, its comment and its moderator, when the link may still act; else raises _Refused."""
    try:
        link = read_moderation_token(token)
    except LinkExpired:
        raise _expired() from None
    except LinkAlreadyUsed:
        raise _already_used() from None
    except LinkInvalid:
        raise _invalid() from None
    decision = decisions.BY_LINK[link.action]
    comment = Comment.objects.select_related("post", "author").filter(pk=link.comment_id).first()
    if comment is None or comment.is_removed:
        raise _Refused(404, _("Commentaire introuvable"), _("Ce commentaire n’existe plus."))
    moderator = get_user_model().objects.filter(pk=link.moderator_id).first()
    if moderator is None or not moderator.is_active or not moderator.has_perm(decision.permission):
        raise _forbidden()
    if not awaits_decision(comment):
        raise _already_decided(comment)
    return link, decision, comment, moderator


def _take(link: ModerationLink, comment: Comment, moderator, decision: decisions.Decision, reason: str) -> Comment:
    """Use the link once and take its decision, together; raises _Refused when it cannot."""
    try:
        # Marking the link used and deciding happen together: if the decision fails,
        # the link is still usable; if it succeeds, the link cannot act again.
        with transaction.atomic():
            consume_moderation_link(link)
            locked = Comment.objects.select_for_update().get(pk=comment.pk)
            if not awaits_decision(locked):
                raise _already_decided(locked)
            return decision.take(comment=locked, moderator=moderator, reason=reason)
    except LinkAlreadyUsed:
        raise _already_used() from None
    except PermissionDenied:
        raise _forbidden() from None


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET: ask to confirm; POST: stop the e-mails about replies to this comment (repeatable)."""
    # RFC 8058 one-click unsubscription: the mail client POSTs exactly the body
    # "List-Unsubscribe=One-Click", with neither cookie nor CSRF token. Accepting that
    # one body without the CSRF check is safe: no session or cookie is used, the signed
    # token in the URL is the credential, and the only effect is fewer e-mails.
    # Every other request goes through the CSRF check as usual.
    if request.method == "POST" and _is_one_click(request):
        return _unsubscribe(request, token)
    return _unsubscribe_with_csrf(request, token)


@csrf_protect
def _unsubscribe_with_csrf(request, token):
    return _unsubscribe(request, token)


def _unsubscribe(request, token):
    try:
        comment_id = read_unsubscribe_token(token)
    except LinkInvalid:
        return _error(
            request,
            400,
            _("Lien de désabonnement invalide"),
            _("Ce lien est incomplet ou a été modifié. Copiez-le en entier depuis l’e-mail."),
        )
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None:
        return _error(request, 404, _("Commentaire introuvable"), _("Ce commentaire n’existe plus."))
    if request.method == "POST":
        services.comment_unsubscribe_replies(comment=comment)
        return render(request, "comments/links/unsubscribe_done.html", {"comment": comment})
    return render(request, "comments/links/unsubscribe_confirm.html", {"comment": comment})


def _is_one_click(request) -> bool:
    return list(request.POST.lists()) == [("List-Unsubscribe", ["One-Click"])]


def _error(request, status: int, title: str, message: str, *, admin: bool = False):
    context = {"title": title, "message": message, "admin": admin}
    return render(request, "comments/links/link_error.html", context, status=status)


def _invalid() -> _Refused:
    return _Refused(
        400,
        _("Lien de modération invalide"),
        _(
            "Ce lien est incomplet ou a été modifié. Copiez-le en entier depuis l’e-mail, "
            "ou décidez depuis l’administration."
        ),
        admin=True,
    )


def _expired() -> _Refused:
    return _Refused(
        410,
        _("Lien expiré"),
        _(
            "Ce lien de modération a expiré. Le commentaire attend peut-être encore : "
            "décidez depuis la file de modération de l’administration."
        ),
        admin=True,
    )


def _already_used() -> _Refused:
    return _Refused(
        410,
        _("Lien déjà utilisé"),
        _("Ce lien de modération a déjà servi : chaque lien ne sert qu’une fois."),
        admin=True,
    )


def _forbidden() -> _Refused:
    return _Refused(
        403,
        _("Accès refusé"),
        _("Ce lien a été envoyé à un compte qui ne peut plus modérer les commentaires : rien n’a été changé."),
    )


def _already_decided(comment) -> _Refused:
    return _Refused(
        409,
        _("Commentaire déjà modéré"),
        _("Ce commentaire a déjà été modéré (statut : %(status)s) ; rien n’a été changé.")
        % {"status": comment.get_status_display()},
        admin=True,
    )
