"""Bit masks of a version's words: a cheap upper bound of how many words two versions share.

Each word sets one of ``BITS`` bits, chosen by a stable hash (the same in every process), so the
masks are stored with the article (``BitsField``: ``title_bits``, ``word_bits``) and compared in
SQL on PostgreSQL: most of a window's stories are skipped there, never sent nor parsed. A word both
versions hold sets the same bit in both masks, so the bits both masks hold, plus the words one
mask lost to collisions (its set's size minus its bit count), are never fewer than the words they
share.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import models

BITS = 1024


def mask(words: Iterable[str]) -> int:
    value = 0
    for word in words:
        value |= 1 << (zlib.crc32(word.encode()) & (BITS - 1))
    return value


def sql_literal(bits: int) -> str:
    """The mask as PostgreSQL reads a bit string: ``x`` and hexadecimal digits."""
    return f"x{bits:0{BITS // 4}x}"


class BitsField(models.Field):
    """A mask of ``BITS`` bits, a Python int: ``bit(1024)`` on PostgreSQL (ANDed and counted in SQL),
    hexadecimal text elsewhere. None: not computed yet."""

    description = "Masque de bits"

    def db_type(self, connection) -> str:
        return f"bit({BITS})" if connection.vendor == "postgresql" else "text"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else sql_literal(int(value))

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or isinstance(value, int):
            return value
        return int(value[1:], 16) if value[:1] in "xX" else int(value, 2)
