"""Every editor confirmation or correction becomes a labelled example, in the same transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.admin import tagging
from articles.models import Section, TrainingExample
from localities.models import Commune
from tests.articles.classify.desk_builders import make_editor
from tests.builders import make_article
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db
QUEUE = "/admin/articles/article/a-verifier/"


@pytest.fixture
def editor_client(client):
    editor = make_editor()
    client.force_login(editor)
    client.editor = editor
    return client


def test_confirming_in_the_review_queue_records_a_confirmation(editor_client):
    story = make_article(
        "Sète : la liste de Laura Seguin dévoile ses colistiers",
        summary="La candidate présente son équipe.",
        communes=["sete"],
        sections=["elections"],
        needs_review=True,
    )
    editor_client.post(f"{QUEUE}{story.pk}/")
    example = TrainingExample.objects.get(article=story)
    assert (example.origin, example.editor) == (TrainingExample.Origin.CONFIRMATION, editor_client.editor)
    assert example.as_row() == {
        "title": story.title,
        "summary": "La candidate présente son équipe.",
        "communes": ["sete"],
        "section_hint": "elections",
        "elections": True,
    }


def test_a_quick_correction_records_the_corrected_labels_once(editor_client):
    story = make_article("Joutes : le sacre de Mathieu Blanc", communes=["sete"], sections=["elections"])
    frontignan, sports = Commune.objects.get(slug="frontignan"), Section.objects.get(slug="sports")
    editor_client.post(f"{QUEUE}{story.pk}/", {"action": "correct", "commune": frontignan.pk, "section": sports.pk})
    example = TrainingExample.objects.get()
    # The one click removes, adds and confirms: one example, a correction, with the final tags.
    assert example.origin == TrainingExample.Origin.CORRECTION
    assert (example.communes, example.section, example.elections) == (["frontignan"], "sports", False)


def test_a_later_confirmation_rewrites_the_labels_but_stays_a_correction(editor_client):
    story = make_article("Mèze : la foire aux huîtres", communes=["meze"], sections=["culture"])
    editor = editor_client.editor
    tagging.remove_commune([story.pk], Commune.objects.get(slug="meze"), editor)
    assert TrainingExample.objects.get().communes == []
    tagging.set_section([story.pk], Section.objects.get(slug="economie"), editor)
    tagging.confirm_tags([story.pk], editor)
    example = TrainingExample.objects.get()
    assert example.origin == TrainingExample.Origin.CORRECTION
    assert (example.section, example.communes) == ("economie", [])


def test_an_example_outlives_its_article(editor_client):
    story = make_article("Gigean : le marché de Noël", communes=["gigean"], sections=["culture"])
    tagging.confirm_tags([story.pk], editor_client.editor)
    story.delete()
    example = TrainingExample.objects.get()
    assert example.article is None and example.title == "Gigean : le marché de Noël"


def test_a_failed_change_records_no_example(editor_client):
    story = make_article("Poussan : la fête du village", communes=["poussan"])
    with pytest.raises(RuntimeError), transaction.atomic():
        tagging.confirm_tags([story.pk], editor_client.editor)
        raise RuntimeError("the request failed after the change")
    assert not TrainingExample.objects.exists()


def _queries_to_confirm(count: int, editor) -> int:
    stories = [make_article(communes=["sete"], sections=["culture"]).pk for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        tagging.confirm_tags(stories, editor)
    assert TrainingExample.objects.filter(article__in=stories).count() == count
    return len(queries)


def test_recording_many_examples_costs_a_fixed_number_of_queries(editor_client):
    editor = editor_client.editor
    assert _queries_to_confirm(3, editor) == _queries_to_confirm(30, editor)


def test_a_commune_added_in_the_change_form_records_a_correction(editor_client):
    story = make_article("Sète : la criée rouvre", communes=["sete"], sections=["economie"])
    url = f"/admin/articles/article/{story.pk}/change/"
    data = rendered_form_data(editor_client.get(url).content.decode(), "article_form")
    data["articlecommune_set-TOTAL_FORMS"] = ["2"]
    data["articlecommune_set-1-commune"] = [str(Commune.objects.get(slug="frontignan").pk)]
    data["articlecommune_set-1-article"] = [str(story.pk)]
    assert editor_client.post(url, data).status_code == 302
    example = TrainingExample.objects.get(article=story)
    assert (example.origin, example.communes) == (TrainingExample.Origin.CORRECTION, ["frontignan", "sete"])
