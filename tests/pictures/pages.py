"""Reading our pages as documents (never by matching strings): an HTML tree and its SVG links."""

from __future__ import annotations

import lxml.html


def document(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def map_links(doc, *, locator: bool = False) -> list:
    """The <a> elements of the commune map's SVG."""
    section = doc.xpath('//section[contains(concat(" ", @class, " "), " commune-map ")]')
    assert len(section) == 1, "one commune map on the page"
    svg = section[0].xpath('.//svg[@class="map"]')
    assert len(svg) == 1
    return svg[0].xpath(".//a")
