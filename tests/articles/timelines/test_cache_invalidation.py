"""Timelines are cached; storing a story, retagging it or hiding it shows at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from articles import cache as page_cache
from articles.models import Article, ArticleCommune
from localities.models import Commune
from tests.builders import make_article
from tests.helpers import ROOT, child_env


def titles_on(client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.mark.django_db
def test_a_stored_story_appears_on_a_cached_timeline(client, django_capture_on_commit_callbacks):
    make_article("Sète : premier article", communes=("sete",))
    assert "premier article" in titles_on(client, "/communes/sete/")
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : second article", communes=("sete",))
    assert "second article" in titles_on(client, "/communes/sete/")


@pytest.mark.django_db
def test_nothing_changes_on_screen_until_the_transaction_commits(client, django_capture_on_commit_callbacks):
    make_article("Sète : premier article", communes=("sete",))
    titles_on(client, "/communes/sete/")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        make_article("Sète : pas encore validé", communes=("sete",))
    assert pending, "the version bump waits for the commit"


@pytest.mark.django_db
def test_tagging_a_story_with_a_commune_puts_it_on_that_commune_page(client, django_capture_on_commit_callbacks, sete):
    story = make_article("Une histoire sans commune")
    assert "sans commune" not in titles_on(client, "/communes/sete/")
    with django_capture_on_commit_callbacks(execute=True):
        story.communes.add(sete, through_defaults={"rule": "éditeur"})
    assert "sans commune" in titles_on(client, "/communes/sete/")


@pytest.mark.django_db
def test_bulk_created_tags_show_after_changed(client, sete, django_capture_on_commit_callbacks):
    story = make_article("Classé en masse")
    titles_on(client, "/communes/sete/")
    with django_capture_on_commit_callbacks(execute=True):
        ArticleCommune.objects.bulk_create([ArticleCommune(article=story, commune=sete)])
        page_cache.changed(articles=[story])
    assert "Classé en masse" in titles_on(client, "/communes/sete/")


@pytest.mark.django_db
def test_a_queryset_update_that_hides_stories_invalidates_the_cache(client, django_capture_on_commit_callbacks):
    make_article("À masquer en masse")
    assert "À masquer en masse" in titles_on(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(title="À masquer en masse").update(status=Article.Status.HIDDEN)
    assert "À masquer en masse" not in titles_on(client, "/")


@pytest.mark.django_db
def test_a_renamed_commune_is_renamed_in_the_navigation(client, django_capture_on_commit_callbacks):
    titles_on(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        Commune.objects.filter(slug="meze").get().save(update_fields=[])
        meze = Commune.objects.get(slug="meze")
        meze.name = "Mèze-sur-Thau"
        meze.save()
    assert "Mèze-sur-Thau" in titles_on(client, "/")


@pytest.mark.django_db(transaction=True)
def test_a_story_stored_by_another_process_shows_on_the_cached_page(client, redis_url, places):
    """The ingest worker is another process: the version lives in Redis, shared by all of them."""
    make_article("Sète : déjà là", communes=("sete",))
    assert "déjà là" in titles_on(client, "/communes/sete/")
    code = (
        "import django; django.setup(); "
        "from tests.builders import make_article; "
        "make_article('Sète : écrit par un autre processus', communes=('sete',), guid='autre-processus')"
    )
    env = child_env(DJANGO_SETTINGS_MODULE="newsroom.settings", REDIS_URL=redis_url)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60)
    assert "écrit par un autre processus" in titles_on(client, "/communes/sete/")
