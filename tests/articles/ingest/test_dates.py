"""French dates, absolute and relative to the fetch time, against third-party expectations."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from articles.ingest.dates import PARIS, _shift, parse_french_date

DATA = Path(__file__).resolve().parent / "data"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=PARIS)


def _dateparser_cases():
    for case in json.loads((DATA / "dates_dateparser_fr.json").read_text()):
        yield pytest.param(case, id=f"{case['kind']}-{case['input']}")


@pytest.mark.parametrize("case", list(_dateparser_cases()))
def test_it_reads_the_french_cases_of_dateparser(case):
    if case["kind"] == "absolute":
        now = datetime(2012, 11, 13, tzinfo=PARIS)  # dateparser's RELATIVE_BASE for these cases
        expected = datetime.fromisoformat(case["expected"]).replace(tzinfo=PARIS)
    else:
        now = datetime(2014, 9, 1, 10, 30, tzinfo=PARIS)
        if case.get("expected_ago") is not None:
            expected = _shift(now, case["expected_ago"], -1)
        else:
            expected = _shift(now, case["expected_in_future"], 1)
    assert parse_french_date(case["input"], now) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 mars 2026", datetime(2026, 3, 12, tzinfo=PARIS)),
        ("12/03/2026 à 14h05", datetime(2026, 3, 12, 14, 5, tzinfo=PARIS)),
        ("Publié le 6 janvier 2026 à 14:16", datetime(2026, 1, 6, 14, 16, tzinfo=PARIS)),
        ("il y a 3 heures", datetime(2026, 3, 20, 9, 0, tzinfo=PARIS)),
        ("hier à 19h20", datetime(2026, 3, 19, 19, 20, tzinfo=PARIS)),
        ("4 semaines", datetime(2026, 2, 20, 12, 0, tzinfo=PARIS)),
        ("1 mois", datetime(2026, 2, 20, 12, 0, tzinfo=PARIS)),
        ("Aujourd'hui", NOW),
        ("Aujourd’hui à 08:30", datetime(2026, 3, 20, 8, 30, tzinfo=PARIS)),
        ("Publié il y a 3 heures , mis à jour à 09h42", datetime(2026, 3, 20, 9, 0, tzinfo=PARIS)),
        (
            "Publié le 12/07/2025 à 19:32 , mis à jour le 13/07/2025 à 17:21",
            datetime(2025, 7, 12, 19, 32, tzinfo=PARIS),
        ),
        ("Publié le 06/01/2026 - 14:16 UTC+1", datetime(2026, 1, 6, 14, 16, tzinfo=PARIS)),
        ("1er février", datetime(2026, 2, 1, tzinfo=PARIS)),
        ("24 décembre", datetime(2025, 12, 24, tzinfo=PARIS)),  # no year, and not in the future
        ("Sète · En Ligne · 3 semaines", datetime(2026, 2, 27, 12, 0, tzinfo=PARIS)),
    ],
)
def test_it_reads_the_dates_the_issue_names(text, expected):
    assert parse_french_date(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "   ", "Sète", "lire la suite", "31/02/2026", "99 mars 2026"])
def test_it_gives_none_for_what_is_not_a_date(text):
    assert parse_french_date(text, NOW) is None


def test_it_finds_the_publication_date_in_most_real_pages():
    pages = json.loads((DATA / "dates_in_the_wild_fr.json").read_text())
    found = 0
    for page in pages:
        dates = {parse_french_date(text, NOW) for text in page["date_strings"]}
        found += page["expected_publication_date"][:10] in {str(d.date()) for d in dates if d}
    # The rest only show the date as "il y a …" or a different (update) date.
    assert found >= 0.85 * len(pages)
