from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = _("Import et export")

    def ready(self):
        from transfer import claims, privacy

        claims.connect()  # a verified e-mail takes back its imported comments (allauth's email_confirmed)
        privacy.register()  # imported e-mail addresses in « Mes données » and the erasure
