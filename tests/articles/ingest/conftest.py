"""Builders for ingestion tests: feeds written on the fly, and sources pointing at a local server."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Source

DATA = Path(__file__).resolve().parent / "data"


def rss_item(
    title: str,
    *,
    link: str | None = None,
    guid: str | None = None,
    summary: str = "",
    published: datetime | None = None,
) -> str:
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if summary:
        parts.append(f"<description><![CDATA[{summary}]]></description>")
    if published is not None:
        parts.append(f"<pubDate>{format_datetime(published)}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def rss(*items: str, title: str = "Le Petit Thau", ttl: int | None = None) -> bytes:
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://petit-thau.example/</link>{ttl_tag}" + "".join(items) + "</channel></rss>"
    ).encode()


def simple_feed(count: int, *, prefix: str = "Sète : nouvelle", base: str = "https://petit-thau.example/") -> bytes:
    now = timezone.now()
    return rss(
        *(
            rss_item(f"{prefix} {i}", link=f"{base}{i}", guid=f"id-{i}", published=now - timedelta(hours=i))
            for i in range(count)
        )
    )


@pytest.fixture
def make_source(db):
    def make(url: str, **fields) -> Source:
        fields.setdefault("name", "Source de test")
        fields.setdefault("feed_url", url)
        return Source.objects.create(url=url, **fields)

    return make
