"""`make run` loads a fictional past election and the announced presidential rounds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.demo import demo_starting
from elections.demo import SLUG
from elections.models import Candidacy, Election, Result

pytestmark = pytest.mark.django_db


def test_the_demo_signal_loads_a_fictional_election_with_a_hub_to_show(client, settings):
    settings.DEBUG = True

    demo_starting.send(sender=None)
    demo_starting.send(sender=None)  # a second `make run`: nothing doubles

    assert Result.objects.filter(round__election__slug=SLUG).count() == 3
    assert Candidacy.objects.filter(election__slug=SLUG).count() == 6
    assert Election.objects.filter(slug="presidentielle-2027").exists()
    html = client.get(reverse("elections:hub", args=["sete"])).content.decode()
    assert "élection fictive de démonstration" in html and "Hélène Marcoulin" in html


def test_no_demo_election_outside_local_mode(settings):
    settings.DEBUG = False

    demo_starting.send(sender=None)

    assert not Election.objects.exists()
