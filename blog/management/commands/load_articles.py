from django.core.management import call_command
from django.core.management.base import BaseCommand

from blog.models import Post


class Command(BaseCommand):
    help = "Load fixtures/articles.json into an empty blog; leave a blog that has posts untouched."

    def handle(self, *args, **options):
        if Post.objects.exists():
            self.stdout.write("The blog already has posts: seed articles not loaded again.")
            return
        call_command("loaddata", "articles", verbosity=options["verbosity"])
