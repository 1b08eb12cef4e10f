"""Retrain the section model on the editors' examples, as the hourly beat task does.

    python manage.py retrain_classifier            # only once enough new examples came in
    python manage.py retrain_classifier --force    # now, whatever their number
    python manage.py retrain_classifier --rollback # back to the model in service before

The new model goes into service only if it scores at least as well as the current one.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from articles.classify import training


class Command(BaseCommand):
    help = "Réentraîne le modèle de rubriques sur les exemples des éditeurs (s’il est au moins aussi bon)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--force", action="store_true", help="Entraîner quel que soit le nombre de nouveaux exemples."
        )
        which.add_argument("--rollback", action="store_true", help="Remettre en service le modèle précédent.")

    def handle(self, *args, **options):
        if options["rollback"]:
            try:
                previous = training.rollback()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"En service : {previous or 'le modèle livré'}.")
            return
        result = training.retrain(min_new=0 if options["force"] else None)
        self.stdout.write(result.message)
        if result.scores:
            self.stdout.write(json.dumps(result.scores, ensure_ascii=False, indent=2))
