from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from articles.models import Article, Section, Source
from tests.builders import make_source

pytestmark = pytest.mark.django_db


def test_migrations_load_the_sections_in_order():
    assert list(Section.objects.values_list("name", flat=True)) == [
        "Société",
        "Élections",
        "Politique",
        "Faits divers",
        "Économie",
        "Culture",
        "Sports",
        "Environnement",
    ]


def test_an_entry_is_stored_once_per_source():
    source = make_source()
    Article.objects.create(source=source, guid="a-1", url="https://lesinguliersete.fr/a-1", title="Un")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(source=source, guid="a-1", url="https://lesinguliersete.fr/a-1", title="Deux")
    other = make_source(name="Autre", url="https://autre.example/")
    Article.objects.create(source=other, guid="a-1", url="https://autre.example/a-1", title="Trois")
    assert Article.objects.count() == 2


def test_polling_interval_stays_within_bounds():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(interval=5)


def test_hidden_stories_are_not_visible():
    source = make_source("Le Singulier")
    Article.objects.create(source=source, guid="1", url="https://x.example/1", title="Visible")
    Article.objects.create(
        source=source, guid="2", url="https://x.example/2", title="Masqué", status=Article.Status.HIDDEN
    )
    assert [a.title for a in Article.objects.visible()] == ["Visible"]
    assert str(Article.objects.get(guid="1")) == "Visible"
    assert str(source) == "Le Singulier"


def test_scrape_sources_need_a_recipe():
    from django.core.exceptions import ValidationError

    source = Source(name="Sans flux", url="https://x.example/", kind=Source.Kind.SCRAPE, recipe={"item": ".card"})
    with pytest.raises(ValidationError) as excinfo:
        source.clean()
    assert "title" in str(excinfo.value) and "link" in str(excinfo.value)
