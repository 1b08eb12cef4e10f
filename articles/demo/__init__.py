"""Offline demo sources: feeds and one listing page, written for the project, served on 127.0.0.1.

``make run`` (the ``runstack`` command) starts :func:`serve_demo`, registers the sources with
:func:`ensure_demo_sources` and lets the worker poll them through the ordinary pipeline.
Dates in the files are written ``@@AGO:minutes@@`` (RFC 822) or ``@@ISO:minutes@@`` and filled in
from the server's start time, so the timelines look fresh and the bytes stay the same between polls.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.dispatch import Signal
from django.utils import timezone

# Sent by `make run` once the demo sources are registered: other apps load their own demo data.
demo_starting = Signal()

FILES = Path(__file__).resolve().parent / "files"
OPML = Path(__file__).resolve().parent / "sources-locales.opml"
DEFAULT_PORT = 8110

# (file, name, kind, recipe, default commune slug)
DEMO_SOURCES = [
    ("petit-journal-thau.xml", "Le Petit Journal de Thau (démo)", "feed", {}, None),
    ("sete-direct.atom", "Sète en direct (démo)", "feed", {}, "sete"),
    ("agglo-infos.xml", "Agglo Infos (démo)", "feed", {}, None),
    (
        "en-ligne.html",
        "Le Courrier de la lagune — En ligne (démo)",
        "scrape",
        {
            "item": "li.carte",
            "title": "a.carte-titre",
            "link": "a.carte-titre",
            "date": ".carte-age",
            "commune": ".carte-commune",
        },
        None,
    ),
]

_PLACEHOLDER = re.compile(rb"@@(AGO|ISO|BASE)(?::(\d+))?@@")
_TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".html": "text/html", ".opml": "text/xml",
          ".jpg": "image/jpeg"}  # fmt: skip


def render(name: str, base_url: str, started: datetime) -> bytes:
    def fill(match: re.Match) -> bytes:
        kind, minutes = match.group(1), match.group(2)
        if kind == b"BASE":
            return base_url.rstrip("/").encode()
        when = started - timedelta(minutes=int(minutes or 0))
        return (format_datetime(when) if kind == b"AGO" else when.isoformat()).encode()

    return _PLACEHOLDER.sub(fill, (FILES / name).read_bytes())


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, started: datetime, **kwargs):
        self.started = started
        super().__init__(*args, directory=str(FILES), **kwargs)

    def do_GET(self) -> None:
        name = self.path.split("?", 1)[0].lstrip("/")
        if "/" in name or not (FILES / name).is_file():
            self._send(404, b"introuvable", "text/plain")
            return
        body = render(name, self.server.base_url, self.started)
        self._send(200, body, _TYPES.get(Path(name).suffix, "text/plain"))

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        text = not content_type.startswith("image/")
        self.send_header("Content-Type", f"{content_type}; charset=utf-8" if text else content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass  # the worker's log already records every poll


def serve_demo(port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve the demo files in a background thread; returns the server (``base_url``, ``shutdown()``)."""
    handler = partial(_Handler, started=timezone.now().replace(microsecond=0))
    server = ThreadingHTTPServer((host, port), handler)
    server.base_url = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, name="demo-sources", daemon=True).start()
    return server


def ensure_demo_sources(base_url: str) -> list:
    """Create or repoint the demo sources at ``base_url`` and make them due now. Idempotent."""
    from articles.models import Source
    from localities.models import Commune

    sources = []
    for file, name, kind, recipe, commune in DEMO_SOURCES:
        url = f"{base_url.rstrip('/')}/{file}"
        source = Source.objects.filter(name=name).first() or Source(name=name)
        source.url = source.feed_url = url
        source.kind = kind
        source.recipe = recipe
        source.enabled = True
        source.default_commune = Commune.objects.filter(slug=commune).first() if commune else None
        source.next_check_at = timezone.now()
        source.queued_at = None
        source.save()
        sources.append(source)
    return sources
