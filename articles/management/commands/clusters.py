"""Print the events (clusters of versions of one story from several outlets).

    python manage.py clusters
    python manage.py clusters --since 3 --json

With --json: a list of {"id": …, "articles": [article URL, …]}, the lead version first.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from articles.clusters.listing import clusters


class Command(BaseCommand):
    help = "Affiche les événements : les versions d’une même histoire racontée par plusieurs sources."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Sortie JSON : [{id, articles: [liens]}].")
        parser.add_argument("--since", type=float, metavar="JOURS", help="Les événements des N derniers jours.")

    def handle(self, *args, **options):
        found = clusters(options["since"])
        if options["json"]:
            rows = [{"id": row["id"], "articles": [a["url"] for a in row["articles"]]} for row in found]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in found:
            flag = ", incertain" if row["uncertain"] else ""
            self.stdout.write(f"Événement {row['id']} ({row['size']} version(s){flag})")
            for article in row["articles"]:
                score = f" [score {article['match_score']:.2f}]" if article["match_score"] is not None else ""
                self.stdout.write(f"  - {article['source__name']} : {article['title']}{score}\n    {article['url']}")
        self.stdout.write(f"{len(found)} événement(s).")
