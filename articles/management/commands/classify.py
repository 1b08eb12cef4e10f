"""Try the classifier: JSON lines in, the same lines out with "communes", "sections" and "why".

    echo '{"title": "Sète : le port en fête", "summary": "", "categories": []}' | python manage.py classify

Same code path as ingest, with the current aliases, rules and candidates (re-read while it runs).
A bad line is reported on stderr and echoed as {"error": ..., "input": ...}: no line is lost.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.classify import classify_text, evaluate


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Classe des articles lus en JSON (une ligne par article) et ajoute communes, rubriques et raisons."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=int, help="Identifiant d’une source : ses valeurs par défaut s’appliquent."
        )
        parser.add_argument(
            "--evaluate",
            metavar="FICHIER",
            help="Mesure le classement sur des articles étiquetés (JSON lines) au lieu de classer l’entrée.",
        )
        parser.add_argument("--worst", type=int, default=20, help="Nombre de pires erreurs affichées.")
        parser.add_argument(
            "--folds",
            type=int,
            help="Avec --evaluate : validation croisée, le modèle de rubriques est entraîné sur k-1 plis du "
            "fichier (et le jeu des tests) puis mesuré sur le pli restant. Sans : le classement actuel.",
        )

    def handle(self, *args, **options):
        if options["evaluate"]:
            self._evaluate(options["evaluate"], options["worst"], options["folds"])
            return
        source = self._source(options["source"])
        stdin = options.get("stdin") or sys.stdin
        failures = 0
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                story = self._story(line)
            except ValueError as exc:
                failures += 1
                self.stderr.write(f"ligne {number} : {exc}")
                self._emit({"error": str(exc), "line": number, "input": line.rstrip("\n")})
                continue
            result = classify_text(
                story.get("title") or "", story.get("summary") or "", story.get("categories") or (), source
            )
            details = result.as_dict()
            why = [*details["why"], {"confidence": result.confidence, "needs_review": result.needs_review}]
            self._emit({**story, "communes": result.communes, "sections": result.sections, "why": why})
        if failures:
            raise CommandError(f"{failures} ligne(s) illisible(s), signalée(s) ci-dessus.")

    def _evaluate(self, path: str, worst: int, folds: int | None) -> None:
        try:
            rows = evaluate.load(path)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path} : {exc}") from exc
        if folds:
            from .train_classifier import LABELLED

            extra = evaluate.load(LABELLED) if LABELLED.resolve() != Path(path).resolve() else []
            try:
                report = evaluate.cross_validate(rows, folds, extra=extra)
            except ValueError as exc:
                raise CommandError(f"{path} : {exc}") from exc
            how = f"validation croisée en {folds} plis (+ {len(extra)} articles du jeu des tests à l’entraînement)"
        else:
            report = evaluate.evaluate(rows, evaluate.predict_with_rules)
            how = "classement actuel"
        self.stdout.write(f"{len(rows)} articles étiquetés, texte seul (titre et résumé), {how}")
        self.stdout.write(evaluate.render(report, worst))

    def _emit(self, row: dict) -> None:
        self.stdout.write(json.dumps(row, ensure_ascii=False))
        self.stdout.flush()  # a script talking to us line by line must get each answer at once

    @staticmethod
    def _story(line: str) -> dict:
        try:
            story = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON invalide ({exc.msg}, colonne {exc.colno})") from exc
        if not isinstance(story, dict):
            raise ValueError('un objet JSON est attendu, par exemple {"title": "…"}')
        for key in ("title", "summary"):
            if not isinstance(story.get(key, ""), str | None):
                raise ValueError(f"« {key} » doit être du texte")
        categories = story.get("categories") or []
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise ValueError("« categories » doit être une liste de textes")
        return story

    @staticmethod
    def _source(pk: int | None):
        if pk is None:
            return None
        from articles.models import Source

        try:
            return Source.objects.select_related("default_commune", "default_section").get(pk=pk)
        except Source.DoesNotExist as exc:
            raise CommandError(f"Aucune source n° {pk}.") from exc
