"""The matcher alone: normalised words, the exact step, each rejection rule, and the labelled pairs."""

from __future__ import annotations

from pathlib import Path

from articles.clusters import evaluate, normalise
from articles.clusters.match import THRESHOLD, compare, rejection

PAIRS = Path(__file__).parent / "data" / "pairs.jsonl"


def _story(title: str, summary: str = "", *, source: str = "Midi Libre", hours: float = 0, communes=("sete",), url=""):
    return {
        "title": title,
        "summary": summary,
        "source": source,
        "hours": hours,
        "communes": list(communes),
        "url": url,
    }


def _same(a: dict, b: dict) -> bool:
    return evaluate.ours(a, b)


def test_words_are_folded_stemmed_and_stripped_of_stop_words():
    features = normalise.features("Les conseils municipaux de Sète votent", "")
    assert features.title == ["conseil", "municipal", "sete", "votent"]


def test_figures_dates_and_named_places_are_marked():
    marks = normalise.features(
        "Sète : le FC Sète s'impose 2-0, un budget de 98 M€", "Le pont de la Savonnerie fermé le 12 mars."
    ).marks
    assert marks["#s:"] == {"2-0"} and marks["#m:"] == {"98000000"}
    assert marks["^pont:"] == {"savonnerie"} and marks["@d:"] == {"12/3"}


def test_the_same_title_from_another_outlet_is_one_event():
    title = "Sète : le conseil municipal adopte le budget"
    assert _same(_story(title), _story(title, source="Thau Infos", hours=5))


def test_the_same_canonical_link_is_one_event_whatever_the_title():
    a = _story("Un titre", url="https://www.midilibre.fr/2026/03/02/budget/?utm_source=rss")
    b = _story("Un tout autre titre", source="Thau Infos", url="http://midilibre.fr/2026/03/02/budget")
    assert _same(a, b)


def test_a_title_alone_never_merges_when_empty_one_word_or_all_capitals():
    for title in ("", "Mèze", "SÈTE : LE CONSEIL MUNICIPAL ADOPTE LE BUDGET"):
        assert normalise.title_key(title) == ""
        assert not _same(_story(title), _story(title, source="Thau Infos"))


def test_versions_of_one_source_never_merge():
    title = "Sète : le conseil municipal adopte le budget"
    assert not _same(_story(title), _story(title, hours=1))


def test_another_commune_rejects_the_same_wording():
    a = _story("Municipales : trois listes déposées en préfecture", communes=["meze"])
    b = _story("Municipales : trois listes déposées en préfecture", source="Thau Infos", communes=["marseillan"])
    assert not _same(a, b)


def test_other_scores_reject_a_match_report():
    a = _story("Football : le FC Sète s'impose 2-0 face à Béziers", "Samedi au stade Louis-Michel.")
    b = _story(
        "Football : le FC Sète s'impose 1-0 face à Béziers", "Samedi au stade Louis-Michel.", source="Thau Infos"
    )
    assert not _same(a, b)
    assert _same(a, {**a, "source": "Thau Infos", "title": "National 2 : Sète bat Béziers 2 à 0"})


def test_other_amounts_reject_a_budget_vote():
    a = _story("Sète : le conseil municipal vote un budget de 98 M€")
    b = _story("Sète : le conseil municipal vote un budget de 12 M€", source="Thau Infos")
    assert not _same(a, b)


def test_another_named_place_rejects_a_road_closure():
    a = _story("Sète : le pont de la Savonnerie fermé pour travaux", "Fermeture dès lundi.")
    b = _story("Sète : le pont Sadi-Carnot fermé pour travaux", "Fermeture dès lundi.", source="Thau Infos")
    assert not _same(a, b)


def test_another_day_rejects_a_dated_event():
    a = _story("Mèze : le marché de Noël sur le port le 13 décembre")
    b = _story("Mèze : le marché de Noël sur le port le 20 décembre", source="Thau Infos")
    assert not _same(a, b)


def test_more_than_72_hours_apart_is_not_a_candidate():
    title = "Sète : le conseil municipal adopte le budget"
    assert not _same(_story(title), _story(title, source="Thau Infos", hours=73))


def test_rejection_names_the_reason():
    a = evaluate.version(_story("Football : Sète s'impose 2-0"), 1)
    b = evaluate.version(_story("Football : Sète s'impose 1-0", source="Thau Infos"), 2)
    assert rejection(a, b) == "autres chiffres"
    assert compare(b, a) is None and THRESHOLD < 1


def test_the_labelled_pairs_meet_the_targets_and_beat_the_newsblur_rule():
    pairs = evaluate.load(PAIRS)
    assert len(pairs) >= 150
    assert 0.4 < sum(p["same"] for p in pairs) / len(pairs) < 0.6
    ours, baseline, _ = evaluate.score(pairs)
    assert ours.precision >= 0.97 and ours.recall >= 0.90
    assert ours.recall > baseline.recall and ours.precision > baseline.precision
