"""Every other commune of France, so that a homonym or a neighbour never becomes one of ours."""

from __future__ import annotations


class Outside:
    """The communes of France that are not ours, for two questions only.

    Does a name of ours sit inside a longer name of elsewhere ("Vic" in "Vic-des-Prés")? And does a
    stretch of words name some other commune? Names equal to one of our phrases are left out, so
    "Marseillan" (Gers) never hides ours.
    """

    def __init__(self, names, ours: frozenset[str] = frozenset()):
        self.names: set[tuple[str, ...]] = set()
        self.lengths: dict[str, tuple[int, ...]] = {}  # first word -> name lengths, longest first
        self.around: dict[str, list[tuple[int, tuple[str, ...]]]] = {}  # our phrase -> (offset, name)
        lengths: dict[str, set[int]] = {}
        for name in names:
            key = tuple(name.split())
            if not key or name in ours:
                continue
            self.names.add(key)
            lengths.setdefault(key[0], set()).add(len(key))
            for i in range(len(key)):
                for j in range(i + 1, min(len(key), i + 4) + 1):
                    part = " ".join(key[i:j])
                    if part in ours:
                        self.around.setdefault(part, []).append((i, key))
        self.lengths = {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()}

    def covering(self, tokens: list[str], start: int, key: str) -> tuple[int, int] | None:
        """The span of a longer commune name of elsewhere around our phrase at ``start``, if any."""
        for offset, name in self.around[key]:
            first = start - offset
            if first >= 0 and tuple(tokens[first : first + len(name)]) == name:
                return first, first + len(name)
        return None

    def named(self, tokens: list[str], start: int, end: int) -> list[tuple[int, int]]:
        """Spans of commune names of elsewhere between word ``start`` and ``end``."""
        spans, i = [], start
        while i < end:
            for length in self.lengths.get(tokens[i], ()):
                if i + length <= end and tuple(tokens[i : i + length]) in self.names:
                    spans.append((i, i + length))
                    i += length - 1
                    break
            i += 1
        return spans
