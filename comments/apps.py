from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        from comments import privacy

        privacy.register()  # the comments' part of « Mes données » (accounts.privacy)
