"""manage.py send_digests [--now] [--dry-run] and manage.py subscribers [--export CSV]."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from subscriptions.models import Delivery
from tests.builders import make_article
from tests.subscriptions.builders import make_subscriber

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dry_run_counts_and_sends_nothing(mailoutbox):
    make_subscriber(hour=23)
    make_article("Nouvelle")
    assert "(à blanc) Résumés : 1 envoyé(s)" in _run("send_digests", "--now", "--dry-run")
    assert mailoutbox == [] and not Delivery.objects.exists()


def test_now_sends_todays_digests_whatever_the_hour(mailoutbox):
    make_subscriber("tard@exemple.fr", hour=23)
    make_article("Nouvelle")
    assert "Résumés : 1 envoyé(s)" in _run("send_digests", "--now")
    assert [m.to for m in mailoutbox] == [["tard@exemple.fr"]]
    assert "Résumés : 0 envoyé(s)" in _run("send_digests", "--now")


def test_export_holds_confirmed_subscribers_only(tmp_path):
    make_subscriber("oui@exemple.fr", communes=("sete", "meze"), keywords=["joutes"])
    make_subscriber("attente@exemple.fr", confirmed=False)
    target = tmp_path / "abonnes.csv"
    assert "1 abonné·e(s)" in _run("subscribers", "--export", str(target))
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert [r[0] for r in rows] == ["email", "oui@exemple.fr"]
    assert rows[1][1:4] == ["meze sete", "", "joutes"]


def test_it_counts_subscribers_per_commune():
    make_subscriber(communes=("sete",))
    make_subscriber(communes=("sete", "meze"))
    make_subscriber()
    out = _run("subscribers")
    assert "Confirmé·e·s actifs : 3" in out and "Sète : 2" in out and "Mèze : 1" in out and "Tout le bassin : 1" in out
