from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from articles.templatetags.dates_fr import age, day_label, exact, long_date, relative_age

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 29, 21, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW - timedelta(seconds=20), "à l’instant"),
        (NOW + timedelta(minutes=3), "à l’instant"),
        (NOW - timedelta(minutes=1), "il y a 1 minute"),
        (NOW - timedelta(minutes=45), "il y a 45 minutes"),
        (NOW - timedelta(hours=3), "il y a 3 heures"),
        (datetime(2026, 11, 28, 19, 20, tzinfo=PARIS), "hier à 19 h 20"),
        (datetime(2026, 11, 28, 9, 5, tzinfo=PARIS), "hier à 9 h 05"),
        (datetime(2026, 11, 26, 12, 0, tzinfo=PARIS), "il y a 3 jours"),
        (NOW - timedelta(days=8), "il y a 1 semaine"),
        (NOW - timedelta(days=28), "il y a 4 semaines"),
        (NOW - timedelta(days=31), "il y a 1 mois"),
        (NOW - timedelta(days=95), "il y a 3 mois"),
        (NOW - timedelta(days=800), "il y a 2 ans"),
    ],
)
def test_relative_ages_read_like_a_french_news_site(moment, expected):
    assert relative_age(moment, NOW) == expected


def test_a_story_from_just_before_midnight_is_minutes_old_not_yesterday():
    just_after = datetime(2026, 11, 30, 0, 10, tzinfo=PARIS)
    assert relative_age(datetime(2026, 11, 29, 23, 50, tzinfo=PARIS), just_after) == "il y a 20 minutes"


def test_ages_count_in_paris_time_even_for_utc_dates():
    utc_evening = datetime(2026, 11, 28, 18, 20, tzinfo=ZoneInfo("UTC"))
    assert relative_age(utc_evening, NOW) == "hier à 19 h 20"


def test_the_seed_cards_short_ages():
    assert age(NOW - timedelta(days=29), NOW) == "4 semaines"
    assert age(NOW - timedelta(days=33), NOW) == "1 mois"


def test_day_labels_say_today_yesterday_then_the_date():
    today = date(2026, 11, 29)
    assert day_label(today, today) == "Aujourd’hui"
    assert day_label(date(2026, 11, 28), today) == "Hier"
    assert day_label(date(2026, 11, 26), today) == "Jeudi 26 novembre 2026"
    assert long_date(date(2026, 3, 1)) == "dimanche 1er mars 2026"


def test_exact_dates_are_in_french():
    assert exact(datetime(2026, 8, 15, 7, 3, tzinfo=PARIS)) == "samedi 15 août 2026 à 7 h 03"
