"""Story cards are cached one by one: a new story renders one card, a changed story its own again."""

from __future__ import annotations

import pytest

from articles import cards
from tests.builders import days_ago, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """The stories whose card was rendered (not taken from the card cache)."""
    rendered = []
    real = cards.get_template

    class Counting:
        def __init__(self, name):
            self.template = real(name)

        def render(self, context):
            rendered.append(context["article"].title)
            return self.template.render(context)

    monkeypatch.setattr(cards, "get_template", Counting)
    return rendered


def test_a_new_story_renders_its_card_only(client, renders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # stored and committed before the first visit
        # Days old: their age ("il y a 3 jours"), part of the card, stays the same during the test.
        make_article("Sète : la criée", communes=("sete",), published=days_ago(3))
        make_article("Sète : le marché", communes=("sete",), published=days_ago(4))
    client.get("/communes/sete/")
    assert sorted(renders) == ["Sète : la criée", "Sète : le marché"]
    renders.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : les joutes", communes=("sete",))
    html = client.get("/communes/sete/").content.decode()
    assert renders == ["Sète : les joutes"]
    assert "la criée" in html and "le marché" in html


def test_an_edited_story_gets_a_new_card(client, renders, django_capture_on_commit_callbacks):
    story = make_article("Sète : la criée", communes=("sete",))
    client.get("/communes/sete/")
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Sète : la criée rouvre"
        story.save()
    assert "la criée rouvre" in client.get("/communes/sete/").content.decode()


def test_a_timeline_page_s_stories_behave_like_stories_loaded_whole(django_assert_num_queries):
    from articles import timelines
    from localities.models import Commune

    make_article("Sète : la criée", communes=("sete", "frontignan"), sections=("economie",), summary="<p>Le port.</p>")
    page = timelines.timeline_page(timelines.Timeline(commune=Commune.objects.get(slug="sete")))
    story = page.articles[0]
    with django_assert_num_queries(0):  # loaded with the page, in the models' order
        assert [c.slug for c in story.communes.all()] == ["frontignan", "sete"]
        assert [s.slug for s in story.sections.all()] == ["economie"]
        assert story.source.name and story.cluster is None
    # Anything else asks the database, for this story only, as on a story loaded by the ORM.
    assert story.communes.filter(slug="sete").count() == 1
    assert story.summary == "<p>Le port.</p>"
    story.communes.remove(Commune.objects.get(slug="frontignan"))
    assert [c.slug for c in story.communes.all()] == ["sete"]
