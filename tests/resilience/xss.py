"""XSS inputs through the real ingest, then every public page in real Chromium.

Shared by ``tests/browser/test_xss.py`` (the curated 639 inputs) and ``bench/hostile.py`` (all 7,213,
through the same test with NEWSROOM_XSS_INPUTS pointing at the full set).

Each input becomes the title and the summary of a feed entry, and the title and summary of an item
on a scraped listing page. Chromium then opens the timelines (every page of them), every story page,
search results (which highlight matches) and the feeds, with ``alert``/``confirm``/``prompt``/
``print``/``console.*`` hooked and every request leaving the site recorded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from xml.sax.saxutils import escape

from articles.ingest.poll import poll_source
from articles.models import Article, Source

DATA = Path(__file__).resolve().parent / "data"
CURATED = DATA / "xss_curated_inputs.json"
CHUNK = 200  # entries per source, under NEWSROOM_MAX_ENTRIES
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

HOOKS = """
(() => {
  const report = (kind, args) => {
    try { window.__xssHit(kind, Array.from(args).map(String).join(' ').slice(0, 200)); } catch (e) {}
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = function () { report(name, arguments); return null; };
  }
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
    const original = console[name] && console[name].bind(console);
    console[name] = function () { report('console.' + name, arguments); if (original) original(...arguments); };
  }
})();
"""

# What a sanitised page must never contain, whatever the input was.
DOM_AUDIT = """
() => {
  const found = [];
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(el.tagName + ' ' + name);
      if (name === 'srcdoc' || (name === 'style' && /expression|javascript:|url\\(/i.test(attr.value))) {
        found.push(el.tagName + ' ' + name);
      }
      if (urlAttributes.includes(name)) {
        // The scheme the browser itself would use (it strips only C0 controls, spaces, tabs, newlines).
        let scheme = '';
        try { scheme = new URL(attr.value, document.baseURI).protocol; } catch (e) {}
        if (['javascript:', 'vbscript:', 'data:', 'livescript:'].includes(scheme)) {
          found.push(el.tagName + ' ' + name + '=' + attr.value.slice(0, 60));
        }
      }
    }
  }
  // Our one JSON-LD block (pictures/sharing.py) is data the browser never runs; it must parse whole.
  const forbidden = 'script:not([type="application/ld+json"]), iframe, frame, frameset, object, embed, applet, base, '
    + 'link[rel=import], meta[http-equiv]';
  for (const el of document.querySelectorAll(forbidden)) {
    found.push('<' + el.tagName.toLowerCase() + '>');
  }
  const data = document.querySelectorAll('script[type="application/ld+json"]');
  if (data.length > 1) found.push(data.length + ' JSON-LD blocks');
  for (const el of data) {
    try { JSON.parse(el.textContent); } catch (e) { found.push('JSON-LD that does not parse'); }
  }
  return found;
}
"""


def load_inputs(path: Path | str = CURATED) -> list[str]:
    return [value for value in json.loads(Path(path).read_text()) if isinstance(value, str) and value.strip()]


def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def feed_of(inputs: list[str], offset: int) -> bytes:
    items = "".join(
        "<item>"
        f"<title>{_xml_text(value)}</title>"
        f"<link>https://hostile.example/feed/{offset + n}</link>"
        f'<guid isPermaLink="false">feed-{offset + n}</guid>'
        f"<description>{_xml_text(value)}</description>"
        "</item>"
        for n, value in enumerate(inputs)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile</title>'
        f"<link>https://hostile.example/</link><description>x</description>{items}</channel></rss>"
    ).encode()


def listing_of(inputs: list[str], offset: int) -> bytes:
    # Scrape fields: the raw input inside the title, escaped inside the summary's text, as pages do both.
    items = "".join(
        f'<li class="story"><h2><a href="/page/{offset + n}">{value}</a></h2><p class="chapo">{html_escape(value)}'
        f"</p><div class='more'>{value}</div></li>"
        for n, value in enumerate(inputs)
    )
    return f"<!doctype html><html><body><ul>{items}</ul></body></html>".encode("utf-8", "replace")


RECIPE = {"item": "li.story", "title": "h2", "link": "h2 a", "summary": "p.chapo, div.more"}


@dataclass
class Ingested:
    inputs: int
    sources: list[int]
    articles: int
    polls: Counter = field(default_factory=Counter)


def ingest_inputs(inputs: list[str], server) -> Ingested:
    """Serve the inputs as feeds and listing pages on ``server`` and poll them for real."""
    ids: list[int] = []
    polls: Counter = Counter()
    for start in range(0, len(inputs), CHUNK):
        chunk = inputs[start : start + CHUNK]
        server.serve(f"/xss-{start}.xml", feed_of(chunk, start))
        server.serve(f"/xss-{start}.html", listing_of(chunk, start), content_type="text/html; charset=utf-8")
        feed = Source.objects.create(name=f"Flux hostile {start}", url=server.url(f"/xss-{start}.xml"))
        page = Source.objects.create(
            name=f"Page hostile {start}",
            url=server.url(f"/xss-{start}.html"),
            kind=Source.Kind.SCRAPE,
            recipe=RECIPE,
        )
        for source in (feed, page):
            result = poll_source(source.pk, force=True)
            polls[result.status] += 1
            ids.append(source.pk)
    return Ingested(len(inputs), ids, Article.objects.filter(source_id__in=ids).count(), polls)


@dataclass
class Visit:
    pages: int = 0
    executions: list[str] = field(default_factory=list)
    dom_findings: list[str] = field(default_factory=list)
    csp_reports: int = 0

    def as_dict(self) -> dict:
        return {
            "pages": self.pages,
            "executions": len(self.executions),
            "dom_findings": len(self.dom_findings),
            "csp_blocked": self.csp_reports,
            "examples": (self.executions + self.dom_findings)[:10],
        }


def hook(page, visit: Visit) -> None:
    page.context.expose_binding("__xssHit", lambda source, kind, text: visit.executions.append(f"{kind}: {text}"))
    page.context.add_init_script(HOOKS)


def open_page(page, path: str, visit: Visit) -> None:
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    visit.pages += 1
    if "html" in (response.headers.get("content-type") or ""):
        visit.dom_findings += [f"{path}: {found}" for found in page.evaluate(DOM_AUDIT)]


def browse_everything(page, visit: Visit, searches: list[str], story_every: int = 1) -> None:
    """Every timeline page (following "older" links), every ``story_every``-th story page (all of them by
    default; every story's title is on a timeline page anyway), some searches and the feeds."""
    path: str | None = "/"
    while path:
        open_page(page, path, visit)
        older = page.locator("a[rel=next]")
        path = older.first.get_attribute("href") if older.count() else None
    for n, pk in enumerate(Article.objects.visible().order_by("pk").values_list("pk", flat=True)):
        if n % story_every == 0:
            open_page(page, f"/articles/{pk}/", visit)
    for q in searches:
        open_page(page, f"/recherche/?q={q}", visit)
    for feed in ("/rss/", "/atom/", f"/recherche/rss/?q={searches[0]}"):
        open_page(page, feed, visit)
    visit.csp_reports = sum("Content Security Policy" in text for text in page.watch.console_errors)
