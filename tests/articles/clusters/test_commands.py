"""``manage.py clusters`` and ``manage.py recluster``."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.builders import make_article, make_source

from .test_assign import BUDGET, START, story

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_clusters_lists_events_as_json_lead_first():
    lead = story(make_source("Midi Libre"), BUDGET)
    other = story(make_source("Thau Infos"), BUDGET, hours=2)
    alone = story(make_source("Le Singulier"), "Frontignan : la fête du muscat", communes=["frontignan"])
    rows = json.loads(_run("clusters", "--json"))
    by_id = {row["id"]: row["articles"] for row in rows}
    assert by_id[lead.cluster_id] == [lead.url, other.url]
    assert by_id[alone.cluster_id] == [alone.url]
    text = _run("clusters")
    assert f"Événement {lead.cluster_id} (2 version(s))" in text and "Thau Infos" in text


def test_clusters_since_keeps_recent_events_only():
    story(make_source("Midi Libre"), BUDGET)  # in March 2026, long before now
    recent = make_article("Sète : la fête de la Saint-Pierre", source=make_source("Thau Infos"), communes=["sete"])
    call_command("recluster", "--since", "2", stdout=StringIO())
    recent.refresh_from_db()
    rows = json.loads(_run("clusters", "--json", "--since", "2"))
    assert [row["id"] for row in rows] == [recent.cluster_id]


def test_recluster_all_groups_stored_stories_and_reports():
    make_article(BUDGET, source=make_source("Midi Libre"), communes=["sete"], published=START)
    make_article(BUDGET, source=make_source("Thau Infos"), communes=["sete"], published=START + timedelta(hours=1))
    out = _run("recluster", "--all")
    assert "2 article(s) regroupé(s)" in out and "1 événement(s) à plusieurs versions" in out
    assert len({a.cluster_id for a in Article.objects.all()}) == 1
