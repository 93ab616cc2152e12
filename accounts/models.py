from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Users are identified by their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def deleted_account(self):
        """The one inactive account that keeps the comments of deleted accounts, anonymised."""
        user, created = self.get_or_create(
            email=DELETED_ACCOUNT_EMAIL,
            defaults={"display_name": "Compte supprimé", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def public(self):
        """Accounts whose profile page anyone may see."""
        return self.filter(is_active=True).exclude(email=DELETED_ACCOUNT_EMAIL)


DELETED_ACCOUNT_EMAIL = "compte-supprime@causerie.invalid"
AVATAR_SIZES = (48, 96, 192)


class User(AbstractUser):
    """A reader, author or moderator. The e-mail is the login and is never shown publicly."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(
        _("nom affiché"),
        max_length=50,
        help_text=_("Le nom public sous lequel paraissent vos commentaires."),
    )
    language = models.CharField(
        _("langue des e-mails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    trusted = models.BooleanField(
        _("auteur de confiance"),
        default=False,
        help_text=_("Ses commentaires sont publiés sans attente (mode « confiance »), sauf si une règle les retient."),
    )
    banned_at = models.DateTimeField(
        _("banni le"), null=True, blank=True, help_text=_("Un compte banni ne peut plus commenter.")
    )
    suspended_until = models.DateTimeField(
        _("suspendu jusqu’au"), null=True, blank=True, help_text=_("Pas de commentaire avant cette date.")
    )
    sanction_reason = models.CharField(_("motif de la sanction"), max_length=300, blank=True)
    notify_post_comments = models.BooleanField(
        _("me prévenir des commentaires approuvés sur mes billets"), default=True
    )

    display_name_key = models.CharField(
        _("forme de comparaison du nom"),
        max_length=100,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("Le nom sans casse, accents ni lettres trompeuses : deux comptes ne peuvent partager la même."),
    )
    bio = models.TextField(
        _("présentation"),
        max_length=500,
        blank=True,
        help_text=_("Quelques mots sur vous, visibles sur votre profil (500 caractères au plus, texte simple)."),
    )
    avatar = models.CharField(
        _("avatar"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Préfixe des fichiers de l’avatar (avatars/<uuid>), un nouveau à chaque envoi."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        permissions = [("sanction_user", _("Peut suspendre ou bannir un utilisateur"))]

    def __str__(self):
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        from accounts.names import skeleton

        self.display_name_key = skeleton(self.display_name)[:100]
        if kwargs.get("update_fields") is not None and "display_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "display_name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"pk": self.pk})

    @property
    def is_deleted_account(self) -> bool:
        return self.email == DELETED_ACCOUNT_EMAIL

    @property
    def public_name(self) -> str:
        """The name readers see: the display name, or « Compte supprimé » in the reader's language."""
        return str(_("Compte supprimé")) if self.is_deleted_account else self.display_name

    def avatar_name(self, size: int) -> str:
        """The stored file of the avatar at `size` pixels ("" without an avatar)."""
        return f"{self.avatar}-{size}.webp" if self.avatar else ""

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    def is_suspended(self, now=None) -> bool:
        return self.suspended_until is not None and self.suspended_until > (now or timezone.now())

    def has_verified_email(self) -> bool:
        """True once the user confirmed their primary address through the link we sent.

        `verified_email` is what the reader cache knew of it (caching/readers.py, set on GET and HEAD by
        accounts.middleware.AuthenticationMiddleware): dropped whenever an address of theirs changes.
        """
        known = getattr(self, "verified_email", None)
        if known is not None:
            return known
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, email__iexact=self.email, verified=True).exists()


class ModeratorNote(models.Model):
    """A moderator's short note on a reader (« a déjà posté des liens d’affiliation »), shown to moderators.

    Written through `accounts.services.moderator_note_add`; part of the reader's data export.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_notes", verbose_name=_("lecteur")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("écrite par")
    )
    body = models.CharField(_("note"), max_length=300)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("note de modération")
        verbose_name_plural = _("notes de modération")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_note_user_idx")]

    def __str__(self):
        return self.body
