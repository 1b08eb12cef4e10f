"""Scrape sources: a listing page with no feed, read with a recipe of CSS selectors.

A recipe is a dict: ``item`` (one per article), ``title``, ``link`` and optionally ``summary``,
``date``, ``image``, ``commune`` and ``section``, each a CSS selector inside the item. The commune
and section texts travel as feed categories, where the classifier reads them.
"""

from __future__ import annotations

from datetime import datetime

from bs4 import BeautifulSoup
from django.conf import settings
from soupsieve import SelectorSyntaxError

from articles.ingest.clean import clean_html, clean_url, plain_text
from articles.ingest.dates import parse_french_date
from articles.ingest.entries import FeedItem

REQUIRED = ("item", "title", "link")
OPTIONAL = ("summary", "date", "image", "commune", "section")


class RecipeError(ValueError):
    pass


def check_recipe(recipe: dict) -> None:
    """Raise RecipeError with a readable message unless the recipe's selectors are usable."""
    if not isinstance(recipe, dict):
        raise RecipeError("La recette doit être un objet JSON.")
    missing = [key for key in REQUIRED if not recipe.get(key)]
    if missing:
        raise RecipeError("La recette doit donner les sélecteurs : " + ", ".join(missing) + ".")
    probe = BeautifulSoup("<p></p>", "lxml")
    for key in (*REQUIRED, *OPTIONAL):
        selector = recipe.get(key)
        if selector is None:
            continue
        if not isinstance(selector, str):
            raise RecipeError(f"Le sélecteur « {key} » doit être du texte.")
        try:
            probe.select(selector)
        except (SelectorSyntaxError, ValueError) as exc:
            raise RecipeError(f"Sélecteur « {key} » invalide : {exc}") from None


def extract_items(
    html: bytes | str, recipe: dict, base_url: str, fetched_at: datetime, *, limit: int = 500
) -> list[FeedItem]:
    """The articles of a listing page (at most ``limit``), cleaned, dates relative to ``fetched_at``; never saved."""
    check_recipe(recipe)
    size, largest = len(html), settings.NEWSROOM_SCRAPE_MAX_BYTES
    if size > largest:
        raise RecipeError(
            f"Page de liste trop grande pour être lue : {size / 1048576:.1f} Mio (au plus {largest / 1048576:.1f} Mio)."
        )
    soup = BeautifulSoup(html, "lxml")
    items = []
    for node in soup.select(recipe["item"], limit=limit):
        title_node = _one(node, recipe["title"])
        link_node = _one(node, recipe["link"])
        title = plain_text(title_node.get_text(" ")) if title_node else ""
        href = ""
        if link_node is not None:
            href = link_node.get("href") or (link_node.find("a", href=True) or {}).get("href", "")
        url = clean_url(href, base_url)
        if not title or not url:
            continue  # a card without a headline or a link is decoration, not an article
        summary_node = _one(node, recipe.get("summary"))
        date_node = _one(node, recipe.get("date"))
        image_node = _one(node, recipe.get("image"))
        raw_date = ""
        if date_node is not None:
            raw_date = (date_node.get("datetime") or date_node.get_text(" ")).strip()[:200]
        published = parse_french_date(raw_date, fetched_at) if raw_date else None
        if published is None and date_node is not None and date_node.get("datetime"):
            published = _iso(date_node["datetime"])
        categories = []
        for key in ("section", "commune"):
            text_node = _one(node, recipe.get(key))
            if text_node is not None and plain_text(text_node.get_text(" ")):
                categories.append(plain_text(text_node.get_text(" "), 100))
        items.append(
            FeedItem(
                title=title,
                url=url,
                summary=clean_html(summary_node.decode_contents(), base=base_url) if summary_node else "",
                published=published,
                raw_date=raw_date,
                image=_image(image_node, base_url),
                categories=categories,
            )
        )
    return items


def _one(node, selector: str | None):
    if not selector:
        return None
    if selector == ":scope":
        return node
    return node.select_one(selector)


def _image(node, base_url: str) -> str:
    if node is None:
        return ""
    if node.name != "img":
        node = node.find("img") or node
    src = node.get("src") or node.get("data-src") or ""
    return clean_url(src, base_url)


def _iso(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None
