"""``poll [--all | SOURCE_ID …] [--force]``: poll now, in this process, without a broker."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.poll import poll_source
from articles.models import Source


class Command(BaseCommand):
    help = "Relève des sources maintenant, dans ce processus (sans worker). Une ligne par source."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="SOURCE_ID")
        parser.add_argument("--all", action="store_true", help="Toutes les sources actives.")
        parser.add_argument("--force", action="store_true", help="Même si la source n’est pas encore due.")

    def handle(self, *args, **options):
        if options["all"] == bool(options["ids"]):
            raise CommandError("Donnez des identifiants de source, ou --all.")
        ids = options["ids"] or list(Source.objects.filter(enabled=True).order_by("id").values_list("id", flat=True))
        for source_id in ids:
            result = poll_source(source_id, force=options["force"])
            self.stdout.write(result.line())
