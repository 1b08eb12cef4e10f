"""What a page tells social networks and search engines: Open Graph, Twitter card and JSON-LD.

Absolute URLs start with NEWSROOM_SITE_URL, not the request's host: pages are cached whole and
must say the same thing whoever asked first.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from articles.models import Article
from articles.templatetags.routes import route

DESCRIPTION = "L’actualité locale de Sète, Frontignan, Balaruc, Gigean et des communes du bassin de Thau."


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.NEWSROOM_SITE_URL}{path}"


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element, escaped like json_script."""
    text = json.dumps(data, ensure_ascii=False)
    # What json_script escapes, so a "</script>" inside a title cannot close the element.
    return mark_safe(text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E"))


def page_meta(context) -> dict:
    request = context.get("request")
    site = context.get("site_name") or settings.NEWSROOM_SITE_NAME
    title = str(context.get("title") or site)
    url = absolute(request.path if request is not None else "/")
    meta = {
        "type": "website",
        "title": title,
        "description": DESCRIPTION,
        "url": url,
        "site": site,
        "image": absolute(static("img/partage.png")),
        "image_alt": site,
        "card": "summary",
    }
    article = context.get("article")
    if isinstance(article, Article):
        _article_meta(meta, article)
    return meta


def page_json_ld(context, where: str) -> SafeString | None:
    """NewsArticle on an article page (``where`` "head"), CollectionPage with its ItemList on a timeline ("body")."""
    article = context.get("article")
    if isinstance(article, Article):
        return json_ld(_news_article(article)) if where == "head" else None
    if where == "body" and context.get("timeline") is not None and context.get("page") is not None:
        request = context.get("request")
        url = absolute(request.path if request is not None else "/")
        return json_ld(_collection(context["page"], str(context.get("title") or ""), url))
    return None


def _summary(article: Article) -> str:
    return Truncator(strip_tags(article.summary)).words(40) or DESCRIPTION


def _picture(article: Article) -> str:
    thumb = getattr(article, "thumbnail", None)  # select_related by the view: no query
    return absolute(thumb.url("page", "jpg")) if thumb is not None and thumb.ready else ""


def _article_meta(meta: dict, article: Article) -> None:
    meta.update(type="article", description=_summary(article), published=article.published)
    if _picture(article):
        thumb = article.thumbnail
        meta.update(image=_picture(article), card="summary_large_image", image_alt=article.title)
        meta.update(image_width=thumb.width, image_height=thumb.height)


def _news_article(article: Article) -> dict:
    source = article.source
    summary = _summary(article)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": summary,
        # The story belongs to its outlet: url and publisher are theirs, our page only points to it.
        "url": article.url,
        "mainEntityOfPage": article.url,
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat() if article.updated else article.published.isoformat(),
        "publisher": {"@type": "Organization", "name": source.name, "url": source.url},
    }
    if _picture(article):
        data["image"] = [_picture(article)]
    return data


def _collection(page, title: str, url: str) -> dict:
    articles = [*page.featured, *page.articles]
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": title,
        "url": url,
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(articles),
            "itemListElement": [
                {"@type": "ListItem", "position": i, "url": absolute(route("article", a.pk)), "name": a.title}
                for i, a in enumerate(articles, start=1)
            ],
        },
    }
