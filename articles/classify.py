"""Sorting stories into communes and sections (issue #4 fills this in).

Contract used by ingest, admin and commands:
    apply_classification(article) -> None
        Tags ``article`` (already saved) with communes and sections, with provenance, never touching
        a tag an editor set or removed. Called inside the poll's transaction.
"""

from __future__ import annotations


def apply_classification(article) -> None:
    """Not written yet: stories are stored without tags until the classifier lands."""
    return None
