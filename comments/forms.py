import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Texte simple : une ligne vide sépare les paragraphes, les adresses web deviennent des liens. "
            "Markdown léger accepté (*italique*, **gras**, [lien](https://…), `code`, > citation)."
        ),
        error_messages={
            "required": _("Écrivez quelque chose avant d’envoyer."),
            "max_length": _(
                "Votre commentaire fait %(show_value)d caractères ; la limite est de %(limit_value)d. "
                "Raccourcissez-le, votre texte est conservé ci-dessous."
            ),
        },
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
