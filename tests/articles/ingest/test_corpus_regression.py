"""A sample of third-party feed corpora (see data/MANIFEST.txt), each polled over local HTTP.

The full run over every corpus file is ``python -m bench robustness`` (also part of ``make bench``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.robustness import check_files, corpus_files

DATA = Path(__file__).resolve().parent / "data"
pytestmark = pytest.mark.django_db

SAMPLE = DATA / "feeds"


def test_every_sample_file_polls_without_an_unhandled_exception_and_well_formed_feeds_are_stored():
    files = corpus_files([SAMPLE])
    assert len(files) >= 30
    report = check_files(files, SAMPLE)
    assert report.files == len(files)
    assert report.unhandled == [] and report.internal_errors == []
    assert report.wellformed >= 10
    assert report.wellformed_missing == []
    assert report.broken >= 2
    assert report.broken_silent == [] and report.broken_with_error == report.broken
