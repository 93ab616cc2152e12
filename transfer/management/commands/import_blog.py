"""python manage.py import_blog PATH [--format auto|wxr|blogger|disqus|json] [--dry-run] [--media-from DIR]
[--author EMAIL] [--json]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from transfer.formats.xmlinput import ImportRefused
from transfer.services import READERS, blog_import


class Command(BaseCommand):
    help = (
        "Importe un blog exporté (WordPress WXR, Atom de Blogger, Disqus, sauvegarde Causerie ; fichier ou .zip) : "
        "billets, pages, commentaires, anciennes adresses."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", default="auto", choices=["auto", *READERS])
        parser.add_argument("--dry-run", action="store_true", help="Tout lire et compter, ne rien écrire.")
        parser.add_argument(
            "--media-from",
            default="",
            metavar="DIR",
            help="Copier les images des billets depuis ce dossier (wp-content/uploads, ou Albums/ de Takeout).",
        )
        parser.add_argument("--author", default="", help="Attribuer tous les billets à ce compte (e-mail).")
        parser.add_argument("--json", action="store_true", help="Le rapport en JSON sur la sortie standard, seul.")

    def handle(self, *args, **options):
        progress = _Progress(sys.stderr)
        try:
            report = blog_import(
                path=options["path"],
                format=options["format"],
                dry_run=options["dry_run"],
                author_email=options["author"],
                media_from=options["media_from"],
                progress=progress,
            )
        except (ImportRefused, OSError) as error:
            progress.done()
            raise CommandError(str(error)) from error
        progress.done()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            for line in report.lines():
                self.stdout.write(line)


class _Progress:
    """Entries read so far, on one line of stderr when it is a terminal (nothing otherwise)."""

    def __init__(self, stream):
        self.stream, self.shown = stream, False

    def __call__(self, report) -> None:
        if not self.stream.isatty():
            return
        done = sum(report.posts.values()) + report.pages
        comments = sum(report.comments.values())
        self.stream.write(
            "\r" + _("%(posts)d billets et pages, %(comments)d commentaires…") % {"posts": done, "comments": comments}
        )
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\n")
