"""Import a ministry file into an election: read it whole first, then write in one transaction.

The command, the admin's upload form and the tests all call :func:`import_file`. A refused file
raises ``ImportRefused`` before anything is written; an accepted one replaces the round's results
(or updates the election's lists) at once, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils.text import slugify

from articles import cache as page_cache
from articles.models import Candidate
from elections.models import Candidacy, Election, ListResult, Person, Result, Round
from elections.parsing import ImportRefused
from elections.reading import CommuneFigures, FileFigures, ListFigures, read_lists, read_results
from localities.models import Commune

LISTS = "lists"
RESULTS = "results"

__all__ = ["ImportRefused", "ImportSpec", "import_file", "read_file"]


@dataclass(frozen=True)
class ImportSpec:
    election: str
    round: int
    date: date
    kind: str  # LISTS or RESULTS
    title: str = ""
    election_kind: str = ""  # Election.Kind; guessed from the file when empty


def read_file(stream: BinaryIO, kind: str) -> FileFigures:
    """Read and check a whole file without writing anything: the admin's preview."""
    ours = set(Commune.objects.values_list("insee", flat=True))
    return (read_lists if kind == LISTS else read_results)(stream, ours)


def import_file(source: str | Path | BinaryIO, spec: ImportSpec, name: str = "") -> FileFigures:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            return import_file(stream, spec, name or Path(source).name)
    if spec.round not in (1, 2):
        raise ImportRefused("le tour doit être 1 ou 2")
    figures = read_file(source, spec.kind)
    with transaction.atomic():
        election = _election(spec, figures)
        round_, _ = Round.objects.update_or_create(election=election, number=spec.round, defaults={"date": spec.date})
        communes = {c.insee: c for c in Commune.objects.filter(insee__in=figures.communes)}
        for code, commune_figures in figures.communes.items():
            candidacies = _candidacies(election, communes[code], commune_figures.lists.values())
            if spec.kind == RESULTS:
                _replace_result(round_, communes[code], commune_figures, candidacies, name)
        if spec.kind == RESULTS:
            # A second file for the round replaces the first, communes it no longer names included.
            Result.objects.filter(round=round_).exclude(commune__insee__in=figures.communes).delete()
        page_cache.changed(everything=True)
    return figures


def _election(spec: ImportSpec, figures: FileFigures) -> Election:
    guessed = spec.election_kind or (Election.Kind.MUNICIPAL if figures.numbered else Election.Kind.PRESIDENTIAL)
    election, created = Election.objects.get_or_create(
        slug=spec.election, defaults={"title": spec.title or spec.election, "kind": guessed}
    )
    wanted = {"title": spec.title, "kind": spec.election_kind}
    changed = [key for key, value in wanted.items() if value and getattr(election, key) != value]
    if changed and not created:
        for key in changed:
            setattr(election, key, wanted[key])
        election.save(update_fields=changed)
    return election


def _candidacies(election: Election, commune: Commune, lists) -> dict[int, Candidacy]:
    """Create or complete each list: a later file fills blank labels but never erases one, and the
    head of list is the one the latest file names."""
    existing = {c.panel: c for c in Candidacy.objects.filter(election=election, commune=commune).select_related("head")}
    for figures in lists:
        candidacy = existing.get(figures.panel) or Candidacy(election=election, commune=commune, panel=figures.panel)
        before = (candidacy.short_label, candidacy.label, candidacy.nuance_code, candidacy.nuance, candidacy.head_id)
        for key in ("short_label", "label", "nuance_code", "nuance"):
            setattr(candidacy, key, getattr(figures, key) or getattr(candidacy, key))
        if figures.last_name:
            candidacy.head = _person(figures)
        after = (candidacy.short_label, candidacy.label, candidacy.nuance_code, candidacy.nuance, candidacy.head_id)
        if candidacy.pk is None or before != after:
            candidacy.save()
        existing[figures.panel] = candidacy
        if election.is_local and candidacy.head_id:
            _known_to_classifier(candidacy, commune)
    return existing


def display_name(first_name: str, last_name: str) -> str:
    """The name as a reader writes it: "Marie" and "DUPONT-REY" on the ballot give "Marie Dupont-Rey"."""
    last = last_name.strip()
    if last.isupper():
        last = last.title()
    return f"{first_name.strip()} {last}".strip()


def _person(figures: ListFigures) -> Person:
    first, last = figures.first_name.strip(), display_name("", figures.last_name)
    person, _ = Person.objects.get_or_create(
        slug=slugify(display_name(first, last))[:200] or "sans-nom",
        defaults={"first_name": first, "last_name": last, "sex": figures.sex},
    )
    return person


def _known_to_classifier(candidacy: Candidacy, commune: Commune) -> None:
    """Heads of list become classifier candidates, so stories naming them join the commune's elections."""
    values = {"list_name": (candidacy.short_label or candidacy.label)[:200], "party": candidacy.nuance_code[:100]}
    found = Candidate.objects.filter(name=candidacy.head.name, commune=commune).first()
    if found is None:
        Candidate.objects.create(name=candidacy.head.name, commune=commune, **values)
    elif any(getattr(found, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(found, key, value)
        found.save()  # only on a change: each save makes every worker rebuild its classifier


def _replace_result(round_: Round, commune: Commune, figures: CommuneFigures, candidacies, name: str) -> None:
    Result.objects.filter(round=round_, commune=commune).delete()
    result = Result.objects.create(
        round=round_, commune=commune, warnings=figures.warnings, source_name=name[:255], **figures.counts
    )
    ListResult.objects.bulk_create(
        ListResult(
            result=result,
            candidacy=candidacies[panel],
            votes=found.votes,
            seats=found.seats,
            seats_cc=found.seats_cc,
            elected=found.elected,
        )
        for panel, found in figures.lists.items()
    )
