"""Who is elected, or who may stay for a second round, from one round's figures."""

from __future__ import annotations

from types import SimpleNamespace

from elections.models import Election
from elections.outcome import outcome


def _result(votes: list[int], registered: int = 10_000, number: int = 1):
    expressed = sum(votes)
    rows = [SimpleNamespace(votes=v, name=f"liste {i + 1}") for i, v in enumerate(votes)]
    return SimpleNamespace(
        lists=SimpleNamespace(all=lambda: rows),
        expressed=expressed,
        registered=registered,
        round=SimpleNamespace(number=number),
    )


def _names(rows) -> list[str]:
    return [r.name for r in rows]


def test_a_municipal_list_with_a_majority_and_a_quarter_of_the_registered_wins_in_the_first_round():
    decided = outcome(_result([2600, 2000, 400]), Election.Kind.MUNICIPAL)

    assert decided.winner.name == "liste 1" and not decided.second_round


def test_a_majority_below_a_quarter_of_the_registered_still_needs_a_second_round():
    undecided = outcome(_result([2400, 1000, 300, 100], registered=20_000), Election.Kind.MUNICIPAL)

    assert undecided.second_round and undecided.winner is None
    assert _names(undecided.may_stay) == ["liste 1", "liste 2"]  # 10 % of the expressed votes
    assert _names(undecided.may_merge) == ["liste 3"]  # 5 % to 10 %: may merge, not stay


def test_the_two_leading_lists_may_always_stay():
    undecided = outcome(_result([4900, 5000, 50, 50]), Election.Kind.MUNICIPAL)

    assert _names(undecided.may_stay) == ["liste 2", "liste 1"]


def test_a_presidential_first_round_without_a_majority_keeps_the_two_leading_candidates():
    undecided = outcome(_result([3000, 2800, 2500]), Election.Kind.PRESIDENTIAL)

    assert undecided.second_round and _names(undecided.may_stay) == ["liste 1", "liste 2"]


def test_the_second_round_leader_is_elected():
    assert outcome(_result([4000, 4100], number=2), Election.Kind.MUNICIPAL).winner.name == "liste 2"
