from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        # The reader cache (caching/readers.py) drops a user's row whenever it or one of their addresses is
        # saved or deleted. Model signals, not the services: allauth and the admin write these rows too,
        # and a ban or a new password must take effect on the next page whoever wrote it.
        from allauth.account.models import EmailAddress

        post_save.connect(_forget_user, sender=self.get_model("User"), dispatch_uid="accounts.reader.user_saved")
        post_delete.connect(_forget_user, sender=self.get_model("User"), dispatch_uid="accounts.reader.user_deleted")
        post_save.connect(_forget_address, sender=EmailAddress, dispatch_uid="accounts.reader.address_saved")
        post_delete.connect(_forget_address, sender=EmailAddress, dispatch_uid="accounts.reader.address_deleted")


def _forget_user(sender, instance, **kwargs):
    from caching.readers import forget_reader

    forget_reader(instance.pk)


def _forget_address(sender, instance, **kwargs):
    from caching.readers import forget_reader

    forget_reader(instance.user_id)
