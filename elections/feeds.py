"""RSS and Atom of the stories that name a candidate, with the timelines' feed items."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles import timelines
from articles.feeds import TimelineFeed, xml_safe
from articles.models import Article
from elections import queries
from elections.models import Person


class PersonFeed(TimelineFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Person:
        return get_object_or_404(Person, slug=slug)

    def title(self, obj: Person) -> str:
        return xml_safe(f"{obj.name} — Élections — Newsroom Thau")

    def link(self, obj: Person) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Person) -> str:
        return reverse(f"elections:person-{self.kind}", args=[obj.slug])

    def description(self, obj: Person) -> str:
        return xml_safe(f"Les articles du bassin de Thau qui citent {obj.name}.")

    def items(self, obj: Person) -> list[Article]:
        return list(queries.articles_naming(obj).for_cards()[: timelines.FEED_SIZE])


class PersonAtom(PersonFeed):
    feed_type = Atom1Feed
    kind = "atom"

    def subtitle(self, obj: Person) -> str:
        return self.description(obj)
