from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import services
from comments.models import Comment, ModerationEvent


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


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "reason"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        # The history belongs to the comment: whoever may view the comment reads it.
        return request.user.has_perm("comments.view_comment")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author_name", "post_title", "created_at", "status_badge"]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, "post"]
    list_select_related = ["author", "post"]
    search_fields = ["body", "author__display_name", "author__email"]
    ordering = ["-created_at"]
    actions = ["approve", "reject", "mark_spam"]
    fields = ["post", "author", "created_at", "status", "rendered_body", "body", "moderated_at", "moderated_by"]
    readonly_fields = fields
    inlines = [ModerationEventInline]
    show_full_result_count = False

    # Comments are written by readers and decided by moderators: nobody adds
    # or edits one here, and deleting is a superuser's last resort.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm(services.MODERATE_PERMISSION)

    @admin.display(description=_("commentaire"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(120)

    @admin.display(description=_("auteur"), ordering="author__display_name")
    def author_name(self, comment):
        return comment.author.display_name

    @admin.display(description=_("billet"), ordering="post__title")
    def post_title(self, comment):
        return Truncator(comment.post.title).chars(40)

    @admin.display(description=_("statut"), ordering="status")
    def status_badge(self, comment):
        return format_html(
            '<span class="comment-status comment-status-{}">{}</span>', comment.status, comment.get_status_display()
        )

    @admin.display(description=_("rendu"))
    def rendered_body(self, comment):
        return format_html('<div class="comment-rendered">{}</div>', comment.body_html)

    def _decide(self, request, queryset, service, done_message):
        done = 0
        try:
            for comment in queryset.select_related("post"):
                service(comment=comment, moderator=request.user)
                done += 1
        except PermissionDenied as denied:
            self.message_user(request, str(denied), messages.ERROR)
            return
        self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Approuver les commentaires sélectionnés"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.comment_approve,
            lambda n: ngettext("%d commentaire approuvé.", "%d commentaires approuvés.", n) % n,
        )

    @admin.action(description=_("Refuser les commentaires sélectionnés"), permissions=["moderate"])
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.comment_reject,
            lambda n: ngettext("%d commentaire refusé.", "%d commentaires refusés.", n) % n,
        )

    @admin.action(description=_("Marquer comme indésirables"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.comment_mark_spam,
            lambda n: ngettext("%d commentaire marqué indésirable.", "%d commentaires marqués indésirables.", n) % n,
        )
