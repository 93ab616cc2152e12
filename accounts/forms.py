from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User


def clean_display_name(value: str, *, user) -> str:
    """Spaces collapsed; refused when too close to another account's name or passing for the team."""
    name = " ".join(value.split())
    if not name:
        raise forms.ValidationError(_("Indiquez le nom sous lequel vous souhaitez commenter."))
    problem = services.display_name_problem(name, user=user)
    if problem:
        raise forms.ValidationError(problem)
    return name


class SignupDisplayNameForm(forms.Form):
    """The field allauth's sign-up form adds (ACCOUNT_SIGNUP_FORM_CLASS): the public name shown on comments."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=50,
        help_text=_("Visible sous vos commentaires. Votre adresse e-mail ne sera jamais publiée."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"], user=None)

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
        return clean_display_name(self.cleaned_data["display_name"], user=self.instance)


class ProfileForm(forms.ModelForm):
    """The public profile: name and a short presentation (plain text)."""

    class Meta:
        model = User
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": 500})}

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"], user=self.instance)


class AvatarForm(forms.Form):
    # A plain FileField: the content is judged by the imaging package, not by the name or type.
    avatar = forms.FileField(
        label=_("Nouvel avatar"),
        help_text=_("Une image JPEG, PNG, WebP ou GIF de 5 Mo au plus ; elle sera recadrée en carré."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    REMOVE = "remove"
    comments = forms.ChoiceField(
        label=_("Vos commentaires"),
        widget=forms.RadioSelect,
        choices=[
            (REMOVE, _("Les supprimer")),
            (KEEP, _("Les laisser en ligne, signés « Compte supprimé »")),
        ],
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression de mon compte est définitive."), required=True
    )
