"""``export_opml [-o FILE]``: every source as OPML, recipes and defaults included."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from articles.ingest.opml import export_opml
from articles.models import Source


class Command(BaseCommand):
    help = "Exporte les sources en OPML (recettes, commune et rubrique par défaut comprises)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="Fichier de sortie (sinon la sortie standard).")

    def handle(self, *args, **options):
        sources = Source.objects.select_related("default_commune", "default_section").order_by("id")
        data = export_opml(sources)
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
