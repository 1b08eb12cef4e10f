"""Robustness: serve every file of the feed corpora over local HTTP and poll each one.

Reports: unhandled exceptions (must be 0: poll_source may not raise, and an "Erreur interne" is a
bug caught by its last-resort handler), well-formed feeds whose entries were stored, broken files
that left a readable error on their source. ``python -m bench robustness`` (PostgreSQL bench
database), and ``tests/articles/ingest/test_corpus_regression.py`` runs the same check on a sample.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from bench.child import corpus, entry

# The third-party feed corpora (about 20 MB) are not in the repository (``bench.child.CORPORA``).
FOLDERS = [folder for folder in (corpus("feeds"), corpus("realfeeds")) if folder]
SKIPPED = "skipped: set NEWSROOM_CORPORA to the folder holding the feeds/ and realfeeds/ corpora to run it"
SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".opml", ".txt", ""}


@dataclass
class Report:
    files: int = 0
    unhandled: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    wellformed: int = 0
    wellformed_stored: int = 0
    wellformed_missing: list[str] = field(default_factory=list)
    broken: int = 0
    broken_with_error: int = 0
    broken_silent: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    stored: int = 0

    def lines(self) -> list[str]:
        return [
            f"files polled: {self.files}; outcomes {dict(self.statuses)}; stories stored: {self.stored}",
            f"unhandled exceptions: {len(self.unhandled)}; internal errors caught: {len(self.internal_errors)}",
            f"well-formed feeds (feedparser: not bozo, ≥1 entry): {self.wellformed}, "
            f"entries stored for {self.wellformed_stored}",
            f"broken files (not a readable feed): {self.broken}, readable error recorded on {self.broken_with_error}",
            *[f"  unhandled: {item}" for item in self.unhandled[:10]],
            *[f"  internal: {item}" for item in self.internal_errors[:10]],
            *[f"  well-formed but nothing stored: {item}" for item in self.wellformed_missing[:10]],
            *[f"  broken without an error: {item}" for item in self.broken_silent[:10]],
        ]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(root: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def corpus_files(folders: list[Path]) -> list[Path]:
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.name not in ("MANIFEST.txt", "INDEX.tsv")
    )


def check_files(paths: list[Path], root: Path) -> Report:
    """Poll every file (served from ``root``) as a new source. Needs a configured Django database."""
    import feedparser

    from articles.ingest.poll import poll_source
    from articles.models import Article, Source

    report = Report()
    server = serve(root)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for path in paths:
            relative = path.relative_to(root).as_posix()
            url = base + quote(relative)
            report.files += 1
            source = Source.objects.create(name=relative[:200], url=url, feed_url=url)
            try:
                result = poll_source(source.id, force=True)
            except Exception as exc:  # poll_source must never raise; count it if it does
                report.unhandled.append(f"{relative}: {exc.__class__.__name__}: {exc}")
                continue
            report.statuses[result.status] += 1
            if result.error.startswith("Erreur interne"):
                report.internal_errors.append(f"{relative}: {result.error}")
            body = path.read_bytes()
            parsed = feedparser.parse(body)
            stored = Article.objects.filter(source=source).count()
            report.stored += stored
            if not parsed.bozo and parsed.entries:
                report.wellformed += 1
                if stored:
                    report.wellformed_stored += 1
                else:
                    report.wellformed_missing.append(f"{relative}: {result.line()}")
            elif stored and body.lstrip()[:1] == b"{":
                report.wellformed += 1  # a JSON Feed: feedparser 6.0 does not read those, we do
                report.wellformed_stored += 1
            elif not parsed.entries and not parsed.get("version"):
                report.broken += 1
                source.refresh_from_db()
                if result.status == "error" and source.last_error:
                    report.broken_with_error += 1
                elif result.status != "error":
                    # Not a feed, yet accepted (e.g. an empty but valid document): no entries, no error.
                    report.broken_silent.append(f"{relative}: {result.line()}")
    finally:
        server.shutdown()
    return report


def main() -> list[str]:
    from bench.child import run_child
    from bench.ingest import BENCH_DB, bench_env

    if not any(folder.is_dir() for folder in FOLDERS):
        return [SKIPPED]
    return run_child("bench.robustness", BENCH_DB, bench_env(), timeout=3600)


def child() -> None:
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # thousands of expected parse errors; the report counts them
    from django.core.management import call_command

    from articles.models import Source

    call_command("migrate", verbosity=0)
    Source.objects.all().delete()
    lines = []
    for folder in (f for f in FOLDERS if f.is_dir()):
        report = check_files(corpus_files([folder]), folder)
        lines += [f"[{folder.name}]", *report.lines()]
        Source.objects.all().delete()
    print(json.dumps(lines))


if __name__ == "__main__":
    entry(main, child)
