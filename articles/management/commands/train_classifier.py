"""Build the section model file from labelled articles (JSON lines like the stories corpus).

    python manage.py train_classifier                       # the tests' labelled set + the dev set if present
    python manage.py train_classifier --data a.jsonl --data b.jsonl --output /tmp/sections.model --folds 5

Before training on everything, each file is cross-validated (k folds of that file, the other files
always in training) and its scores are printed and stored in the model. The model is written to
``articles/classify/data/sections.model`` unless ``--output`` says otherwise; a running site picks
up a new file on restart, while the desk's retraining stores its models in the database.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.classify import evaluate, model

LABELLED = Path(settings.BASE_DIR) / "tests" / "articles" / "classify" / "labelled.jsonl"
# The labelled real stories of the corpora (NEWSROOM_CORPORA), when they are there.
DEV = settings.NEWSROOM_CORPORA / "stories" / "dev.jsonl" if settings.NEWSROOM_CORPORA else None


class Command(BaseCommand):
    help = "Entraîne le modèle de rubriques sur des articles étiquetés et écrit le fichier du modèle."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            action="append",
            metavar="FICHIER",
            help="Articles étiquetés (JSON lines) ; répétable. Défaut : le jeu des tests et le jeu dev s’il existe.",
        )
        parser.add_argument("--output", metavar="CHEMIN", default=str(model.SHIPPED), help="Fichier du modèle écrit.")
        parser.add_argument("--folds", type=int, default=5, help="Plis de validation croisée (0 : aucune).")

    def handle(self, *args, **options):
        paths = [Path(path) for path in options["data"] or self._default_data()]
        datasets = {}
        for path in paths:
            try:
                datasets[path] = evaluate.load(path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path} : {exc}") from exc
            self.stdout.write(f"{path} : {len(datasets[path])} articles étiquetés")
        rows = [row for dataset in datasets.values() for row in dataset]
        scores = {}
        if options["folds"]:
            for path, dataset in datasets.items():
                others = [row for other, data in datasets.items() if other != path for row in data]
                try:
                    report = evaluate.cross_validate(dataset, options["folds"], extra=others)
                except ValueError as exc:
                    raise CommandError(f"{path} : {exc}") from exc
                scores[path.name] = report.figures()
                self.stdout.write(f"validation croisée ({options['folds']} plis) sur {path.name}, texte seul :")
                self.stdout.write("  " + evaluate.render(report, worst=0).replace("\n", "\n  "))
        from articles.classify import current_rules

        try:
            trained = model.train(rows, current_rules())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        trained.scores = scores
        data = trained.to_bytes()
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".tmp")
        partial.write_bytes(data)
        os.replace(partial, output)  # a reader never sees half a model
        self.stdout.write(
            f"modèle {trained.version} écrit dans {output} ({len(data) // 1024} Kio, "
            f"{len(trained.weights)} traits, rubriques : {', '.join(trained.classes)})"
        )

    def _default_data(self) -> list[Path]:
        paths = [LABELLED]
        if DEV and DEV.exists():
            paths.append(DEV)
        else:
            where = DEV or "NEWSROOM_CORPORA non défini"
            self.stdout.write(f"jeu dev absent ({where}) : entraînement sur le jeu des tests seulement.")
        return paths
