"""Rebuild localities/data/map_thau.json from the official outlines (run once, result committed)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from localities import map as commune_map

DEFAULT_SOURCE = Path(settings.BASE_DIR).parent / "shared/corpora/communes/raw/communes-34-herault.geojson"


class Command(BaseCommand):
    help = "Simplifie et projette les contours des communes pour la carte (localities/data/map_thau.json)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("geojson", nargs="?", default=str(DEFAULT_SOURCE), help="Contours GeoJSON de l’Hérault.")

    def handle(self, *args, geojson: str, **options) -> None:
        path = Path(geojson)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        data = commune_map.build(path)
        commune_map.write(data)
        size = commune_map.MAP_FILE.stat().st_size
        self.stdout.write(f"{len(data['communes'])} communes écrites dans {commune_map.MAP_FILE} ({size} octets).")
