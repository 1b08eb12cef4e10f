"""Who is elected, or who may stay for a second round, from one round's figures.

Municipal rule (communes of 1,000 inhabitants or more, Code électoral art. L. 262 and L. 264): a
list wins the first round with more than half the expressed votes and at least a quarter of the
registered voters; otherwise lists with 10 % of the expressed votes may stay for the second round
(the two leading ones at least) and lists with 5 % may merge into one that stays. Presidential:
a majority of the expressed votes, else the two leading candidates. Legislative: 12.5 % of the
registered voters to stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elections.models import Election, ListResult, Result


@dataclass
class Outcome:
    winner: ListResult | None = None
    second_round: bool = False
    may_stay: list[ListResult] = field(default_factory=list)
    may_merge: list[ListResult] = field(default_factory=list)


def outcome(result: Result, kind: str) -> Outcome:
    """``result.lists`` should be prefetched; it is read once."""
    lists = sorted(result.lists.all(), key=lambda r: -r.votes)
    if not lists or not result.expressed:
        return Outcome()
    leader = lists[0]
    if result.round.number == 2:
        return Outcome(winner=leader)
    majority = 2 * leader.votes > result.expressed
    if kind == Election.Kind.PRESIDENTIAL:
        return Outcome(winner=leader) if majority else Outcome(second_round=True, may_stay=lists[:2])
    if kind == Election.Kind.LEGISLATIVE:
        if majority and 4 * leader.votes >= result.registered:
            return Outcome(winner=leader)
        stay = [r for r in lists if 8 * r.votes >= result.registered]
        return Outcome(second_round=True, may_stay=stay if len(stay) >= 2 else lists[:2])
    if majority and 4 * leader.votes >= result.registered:
        return Outcome(winner=leader)
    stay = [r for r in lists if 10 * r.votes >= result.expressed]
    stay = stay if len(stay) >= 2 else lists[:2]  # the two leading lists stay in any case
    merge = [r for r in lists if r not in stay and 20 * r.votes >= result.expressed]
    return Outcome(second_round=True, may_stay=stay, may_merge=merge)
