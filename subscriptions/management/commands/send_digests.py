from __future__ import annotations

from django.core.management.base import BaseCommand

from subscriptions import sending
from subscriptions.tasks import _queue_retries


class Command(BaseCommand):
    help = "Envoie les résumés dus (à l’heure de chaque abonné·e) et les alertes sur mots-clés."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Envoyer tous les résumés du jour, sans attendre l’heure."
        )
        parser.add_argument("--dry-run", action="store_true", help="Compter ce qui partirait, sans rien envoyer.")

    def handle(self, *args, now: bool, dry_run: bool, **options) -> None:
        digests = sending.send_digests(force=now, dry_run=dry_run)
        alerts = sending.send_alerts(dry_run=dry_run)
        if not dry_run:
            _queue_retries(digests.retry + alerts.retry)
        prefix = "(à blanc) " if dry_run else ""
        self.stdout.write(f"{prefix}Résumés : {digests}")
        self.stdout.write(f"{prefix}Alertes : {alerts}")
