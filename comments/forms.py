import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

BODY_ERRORS = {
    "required": _("Écrivez quelque chose avant d’envoyer."),
    "max_length": _(
        "Votre commentaire fait %(show_value)d caractères ; la limite est de %(limit_value)d. "
        "Raccourcissez-le, votre texte est conservé ci-dessous."
    ),
}
BODY_HELP = _(
    "Texte simple : une ligne vide sépare les paragraphes, les adresses web deviennent des liens. "
    "Markdown léger accepté (*italique*, **gras**, [lien](https://…), `code`, > citation)."
)


def body_field(label):
    return forms.CharField(
        label=label,
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=BODY_HELP,
        error_messages=BODY_ERRORS,
    )


class CommentForm(forms.Form):
    body = body_field(_("Votre commentaire"))
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    notify_replies = forms.BooleanField(label=_("Me prévenir par e-mail des réponses publiées"), required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    # Honeypot: hidden from people by CSS and aria-hidden; robots fill every field.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)


class CommentEditForm(forms.Form):
    body = body_field(_("Votre commentaire"))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi ce commentaire pose-t-il problème ? (facultatif)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
