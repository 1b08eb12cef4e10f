"""manage.py import_election --election SLUG --title "…" --round N --date YYYY-MM-DD (--lists F | --results F)"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from elections.importer import LISTS, RESULTS, ImportRefused, ImportSpec, import_file
from elections.models import Election


class Command(BaseCommand):
    help = "Importe un fichier du ministère de l’Intérieur (listes candidates ou résultats) pour une élection."

    def add_arguments(self, parser):
        parser.add_argument("--election", required=True, help="Slug de l’élection (créée si besoin).")
        parser.add_argument("--title", default="", help="Titre de l’élection.")
        parser.add_argument("--kind", default="", choices=["", *Election.Kind.values], help="Type d’élection.")
        parser.add_argument("--round", type=int, required=True, choices=[1, 2], help="Tour (1 ou 2).")
        parser.add_argument("--date", type=date.fromisoformat, required=True, help="Date du tour, AAAA-MM-JJ.")
        files = parser.add_mutually_exclusive_group(required=True)
        files.add_argument("--lists", help="Fichier des listes candidates.")
        files.add_argument("--results", help="Fichier des résultats (par commune ou par bureau de vote).")

    def handle(self, *args, **options):
        kind, path = (LISTS, options["lists"]) if options["lists"] else (RESULTS, options["results"])
        spec = ImportSpec(
            election=options["election"],
            round=options["round"],
            date=options["date"],
            kind=kind,
            title=options["title"],
            election_kind=options["kind"],
        )
        try:
            figures = import_file(path, spec)
        except ImportRefused as exc:
            raise CommandError(f"Fichier refusé, rien n’a été importé : {exc}") from None
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc.strerror or exc}") from None
        self.stdout.write(
            f"{figures.rows} lignes lues, {len(figures.communes)} communes du territoire importées, "
            f"{figures.skipped} lignes hors territoire ignorées."
        )
        for warning in figures.warnings:
            self.stdout.write(f"Écart de pourcentage : {warning}")
