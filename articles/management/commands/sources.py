"""``sources add URL …`` and ``sources list``: sources for editors and scripts."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.ingest.discover import DiscoveryError, add_source
from articles.models import Section, Source
from localities.models import Commune


class Command(BaseCommand):
    help = "Ajoute une source (avec découverte du flux) ou affiche l’état des sources."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Ajouter une source par l’adresse du site ou du flux.")
        add.add_argument("url")
        add.add_argument("--name", help="Nom affiché (sinon le titre du flux).")
        add.add_argument("--scrape", metavar="RECIPE_JSON", help="Recette JSON : page sans flux à extraire.")
        add.add_argument("--section", metavar="SLUG", help="Rubrique par défaut.")
        add.add_argument("--commune", metavar="SLUG", help="Commune par défaut.")
        actions.add_parser("list", help="Tableau de santé des sources.")

    def handle(self, *args, **options):
        if options["action"] == "add":
            self._add(options)
        else:
            self._list()

    def _add(self, options) -> None:
        recipe = None
        if options["scrape"]:
            try:
                recipe = json.loads(options["scrape"])
            except ValueError as exc:
                raise CommandError(f"Recette JSON illisible : {exc}") from None
        section = _by_slug(Section, options["section"], "rubrique")
        commune = _by_slug(Commune, options["commune"], "commune")
        try:
            source = add_source(options["url"], name=options["name"], recipe=recipe, section=section, commune=commune)
        except DiscoveryError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Source #{source.pk} ajoutée : {source.name} — {source.fetch_url}")

    def _list(self) -> None:
        header = f"{'id':>4}  {'état':<12} {'err':>3}  {'http':>4}  {'prochain relevé':<16}  nom"
        self.stdout.write(header)
        for source in Source.objects.order_by("id"):
            if not source.enabled:
                state = "désactivée"
            elif source.needs_attention:
                state = "à surveiller"
            elif source.error_count:
                state = "en erreur"
            else:
                state = "ok"
            when = timezone.localtime(source.next_check_at).strftime("%d/%m/%Y %H:%M")
            line = f"{source.pk:>4}  {state:<12} {source.error_count:>3}  {source.last_status or '-':>4}  {when:<16}  "
            self.stdout.write(line + f"{source.name} ({source.fetch_url})")
            if source.last_error:
                self.stdout.write(f"{'':>6}dernière erreur : {source.last_error}")


def _by_slug(model, slug: str | None, label: str):
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"{label} inconnue : {slug}")
    return found
