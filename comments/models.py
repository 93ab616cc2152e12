from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from comments.moderation import Reason, RefusalPreset
from markup.render import CommentText, read_comment
from markup.sanitize import without_links


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def approved_count_per_post(self):
        """A subquery: the number of approved, not removed, comments of the outer post (OuterRef "pk")."""
        return Coalesce(
            Subquery(
                self.approved()
                .filter(post=OuterRef("pk"), removed_at__isnull=True)
                .order_by()
                .values("post")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    def awaiting_decision(self):
        """The moderation queue: pending comments, and published ones whose edit waits."""
        return self.filter(
            Q(status=Comment.Status.PENDING) | (Q(status=Comment.Status.APPROVED) & ~Q(pending_body="")),
            removed_at__isnull=True,
        )

    def own_rows_on(self, post, user):
        """The reader's pending comments on `post` and the comments of it they reported, by date: one query.

        A UNION ALL, not an OR: each half reads its own index (the post's comments by status and
        author; the reader's reports). Written in SQL as it runs on every page a logged-in reader
        opens: the ORM took 2–5 ms to compile its two halves of every column, the query itself
        0.2 ms. Tell the halves apart by `author_id`.
        """
        comments, reports = self.model._meta.db_table, Report._meta.db_table
        return self.raw(
            f"SELECT * FROM {comments} WHERE post_id = %s AND status = %s AND author_id = %s "  # noqa: S608 — table names from the models
            f"UNION ALL SELECT {comments}.* FROM {comments} JOIN {reports} ON {reports}.comment_id = {comments}.id "
            f"WHERE {reports}.reporter_id = %s AND {comments}.post_id = %s ORDER BY created_at",
            [post.pk, Comment.Status.PENDING, user.pk, user.pk, post.pk],
        )

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
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("en réponse à"),
    )
    depth = models.PositiveSmallIntegerField(_("profondeur"), default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments", verbose_name=_("auteur")
    )
    body = models.TextField(_("texte"), help_text=_("Tel que saisi par son auteur."))
    body_html = models.TextField(_("texte mis en forme"), editable=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PENDING)
    link_domains = models.JSONField(_("domaines des liens"), default=list, blank=True, editable=False)
    pending_body = models.TextField(
        _("modification en attente"),
        blank=True,
        help_text=_("Nouveau texte d’un commentaire approuvé, en attente ; l’ancien reste affiché."),
    )
    show_unmasked = models.BooleanField(
        _("données personnelles affichées"),
        default=False,
        help_text=_("Par défaut, IBAN, cartes, téléphones et e-mails sont masqués pour les lecteurs."),
    )
    notify_replies = models.BooleanField(_("prévenir des réponses"), default=False)
    decision_preset = models.CharField(
        _("motif type"),
        max_length=20,
        blank=True,
        choices=RefusalPreset,
        help_text=_("Choisi dans la liste du modérateur ; montré à l’auteur dans sa langue."),
    )
    decision_reason = models.CharField(
        _("motif de la décision"), max_length=300, blank=True, help_text=_("Les mots du modérateur, tels qu’écrits.")
    )
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    queued_at = models.DateTimeField(
        _("en file depuis"),
        default=timezone.now,
        help_text=_("Entré (ou revenu) dans la file : envoi, modification, signalements ; importé : ce jour-là."),
    )
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    removed_at = models.DateTimeField(_("supprimé par son auteur le"), null=True, blank=True)
    featured_at = models.DateTimeField(
        _("choix de la rédaction depuis"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Montré en tête du fil, sous « Choix de la rédaction », tant qu’il est publié."),
    )
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
            # The admin queue: a status, newest first; the id breaks ties as the changelist's ORDER BY does.
            models.Index(fields=["status", "-created_at", "-id"], name="comments_queue_idx"),
            # « Mes commentaires » (an author's comments, newest first) and the author's record.
            models.Index(fields=["author", "-created_at"], name="comments_author_recent_idx"),
            # The moderators' desk: a tab's cards, oldest in the queue first, and the oldest-pending figure.
            models.Index(fields=["status", "queued_at", "id"], name="comments_desk_idx"),
            # Queue health on the admin index: decisions of the last 30 days.
            models.Index(fields=["moderated_at"], name="comments_moderated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "submission_key"], name="comments_unique_submission"),
        ]

    def __str__(self):
        return f"{self.author} — {self.post}"

    # Not stored: True on the comment `comment_submit` returns when the submission had already stored it.
    resent = False

    # The (body, show_unmasked) that body_html and link_domains were made from: save() makes them again
    # only when either changed.
    _read_from: tuple | None = None

    def save(self, *args, **kwargs):
        if self._read_from != (self.body, self.show_unmasked):
            self.use_text(read_comment(self.body, mask=not self.show_unmasked))
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        comment = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        loaded = comment.__dict__
        if "body" in loaded and "show_unmasked" in loaded:
            comment._read_from = (loaded["body"], loaded["show_unmasked"])
        return comment

    def use_text(self, text: CommentText) -> None:
        """Take body_html and link_domains from `text`, the reading of `body` (`read_comment`, masked unless
        show_unmasked): the services read a new text once, for the policy and for this."""
        self.body_html = text.html
        self.link_domains = text.link_domains
        self._read_from = (self.body, not text.masked)

    @property
    def refusal_reason(self) -> str:
        """What the author reads: the preset in the reader's language, then the moderator's words as written."""
        preset = self.get_decision_preset_display() if self.decision_preset else ""
        return " — ".join(part for part in (str(preset), self.decision_reason) if part)

    @property
    def is_unpublished_to_author(self) -> bool:
        """Filed as spam: its author reads « Non publié » and nothing that tells a spammer they were caught."""
        return self.status == self.Status.SPAM

    def html_for_author(self) -> str:
        """The text as « Mes commentaires » shows it to its author: a spam's links are not clickable there."""
        return without_links(self.body_html) if self.is_unpublished_to_author else self.body_html

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    # What a moderator saw of a comment when deciding (the desk's cards send it back: `expected` in the services).
    DECISION_STATES = {
        "pending": _("en attente"),
        "edit": _("modification en attente"),
        "approved": _("approuvé"),
        "rejected": _("refusé"),
        "spam": _("indésirable"),
        "removed": _("supprimé par son auteur"),
    }

    @property
    def decision_state(self) -> str:
        """One of DECISION_STATES: the status, told apart when an edit waits or the author removed the comment."""
        if self.is_removed:
            return "removed"
        if self.is_approved and self.pending_body:
            return "edit"
        return self.status

    def get_decision_state_display(self) -> str:
        return str(self.DECISION_STATES[self.decision_state])

    @property
    def awaits_decision(self) -> bool:
        """Mirror of CommentQuerySet.awaiting_decision()."""
        return not self.is_removed and (self.is_pending or (self.is_approved and bool(self.pending_body)))


class HoldReason(models.Model):
    """Why a comment waits (or was published at once): one rule of the policy, its code and its parameters.

    The one store of a comment's reasons, one row each, in the policy's order. Rows rather than a JSON
    list on the comment: the admin queue filters on a code at a million comments, and an EXISTS on the
    (code, comment) index does it alike on SQLite and PostgreSQL (a JSON list would need PostgreSQL's
    GIN index and `@>`, and search text elsewhere); the rows of a page of comments come in one
    prefetch query. The sentence is not stored: `message` makes it from the code and the parameters
    in the reader's language (`comments.moderation.MESSAGES`). Written by the services only
    (`comments.services._set_hold_reasons`).
    """

    # No index of its own on `comment`: the unique constraint's (comment, position) serves the cascade and prefetch.
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="hold_reasons",
        db_index=False,
        verbose_name=_("commentaire"),
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    code = models.CharField(_("code"), max_length=20)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)

    class Meta:
        verbose_name = _("raison de la retenue")
        verbose_name_plural = _("raisons de la retenue")
        ordering = ["position"]
        indexes = [models.Index(fields=["code", "comment"], name="comments_holdreason_code_idx")]
        constraints = [
            models.UniqueConstraint(fields=["comment", "position"], name="comments_holdreason_position_unique")
        ]

    def __str__(self):
        return self.message

    @property
    def reason(self) -> Reason:
        return Reason(self.code, self.params if isinstance(self.params, dict) else {})

    @property
    def message(self) -> str:
        """The sentence, in the active language."""
        return self.reason.message


class ModerationEvent(models.Model):
    """One line of a comment's history: who did what, when and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Envoyé")
        EDITED = "edited", _("Modifié par son auteur")
        REPORTED = "reported", _("Signalé")
        REQUEUED = "requeued", _("Remis en file après signalements")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Refusé")
        SPAM = "spam", _("Marqué indésirable")
        REMOVED = "removed", _("Supprimé par son auteur")
        REVERTED = "reverted", _("Décision annulée")
        FEATURED = "featured", _("Choisi par la rédaction")
        UNFEATURED = "unfeatured", _("Retiré des choix de la rédaction")

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
        # The site's time, as every time a person reads (the admin shows this beside `created_at`).
        when = date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        return f"{self.get_action_display()} — {when}"


class Report(models.Model):
    """A reader's report that a published comment breaks the rules."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("commentaire")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("signalé par")
    )
    reason = models.CharField(_("raison"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="comments_one_report_per_reader")]

    def __str__(self):
        return f"{self.reporter} → {self.comment_id}"


class BlockedTerm(models.Model):
    """A word, or a link domain, that holds any comment containing it."""

    class Kind(models.TextChoices):
        WORD = "word", _("mot")
        DOMAIN = "domain", _("domaine")

    kind = models.CharField(_("type"), max_length=6, choices=Kind, default=Kind.WORD)
    value = models.CharField(
        _("valeur"),
        max_length=200,
        help_text=_(
            "Un mot (sans tenir compte des majuscules ni des accents) ou un domaine (exemple.com et ses sous-domaines)."
        ),
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("terme bloqué")
        verbose_name_plural = _("termes bloqués")
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="comments_blockedterm_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class KnownDomain(models.Model):
    """A link domain seen in an approved comment: links to it no longer hold a comment."""

    domain = models.CharField(_("domaine"), max_length=253, unique=True)
    first_approved_at = models.DateTimeField(_("premier lien approuvé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("domaine connu")
        verbose_name_plural = _("domaines connus")

    def __str__(self):
        return self.domain


class UsedModerationLink(models.Model):
    """A signed moderation link that has been used: each link acts once."""

    token_id = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.token_id
