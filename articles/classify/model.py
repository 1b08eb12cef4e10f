"""A small linear text model for sections, trained with scikit-learn, run in plain Python.

Features of one article (title and summary, cleaned and cut into words as for every scorer):
words, title words and character 3–5-grams of each word (so "candidats" and
"candidature" share evidence), all scaled by 1/sqrt(number of words), plus the section rules'
keyword scores ("r:<slug>"), so that editors' rules keep weighing. Two heads share them: a binary
one for Élections (an article can be about an election *and* something else) and a multinomial
one for the best other section.

Training needs scikit-learn; inference does not: the weights are exported to a compact versioned
file (``to_bytes``) and read back into dicts. A word's summed weights (word + its character grams)
are cached, packed in one int (see ``LANE``), so after a few articles one word costs one dict lookup
and an article's scores one ``sum()``. The shipped model lives in
``data/sections.model`` and is built by ``manage.py train_classifier``: nothing trains at start-up.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
import zlib
from array import array
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger(__name__)

MAGIC = b"NRSM"  # newsroom section model
FORMAT = 1
SHIPPED = Path(__file__).with_name("data") / "sections.model"
CHAR_GRAMS = (3, 4, 5)
CACHE_LIMIT = 200_000  # words cached per model; cleared when full (a flood of unique words costs time, not memory)
SEPARATOR = "qqchampqq"  # text.SEPARATOR: never a feature
ELECTIONS = "elections"
# A word's weights for every class packed in one int, LANE bits a class, in fixed point and raised by
# OFFSET so that no lane is negative and none borrows from its neighbour: an article's scores are one
# C-level sum() of one int per word instead of a float sum per class over a transposed list (about
# a third of the model's time per story), and a cached word is one object instead of nine.
LANE = 96
FIXED = 1 << 24  # weights to within 6e-8: far below what a decision hangs on
OFFSET = 1 << 48  # room for a word's weight up to ±2^24, and for 2^47 words in one article
MASK = (1 << LANE) - 1
WEIGHT_LIMIT = 1 << 16  # a model whose weights reach this is refused: a word's summed weights must fit a lane

__all__ = ["ModelError", "SectionModel", "load_current", "model_status", "train"]


class ModelError(Exception):
    """A model file that cannot be used: not a model, damaged, or of an unknown format."""


def _word_features(word: str) -> list[str]:
    padded = f"<{word}>"
    grams = ["w" + word]
    for size in CHAR_GRAMS:
        grams.extend("c" + padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def features(tokens: Sequence[str], boundary: int, rule_scores: dict[str, float] | None = None) -> dict[str, float]:
    """The model's features of one article, as scikit-learn sees them in training."""
    found: dict[str, float] = {}
    scale = _scale(tokens)
    for index, word in enumerate(tokens):
        if word == SEPARATOR:
            continue
        names = _word_features(word)
        if index < boundary:
            names.append("t" + word)
        for name in names:
            found[name] = found.get(name, 0.0) + scale
    for slug, score in (rule_scores or {}).items():
        found["r" + slug] = score
    return found


def _scale(tokens: Sequence[str]) -> float:
    return 1.0 / math.sqrt(max(1, len(tokens)))


class SectionModel:
    """Weights per feature: column 0 is Élections (sigmoid), the others the sections (softmax)."""

    def __init__(self, classes, bias, weights, threshold=0.5, version="", trained_at=None, scores=None):
        self.classes: list[str] = list(classes)  # ["elections", <section>, ...]
        self.bias: tuple[float, ...] = tuple(bias)
        self.weights: dict[str, tuple[float, ...]] = weights
        self.threshold = float(threshold)
        self.version: str = version
        self.trained_at: datetime | None = trained_at
        self.scores: dict = dict(scores or {})
        self._body: dict[str, int] = {}  # word -> its packed weights (see LANE)
        self._title: dict[str, int] = {}
        self._shifts = tuple(LANE * column for column in range(len(self.classes)))
        self._zero = _pack((0.0,) * len(self.classes))
        self._rows: tuple[dict[str, int], dict[str, int]] = ({}, {})  # batch path: (body, title) word -> row
        self._matrix = None  # batch path: a word's weights per class, fixed point (see ``_row_ids``)
        self._used = 1  # rows of ``_matrix`` in use; row 0 weighs nothing (the separator)
        self._lock = threading.Lock()
        self.uses_rules = any(name[0] == "r" for name in weights)  # trained with the rules' scores as features

    def __repr__(self) -> str:
        return f"<SectionModel {self.version}: {len(self.weights)} features>"

    # --- inference -------------------------------------------------------------------------

    def _learn(self, word: str, in_title: bool) -> int:
        """A word's summed weights (word, character grams, title word), packed, computed once and cached."""
        cache = self._title if in_title else self._body
        names = _word_features(word)
        if in_title:
            names.append("t" + word)
        found = [self.weights[name] for name in names if name in self.weights]
        packed = _pack(map(sum, zip(*found, strict=True))) if found else self._zero
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[word] = packed
        return packed

    def _words(self, words: list[str], in_title: bool) -> list[int]:
        cache = self._title if in_title else self._body
        vectors = list(map(cache.get, words))
        if not all(vectors):  # words never seen by this process (a packed vector is never 0)
            vectors = [self._learn(w, in_title) if v is None else v for v, w in zip(vectors, words, strict=True)]
        return vectors

    def score(self, tokens: list[str], boundary: int, rule_scores: dict[str, float] | None = None) -> Scored:
        """Raw scores per class, and what each word added (see ``Scored``)."""
        words = self._words(tokens[:boundary], True)
        if boundary < len(tokens):
            words += [self._zero, *self._words(tokens[boundary + 1 :], False)]  # the separator weighs nothing
        total, offset, scale = sum(words), len(words) * OFFSET, _scale(tokens) / FIXED
        totals = [b + (((total >> s) & MASK) - offset) * scale for b, s in zip(self.bias, self._shifts, strict=True)]
        if rule_scores:
            weights = self.weights
            for slug, value in rule_scores.items():
                vector = weights.get("r" + slug)
                if vector is not None and value:
                    totals = [t + w * value for t, w in zip(totals, vector, strict=True)]
        return Scored(totals, words)

    # --- inference on a batch (numpy) ----------------------------------------------------------

    def _row_ids(self, words: list[str], in_title: bool) -> list[int]:
        """Rows of ``_matrix`` for ``words``: each word's weights per class, as ``_learn`` sums them.

        A row holds the lanes of the word's packed int (see ``LANE``) as int64: the same fixed-point
        weights, so that a batch's integer sums, and hence its scores, are exactly those of ``score``.
        """
        rows = self._rows[in_title]
        ids = list(map(rows.get, words))
        if None in ids:
            import numpy as np

            cache = self._title if in_title else self._body
            for position, word in enumerate(words):
                if ids[position] is not None:
                    continue
                row = rows.get(word)
                if row is None:
                    packed = cache.get(word) or self._learn(word, in_title)
                    if self._used == len(self._matrix):
                        grown = np.zeros((2 * self._used, len(self.classes)), dtype=np.int64)
                        grown[: self._used] = self._matrix
                        self._matrix = grown
                    row = self._used
                    self._matrix[row] = [((packed >> shift) & MASK) - OFFSET for shift in self._shifts]
                    rows[word] = row  # known once its row is written
                    self._used += 1
                ids[position] = row
        return ids

    def score_many(self, texts: Sequence[tuple[list[str], int]], rule_scores: Sequence[dict | None]) -> Batch:
        """``score`` for many articles at once, ``(tokens, boundary)`` each: one numpy pass for the batch.

        Totals are the same floats as ``score``'s: weights are summed as integers, then scaled and
        added to the bias with the same operations in the same order.
        """
        import numpy as np

        ids: list[int] = []
        lengths, scales = [], []
        with self._lock:  # poll threads share the model: rows are added, and reset, one thread at a time
            if self._matrix is None or self._used > 2 * CACHE_LIMIT:  # between batches: a batch's rows stay valid
                self._rows, self._used = ({}, {}), 1
                self._matrix = np.zeros((4096, len(self.classes)), dtype=np.int64)
            for tokens, boundary in texts:
                ids += self._row_ids(tokens[:boundary], True)
                if boundary < len(tokens):
                    ids.append(0)  # the separator weighs nothing
                    ids += self._row_ids(tokens[boundary + 1 :], False)
                lengths.append(len(tokens))
                scales.append(_scale(tokens) / FIXED)
            matrix = self._matrix  # holds every row of this batch, whatever other threads add later
        flat = np.array(ids, dtype=np.intp)
        starts = np.zeros(len(lengths), dtype=np.intp)
        np.cumsum(lengths[:-1], out=starts[1:])
        weights = matrix[flat]
        sums = np.zeros((len(lengths), len(self.classes)), dtype=np.int64)
        filled = np.array(lengths) > 0
        if len(flat):
            sums[filled] = np.add.reduceat(weights, starts[filled], axis=0)
        totals = sums.astype(np.float64) * np.array(scales)[:, None] + np.array(self.bias)
        # The rules' scores, added one feature after the other in each article's own order, as ``score`` does:
        # the k-th feature of every article at once.
        vectors = self.weights
        steps: list[tuple[list[int], list, list[float]]] = []
        for row, scores in enumerate(rule_scores):
            step = 0
            for slug, value in (scores or {}).items():
                vector = vectors.get("r" + slug)
                if vector is not None and value:
                    if step == len(steps):
                        steps.append(([], [], []))
                    rows, weights, values = steps[step]
                    rows.append(row)
                    weights.append(vector)
                    values.append(value)
                    step += 1
        for rows, weights, values in steps:
            totals[rows] = (
                totals[rows] + np.array(weights, dtype=np.float64) * np.array(values, dtype=np.float64)[:, None]
            )
        totals = totals.tolist()
        return Batch(totals, flat, starts, np.array(lengths, dtype=np.intp), matrix)

    def top_many(self, batch: Batch, tokens: Sequence[Sequence[str]], slugs: Sequence[str | None], n: int = 3):
        """``Scored.top`` for each article of ``batch`` towards its slug (None: skipped, gives [])."""
        import numpy as np

        count = len(slugs)
        columns = np.array([self.classes.index(slug) if slug else -1 for slug in slugs], dtype=np.intp)
        story = np.repeat(np.arange(count, dtype=np.intp), batch.lengths)
        index = np.arange(len(batch.ids), dtype=np.intp) - np.repeat(batch.starts, batch.lengths)
        column = columns[story]
        wanted = column >= 0
        pushes = np.zeros(len(batch.ids), dtype=np.int64)
        pushes[wanted] = batch.matrix[batch.ids[wanted], column[wanted]]
        keep = pushes > 0  # positive pushes only, as ``top``
        story, index, pushes = story[keep], index[keep], pushes[keep]
        # Per article, strongest push first, the last word first on a tie: ``top``'s order.
        order = np.lexsort((-index, -pushes, story))
        positions = index[order].tolist()
        ends = np.searchsorted(story[order], np.arange(1, count + 1, dtype=np.intp)).tolist()
        found: list[dict[str, int]] = []
        begin = 0
        for article, end in enumerate(ends):
            chosen: dict[str, int] = {}
            words = tokens[article]
            for position in positions[begin:end]:
                phrase = words[position]
                if phrase not in chosen and phrase not in UNTELLING and not phrase.isdigit():
                    chosen[phrase] = position
                    if len(chosen) == n:
                        break
            found.append(chosen)
            begin = end
        return [list(chosen.items()) for chosen in found]

    def probabilities(self, totals: Sequence[float]) -> dict[str, float]:
        others = totals[1:]
        if not others:
            return {ELECTIONS: _sigmoid(totals[0])}
        top = max(others)
        exp = [math.exp(value - top) for value in others]
        norm = sum(exp)
        probabilities = dict(zip(self.classes[1:], [e / norm for e in exp], strict=True))
        probabilities[ELECTIONS] = _sigmoid(totals[0])
        return probabilities

    def predict(self, text: str, summary: str = "", rules=None) -> dict[str, float]:
        """Probability of each section for a title (and summary): Élections alone, the others together sum to 1.

        A model trained with the rules' scores as features reads them from ``rules`` (compiled
        ``Rules``), by default the current ones.
        """
        tokens, boundary = _tokens(text, summary)
        return self.probabilities(self.score(tokens, boundary, self._rule_scores(text, summary, rules)).totals)

    def explain(self, text: str, slug: str, n: int = 3, summary: str = "") -> list[str]:
        """The words that weighed most towards ``slug``, strongest first."""
        tokens, boundary = _tokens(text, summary)
        return [phrase for phrase, _index in self.score(tokens, boundary).top(self, tokens, slug, n)]

    def _rule_scores(self, title: str, summary: str, rules) -> dict[str, float] | None:
        if not self.uses_rules:
            return None
        from .rules import current_rules
        from .sections import text_rule_scores
        from .text import Text

        return text_rule_scores(Text.of(title, summary), rules or current_rules())

    # --- the file --------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """MAGIC, then compressed: a JSON header, the feature names, and their weights as float32."""
        names = sorted(self.weights)
        header = {
            "format": FORMAT,
            "version": self.version,
            "trained_at": self.trained_at.isoformat() if self.trained_at else None,
            "scores": self.scores,
            "classes": self.classes,
            "threshold": self.threshold,
            "bias": list(self.bias),
            "features": len(names),
        }
        flat = array("f", (w for name in names for w in self.weights[name]))
        if sys.byteorder == "big":
            flat.byteswap()  # the file is little-endian everywhere
        blob = b"\0".join((json.dumps(header, ensure_ascii=False).encode(), "\n".join(names).encode(), flat.tobytes()))
        return MAGIC + zlib.compress(blob, 9)

    @classmethod
    def from_bytes(cls, data: bytes) -> SectionModel:
        """The model in ``data``; ``ModelError`` (French) when it is not one, is damaged or of another format."""
        if not isinstance(data, bytes | bytearray | memoryview) or bytes(data[:4]) != MAGIC:
            raise ModelError("ce n’est pas un modèle de rubriques (en-tête inconnu)")
        try:
            header, names, raw = zlib.decompress(bytes(data[4:])).split(b"\0", 2)
            header = json.loads(header)
            if header.get("format") != FORMAT:
                raise ModelError(f"format de modèle {header.get('format')!r} inconnu (attendu : {FORMAT})")
            classes, bias = [str(c) for c in header["classes"]], tuple(float(b) for b in header["bias"])
            names = names.decode().split("\n") if names else []
            flat = array("f")
            flat.frombytes(raw)
            if sys.byteorder == "big":
                flat.byteswap()
            size = len(classes)
            if not classes or classes[0] != ELECTIONS or len(bias) != size or len(names) != header["features"]:
                raise ModelError("modèle incohérent : classes, biais ou traits ne correspondent pas")
            if len(flat) != size * len(names):
                raise ModelError("modèle incohérent : le nombre de poids ne correspond pas aux traits")
            if not all(-WEIGHT_LIMIT < weight < WEIGHT_LIMIT for weight in (*flat, *bias)):  # NaN fails too
                raise ModelError("modèle incohérent : un poids est infini, indéfini ou démesuré")
            weights = {name: tuple(flat[i * size : (i + 1) * size]) for i, name in enumerate(names)}
            trained_at = datetime.fromisoformat(header["trained_at"]) if header.get("trained_at") else None
            return cls(classes, bias, weights, header["threshold"], header["version"], trained_at, header["scores"])
        except ModelError:
            raise
        except (zlib.error, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ModelError(f"modèle illisible ou abîmé ({type(exc).__name__})") from exc


class Scored(NamedTuple):
    """One article through the model: raw scores per class, and what each word added.

    ``words[i]`` is the summed weights of ``tokens[i]``, packed (see ``LANE``).
    """

    totals: list[float]
    words: list[int]

    def top(self, model: SectionModel, tokens: Sequence[str], slug: str, n: int = 3) -> list[tuple[str, int]]:
        """The ``n`` distinct words that pushed hardest towards ``slug``, with their index (the last one on a tie)."""
        shift = model._shifts[model.classes.index(slug)]
        lane, floor = MASK << shift, OFFSET << shift
        # (OFFSET + push) << shift: in the same order as the pushes, never shifted back; positive ones only.
        pushes = [(push, index) for index, word in enumerate(self.words) if (push := word & lane) > floor]
        pushes.sort(reverse=True)
        found: dict[str, int] = {}
        for _push, index in pushes:
            phrase = tokens[index]
            if phrase not in found and phrase not in UNTELLING and not phrase.isdigit():
                found[phrase] = index
                if len(found) == n:
                    break
        return list(found.items())


class Batch(NamedTuple):
    """Many articles through the model (``SectionModel.score_many``): raw scores per class of each.

    ``ids`` are the ``_matrix`` rows of every article's words, one after the other: the article
    ``i`` has ``lengths[i]`` of them from ``starts[i]``.
    """

    totals: list[list[float]]
    ids: object  # numpy arrays
    starts: object
    lengths: object
    matrix: object  # the model's word rows when the batch was scored


# Words that may weigh a little in the model but tell an editor nothing about why.
# fmt: off
UNTELLING = frozenset((
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "a", "en", "et", "ou", "pour", "par",
    "sur", "dans", "ce", "cette", "ces", "son", "sa", "ses", "leur", "leurs", "il", "elle", "ils", "elles", "on",
    "qui", "que", "est", "sont", "avec", "sans", "se", "s", "ne", "pas", "plus", "y", "c", "qu", "n", "ete",
))
# fmt: on


def _pack(vector) -> int:
    """A word's weights per class in one int (see ``LANE``)."""
    return sum((round(weight * FIXED) + OFFSET) << (LANE * column) for column, weight in enumerate(vector))


def _sigmoid(value: float) -> float:
    if value < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-value))


def _tokens(title: str, summary: str = "") -> tuple[list[str], int]:
    from .text import Text

    text = Text.of(title, summary)
    return text.tokens, text.boundary


# --- training (scikit-learn, in ``learning``) -----------------------------------------------------


def train(rows: list[dict], rules=None, **options) -> SectionModel:
    """A model from labelled rows (``title``, ``summary``, ``elections``, ``section_hint``); see ``learning.fit``."""
    from .learning import fit

    return fit(rows, rules, **options)


# --- the active model ------------------------------------------------------------------------

_status: dict = {"ok": False, "source": None, "version": None, "error": "pas encore chargé"}


def load_current() -> SectionModel | None:
    """The active model: the database's (set by the desk), else the shipped file; None when broken.

    A missing or corrupt model is logged as an error and classification falls back to the rules.
    """
    from .training import active_model_bytes

    try:
        data, source = active_model_bytes(), "base de données"
    except Exception:  # the database away must not stop classification: the shipped file will do
        logger.exception("could not ask the database for the active section model")
        data = None
    if data is None:
        source = str(SHIPPED)
        try:
            data = SHIPPED.read_bytes()
        except OSError as exc:
            return _broken(source, f"fichier du modèle absent ou illisible ({exc.strerror or exc})")
    try:
        model = SectionModel.from_bytes(data)
    except ModelError as exc:
        return _broken(source, str(exc))
    _status.clear()
    _status.update(ok=True, source=source, version=model.version, error=None)
    return model


def _broken(source: str, error: str) -> None:
    logger.error("section model unusable, classifying with the rules only: %s: %s", source, error)
    _status.clear()
    _status.update(ok=False, source=source, version=None, error=error)
    return None


def model_status() -> dict:
    """The section model this process uses: version, where it came from, ok or the error."""
    if _status["source"] is None:
        load_current()  # this process has not classified anything yet: look now
    return dict(_status)
