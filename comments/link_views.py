"""The pages behind the links sent by e-mail: one-click moderation and reply unsubscription.

Opening a link (GET) shows what it will do and changes nothing, so a mail scanner
that fetches every link decides nothing; the page's form POSTs the decision. The
signed token in the URL is the credential: the moderator need not be logged in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from comments import services
from comments.links import (
    LinkAlreadyUsed,
    LinkExpired,
    LinkInvalid,
    awaits_decision,
    consume_moderation_link,
    read_moderation_token,
    read_unsubscribe_token,
)
from comments.models import Comment


@dataclass(frozen=True)
class _Action:
    service: Callable[..., Comment]
    title: Promise
    button: Promise
    done: Promise


ACTIONS = {
    "approve": _Action(
        services.comment_approve,
        gettext_lazy("Approuver ce commentaire ?"),
        gettext_lazy("Approuver"),
        gettext_lazy("Commentaire approuvé : tout le monde peut maintenant le lire."),
    ),
    "reject": _Action(
        services.comment_reject,
        gettext_lazy("Refuser ce commentaire ?"),
        gettext_lazy("Refuser"),
        gettext_lazy("Commentaire refusé : son auteur en est prévenu."),
    ),
    "spam": _Action(
        services.comment_mark_spam,
        gettext_lazy("Marquer ce commentaire comme indésirable ?"),
        gettext_lazy("Marquer comme indésirable"),
        gettext_lazy("Commentaire classé comme indésirable."),
    ),
}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif (facultatif, envoyé à l’auteur)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _AlreadyDecided(Exception):
    pass


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def moderation_link(request, token):
    """GET: show the comment and a button; POST: take the link's decision as the moderator it was sent to."""
    try:
        link = read_moderation_token(token)
    except LinkExpired:
        return _expired(request)
    except LinkAlreadyUsed:
        return _already_used(request)
    except LinkInvalid:
        return _error(
            request,
            400,
            _("Lien de modération invalide"),
            _(
                "Ce lien est incomplet ou a été modifié. Copiez-le en entier depuis l’e-mail, "
                "ou décidez depuis l’administration."
            ),
            admin=True,
        )
    comment = Comment.objects.select_related("post", "author").filter(pk=link.comment_id).first()
    if comment is None or comment.is_removed:
        return _error(request, 404, _("Commentaire introuvable"), _("Ce commentaire n’existe plus."))
    moderator = get_user_model().objects.filter(pk=link.moderator_id).first()
    if moderator is None or not moderator.is_active or not moderator.has_perm(services.MODERATE_PERMISSION):
        return _forbidden(request)
    if not awaits_decision(comment):
        return _already_decided(request, comment)

    action = ACTIONS[link.action]
    data = request.POST if request.method == "POST" else None
    form = RejectForm(data) if link.action == "reject" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        reason = form.cleaned_data["reason"] if form is not None else ""
        try:
            # Marking the link used and deciding happen together: if the decision fails,
            # the link is still usable; if it succeeds, the link cannot act again.
            with transaction.atomic():
                consume_moderation_link(link)
                locked = Comment.objects.select_for_update().get(pk=comment.pk)
                if not awaits_decision(locked):
                    raise _AlreadyDecided
                decided = action.service(comment=locked, moderator=moderator, reason=reason)
        except LinkAlreadyUsed:
            return _already_used(request)
        except PermissionDenied:
            return _forbidden(request)
        except _AlreadyDecided:
            return _already_decided(request, locked)
        return render(request, "comments/links/moderation_done.html", {"comment": decided, "message": action.done})

    context = {
        "comment": comment,
        "moderator": moderator,
        "action": action,
        "form": form,
        "reasons": list(comment.hold_reasons.all()),
    }
    return render(request, "comments/links/moderation_confirm.html", context)


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


def _expired(request):
    return _error(
        request,
        410,
        _("Lien expiré"),
        _(
            "Ce lien de modération a expiré. Le commentaire attend peut-être encore : "
            "décidez depuis la file de modération de l’administration."
        ),
        admin=True,
    )


def _already_used(request):
    return _error(
        request,
        410,
        _("Lien déjà utilisé"),
        _("Ce lien de modération a déjà servi : chaque lien ne sert qu’une fois."),
        admin=True,
    )


def _forbidden(request):
    return _error(
        request,
        403,
        _("Accès refusé"),
        _("Ce lien a été envoyé à un compte qui ne peut plus modérer les commentaires : rien n’a été changé."),
    )


def _already_decided(request, comment):
    return _error(
        request,
        409,
        _("Commentaire déjà modéré"),
        _("Ce commentaire a déjà été modéré (statut : %(status)s) ; rien n’a été changé.")
        % {"status": comment.get_status_display()},
        admin=True,
    )
