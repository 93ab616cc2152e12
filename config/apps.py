from django.apps import AppConfig
from django.core import checks


class ProjectConfig(AppConfig):
    """The project itself as an app, so that its system checks are registered at start-up."""

    name = "config"
    verbose_name = "Causerie"

    def ready(self):
        from config.checks import check_content_security_policy

        checks.register(check_content_security_policy, checks.Tags.security)
