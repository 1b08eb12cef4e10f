"""Adding a source by site or feed URL: find the feed the site publishes.

Order: the URL is itself a feed; else ``<link rel="alternate">`` feed links in the page; else the
common paths (WordPress ``/feed/``, ``/rss.xml``, ``/feed.xml``, Joomla ``?format=feed&type=rss``).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from articles.ingest.clean import clean_url, plain_text
from articles.ingest.fetch import FetchError, fetch
from articles.ingest.parse import ParseError, parse_feed
from articles.ingest.scrape import RecipeError, check_recipe
from articles.models import Source

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
COMMON_PATHS = ("/feed/", "/rss.xml", "/feed.xml", "/?format=feed&type=rss")


class DiscoveryError(ValueError):
    pass


def _as_feed(body: bytes, headers: dict[str, str], url: str):
    try:
        parsed = parse_feed(body, headers=headers, base_url=url, max_entries=1)
    except ParseError:
        return None
    return parsed if (parsed.total or parsed.title) else None


def feed_links(html: bytes | str, base_url: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    links = []
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        rel = rel if isinstance(rel, list) else rel.split()
        if "alternate" in [r.lower() for r in rel] and (link.get("type") or "").lower().split(";")[0] in FEED_TYPES:
            url = clean_url(link["href"], base_url)
            if url and url not in links:
                links.append(url)
    return links


def discover_feed(url: str) -> tuple[str, str]:
    """(feed URL, feed title) for a site or feed URL. Raises DiscoveryError with a readable reason."""
    try:
        page = fetch(url)
    except FetchError as exc:
        raise DiscoveryError(f"Impossible de lire {url} : {exc}") from None
    parsed = _as_feed(page.body, page.headers, page.url)
    if parsed:
        return page.url, parsed.title
    candidates = feed_links(page.body, page.url)
    parts = urlsplit(page.url)
    root = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    candidates += [urljoin(root, path) for path in COMMON_PATHS if urljoin(root, path) not in candidates]
    for candidate in candidates:
        try:
            response = fetch(candidate)
        except FetchError:
            continue
        parsed = _as_feed(response.body, response.headers, response.url)
        if parsed:
            return response.url, parsed.title
    raise DiscoveryError(
        f"Aucun flux trouvé pour {url} (ni lien « alternate », ni /feed/, /rss.xml, /feed.xml, format=feed). "
        "Ajoutez-la comme page à extraire, avec une recette."
    )


def add_source(url: str, *, name: str | None = None, recipe: dict | None = None, section=None, commune=None) -> Source:
    """Create a source from a site or feed URL (discovery runs), or a scrape source with its recipe."""
    clean = clean_url(url)
    if not clean or urlsplit(url.strip()).scheme not in ("http", "https"):
        raise DiscoveryError(f"Adresse invalide : {url!r} (http ou https attendu).")
    if recipe:
        try:
            check_recipe(recipe)
        except RecipeError as exc:
            raise DiscoveryError(str(exc)) from None
        source = Source(name=name or urlsplit(clean).hostname, url=url.strip(), feed_url=url.strip(), kind="scrape")
        source.recipe = recipe
    else:
        feed_url, title = discover_feed(url.strip())
        source = Source(name=name or title or urlsplit(clean).hostname, url=url.strip(), feed_url=feed_url)
    source.name = plain_text(source.name, 200) or "source"
    source.default_section = section
    source.default_commune = commune
    try:
        source.full_clean()
    except ValidationError as exc:
        raise DiscoveryError("; ".join(exc.messages)) from None
    source.save()
    return source
