"""Find the communes a text names: one matcher compiled from every enabled Alias.

Text is folded (lower case, no accents, typographic apostrophes and spaces made plain) without
changing its length, then cut into words. Phrases are looked up word by word through a dictionary
keyed by their first word, longest phrase first, so a story costs one pass over its words whatever
the number of aliases, and "Balaruc-les-Bains" is never read as the ambiguous "Balaruc".

The compiled matcher is cached per process and rebuilt when the ``gazetteer`` Revision changes
(checked at most every ``NEWSROOM_GAZETTEER_REFRESH_SECONDS``), so admin edits reach running workers.
"""

from __future__ import annotations

import html
import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress

from django.conf import settings

from localities.outside import Outside
from localities.reference import reference

WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]*>")
MARKS = re.compile(r"[\u0300-\u036f]+")

# Words that make "… de <commune>" a street or a junction named after the town, not the town.
STREET_WORDS = frozenset(
    {"rue", "route", "avenue", "av", "chemin", "boulevard", "bd", "impasse", "allee", "allees", "quai"}
    | {"traverse", "voie", "esplanade", "echangeur"}
)
LINKS = frozenset(("de", "d", "du"))

# An old name ("Cette") counts only when the story is plainly about the past.
HISTORY = re.compile(
    r"\b(?:1[0-8]\d\d|19[01]\d|192[0-7]|ancien nom|anciennement|autrefois|jadis|d'antan|a l'epoque|"
    r"siecle|historien|historique|archives|carte postale|cartes postales)\b"
)
SENTENCE_OPENERS = frozenset('.!?:;«"(—–-')
# Old names that are also everyday words: they count only capitalised mid-sentence ("port de Cette").
COMMON_WORD_NAMES = frozenset({"cette"})


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    word = re.compile(r"\w")
    for code in range(0x41, 0x2B0):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        # Keep one character for one so positions stay valid, and never turn a letter into a separator.
        if len(base) == 1 and base != char and bool(word.match(base)) == bool(word.match(char)):
            table[code] = base
    for char in "\u2019\u2018\u02bc\u2032\u0060\u00b4":
        table[ord(char)] = "'"
    for char in "\u00ab\u00bb\u201c\u201d\u201e\u2033":
        table[ord(char)] = '"'
    for char in "\u00a0\u202f\u2009\u2007\u2002\u2003\u200a":
        table[ord(char)] = " "
    for char in "\u2010\u2011\u2012\u00ad":
        table[ord(char)] = "-"
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without accents, plain apostrophes and spaces; same length as ``text``."""
    return text.translate(FOLD)


def clean(text: str) -> str:
    """Plain text from a feed field: tags become spaces, entities become characters."""
    if "<" in text:
        text = TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "\u00ad" in text or "\u200b" in text:  # soft hyphens and zero-width spaces split no word
        text = text.replace("\u00ad", "").replace("\u200b", "")
    return text


def words(text: str) -> list[str]:
    """The words of ``text``, lower case and without accents ("Sète" → "sete")."""
    text = text.lower()
    if not text.isascii():
        text = _plain(text)
        if not text.isascii():  # a letter without an ASCII form ("œ"), a symbol ("€"): the regex decides
            return WORD.findall(text)
    return text.encode("ascii").translate(ASCII_GAPS).decode("ascii").split()


# Bytes that are not word characters (``\w``) made spaces: ``split`` then finds the same words as
# ``WORD.findall`` at about a third of its cost.
ASCII_GAPS = bytes(code if chr(code).isalnum() or chr(code) == "_" else 32 for code in range(128)) + bytes(128)
# French accented letters (lower case) and the usual non-ASCII separators of press text (typographic
# apostrophes and quotes, unbreakable spaces, dashes, ellipsis), with what decomposing them gives.
PLAIN = [(char, "".join(c for c in unicodedata.normalize("NFD", char) if c.isascii())) for char in "éèàêçôîâûùëïüöäÿñ"]
PLAIN += [(char, " ") for char in "\u2019\u2018\u00ab\u00bb\u201c\u201d\u00a0\u202f\u2009\u2013\u2014\u2026"]


def _plain(text: str) -> str:
    """``text`` (lower case) without accents, and with the usual separators made spaces.

    French needs a few ``str.replace`` calls, each a C pass that stops at once when the letter is
    absent: three times cheaper than decomposing the text. Anything else is decomposed and its marks
    dropped, as before.
    """
    for char, plain in PLAIN:
        if char in text:
            text = text.replace(char, plain)
    if text.isascii():
        return text
    return MARKS.sub("", unicodedata.normalize("NFD", text))


def phrase_words(phrase: str) -> list[str]:
    return words(clean(phrase))


class PhraseIndex:
    """Finds known phrases in a list of words, longest first, without overlaps.

    A phrase's last word may end with ``*`` to match any word it begins ("candidat*" finds
    "candidate", "candidats", "candidature").
    """

    def __init__(self, phrases: Iterable[tuple[str, object]]):
        grouped: dict[tuple[str, ...], list[object]] = {}
        for phrase, payload in phrases:
            key = tuple(phrase_words(phrase))
            if phrase.rstrip().endswith("*") and key:
                key = (*key[:-1], key[-1] + "*")
            if key:
                grouped.setdefault(key, []).append(payload)
        self.size = len(grouped)
        self._first: dict[str, list] = {}
        self._stems: dict[str, list] = {}
        for key, payloads in grouped.items():
            head, rest = key[0], list(key[1:])
            stem = rest[-1][:-1] if rest and rest[-1].endswith("*") else None
            if stem is not None:
                rest = rest[:-1]
            entry = (len(key), rest, stem, " ".join(key), payloads)
            if head.endswith("*") and len(key) == 1:
                self._stems.setdefault(head[:3], []).append((head[:-1], entry))
            else:
                self._first.setdefault(head, []).append(entry)
        for entries in self._first.values():
            entries.sort(key=lambda entry: -entry[0])
        # When no phrase has a stem, a text without any of these words holds no phrase at all.
        self.heads: frozenset[str] | None = None if self._stems else frozenset(self._first)
        # Words known to start a phrase (exact first words, and words a "stem*" matches), learnt lazily,
        # with their phrases (see ``_plan``).
        self._starters: dict[str, tuple] = {head: _plan(entries) for head, entries in self._first.items()}
        self._seen: set[str] = set(self._starters)

    def find(self, tokens: list[str]) -> list[tuple[int, int, str, list]]:
        """(start, end, matched phrase, payloads) for each phrase found, in order."""
        if self.heads is not None:  # no stems: the first words are all known, nothing to learn
            if self.heads.isdisjoint(tokens):
                return []
        elif not self._seen.issuperset(tokens):  # no set built per call once every word is known
            self._learn(set(tokens) - self._seen)
        starters = self._starters
        found = []
        count = len(tokens)
        free = 0  # first position not inside a phrase already found
        # Positions of the words that start a phrase, found in C: most words start none.
        for i in compress(range(count), map(starters.__contains__, tokens)):
            if i < free:
                continue
            entries, by_next, short = starters[tokens[i]]
            if by_next is not None:  # only the phrases whose second word is the next word, and one-word ones
                entries = by_next.get(tokens[i + 1], short) if i + 1 < count else short
            for length, rest, stem, key, payloads in entries:
                end = i + length
                if stem is None:
                    if length > 1 and tokens[i + 1 : end] != rest:
                        continue
                elif end > count or tokens[i + 1 : end - 1] != rest or not tokens[end - 1].startswith(stem):
                    continue
                found.append((i, end, key, payloads))
                free = end
                break
        return found

    def _learn(self, tokens: set[str]) -> None:
        """Remember which new words can start a phrase, so later stories cost one set lookup a word."""
        if len(self._seen) > 200_000:  # an endless vocabulary must not grow memory without bound
            self._seen = set()
            self._starters = {head: _plan(entries) for head, entries in self._first.items()}
        for token in tokens:
            entries = list(self._first.get(token, ()))
            entries += [entry for stem, entry in self._stems.get(token[:3], ()) if token.startswith(stem)]
            if entries:
                entries.sort(key=lambda entry: -entry[0])
                self._starters[token] = _plan(entries)
        self._seen |= tokens


def _plan(entries: list) -> tuple[list, dict[str, list] | None, list]:
    """The phrases starting with one word (longest first), and the same split by their second word.

    Most words that start a phrase ("la", "les", "en") are followed by another word than the
    phrase's: one dict lookup skips them all. Returns (all of them, second word -> the ones that
    may match there in the same order, or None when a phrase's second word is a "stem*", the
    one-word phrases).
    """
    short = [entry for entry in entries if entry[0] == 1]
    if any(entry[0] > 1 and not entry[1] for entry in entries):  # "word stem*": no second word to key on
        return entries, None, short
    by_next = {
        second: [entry for entry in entries if entry[0] == 1 or entry[1][0] == second]
        for second in {entry[1][0] for entry in entries if entry[0] > 1}
    }
    return entries, by_next, short


@dataclass(frozen=True)
class Entry:
    """What one alias says: which commune (if any), how, and how strongly."""

    commune: str  # slug, "" for block and outside kinds
    kind: str
    weight: float
    phrase: str


@dataclass
class Mention:
    phrase: str  # as written in the alias
    kind: str
    communes: tuple[str, ...]  # one slug, several when ambiguous, none for outside/blocked places
    weight: float
    start: int  # word positions in the field
    end: int


@dataclass
class Gazetteer:
    index: PhraseIndex
    communes: dict[str, int] = field(default_factory=dict)  # slug -> id
    names: dict[str, str] = field(default_factory=dict)  # slug -> name
    revision: int = 0
    outside: Outside = field(default_factory=lambda: Outside(()))  # every other commune of France
    landmarks: PhraseIndex = field(default_factory=lambda: PhraseIndex(()))  # payload: (slug, weight, phrase)
    people: PhraseIndex = field(default_factory=lambda: PhraseIndex(()))  # payload: (slug, name, role)
    _digests: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict, repr=False, compare=False)

    def mentions(self, tokens: list[str], text: str = "") -> list[Mention]:
        """Communes named in ``tokens`` (the words of ``text``), traps already removed.

        A name inside a longer commune name of elsewhere ("Vic-des-Prés", "Frontignan-Savès") is
        returned as an ``outside`` mention naming no commune.
        """
        found = []
        for start, end, key, entries in self.index.find(tokens):
            entry = entries[0]
            kind = entry.kind
            if kind == "block":
                continue
            if start >= 2 and tokens[start - 1] in LINKS and tokens[start - 2] in STREET_WORDS:
                continue
            if kind == "historical" and not _historical(text, tokens, start, key):
                continue
            if kind != "outside" and key in self.outside.around:
                span = self.outside.covering(tokens, start, key)
                if span:
                    found.append(Mention(key, "outside", (), 1.0, *span))
                    continue
            communes, weight = self._digest(key, entries)
            if len(communes) > 1 and kind != "outside":
                kind = "ambiguous"
            found.append(Mention(entry.phrase, kind, communes, weight, start, end))
        return found

    def _digest(self, key: str, entries: list[Entry]) -> tuple[tuple[str, ...], float]:
        """The communes a phrase names and its weight, worked out on its first mention only."""
        digest = self._digests.get(key)
        if digest is None:
            communes = tuple(sorted({e.commune for e in entries if e.commune}))
            digest = self._digests[key] = (communes, max(e.weight for e in entries))
        return digest


def _historical(text: str, tokens: list[str], start: int, key: str = "") -> bool:
    """An old name counts in a story about the past; "Cette" only when capitalised mid-sentence."""
    if key in COMMON_WORD_NAMES and key.capitalize() not in text:
        return False  # the determiner "cette", by far the most frequent case: no need to read further
    folded = fold(text)
    if not HISTORY.search(folded):
        return False
    if key not in COMMON_WORD_NAMES:
        return True
    matches = list(WORD.finditer(text))
    if start >= len(matches):
        return False
    match = matches[start]
    if not match.group()[0].isupper():
        return False
    before = text[: match.start()].rstrip()
    return bool(before) and before[-1] not in SENTENCE_OPENERS


def build(
    aliases: Iterable[tuple[str, str, str, float]], communes: dict[str, int], revision: int = 0, reference=None
) -> Gazetteer:
    """A Gazetteer from (phrase, commune slug or "", kind, weight) rows, plus the shipped reference files.

    ``reference`` (see ``localities.reference``) adds hamlets and quarters, landmarks, people and
    the communes of France; an alias row always wins over a file entry with the same phrase.
    """
    aliases = list(aliases)
    keys = {" ".join(phrase_words(phrase)) for phrase, *_ in aliases}
    if reference is not None:
        for slug, kind, weight, phrase in reference.places:
            if kind == "place" and slug in communes and " ".join(phrase_words(phrase)) not in keys:
                aliases.append((phrase, slug, kind, weight))
    index = PhraseIndex((phrase, Entry(slug, kind, weight, phrase)) for phrase, slug, kind, weight in aliases)
    gazetteer = Gazetteer(index=index, communes=communes, revision=revision)
    if reference is not None:
        ours = frozenset(" ".join(phrase_words(p)) for p, slug, kind, _w in aliases if slug and kind != "hint")
        gazetteer.outside = Outside(reference.france, ours)
        gazetteer.landmarks = PhraseIndex(
            (phrase, (slug, weight, phrase))
            for slug, kind, weight, phrase in reference.places
            if kind == "landmark" and slug in communes
        )
        gazetteer.people = PhraseIndex(
            (name, (slug, name, role)) for slug, name, role in reference.people if slug in communes
        )
    return gazetteer


def load(revision: int = 0) -> Gazetteer:
    from localities.models import Alias, Commune

    rows = Alias.objects.filter(enabled=True).values_list("phrase", "commune__slug", "kind", "weight")
    aliases = [(phrase, slug or "", kind, weight) for phrase, slug, kind, weight in rows]
    communes = dict(Commune.objects.values_list("slug", "id"))
    gazetteer = build(aliases, communes, revision, reference())
    gazetteer.names = dict(Commune.objects.values_list("slug", "name"))
    return gazetteer


def revision(name: str) -> int:
    from localities.models import Revision

    return Revision.objects.filter(name=name).values_list("number", flat=True).first() or 0


class Cached:
    """A value rebuilt when a Revision moves; the database is read at most every few seconds."""

    def __init__(self, names: tuple[str, ...], builder, setting: str = "NEWSROOM_GAZETTEER_REFRESH_SECONDS"):
        self.names = names
        self.builder = builder
        self.setting = setting
        self._lock = threading.Lock()
        self._value = None
        self._numbers: tuple[int, ...] | None = None
        self._local = -1
        self._checked = 0.0

    def get(self):
        from localities import models

        now = time.monotonic()
        interval = float(getattr(settings, self.setting, 2.0))
        if self._value is not None and self._local == models.LOCAL_BUMPS and now - self._checked < interval:
            return self._value
        with self._lock:
            from localities.models import Revision

            rows = dict(Revision.objects.filter(name__in=self.names).values_list("name", "number"))
            numbers = tuple(rows.get(name, 0) for name in self.names)
            local = models.LOCAL_BUMPS
            if self._value is None or numbers != self._numbers or local != self._local:
                self._value = self.builder(numbers)
                self._numbers, self._local = numbers, local
            self._checked = now
            return self._value

    def reset(self) -> None:
        with self._lock:
            self._value = None


_cached = Cached(("gazetteer",), lambda numbers: load(numbers[0]))


def current() -> Gazetteer:
    """This process's gazetteer, rebuilt when aliases or communes have changed."""
    return _cached.get()
