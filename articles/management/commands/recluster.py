"""Group stored articles into events again, editors' choices kept (pinned versions, chosen leads).

python manage.py recluster --all
python manage.py recluster --since 7
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from articles.clusters.recluster import recluster


class Command(BaseCommand):
    help = "Regroupe à nouveau les articles en événements, sans défaire les choix des éditeurs."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Tous les articles.")
        which.add_argument("--since", type=float, metavar="JOURS", help="Les articles des N derniers jours.")

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = recluster(None if options["all"] else options["since"])
        self.stdout.write(
            f"{counts.articles} article(s) regroupé(s), {counts.moved} déplacé(s), "
            f"{counts.clusters} événement(s) à plusieurs versions, en {time.monotonic() - started:.1f} s."
        )
