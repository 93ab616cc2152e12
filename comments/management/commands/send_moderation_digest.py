from django.conf import settings
from django.core.management.base import BaseCommand

from comments.tasks import send_moderation_digest


class Command(BaseCommand):
    help = (
        "E-mail each moderator the comments waiting for a decision, with one-click links; nothing when none wait. "
        'Run it daily from cron when COMMENTS_MODERATOR_NOTIFICATIONS is "digest".'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help='Send even when COMMENTS_MODERATOR_NOTIFICATIONS is not "digest".',
        )

    def handle(self, *args, force=False, **options):
        mode = settings.COMMENTS_MODERATOR_NOTIFICATIONS
        if mode != "digest" and not force:
            # Moderators already get one e-mail per comment ("each"), or asked for none ("off").
            self.stdout.write(
                f'COMMENTS_MODERATOR_NOTIFICATIONS is "{mode}", not "digest": nothing sent (use --force).'
            )
            return
        # Sent from this process, not queued: cron is already off the request path.
        sent = send_moderation_digest.call()
        self.stdout.write(self.style.SUCCESS(f"Moderation digest: {sent} e-mail(s) sent."))
