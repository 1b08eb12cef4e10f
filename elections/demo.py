"""A fictional past municipal election (made-up lists and figures) and the announced presidential
rounds, loaded by `make run` in local mode so the election pages have something to show.

The files go through the ordinary importer; importing them again changes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings

from elections.importer import LISTS, RESULTS, ImportSpec, import_file
from elections.models import Election, Round

FILES = Path(__file__).resolve().parent / "demo_files"
SLUG = "municipales-demo-2025"
TITLE = "Municipales 2025 (élection fictive de démonstration)"
ROUNDS = {1: date(2025, 3, 16), 2: date(2025, 3, 23)}
# Announced for spring 2027; the decree is not out yet, so editors may move these dates in the admin.
PRESIDENTIAL = ("presidentielle-2027", "Présidentielle 2027", {1: date(2027, 4, 18), 2: date(2027, 5, 2)})


def load_demo_election(sender=None, **kwargs) -> None:
    if not settings.DEBUG:
        return
    steps = [(LISTS, 1, "listes.csv"), (RESULTS, 1, "resultats-t1.csv"), (RESULTS, 2, "resultats-t2.csv")]
    for kind, number, name in steps:
        spec = ImportSpec(SLUG, number, ROUNDS[number], kind, TITLE, Election.Kind.MUNICIPAL)
        import_file(FILES / name, spec)
    slug, title, rounds = PRESIDENTIAL
    election, _ = Election.objects.get_or_create(
        slug=slug, defaults={"title": title, "kind": Election.Kind.PRESIDENTIAL}
    )
    for number, day in rounds.items():
        Round.objects.get_or_create(election=election, number=number, defaults={"date": day})
