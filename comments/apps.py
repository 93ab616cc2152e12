from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        from comments import privacy

        privacy.register()  # the comments' part of « Mes données » (accounts.privacy)

        from blog.models import READER_COLUMNS
        from comments.selectors import own_rows_exist_sql

        # The post page's lookup says whether a logged-in reader has rows of their own on the post: when not
        # (the usual case), the comment section does not ask (comments/templatetags/comments.py `_own_rows`).
        READER_COLUMNS["reader_has_own_rows"] = own_rows_exist_sql
