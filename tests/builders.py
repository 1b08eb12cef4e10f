"""Builders for the tests: sources, articles and their tags, desk people, and feeds written on the fly.

Straight through the ORM, each with the fewest fields a test needs; tests pass the rest.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleCommune, ArticleSection, Cluster, Section, Source
from localities.models import Commune

_numbers = itertools.count(1)

# --- Sources, articles, people ---------------------------------------------------------------------


def make_source(name: str | None = None, **fields) -> Source:
    """A new source; without a name it gets a numbered one ("Source 3", https://source-3.example/)."""
    name = name or f"Source {next(_numbers)}"
    return Source.objects.create(name=name, **{"url": f"https://{slugify(name)}.example/", **fields})


def make_feed_source(url: str, **fields) -> Source:
    """A source whose feed is ``url`` (a local test server)."""
    return Source.objects.create(**{"name": "Source de test", "url": url, "feed_url": url, **fields})


def default_source() -> Source:
    """The one source articles come from when a test does not say."""
    return Source.objects.get_or_create(name="Le Singulier", defaults={"url": "https://lesinguliersete.fr/"})[0]


def make_article(
    title: str | None = None,
    *,
    communes: tuple[str, ...] | list[str] = (),
    sections: tuple[str, ...] | list[str] = (),
    published: datetime | None = None,
    source: Source | None = None,
    **fields,
) -> Article:
    """A stored article tagged with communes and sections given by slug. Unless given, each one is
    published a minute before the one made before it."""
    number = next(_numbers)
    fields = {
        "guid": f"article-{number}",
        "url": f"https://lesinguliersete.fr/{number}",
        "title": title or f"Article numéro {number}",
        "published": published or timezone.now() - timedelta(minutes=number),
        **fields,
    }
    article = Article.objects.create(source=source or default_source(), **fields)
    for slug in communes:
        ArticleCommune.objects.create(
            article=article, commune=Commune.objects.get(slug=slug), rule="préfixe du titre", phrase="Sète :"
        )
    for slug in sections:
        ArticleSection.objects.create(article=article, section=Section.objects.get(slug=slug), rule="mot-clé")
    return article


def make_articles(count: int, *, start: datetime | None = None, step: timedelta = timedelta(hours=1), **kwargs):
    """``count`` articles, newest first, ``step`` apart."""
    start = start or timezone.now() - timedelta(minutes=1)
    return [make_article(published=start - i * step, **kwargs) for i in range(count)]


def make_cluster(*articles: Article, uncertain: bool = False) -> Cluster:
    """One event told by ``articles``, kept right by the clusters code (the oldest version leads).
    The articles are refreshed: their ``cluster`` and ``is_lead`` are the stored ones."""
    from articles.clusters import state

    cluster = state.ensure_cluster(articles[0])
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(cluster=cluster)
    state.refresh([cluster.pk])
    Cluster.objects.filter(pk=cluster.pk).update(uncertain=uncertain)
    for article in articles:
        article.refresh_from_db()
    cluster.refresh_from_db()
    return cluster


def make_person(username: str, group: str) -> User:
    """A staff member in one of the desk's groups ("Éditeurs", "Administrateurs")."""
    user = User.objects.create_user(username, f"{username}@example.org", "motdepasse", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


# --- Feeds -----------------------------------------------------------------------------------------


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
    """An RSS 2.0 feed around items written by ``rss_item``."""
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://petit-thau.example/</link>{ttl_tag}" + "".join(items) + "</channel></rss>"
    ).encode()


def simple_feed(count: int, *, prefix: str = "Sète : nouvelle", base: str = "https://petit-thau.example/") -> bytes:
    """A feed of ``count`` entries, newest first, an hour apart."""
    now = timezone.now()
    return rss(
        *(
            rss_item(f"{prefix} {i}", link=f"{base}{i}", guid=f"id-{i}", published=now - timedelta(hours=i))
            for i in range(count)
        )
    )


def rss_from_items(items: list[dict], *, title: str = "Hérault Tribune", link: str = "https://news.example/") -> bytes:
    """A small RSS 2.0 feed. Each item: title, link, and optional guid, summary, published (datetime)."""
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>Actualité</description>",
    ]
    for index, item in enumerate(items):
        published = item.get("published") or start + timedelta(minutes=index)
        parts.append(
            "<item>"
            f"<title>{escape(item['title'])}</title>"
            f"<link>{escape(item['link'])}</link>"
            f'<guid isPermaLink="false">{escape(item.get("guid") or item["link"])}</guid>'
            f"<description>{escape(item.get('summary', ''))}</description>"
            f"<pubDate>{format_datetime(published)}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def numbered_items(count: int, prefix: str = "Sète", first: int = 0) -> list[dict]:
    """Items for ``rss_from_items``: "<prefix> : nouvelle n°<n>"."""
    return [
        {
            "title": f"{prefix} : nouvelle n°{n}",
            "link": f"https://news.example/{prefix.lower()}/{n}",
            "summary": "Texte.",
        }
        for n in range(first, first + count)
    ]
