from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

DEMO_EMAIL = "moderateur@causerie.localhost"
MODERATORS_GROUP = "Modérateurs"


class Command(BaseCommand):
    help = "Development only: create (or reset) the demo moderator and print its credentials."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("create_demo_moderator only runs with DJANGO_DEBUG=1: never in production.")
        password = get_random_string(16)
        user, created = get_user_model().objects.get_or_create(
            email=DEMO_EMAIL, defaults={"display_name": "Modération", "is_staff": True}
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
        EmailAddress.objects.update_or_create(user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True})
        verb = "created" if created else "reset"
        self.stdout.write(self.style.SUCCESS(f"Demo moderator {verb} (development only):"))
        self.stdout.write(f"  admin:    http://localhost:8000/admin/\n  e-mail:   {DEMO_EMAIL}\n  password: {password}")
