"""The moderators' tool: the queue of comments, each comment's page, the block list.

Every decision is one of comments.decisions: the row buttons, the "Décider" panel
(comments.admin_decide) and the bulk actions are made from that list, and take it
through comments.services. The author's sanctions are accounts.sanctions' panel. The
services check permissions themselves; the buttons are POST forms and are only shown
to those who may use them.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import sanctions
from comments import admin_decide, admin_desk, decisions, moderation, selectors
from comments.admin_stats import CountCap, short_duration
from comments.models import BlockedTerm, Comment, HoldReason, ModerationEvent, Report


class StatusFilter(admin.SimpleListFilter):
    """Status filter that opens on the moderation queue (pending) rather than on everything."""

    title = _("statut")
    parameter_name = "statut"
    ALL = "tous"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, _("Tous"))]

    def value(self):
        return super().value() or Comment.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


class HoldReasonFilter(admin.SimpleListFilter):
    """The rules the policy knows, listed without counting; the filter reads the indexed HoldReason rows."""

    title = _("raison de la retenue")
    parameter_name = "raison"

    def lookups(self, request, model_admin):
        return list(moderation.REASON_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in moderation.REASON_LABELS:
            return queryset.filter(Exists(HoldReason.objects.filter(comment=OuterRef("pk"), code=self.value())))
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = _("signalé")
    parameter_name = "signale"

    def lookups(self, request, model_admin):
        return [("oui", _("Signalements ouverts")), ("non", _("Aucun signalement ouvert"))]

    def queryset(self, request, queryset):
        # Exists, not reports__resolved_at__isnull=True: that join also matches comments with no report at all.
        open_report = Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))
        if self.value() == "oui":
            return queryset.filter(open_report)
        if self.value() == "non":
            return queryset.exclude(open_report)
        return queryset


class CommentRecordInline(admin.TabularInline):
    """A read-only record that belongs to the comment: whoever may view the comment reads it."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.view_comment")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ModerationEventInline(CommentRecordInline):
    model = ModerationEvent
    fields = ["created_at", "action", "actor", "reason"]
    readonly_fields = fields


class ReportInline(CommentRecordInline):
    model = Report
    fields = ["reporter_name", "reason", "created_at", "resolved_at"]
    readonly_fields = fields
    verbose_name_plural = _("signalements des lecteurs")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reporter").order_by("-created_at")

    @admin.display(description=_("signalé par"))
    def reporter_name(self, report):
        return report.reporter.display_name


class QueuePaginator(Paginator):
    """Counts exactly up to `CountCap.LIMIT` rows, and beyond that takes PostgreSQL's estimate (no full count)."""

    @cached_property
    def count(self):
        return CountCap.of(self.object_list).approximate


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "author_name",
        "post_title",
        "submitted",
        "status_and_reports",
        "reasons_and_domains",
        "row_buttons",
    ]
    list_display_links = ["excerpt"]
    # "post" lists the posts table; RelatedOnlyFieldListFilter would scan every comment (SELECT DISTINCT post_id).
    list_filter = [StatusFilter, HoldReasonFilter, ReportedFilter, "post"]
    list_select_related = ["author", "post"]
    search_fields = ["body", "author__display_name", "author__email"]
    ordering = ["-created_at"]
    actions = [admin_decide.bulk_action(decision) for decision in decisions.DECISIONS]
    fields = [
        "post",
        "author",
        "created_at",
        "status",
        "reason_badges",
        "domains",
        "rendered_body",
        "body",
        "pending_body",
        "show_unmasked",
        "author_details",
        "moderated_at",
        "moderated_by",
        "decision_preset",
        "decision_reason",
    ]
    readonly_fields = fields
    inlines = [ReportInline, ModerationEventInline]
    show_full_result_count = False
    paginator = QueuePaginator

    class Media:
        css = {"all": ["admin/causerie-admin.css"]}

    # Comments are written by readers and decided by moderators: nobody adds
    # or edits one here, and deleting is a superuser's last resort.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm(decisions.MODERATE_PERMISSION)

    def get_queryset(self, request):
        open_reports = (
            Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(open_report_count=Coalesce(Subquery(open_reports, output_field=IntegerField()), 0))
            .prefetch_related("hold_reasons")
        )

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            return self.list_display
        return [name for name in self.list_display if name != "row_buttons"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "row_buttons": self.has_moderate_permission(request)}
        return super().changelist_view(request, extra_context)

    # Columns and fields ---------------------------------------------------------

    @admin.display(description=_("commentaire"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(120)

    @admin.display(description=_("auteur"), ordering="author__display_name")
    def author_name(self, comment):
        return comment.author.display_name

    @admin.display(description=_("billet"), ordering="post__title")
    def post_title(self, comment):
        return Truncator(comment.post.title).chars(40)

    @admin.display(description=_("envoyé le"), ordering="created_at")
    def submitted(self, comment):
        return date_format(timezone.localtime(comment.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("statut"), ordering="status")
    def status_badge(self, comment):
        return format_html(
            '<span class="comment-status comment-status-{}">{}</span>', comment.status, comment.get_status_display()
        )

    @admin.display(description=_("raisons"))
    def reason_badges(self, comment):
        reasons = comment.hold_reasons.all()  # prefetched; each sentence made in the moderator's language
        if not reasons:
            return "—"
        return format_html(
            '<span class="hold-reasons">{}</span>',
            format_html_join(
                " ",
                '<span class="hold-reason hold-reason-{}">{}</span>',
                ((reason.code, reason.message) for reason in reasons),
            ),
        )

    @admin.display(description=_("domaines des liens"))
    def domains(self, comment):
        if not comment.link_domains:
            return "—"
        return format_html_join(" ", '<span class="link-domain">{}</span>', ((d,) for d in comment.link_domains))

    @admin.display(description=_("signalements"), ordering="open_report_count")
    def open_reports(self, comment):
        count = getattr(comment, "open_report_count", 0)
        if not count:
            return ""
        label = ngettext("%(n)d signalement", "%(n)d signalements", count) % {"n": count}
        return format_html('<span class="open-reports" data-count="{}">{}</span>', count, label)

    @admin.display(description=_("statut"), ordering="status")
    def status_and_reports(self, comment):
        return format_html("{} {}", self.status_badge(comment), self.open_reports(comment))

    @admin.display(description=_("raisons et liens"))
    def reasons_and_domains(self, comment):
        if not comment.link_domains:
            return self.reason_badges(comment)
        return format_html('{}<div class="link-domains">{}</div>', self.reason_badges(comment), self.domains(comment))

    @admin.display(description=_("décider"))
    def row_buttons(self, comment):
        # The buttons belong to the standalone form "decide-form" (templates/admin/comments/comment/change_list.html):
        # a form cannot nest in the changelist's own form.
        url = reverse("admin:comments_comment_decide", args=[comment.pk])
        return format_html(
            '<span class="decide-buttons">{}</span>',
            format_html_join(
                "",
                '<button type="submit" form="decide-form" formaction="{}" name="decision" value="{}"'
                ' class="button decide-{}">{}</button>',
                ((url, decision.name, decision.name, decision.label) for decision in decisions.ON_ROWS),
            ),
        )

    @admin.display(description=_("rendu"))
    def rendered_body(self, comment):
        # body_html is made by markup.render and sanitized by nh3 when the text is saved: it is HTML, not text.
        return format_html('<div class="comment-rendered">{}</div>', mark_safe(comment.body_html))  # noqa: S308

    @admin.display(description=_("auteur, en bref"))
    def author_details(self, comment):
        summary = selectors.author_summary(comment.author)
        author = comment.author
        state = sanctions.sanction_state(author)
        return format_html(
            '<ul class="author-summary"><li>{}</li><li>{}</li><li>{}</li><li>{}</li><li>{}</li>{}{}</ul>',
            author.display_name,
            gettext("compte créé il y a %(age)s") % {"age": short_duration(summary["account_age"])},
            gettext("adresse e-mail vérifiée") if summary["verified"] else gettext("adresse e-mail NON vérifiée"),
            ", ".join(
                (
                    ngettext("%(n)d approuvé", "%(n)d approuvés", summary["approved"]) % {"n": summary["approved"]},
                    ngettext("%(n)d refusé", "%(n)d refusés", summary["rejected"]) % {"n": summary["rejected"]},
                    ngettext("%(n)d indésirable", "%(n)d indésirables", summary["spam"]) % {"n": summary["spam"]},
                )
            ),
            ngettext("%(n)d signalement ouvert", "%(n)d signalements ouverts", summary["open_reports"])
            % {"n": summary["open_reports"]},
            format_html("<li>{}</li>", gettext("auteur de confiance")) if author.trusted else "",
            format_html('<li class="sanction-badge">{}</li>', state) if state else "",
        )

    # The comment's page: the decision and sanction panels -------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        comment = self.get_object(request, unquote(object_id))
        if comment is not None:
            if self.has_moderate_permission(request):
                extra_context["decision_panel"] = admin_decide.panel(request, comment)
            url = reverse("admin:comments_comment_sanction", args=[comment.pk])
            extra_context["sanction_panel"] = sanctions.panel(request, comment.author, url=url)
        return super().change_view(request, object_id, form_url, extra_context)

    # Custom URLs: POST only, permission checked, then a service ------------------

    def get_urls(self):
        return [
            *admin_desk.urls(self),
            path(
                "<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view), name="comments_comment_decide"
            ),
            path(
                "<path:object_id>/sanction/",
                self.admin_site.admin_view(self.sanction_view),
                name="comments_comment_sanction",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def decide_view(self, request, object_id):
        """Take one decision on one comment (the row buttons and the "Décider" panel); back to `next`."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        # The comment alone: the changelist's annotations and prefetch would cost two queries for nothing.
        comment = Comment.objects.filter(pk=unquote(object_id)).first() if str(object_id).isdigit() else None
        if comment is None:
            return self.comment_gone(request)
        return admin_decide.take_posted(request, comment)

    @method_decorator(require_POST)
    def sanction_view(self, request, object_id):
        """Suspend or ban the comment's author (accounts.sanctions); back to the comment's page."""
        if not sanctions.may_sanction(request.user):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self.comment_gone(request)
        back = reverse("admin:comments_comment_change", args=[comment.pk])
        return sanctions.apply_posted(request, comment.author, back=back)

    def comment_gone(self, request):
        """A decision or a sanction posted for a comment deleted since: say so, back to the queue."""
        self.message_user(request, gettext("Ce commentaire n’existe plus."), messages.WARNING)
        return redirect("admin:comments_comment_changelist")


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    """The block list: a word or a link domain that holds any comment containing it. Kept by moderators."""

    list_display = ["kind", "value", "created_at"]
    list_display_links = ["value"]
    list_filter = ["kind"]
    search_fields = ["value"]
    ordering = ["kind", "value"]
    fields = ["kind", "value"]
