from django import forms
from django.utils.translation import gettext_lazy as _


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
        user.save(update_fields=["display_name"])
