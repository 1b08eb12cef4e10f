"""OPML import and export. Scrape recipes and default commune/section travel as extra attributes.

Extra outline attributes (ignored by other readers): ``newsroomRecipe`` (the recipe as JSON),
``newsroomCommune`` and ``newsroomSection`` (slugs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.etree import ElementTree

from lxml import etree

from articles.ingest.discover import DiscoveryError, add_source
from articles.models import Section, Source
from localities.models import Commune


@dataclass
class ImportReport:
    added: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already present
    failed: list[str] = field(default_factory=list)  # "url : reason"


def export_opml(sources) -> bytes:
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "Sources Newsroom"
    body = ElementTree.SubElement(root, "body")
    for source in sources:
        attributes = {"text": source.name, "title": source.name, "htmlUrl": source.url}
        if source.kind == Source.Kind.SCRAPE:
            attributes["type"] = "link"
            attributes["newsroomRecipe"] = json.dumps(source.recipe, ensure_ascii=False, sort_keys=True)
        else:
            attributes["type"] = "rss"
            attributes["xmlUrl"] = source.fetch_url
        if source.default_commune_id:
            attributes["newsroomCommune"] = source.default_commune.slug
        if source.default_section_id:
            attributes["newsroomSection"] = source.default_section.slug
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="utf-8")


def read_outlines(data: bytes) -> list[dict[str, str]]:
    # lxml without entity resolution or network: an OPML file is untrusted input too.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"OPML illisible : {exc}") from None
    return [dict(node.attrib) for node in root.iter("outline") if node.get("xmlUrl") or node.get("htmlUrl")]


def import_opml(data: bytes, *, discover: bool = True) -> ImportReport:
    """Add every outline not already present. Feeds keep their xmlUrl; site-only outlines go through discovery."""
    report = ImportReport()
    known = set(Source.objects.values_list("url", flat=True)) | set(Source.objects.values_list("feed_url", flat=True))
    for outline in read_outlines(data):
        feed_url = outline.get("xmlUrl", "").strip()
        site_url = outline.get("htmlUrl", "").strip()
        url = feed_url or site_url
        if url in known or site_url in known and not feed_url:
            report.skipped.append(url)
            continue
        name = outline.get("title") or outline.get("text") or None
        try:
            recipe = json.loads(outline["newsroomRecipe"]) if outline.get("newsroomRecipe") else None
            commune = _by_slug(Commune, outline.get("newsroomCommune"))
            section = _by_slug(Section, outline.get("newsroomSection"))
            if recipe or not feed_url and discover:
                source = add_source(site_url or feed_url, name=name, recipe=recipe, commune=commune, section=section)
            else:
                source = Source.objects.create(
                    name=name or url,
                    url=site_url or feed_url,
                    feed_url=feed_url or site_url,
                    default_commune=commune,
                    default_section=section,
                )
        except (DiscoveryError, ValueError) as exc:
            report.failed.append(f"{url} : {exc}")
            continue
        known.update({source.url, source.feed_url})
        report.added.append(source)
    return report


def _by_slug(model, slug: str | None):
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValueError(f"{model._meta.verbose_name} inconnue : {slug}")
    return found
