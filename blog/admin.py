from django.contrib import admin

from blog.models import Category, Post


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "status",
        "published_at",
        "comments_open",
        "approved_comment_count",
        "is_published",
    ]
    list_filter = ["status", "comments_open", "categories"]
    list_select_related = ["author"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["categories"]
    autocomplete_fields = ["author"]
    readonly_fields = ["approved_comment_count"]

    @admin.display(boolean=True, description="visible")
    def is_published(self, post):
        return post.is_published
