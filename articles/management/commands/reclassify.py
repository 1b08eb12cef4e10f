"""Re-run the classifier on stored stories after an alias, rule or candidate changed.

    python manage.py reclassify --all
    python manage.py reclassify --since 2026-01-01

Editors' tags and the tags they removed stay as they are.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from articles.classify import reclassify
from articles.models import Article


class Command(BaseCommand):
    help = "Reclasse les articles enregistrés (communes et rubriques), sans toucher aux choix des éditeurs."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Tous les articles.")
        which.add_argument("--since", help="Les articles publiés depuis cette date (AAAA-MM-JJ).")

    def handle(self, *args, **options):
        stories = Article.objects.all()
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"Date invalide « {options['since']} » : attendu AAAA-MM-JJ.") from exc
            stories = stories.filter(published__date__gte=since)
        started = time.monotonic()
        count = reclassify(stories)
        self.stdout.write(f"{count} article(s) reclassé(s) en {time.monotonic() - started:.1f} s.")
