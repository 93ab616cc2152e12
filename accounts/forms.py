from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupForm(forms.Form):
    """Extra sign-up field for allauth: the public name shown on comments."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=50,
        help_text=_("Visible sous vos commentaires. Votre adresse e-mail ne sera jamais publiée."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Indiquez le nom sous lequel vous souhaitez commenter."))
        return name

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        user.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user.save(update_fields=["display_name", "language"])


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language", "notify_post_comments"]
        help_texts = {
            "language": _("La langue des e-mails que Causerie vous envoie."),
            "notify_post_comments": _("Pour les auteurs : un e-mail à chaque commentaire publié sur vos billets."),
        }

    def clean_display_name(self):
        return SignupForm.clean_display_name(self)
