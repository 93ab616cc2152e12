from allauth.account.views import signup_by_passkey
from django.urls import path

from accounts import views
from accounts.passkey_signup import PasskeySignupView

app_name = "accounts"

# Sign-up with a passkey: allauth's own views, under the names its templates reverse (its URLs only
# route them with MFA_PASSKEY_SIGNUP_ENABLED; see config/settings.py and accounts/adapter.py), the
# passkey's page marking the login that made it (accounts/passkey_signup.py).
allauth_urlpatterns = [
    path("signup/passkey/", signup_by_passkey, name="account_signup_by_passkey"),
    path("2fa/webauthn/signup/", PasskeySignupView.as_view(), name="mfa_signup_webauthn"),
]

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("profil/", views.profile_edit, name="profile_edit"),
    path("profil/<int:pk>/", views.profile, name="profile"),
    path("profil/avatar/", views.avatar_upload, name="avatar_upload"),
    path("profil/avatar/retirer/", views.avatar_remove, name="avatar_remove"),
    path("avatar/<int:hue>/<str:initials>.svg", views.default_avatar, name="default_avatar"),
    path("confidentialite/", views.privacy_policy, name="privacy"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/telecharger/", views.data_export, name="data_export"),
    path("mes-donnees/supprimer-mon-compte/", views.account_delete, name="delete"),
]
