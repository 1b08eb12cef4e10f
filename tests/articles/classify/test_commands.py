"""The classify and reclassify commands, and alias edits reaching a process that is already running."""

from __future__ import annotations

import io
import json
import select
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleCommune
from localities.models import Alias, Commune
from tests.builders import make_article
from tests.helpers import ROOT, child_env, wait_until


def run_classify(*lines: str, **options) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("classify", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out, stderr=err, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


@pytest.mark.django_db
def test_classify_adds_communes_sections_and_why_to_each_line():
    rows, _ = run_classify(
        json.dumps({"title": "Gigean : Marcel Stoecklin dévoile ses colistiers", "summary": "", "categories": []}),
        json.dumps({"title": "Meta mise gros sur Scale AI", "categories": ["Société"], "id": 7}),
    )
    assert rows[0]["communes"] == ["gigean"]
    assert "elections" in rows[0]["sections"]
    assert rows[0]["why"][0] == {
        "tag": "commune",
        "slug": "gigean",
        "score": 6.5,
        "rule": "nom",
        "field": "préfixe du titre",
        "phrase": "Gigean",
    }
    assert rows[1]["communes"] == [] and rows[1]["sections"] == ["societe"] and rows[1]["id"] == 7


@pytest.mark.django_db
def test_classify_reports_a_bad_line_and_keeps_the_others():
    with pytest.raises(CommandError, match="1 ligne"):
        run_classify('{"title": "Sète : ok"}', "pas du json", '{"title": "Mèze : ok"}')
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "classify",
            stdin=io.StringIO('{"title": "Sète : ok"}\n["liste"]\n{"title": "Mèze : ok"}\n'),
            stdout=out,
            stderr=err,
        )
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row.get("communes") for row in rows] == [["sete"], None, ["meze"]]
    assert rows[1]["line"] == 2 and rows[1]["input"] == '["liste"]'
    assert "ligne 2" in err.getvalue()


@pytest.mark.django_db
def test_reclassify_since_a_date_leaves_older_stories_alone():
    old = make_article(title="Sète : ancien", published="2025-06-01T10:00:00+00:00")
    new = make_article(title="Sète : récent", published="2026-03-01T10:00:00+00:00")
    out = io.StringIO()
    call_command("reclassify", "--since", "2026-01-01", stdout=out)
    assert "1 article(s) reclassé(s)" in out.getvalue()
    assert not ArticleCommune.objects.filter(article=old).exists()
    assert ArticleCommune.objects.filter(article=new).exists()
    call_command("reclassify", "--all", stdout=io.StringIO())
    assert ArticleCommune.objects.filter(article=old).exists()


@pytest.mark.django_db
def test_reclassify_rejects_a_bad_date():
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("reclassify", "--since", "01/02/2026")


def _ask(process: subprocess.Popen, story: dict) -> dict:
    process.stdin.write(json.dumps(story) + "\n")
    process.stdin.flush()
    ready, _, _ = select.select([process.stdout], [], [], 60)
    assert ready, "the classify process did not answer"
    return json.loads(process.stdout.readline())


@pytest.mark.django_db(transaction=True)
def test_an_alias_added_in_the_admin_reaches_a_running_process_without_restart():
    story = {"title": "Les Aresquiers : la plage rouverte"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "classify"],
        cwd=ROOT,
        env=child_env(PYTHONUNBUFFERED="1"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert _ask(process, story)["communes"] == []
        Alias.objects.create(phrase="Aresquiers", commune=Commune.objects.get(slug="vic-la-gardiole"), kind="place")
        answer = wait_until(
            lambda: _ask(process, story)["communes"] == ["vic-la-gardiole"],
            timeout=30,
            interval=0.2,
            message="the running process never saw the new alias",
        )
        assert answer
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert Article.objects.count() == 0
