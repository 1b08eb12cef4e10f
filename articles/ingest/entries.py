"""The one shape every parser and scraper hands to the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class FeedItem:
    """One item of a feed or of a scraped listing, cleaned, before it is stored as an article."""

    title: str  # plain text
    url: str  # absolute http(s), tracking parameters stripped; may be "" when the source gave none
    guid: str = ""
    summary: str = ""  # sanitised HTML
    published: datetime | None = None  # aware, or None when the source gave no usable date
    raw_date: str = ""
    image: str = ""
    categories: list[str] = field(default_factory=list)
