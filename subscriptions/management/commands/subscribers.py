from __future__ import annotations

import csv

from django.core.management.base import BaseCommand

from subscriptions.export import counts_per_commune, write_csv
from subscriptions.models import Subscriber


class Command(BaseCommand):
    help = "Compte les abonné·e·s par commune ; --export écrit les confirmé·e·s dans un fichier CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--export", metavar="CSV", help="Chemin du fichier CSV à écrire (confirmé·e·s seulement).")

    def handle(self, *args, export: str | None, **options) -> None:
        if export:
            with open(export, "w", newline="", encoding="utf-8") as handle:
                count = write_csv(csv.writer(handle))
            self.stdout.write(f"{count} abonné·e(s) confirmé·e(s) écrit(s) dans {export}")
            return
        active = Subscriber.objects.active()
        self.stdout.write(
            f"Confirmé·e·s actifs : {active.count()} ; en attente : "
            f"{Subscriber.objects.filter(confirmed__isnull=True).count()}"
        )
        for name, count in counts_per_commune():
            self.stdout.write(f"  {name} : {count}")
