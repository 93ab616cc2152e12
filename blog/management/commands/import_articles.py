from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blog.seeds import fixture_json, parse_seed


class Command(BaseCommand):
    help = (
        "Clean the raw seed texts (fixtures/seeds/*.txt) into the fixture fixtures/articles.json, "
        "loaded with `manage.py loaddata articles`. The same seeds always give the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures" / "seeds",
            help="Folder of the raw seed texts (default: fixtures/seeds).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures" / "articles.json",
            help="Fixture file to write (default: fixtures/articles.json).",
        )

    def handle(self, *args, seeds: Path, output: Path, **options):
        paths = sorted(Path(seeds).glob("*.txt"))
        if not paths:
            raise CommandError(f"No seed text (*.txt) in {seeds}.")
        try:
            articles = [parse_seed(path.stem, path.read_text(encoding="utf-8")) for path in paths]
            content = fixture_json(articles)
        except ValueError as error:
            raise CommandError(str(error)) from error
        Path(output).write_text(content, encoding="utf-8", newline="\n")
        comments = sum(len(article.comments) for article in articles)
        self.stdout.write(
            self.style.SUCCESS(f"{len(articles)} articles and {comments} comment(s) written to {output}.")
        )
