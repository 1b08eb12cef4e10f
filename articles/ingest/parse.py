"""Feed bytes to entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser only ever sees bytes we fetched ourselves (never its own fetcher). Before it does, the
prolog is checked for entity declarations that could blow up (billion laughs, quadratic blowup)
or reach outside (SYSTEM/PUBLIC entities): such a feed fails fast with a readable error.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from articles.ingest.clean import clean_html, clean_url, plain_text
from articles.ingest.entries import FeedItem

MAX_ENTITY_DECLARATIONS = 32
MAX_ENTITY_VALUE = 1024
_PROLOG_END = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF|channel)\b", re.IGNORECASE)
_FIRST_IMG = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.IGNORECASE)


class ParseError(Exception):
    """A body that is not a usable feed, with a readable (French) reason."""


@dataclass
class ParsedFeed:
    title: str = ""
    link: str = ""
    ttl_minutes: int | None = None
    entries: list[FeedItem] = field(default_factory=list)
    total: int = 0  # entries in the document, before the per-poll cap


def check_entities(body: bytes) -> None:
    match = _PROLOG_END.search(body, 0, 1024 * 1024)
    prolog = body[: match.start()] if match else body[: 1024 * 1024]
    if b"<!ENTITY" not in prolog.upper():
        return
    declarations = _ENTITY.findall(prolog)
    if len(declarations) > MAX_ENTITY_DECLARATIONS:
        raise ParseError(f"Flux refusé : {len(declarations)} entités XML déclarées (attaque par expansion ?).")
    for parameter, name, value in declarations:
        if value.upper() in (b"SYSTEM", b"PUBLIC"):
            raise ParseError(f"Flux refusé : l’entité XML {name.decode(errors='replace')} pointe vers l’extérieur.")
        if parameter:
            raise ParseError("Flux refusé : entités paramètres XML non acceptées.")
        if len(value) > MAX_ENTITY_VALUE or b"&" in value:
            raise ParseError(
                f"Flux refusé : l’entité XML {name.decode(errors='replace')} est trop grosse ou en imbrique "
                "d’autres (attaque par expansion ?)."
            )


def parse_feed(body: bytes, *, headers: dict[str, str], base_url: str, max_entries: int) -> ParsedFeed:
    stripped = body.lstrip()
    if stripped[:1] == b"{":
        return _parse_json_feed(stripped, base_url, max_entries)
    check_entities(body)
    response_headers = {"content-location": base_url}
    if headers.get("content-type"):
        response_headers["content-type"] = headers["content-type"]
    try:
        # Our own nh3 pass (clean_html) sanitises and resolves links in entry HTML: feedparser's
        # slower sanitiser and resolver would only repeat that work.
        result = feedparser.parse(
            body, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser is lenient, but a broken codec or parser bug must not crash a poll
        raise ParseError(f"Flux illisible : {exc.__class__.__name__}: {exc}") from None
    if not result.get("version") and not result.entries:
        reason = result.get("bozo_exception")
        detail = f" ({_short(reason)})" if reason else ""
        raise ParseError(f"Ce document n’est pas un flux RSS ou Atom lisible{detail}.")
    feed = result.feed
    parsed = ParsedFeed(
        title=plain_text(feed.get("title", ""), 200),
        link=clean_url(feed.get("link", ""), base_url),
        ttl_minutes=_int(feed.get("ttl")),
        total=len(result.entries),
    )
    for raw in result.entries[:max_entries]:
        parsed.entries.append(_entry(raw, base_url))
    return parsed


def _entry(raw, base_url: str) -> FeedItem:
    link = clean_url(raw.get("link", ""), base_url)
    summary = raw.get("summary", "")
    detail = raw.get("summary_detail") or {}
    if not summary and raw.get("content"):
        detail = raw["content"][0]
        summary = detail.get("value", "")
    title = plain_text(raw.get("title", ""))
    summary_html = clean_html(summary, base=_base(detail.get("base"), base_url))
    if not title:
        title = plain_text(summary_html, 120) or "(sans titre)"
    parsed_date = raw.get("published_parsed") or raw.get("updated_parsed")
    published = None
    if parsed_date:
        try:
            published = datetime.fromtimestamp(calendar.timegm(parsed_date), tz=UTC)
        except (OverflowError, ValueError, OSError):
            published = None
    raw_date = (raw.get("published") or raw.get("updated") or "")[:200]
    return FeedItem(
        title=title,
        url=link,
        guid=(raw.get("id") or "").strip(),
        summary=summary_html,
        published=published,
        raw_date=raw_date,
        image=_image(raw, base_url),
        categories=[plain_text(tag.get("term") or "", 100) for tag in raw.get("tags", []) if tag.get("term")][:20],
    )


def _base(declared: str | None, base_url: str) -> str:
    """The entry's xml:base (already absolute in feedparser's output), else the feed's URL."""
    return declared if declared and declared.startswith(("http://", "https://")) else base_url


def _image(raw, base_url: str) -> str:
    for key in ("media_thumbnail", "media_content"):
        for item in raw.get(key, []) or []:
            if item.get("url") and (key == "media_thumbnail" or item.get("medium", "image") == "image"):
                return clean_url(item["url"], base_url)
    for link in raw.get("links", []) or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return clean_url(link.get("href", ""), base_url)
    image = raw.get("image")
    if isinstance(image, dict) and image.get("href"):
        return clean_url(image["href"], base_url)
    # Last resort, the summary's first <img> (the cleaned summary keeps no images).
    found = _FIRST_IMG.search(raw.get("summary") or "")
    return clean_url(html.unescape(found.group(1)), base_url) if found else ""


def _parse_json_feed(body: bytes, base_url: str, max_entries: int) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"JSON illisible : {_short(exc)}") from None
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        raise ParseError("Ce document JSON n’est pas un JSON Feed.")
    items = data.get("items") if isinstance(data.get("items"), list) else []
    parsed = ParsedFeed(
        title=plain_text(str(data.get("title", "")), 200),
        link=clean_url(str(data.get("home_page_url", "")), base_url),
        total=len(items),
    )
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            continue
        summary = item.get("content_html") or item.get("summary") or item.get("content_text") or ""
        raw_date = str(item.get("date_published") or item.get("date_modified") or "")[:200]
        summary_html = clean_html(str(summary), base=base_url)
        title = plain_text(str(item.get("title") or "")) or plain_text(summary_html, 120) or "(sans titre)"
        parsed.entries.append(
            FeedItem(
                title=title,
                url=clean_url(str(item.get("url") or ""), base_url),
                guid=str(item.get("id") or "").strip(),
                summary=summary_html,
                published=_iso(raw_date),
                raw_date=raw_date,
                image=clean_url(str(item.get("image") or ""), base_url),
                categories=[plain_text(str(tag), 100) for tag in item.get("tags") or [] if tag][:20],
            )
        )
    return parsed


def _iso(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


def _int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _short(exc: object) -> str:
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < 200 else text[:197] + "…"
