"""Builders for subscription tests: subscribers and form data (articles come from tests/builders.py)."""

from __future__ import annotations

import itertools
import re

from django.utils import timezone

from articles.models import Section
from localities.models import Commune
from subscriptions.models import Subscriber

_numbers = itertools.count(1)


def make_subscriber(
    email: str = "",
    *,
    communes: tuple[str, ...] = (),
    sections: tuple[str, ...] = (),
    confirmed: bool = True,
    **fields,
) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email or f"lecteur{next(_numbers)}@exemple.fr",
        confirmed=timezone.now() if confirmed else None,
        **fields,
    )
    subscriber.communes.set(Commune.objects.filter(slug__in=communes))
    subscriber.sections.set(Section.objects.filter(slug__in=sections))
    return subscriber


def signup_data(email: str = "marie@exemple.fr", **fields) -> dict:
    return {"email": email, "frequency": "quotidien", "hour": "7", "keywords": "", **fields}


def link_in(text: str, name: str) -> str:
    """The path of the first link to /abonnements/<name>/ in an email's text."""
    found = re.search(rf"https?://[^/\s]+(/abonnements/{name}/[^\s\"<]+/)", text)
    assert found, f"no /abonnements/{name}/ link in:\n{text}"
    return found.group(1)
