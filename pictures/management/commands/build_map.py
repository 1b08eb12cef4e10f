"""Rebuild localities/data/map_thau.json from the official outlines (run once, result committed)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from localities import map as commune_map

OUTLINES = "communes/raw/communes-34-herault.geojson"  # in the corpora (NEWSROOM_CORPORA)


class Command(BaseCommand):
    help = "Simplifie et projette les contours des communes pour la carte (localities/data/map_thau.json)."

    def add_arguments(self, parser) -> None:
        default = str(settings.NEWSROOM_CORPORA / OUTLINES) if settings.NEWSROOM_CORPORA else None
        parser.add_argument("geojson", nargs="?", default=default, help="Contours GeoJSON de l’Hérault.")

    def handle(self, *args, geojson: str | None, **options) -> None:
        if geojson is None:
            raise CommandError(f"Donnez le fichier des contours, ou NEWSROOM_CORPORA (dossier contenant {OUTLINES}).")
        path = Path(geojson)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        data = commune_map.build(path)
        commune_map.write(data)
        size = commune_map.MAP_FILE.stat().st_size
        self.stdout.write(f"{len(data['communes'])} communes écrites dans {commune_map.MAP_FILE} ({size} octets).")
