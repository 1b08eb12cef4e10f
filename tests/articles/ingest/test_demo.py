"""The offline demo sources, end to end through the pipeline."""

from __future__ import annotations

import pytest

from articles.demo import DEMO_SOURCES, FILES, ensure_demo_sources, serve_demo
from articles.ingest.poll import poll_source
from articles.models import Article


@pytest.mark.django_db
def test_the_demo_sources_fill_the_timeline_through_the_pipeline():
    server = serve_demo(port=0)
    try:
        sources = ensure_demo_sources(server.base_url)
        results = [poll_source(source.id) for source in sources]
    finally:
        server.shutdown()
    assert [result.status for result in results] == ["ok"] * len(DEMO_SOURCES), [r.error for r in results]
    assert all(result.new >= 5 for result in results)
    seed_headline = "Sète : Sébastien Pacull propose de transformer le Casino en pôle santé"
    assert Article.objects.filter(title=seed_headline, source=sources[3]).exists()
    assert not Article.objects.filter(url__contains="utm_").exists()
    assert {path.name for path in FILES.iterdir()} >= {name for name, *_ in DEMO_SOURCES}
