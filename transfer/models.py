"""What an import remembers: where each object came from, the old addresses, the imported commenters.

Every imported object has a `Source` row (format, site, id in the source): importing the same file
again finds it, and its `fingerprint` (of the source's fields) and `stamp` (the object's `updated_at`
after the import) tell « unchanged », « changed there » and « edited here since ». An old address is
a `Redirect` row, editable in the admin. A commenter of the old blog is an `ImportedCommenter`: an
inactive account that cannot log in and carries their comments, until someone verifies the same
e-mail (transfer/claims.py) and takes them back. An import started from the admin is an `ImportRun`:
its uploaded file (private storage, never served), who, when, its stage and status, its reports.
"""

import os
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("billet ou page")
        COMMENT = "comment", _("commentaire")
        CATEGORY = "category", _("catégorie")
        TAG = "tag", _("mot-clé")

    format = models.CharField(_("format"), max_length=10)
    site = models.CharField(_("site d’origine"), max_length=200, help_text=_("L’adresse du blog exporté."))
    kind = models.CharField(_("type"), max_length=8, choices=Kind)
    source_id = models.CharField(_("identifiant d’origine"), max_length=200)
    object_id = models.PositiveBigIntegerField(_("objet"))
    fingerprint = models.CharField(_("empreinte"), max_length=64, blank=True)
    stamp = models.DateTimeField(_("modifié le (après import)"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)

    class Meta:
        verbose_name = _("origine importée")
        verbose_name_plural = _("origines importées")
        constraints = [
            models.UniqueConstraint(fields=["format", "site", "kind", "source_id"], name="transfer_source_unique")
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="transfer_source_object_idx")]

    def __str__(self):
        return f"{self.format}:{self.site}:{self.kind}:{self.source_id}"


class Redirect(models.Model):
    """An address of the old blog answered with a 301 to its post, page, comment or feed."""

    old_path = models.CharField(
        _("ancienne adresse"),
        max_length=500,
        unique=True,
        help_text=_("Chemin et requête, sans le domaine : /?p=12, /2010/10/mon-billet/, /feed/."),
    )
    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("billet")
    )
    fragment = models.CharField(_("ancre"), max_length=50, blank=True, help_text=_("Par exemple comment-12."))
    target_url = models.CharField(
        _("adresse cible"),
        max_length=500,
        blank=True,
        help_text=_("Sans billet : le chemin vers lequel rediriger (un flux, par exemple)."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("redirection")
        verbose_name_plural = _("redirections")
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False) | ~models.Q(target_url=""),
                name="transfer_redirect_has_target",
                violation_error_message=_("Une redirection mène à un billet ou à une adresse."),
            )
        ]

    def __str__(self):
        return self.old_path

    def location(self) -> str:
        base = self.post.get_absolute_url() if self.post_id else self.target_url
        return f"{base}#{self.fragment}" if self.fragment else base


class ImportedCommenter(models.Model):
    """A commenter of the old blog: an account that cannot log in, holding their imported comments.

    With a real e-mail (`email` set) the history is claimable: whoever verifies that address gets the
    comments moved to their account. Without one, only the display name is kept. The e-mail is
    personal data: never shown, exported and erased through accounts.privacy.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_commenter", verbose_name=_("compte")
    )
    key = models.CharField(_("clé"), max_length=254, help_text=_("L’e-mail en minuscules, ou « name: » et le nom."))
    email = models.EmailField(_("adresse e-mail d’origine"), max_length=254, blank=True, db_index=True)
    name = models.CharField(_("nom d’origine"), max_length=200)
    format = models.CharField(_("format"), max_length=10)
    site = models.CharField(_("site d’origine"), max_length=200)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repris par"),
    )
    claimed_at = models.DateTimeField(_("repris le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commentateur importé")
        verbose_name_plural = _("commentateurs importés")
        constraints = [models.UniqueConstraint(fields=["format", "site", "key"], name="transfer_commenter_unique")]

    def __str__(self):
        return self.name

    @property
    def claimable(self) -> bool:
        return bool(self.email) and self.claimed_at is None


@deconstructible
class PrivateImportStorage(FileSystemStorage):
    """Uploaded exports, under TRANSFER_IMPORT_ROOT (read when used, so tests may move it): never served.

    They hold every commenter's e-mail address: readable by the site's own user only.
    """

    def __init__(self):
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return str(settings.TRANSFER_IMPORT_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("An uploaded export is never served.")


def _upload_name(run, filename: str) -> str:
    """A name of our own (the uploader's stays in `original_name`), with a known extension."""
    suffix = PurePosixPath(filename.lower()).suffix
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix if suffix in UPLOAD_SUFFIXES else '.bin'}"


UPLOAD_SUFFIXES = (".xml", ".zip", ".atom", ".json")


class ImportRun(models.Model):
    """A blog import started from the admin: the file, who, when, its stage and status, its reports.

    First an essay (`preview`: the import done and rolled back, the same report as `--dry-run`), then,
    once a superuser confirms it, the import itself; each stage runs in the task worker
    (transfer/tasks.py). The uploaded file stays in private storage until the run is deleted.
    """

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("essai")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échoué")

    file = models.FileField(_("fichier"), storage=PrivateImportStorage(), upload_to=_upload_name, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    format = models.CharField(_("format demandé"), max_length=10, default="auto")
    author_email = models.EmailField(_("billets attribués à"), blank=True)
    language = models.CharField(_("langue du rapport"), max_length=10, default="fr")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("envoyé par")
    )
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmé par"),
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    stage = models.CharField(_("étape"), max_length=8, choices=Stage, default=Stage.PREVIEW)
    status = models.CharField(_("état"), max_length=8, choices=Status, default=Status.QUEUED)
    started_at = models.DateTimeField(_("étape commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("étape finie le"), null=True, blank=True)
    entries_done = models.PositiveIntegerField(_("billets et pages lus"), default=0)
    comments_done = models.PositiveIntegerField(_("commentaires lus"), default=0)
    preview = models.JSONField(_("rapport de l’essai"), null=True, blank=True)
    report = models.JSONField(_("rapport de l’import"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("import de blog")
        verbose_name_plural = _("imports de blog")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage"],
                condition=models.Q(stage="import", status__in=["queued", "running"]),
                name="transfer_one_import_at_a_time",
                violation_error_message=_("Un import est déjà en cours."),
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_active(self) -> bool:
        """Queued or running: the page follows it."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def awaits_confirmation(self) -> bool:
        return self.stage == self.Stage.PREVIEW and self.status == self.Status.DONE and bool(self.file)

    @property
    def latest_report(self) -> dict | None:
        return self.report if self.stage == self.Stage.IMPORT else self.preview
