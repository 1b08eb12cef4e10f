"""``import_opml FILE``: add the OPML's sources (site-only outlines go through feed discovery)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.opml import import_opml


class Command(BaseCommand):
    help = "Importe les sources d’un fichier OPML (les sites sans flux indiqué passent par la découverte)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-discover", action="store_true", help="Ne pas chercher les flux des sites.")

    def handle(self, *args, **options):
        try:
            data = options["file"].read_bytes()
            report = import_opml(data, discover=not options["no_discover"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for source in report.added:
            self.stdout.write(f"ajoutée  #{source.pk} {source.name} — {source.fetch_url}")
        for url in report.skipped:
            self.stdout.write(f"déjà là  {url}")
        for line in report.failed:
            self.stderr.write(f"échec    {line}")
        counts = f"{len(report.added)} ajoutée(s), {len(report.skipped)} déjà là, {len(report.failed)} échec(s)."
        self.stdout.write(counts)
