"""python manage.py export_blog [--format wxr|json] [-o FILE] [--no-emails]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from transfer.export import causerie_json, wxr

WRITERS = {"json": causerie_json, "wxr": wxr}


class Command(BaseCommand):
    help = "Exporte tout le blog (billets, pages, commentaires) en WXR (WordPress) ou en JSON (sauvegarde Causerie)."

    def add_arguments(self, parser):
        parser.add_argument("--format", default="json", choices=list(WRITERS))
        parser.add_argument("-o", "--output", default="", help="Fichier à écrire (la sortie standard sinon).")
        parser.add_argument("--no-emails", action="store_true", help="Sans aucune adresse e-mail.")

    def handle(self, *args, **options):
        write = WRITERS[options["format"]].write
        emails = not options["no_emails"]
        if not options["output"]:
            write(self.stdout._out, emails=emails)  # the raw stream: OutputWrapper would add line endings
            return
        try:
            with open(options["output"], "w", encoding="utf-8") as out:
                write(out, emails=emails)
        except OSError as error:
            raise CommandError(
                _("Impossible d’écrire %(path)s : %(error)s") % {"path": options["output"], "error": error.strerror}
            ) from error
