"""The querysets behind the election pages and the candidate feeds, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Prefetch, Q

from articles import timelines
from articles.models import ArticleQuerySet
from elections.charts import Chart, results_chart
from elections.models import Candidacy, Election, ListResult, Person, Result, Round
from elections.outcome import Outcome, outcome
from localities.models import Commune

SURNAME_ALONE = 6  # as the classifier: a surname alone names someone only when long enough


def _lists_prefetch() -> Prefetch:
    return Prefetch(
        "lists", ListResult.objects.select_related("candidacy__head").order_by("-votes", "candidacy__panel")
    )


@dataclass
class RoundResult:
    round: Round
    result: Result
    chart: Chart
    outcome: Outcome


@dataclass
class Hub:
    election: Election | None = None
    candidacies: list[Candidacy] = field(default_factory=list)
    rounds: list[RoundResult] = field(default_factory=list)


def commune_hub(commune: Commune) -> Hub:
    """The latest election held in the commune: its lists, and each round's results (newest first).

    Every list the commune ever had comes in one query (a handful per election), so a commune with
    no election costs a single query and the latest election is picked here.
    """
    everything = list(
        Candidacy.objects.filter(commune=commune)
        .select_related("election", "head")
        .annotate(last=Max("election__rounds__date"))
        .order_by("panel")
    )
    if not everything:
        return Hub()
    latest = max(everything, key=lambda c: (c.last or date.min, c.election_id))
    election = latest.election
    candidacies = [c for c in everything if c.election_id == election.pk]
    results = (
        Result.objects.filter(round__election=election, commune=commune)
        .select_related("round")
        .prefetch_related(_lists_prefetch())
        .order_by("-round__number")
    )
    rounds = [RoundResult(r.round, r, results_chart(r), outcome(r, election.kind)) for r in results]
    return Hub(election, candidacies, rounds)


def elections_with_rounds() -> list[Election]:
    latest = Max("rounds__date")
    return list(Election.objects.annotate(last=latest).order_by("-last", "-pk").prefetch_related("rounds"))


@dataclass
class AreaRow:
    commune: Commune
    result: Result
    leader: ListResult | None


def area_rows(election: Election) -> tuple[Round | None, list[AreaRow]]:
    """The latest round with results, and for each commune its turnout and leading list."""
    rounds = list(election.rounds.all())
    results = list(
        Result.objects.filter(round__election=election)
        .select_related("round", "commune")
        .prefetch_related(_lists_prefetch())
        .order_by("-round__number", "commune__name")
    )
    if not results:
        return (rounds[-1] if rounds else None), []
    shown = results[0].round
    rows = [AreaRow(r.commune, r, next(iter(r.lists.all()), None)) for r in results if r.round_id == shown.pk]
    return shown, rows


def person_candidacies(person: Person) -> list[Candidacy]:
    return list(
        Candidacy.objects.filter(head=person)
        .select_related("election", "commune")
        .prefetch_related(
            Prefetch(
                "list_results", ListResult.objects.select_related("result__round").order_by("result__round__number")
            )
        )
        .order_by("-election__created", "commune__name")
    )


def articles_naming(person: Person) -> ArticleQuerySet:
    """Election stories that name the person: the Élections timeline, filtered on the name."""
    section = timelines.directory().section("elections")
    names = Q(title__icontains=person.name) | Q(summary__icontains=person.name)
    if len(person.last_name) >= SURNAME_ALONE:
        names |= Q(title__icontains=person.last_name) | Q(summary__icontains=person.last_name)
    return timelines.timeline_articles(timelines.Timeline(section=section)).filter(names)
