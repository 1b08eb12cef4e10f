"""Coverage at a glance and activity: silent communes, quiet sources, sparklines, the accessibility page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localities.models import Commune
from pictures import activity, coverage
from tests.builders import make_article, make_person, make_source
from tests.pictures.pages import document

pytestmark = pytest.mark.django_db


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_communes_without_an_article_for_n_days_are_silent(settings):
    settings.NEWSROOM_SILENT_COMMUNE_DAYS = 3
    for slug in Commune.objects.exclude(slug__in=["meze", "gigean"]).values_list("slug", flat=True):
        make_article(communes=(slug,), published=_ago(days=1))
    make_article(communes=("meze",), published=_ago(days=5))

    silent = coverage.silent_communes()

    assert [(item.commune.slug, item.last is None) for item in silent] == [("gigean", True), ("meze", False)]


def test_a_source_quiet_for_over_twice_its_usual_interval_is_listed():
    daily = make_source("Quotidien")
    for day in range(2, 12):  # one article a day until two days ago: silent for 2 days, twice its rhythm
        make_article(source=daily, published=_ago(days=day, hours=1))
    steady = make_source("Régulier")
    for day in range(0, 10):
        make_article(source=steady, published=_ago(days=day, minutes=5))
    make_source("Nouvelle")  # no history yet: nothing to compare with

    silent = coverage.silent_sources()

    assert [item.source.name for item in silent] == ["Quotidien"]
    assert silent[0].usual_hours == 24


def test_the_admin_index_and_the_sources_page_show_coverage_in_plain_words(client):
    make_article(communes=("sete",))
    client.force_login(make_person("redaction", "Éditeurs"))
    for url in (reverse("admin:index"), reverse("sources")):
        doc = document(client.get(url))
        [section] = doc.xpath('//section[@class="coverage"]')
        assert "Communes silencieuses" in section.text_content()
        listed = section.xpath('.//ul[@class="silent-communes"]//a/@href')
        assert reverse("commune", args=["gigean"]) in listed and reverse("commune", args=["sete"]) not in listed


def test_a_commune_page_and_the_sources_page_show_30_day_sparklines(client):
    source = make_source("Hebdo")
    make_article(communes=("sete",), source=source, published=_ago(hours=2))
    make_article(communes=("sete",), source=source, published=_ago(days=40))

    commune = document(client.get(reverse("commune", args=["sete"])))
    [spark] = commune.xpath('//svg[@class="sparkline"]')
    assert spark.get("role") == "img" and spark.get("aria-label").startswith("Articles sur Sète : 1 en 30 jours")
    assert len(spark.xpath("./polyline")[0].get("points").split()) == 30

    sources = document(client.get(reverse("sources")))
    labels = sources.xpath('//table[@class="sources"]//svg[@class="sparkline"]/@aria-label')
    assert any(label.startswith("Articles de Hebdo : 1 en 30 jours") for label in labels)


def test_the_sparkline_counts_articles_per_local_day():
    sete = Commune.objects.get(slug="sete")
    make_article(communes=("sete",), published=_ago(minutes=1))
    make_article(communes=("sete",), published=_ago(minutes=2))
    line = activity.commune_sparkline(sete.pk)
    assert line.days[-1] == (timezone.localdate(), 2) and line.total == 2 and len(line.days) == 30


def test_the_accessibility_page_states_the_level_and_a_contact_and_the_footer_links_to_it(client, settings):
    doc = document(client.get(reverse("accessibility")))
    text = doc.xpath("//main")[0].text_content()
    assert "non conforme" in text and "WCAG 2.1" in text
    assert settings.NEWSROOM_CONTACT_URL in doc.xpath("//main//a/@href")
    home = document(client.get(reverse("home")))
    assert reverse("accessibility") in home.xpath("//footer//a/@href")
