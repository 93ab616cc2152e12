from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from markup.render import render_comment


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def visible_to(self, user):
        """Approved comments, plus the reader's own comments still waiting for a moderator."""
        if user is None or not user.is_authenticated:
            return self.approved()
        return self.filter(Q(status=Comment.Status.APPROVED) | Q(status=Comment.Status.PENDING, author=user))


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Refusé")
        SPAM = "spam", _("Indésirable")

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="comments", verbose_name=_("billet"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments", verbose_name=_("auteur")
    )
    body = models.TextField(_("texte"), help_text=_("Tel que saisi par son auteur."))
    body_html = models.TextField(_("texte mis en forme"), editable=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modéré par"),
    )
    # Set by the comment form when it is displayed: the same form sent twice
    # (double click, reload after POST) stores one comment.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at"]
        permissions = [("moderate_comment", _("Peut modérer les commentaires"))]
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="comments_post_status_idx"),
            models.Index(fields=["status", "-created_at"], name="comments_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "submission_key"], name="comments_unique_submission"),
        ]

    def __str__(self):
        return f"{self.author} — {self.post}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment(self.body)
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class ModerationEvent(models.Model):
    """One line of a comment's history: who did what, when and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Envoyé")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Refusé")
        SPAM = "spam", _("Marqué indésirable")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events", verbose_name=_("commentaire"))
    action = models.CharField(_("action"), max_length=12, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("par")
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement de modération")
        verbose_name_plural = _("historique de modération")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.created_at:%Y-%m-%d %H:%M}"
