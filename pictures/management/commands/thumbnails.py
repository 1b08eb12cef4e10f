"""Make thumbnails now, in this process: for given articles, or for every one still pending."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from pictures.models import Thumbnail
from pictures.thumbnails import TryLater, make_thumbnail


class Command(BaseCommand):
    help = "Fabrique les vignettes des articles donnés, ou de tous ceux en attente (--pending)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="Identifiants d’articles.")
        parser.add_argument("--pending", action="store_true", help="Toutes les vignettes en attente.")

    def handle(self, *args, ids: list[int], pending: bool, **options) -> None:
        if pending:
            waiting = Thumbnail.objects.filter(status=Thumbnail.Status.PENDING).order_by("created")
            ids = [*ids, *waiting.values_list("article_id", flat=True)]
        for article_id in ids:
            try:
                thumb = make_thumbnail(article_id)
            except TryLater as exc:
                self.stdout.write(f"#{article_id} à réessayer : {exc}")
                continue
            self.stdout.write(f"#{article_id} {thumb.get_status_display() if thumb else 'article introuvable'}")
