"""Writing in the admin: Markdown with a preview, a cover image, scheduled publication.

- « Prévisualiser » posts the form as it stands (title and text, unsaved) to `preview_view`,
  which shows it in the site's look in a new tab; nothing is saved.
- « Voir le brouillon » opens a saved draft or scheduled post in the site's look, for staff
  who may see posts (anyone else gets a 404, as for an unknown post).
- The cover goes through `blog.services.post_set_cover`: the upload is checked by `imaging`
  in the form (a clear message, never a 500), then stripped and made into renditions.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

import imaging
from blog import images, services
from blog.models import Category, Post, Tag

MARKDOWN_HELP = _(
    "En Markdown : **gras**, *italique*, [texte du lien](https://adresse), "
    "« ## Intertitre », « > citation », « - élément de liste », `code`. "
    "Une ligne vide sépare deux paragraphes. Le HTML saisi est affiché tel quel, jamais interprété. "
    "La typographie française (espaces fines avant ; : ! ?, apostrophes ’) est ajoutée à l’affichage."
)


def publication_state(post: Post) -> tuple[str, str]:
    """("draft" | "scheduled" | "published", words for an editor)."""
    if post.status != Post.Status.PUBLISHED:
        return "draft", _("Brouillon")
    if not post.is_published:
        when = date_format(timezone.localtime(post.published_at), "DATETIME_FORMAT")
        return "scheduled", _("Programmé pour le %(date)s") % {"date": when}
    return "published", _("Publié")


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("draft", _("Brouillon")), ("scheduled", _("Programmé")), ("published", _("Publié"))]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.exclude(status=Post.Status.PUBLISHED)
        if self.value() == "scheduled":
            # Published status, date still to come: what `PostQuerySet.published()` leaves out.
            return queryset.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
        if self.value() == "published":
            return queryset.published()
        return queryset


class PostAdminForm(forms.ModelForm):
    cover_file = forms.FileField(
        label=_("image de couverture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "JPEG, PNG ou WebP, 10 Mo et 40 millions de pixels au plus. Réduite en plusieurs largeurs "
            "(WebP et JPEG) à l’enregistrement ; ses métadonnées (lieu, appareil) sont retirées."
        ),
    )
    cover_remove = forms.BooleanField(label=_("retirer l’image de couverture"), required=False)

    class Meta:
        model = Post
        # Not "cover": the upload goes through cover_file and the service, never straight to the storage.
        fields = [
            "title",
            "slug",
            "author",
            "body",
            "status",
            "published_at",
            "comments_open",
            "cover_alt",
            "categories",
            "tags",
        ]
        help_texts = {"body": MARKDOWN_HELP}
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "class": "markdown-body"})}

    def clean_cover_file(self):
        upload = self.cleaned_data.get("cover_file")
        if upload:
            try:
                images.load_cover(upload)
            except imaging.ImageRejected as rejected:
                raise forms.ValidationError(rejected.message, code=rejected.code) from rejected
            upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        keeps_cover = bool(self.instance.cover) and not cleaned.get("cover_remove")
        if (cleaned.get("cover_file") or keeps_cover) and not (cleaned.get("cover_alt") or "").strip():
            self.add_error(
                "cover_alt",
                forms.ValidationError(
                    _("Une image de couverture demande son texte alternatif : décrivez ce qu’elle montre."),
                    code="cover_alt",
                ),
            )
        if self._errors and cleaned.get("cover_file"):
            # A browser does not keep a chosen file once the page comes back with an error.
            self.add_error(
                "cover_file",
                forms.ValidationError(
                    _("L’image n’a pas été enregistrée : choisissez-la à nouveau après avoir corrigé le formulaire."),
                    code="cover_not_kept",
                ),
            )
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = [
        "title",
        "author",
        "state",
        "published_at",
        "reading_minutes",
        "comments_open",
        "approved_comment_count",
    ]
    list_filter = [PublicationStateFilter, "kind", "comments_open", "categories"]
    list_select_related = ["author"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["categories", "tags"]
    autocomplete_fields = ["author"]
    # Set by an import (transfer/): a page, an HTML body; a post written here is Markdown.
    readonly_fields = ["cover_preview", "reading_minutes", "approved_comment_count", "kind", "body_format"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "body"]}),
        (
            _("Publication"),
            {
                "fields": ["status", "published_at", "comments_open"],
                "description": _(
                    "Un billet publié dont la date est à venir est programmé : il paraît seul à cette date."
                ),
            },
        ),
        (_("Image de couverture"), {"fields": ["cover_preview", "cover_file", "cover_alt", "cover_remove"]}),
        (_("Classement"), {"fields": ["categories", "tags"]}),
        (
            _("Lecture et commentaires"),
            {"fields": ["kind", "body_format", "reading_minutes", "approved_comment_count"]},
        ),
    ]

    class Media:
        css = {"all": ["admin/blog-admin.css"]}

    @admin.display(description=_("état"), ordering="published_at")
    def state(self, post):
        key, words = publication_state(post)
        return format_html('<span class="post-state post-state-{}">{}</span>', key, words)

    @admin.display(description=_("image actuelle"))
    def cover_preview(self, post):
        url = images.cover_url(post, 480) if post and post.pk else ""
        if not url:
            return _("Aucune")
        return format_html('<img class="cover-thumbnail" src="{}" alt="{}">', url, post.cover_alt)

    def view_on_site(self, post):
        """« Voir sur le site » only where readers can see it; a draft has « Voir le brouillon »."""
        return post.get_absolute_url() if post.is_published else None

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("cover_file")
        if not upload and form.cleaned_data.get("cover_remove") and obj.cover:
            services.post_remove_cover(post=obj, by=request.user)  # saves the rest of the form with it
            return
        super().save_model(request, obj, form, change)
        if upload:
            services.post_set_cover(post=obj, upload=upload, alt=obj.cover_alt, by=request.user)

    def delete_model(self, request, obj):
        services.post_delete(post=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            services.post_delete(post=post, by=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        post = self.get_object(request, object_id)
        if post is not None:
            extra_context["preview_url"] = reverse("admin:blog_post_preview_saved", args=[post.pk])
            if not post.is_published:
                extra_context["draft_url"] = reverse("admin:blog_post_draft", args=[post.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {"preview_url": reverse("admin:blog_post_preview"), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def get_urls(self):
        admin_view = self.admin_site.admin_view
        return [
            path("preview/", admin_view(self.preview_view), name="blog_post_preview"),
            path("<int:object_id>/preview/", admin_view(self.preview_view), name="blog_post_preview_saved"),
            path("<int:object_id>/draft/", never_cache(self.draft_view), name="blog_post_draft"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id=None):
        """The form as it stands, shown as readers would see it; POST only (CSRF-checked), nothing saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        original = None
        if object_id is not None:
            original = get_object_or_404(Post, pk=object_id)
            if not self.has_change_permission(request, original):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        post = services.post_preview(
            title=request.POST.get("title", ""), body=request.POST.get("body", ""), by=request.user
        )
        if original is not None:
            post.pk, post.author = original.pk, original.author
            post.cover, post.cover_alt, post.cover_renditions = (
                original.cover,
                original.cover_alt,
                original.cover_renditions,
            )
        post.published_at = timezone.now()
        return self._render_as_reader(request, post, preview=True)

    def draft_view(self, request, object_id):
        """A saved draft or scheduled post in the site's look: staff who may view posts only, 404 for anyone else."""
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_or_change_permission(request)):
            raise Http404
        post = get_object_or_404(Post.objects.select_related("author"), pk=object_id)
        return self._render_as_reader(request, post, preview=False)

    def _render_as_reader(self, request, post, *, preview):
        key, state = publication_state(post)
        response = TemplateResponse(
            request,
            "blog/post_preview.html",
            {
                "post": post,
                "preview": preview,
                "state": state,
                "state_key": key,
                "change_url": reverse("admin:blog_post_change", args=[post.pk]) if post.pk else "",
            },
        )
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
