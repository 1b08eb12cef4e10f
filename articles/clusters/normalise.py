"""What two versions of an event are compared on, computed once per article and stored.

- ``title_key``: the folded title, for the exact step; empty when a title alone must never merge
  (no title, one word, all capitals).
- ``url_key``: a hash of the canonical link (no scheme, ``www.``, tracking parameters, fragment).
- ``match_text``: the stemmed words of the title and the lead's first sentence, then the marks that
  tell events apart: figures (``#kind:value``), dates (``@day:…``), named places and people
  (``^kind:name``, ``=name``). ``Features.parse`` reads it back without redoing the work.
- ``title_bits``, ``word_bits``: masks of the title's and all of ``match_text``'s words
  (``signature``), so PostgreSQL skips the stories that share too few words to match.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit

from localities.gazetteer import clean, fold

from .signature import mask


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TOKEN = re.compile(r"\w+(?:-\w+)*")
DIGIT = re.compile(r"\d")
SENTENCE_END = re.compile(r"(?<=[^A-Z\s][.!?])\s+(?=[«\"A-ZÀ-Ý0-9])")
MAX_LEAD = 300
MAX_TEXT = 1000

STOP_WORDS = _words(
    "le la les l un une des du de d et a au aux en dans pour par sur avec est sont qui que qu ce cet cette "
    "ces il elle ils elles on ne n pas plus son sa ses leur leurs nous vous se s c y ou mais ete etre "
    "apres avant entre sous chez lors vers tout tous toute toutes deja encore aussi ainsi comme dont or "
    "donc car ni si sans fait faire va vont sera seront ont avait avoir tres peu bien j je me m t te tu "
    "lui eux celui celle ceux mon ma mes notre nos votre vos quand comment pourquoi quoi aujourd hui "
    "hier demain soir matin ete video photos photo direct info infos exclusif mise jour"
)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "janvier janv",
            "fevrier fevr fev",
            "mars",
            "avril avr",
            "mai",
            "juin",
            "juillet juil",
            "aout",
            "septembre sept",
            "octobre oct",
            "novembre nov",
            "decembre dec",
        ),
        start=1,
    )
    for name in names.split()
}
WEEKDAYS = _words("lundi mardi mercredi jeudi vendredi samedi dimanche")
NUMBER_WORDS = {
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "vingt": 20,
    "trente": 30,
    "cent": 100,
}
# Words that name a place when followed by its name: "pont de la Savonnerie", "plage du Lido".
PLACE_WORDS = _words(
    "pont rue avenue av quai plage ecole college lycee stade salle place chemin boulevard bd route rond-point "
    "parc theatre gymnase port canal digue bassin jardin halle halles eglise chapelle lido cinema mediatheque "
    "residence quartier impasse allee allees promenade corniche camping piscine gare musee zone domaine"
)
ROAD = re.compile(r"\b(?:RD|D|RN|N|A) ?(\d{1,4})\b")
NAME_LINKS = frozenset(("de", "la", "du", "des", "l", "d", "le", "les"))
# Capitalised words that do not tell one event from another.
COMMON_NAMES = _words(
    "mairie ville conseil departement region etat france prefecture prefet gendarmerie police pompiers sdis "
    "agglo agglopole thau bassin herault occitanie montpellier midi libre singulier tribune infos sete "
    "justice tribunal municipal municipale communaute"
)
_UNITS = (
    (re.compile(r"(\d[\d ]*(?:,\d+)?) ?(?:m€|millions? d'euros|millions? €|m d'euros|meur)"), "m", 1_000_000),
    (re.compile(r"(\d[\d ]*(?:,\d+)?) ?(?:milliards? d'euros|md€|mds€)"), "m", 1_000_000_000),
    (re.compile(r"(\d[\d ]*(?:,\d+)?) ?(?:k€|000 €)"), "m", 1000),
    (re.compile(r"(\d[\d ]*(?:,\d+)?) ?(?:€|euros)"), "m", 1),
    (re.compile(r"(\d[\d ]*(?:,\d+)?) ?(?:%|pour cent|pourcents?)"), "p", 1),
    (re.compile(r"(\d{1,3}) ?ans\b"), "a", 1),
)
SCORE = re.compile(r"(?<![\d,])(\d{1,2}) ?[-–] ?(\d{1,2})(?!\d|,\d|h)|(?<![\d,])(\d{1,2}) a (\d{1,2})(?!\d|,\d)")
DATE = re.compile(r"\b(\d{1,2})(?:er)? (" + "|".join(MONTHS) + r")\b")
# Competitions named with a number ("Nationale 1", "Fédérale 3"): not a figure of the event.
LEAGUE = re.compile(r"\b(?:nationale?|federale|regionale|ligue|division|elite|top|pro d|excellence|honneur) ?\d{1,2}\b")
TRACKING = re.compile(r"^(?:utm_|fbclid|gclid|xtor|at_|mc_)")


def first_sentence(summary: str) -> str:
    """The lead's first sentence, plain text, at most MAX_LEAD characters."""
    text = " ".join(clean(summary or "").split())
    parts = SENTENCE_END.split(text, maxsplit=1)
    return parts[0][:MAX_LEAD] if parts else ""


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light French stemmer: plural and feminine endings, so "municipaux" meets "municipal".
    Remembered per word: a region's news uses the same few thousand words over and over."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("aux"):
        return word[:-3] + "al"
    if word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def title_key(title: str) -> str:
    """The folded title for the exact step, or "" when a title alone must not merge."""
    title = " ".join(clean(title or "").split())
    letters = [c for c in title if c.isalpha()]
    tokens = TOKEN.findall(fold(title))
    if len(tokens) < 2 or (letters and all(c.isupper() for c in letters)):
        return ""
    return " ".join(tokens)[:200]


def url_key(url: str) -> str:
    """A hash of the canonical link: the same story reached by two addresses has one key."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)))
    canonical = f"{host}{parts.path.rstrip('/') or '/'}?{query}"
    return hashlib.sha1(canonical.encode()).hexdigest()


@dataclass
class Features:
    """The parts of ``match_text``: stems of title and lead, title stems, and the distinguishing marks."""

    words: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    marks: dict[str, set[str]] = field(default_factory=dict)

    @cached_property
    def title_set(self) -> frozenset[str]:
        return frozenset(self.title)

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def joined(self) -> str:
        return " ".join(self.words)

    @cached_property
    def signature(self) -> tuple[int, int, int, int, int, int]:
        """Title and word sets folded into bit masks, with the words each mask lost to collisions
        and the sets' sizes: a cheap upper bound of their overlap with another version's, to skip
        most candidates without computing a score (``signature.shared_at_most``)."""
        titles, words = mask(self.title_set), mask(self.word_set)
        title_lost = len(self.title_set) - titles.bit_count()
        word_lost = len(self.word_set) - words.bit_count()
        return titles, words, title_lost, word_lost, len(self.title_set), len(self.word_set)

    @cached_property
    def lead(self) -> Features:
        """The same without the title: what is compared when a title alone must not merge."""
        lead = self.words[len(self.title) :]
        return Features(lead, lead, self.marks)

    def text(self) -> str:
        marks = [f"{kind}{value}" for kind in sorted(self.marks) for value in sorted(self.marks[kind])]
        return " ".join([*self.title, "|", *self.words[len(self.title) :], "|", *marks])[:MAX_TEXT]

    @classmethod
    def parse(cls, text: str) -> Features:
        """Read back ``text()``: title | rest of the words | marks (words never hold a "|")."""
        title, _, rest = text.partition("|")
        lead, _, marks = rest.partition("|")
        title_words = title.split()
        features = cls(title_words + lead.split(), title_words, {})
        for mark in marks.split():
            kind, value = _split_mark(mark)
            features.marks.setdefault(kind, set()).add(value)
        return features


def _split_mark(mark: str) -> tuple[str, str]:
    cut = mark.index(":") + 1 if ":" in mark else 1
    return mark[:cut], mark[cut:]


def features(title: str, summary: str) -> Features:
    """Words and marks of an article's title and the first sentence of its lead."""
    title = " ".join(clean(title or "").split())
    lead = first_sentence(summary)
    result = Features()
    result.title = _stems(title)
    result.words = result.title + _stems(lead)
    marks = result.marks
    for text, in_title in ((title, True), (lead, False)):
        folded = LEAGUE.sub(" ", fold(ROAD.sub(" ", text)))
        _figures(folded, in_title, marks)
        _names(text, marks)
    return result


def _stems(text: str) -> list[str]:
    return [stem(word) for word in TOKEN.findall(fold(text)) if word not in STOP_WORDS and len(word) > 1]


def _add(marks: dict[str, set[str]], kind: str, value: str) -> None:
    marks.setdefault(kind, set()).add(value)


def _number(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "."))


def _figures(folded: str, in_title: bool, marks: dict[str, set[str]]) -> None:
    """Money, percentages, ages, scores and dates, and (in a title) bare counts and weekdays."""
    taken = folded
    if not DIGIT.search(folded) and (folded.isascii() or not any(c.isdigit() for c in folded)):
        if in_title:  # every figure, score and date needs a digit: only words can count here
            _counts_and_weekdays(taken, marks)
        return
    for pattern, kind, scale in _UNITS:
        for match in pattern.finditer(taken):
            _add(marks, f"#{kind}:", str(round(_number(match.group(1)) * scale, 2)).removesuffix(".0"))
        taken = pattern.sub(" ", taken)
    for match in SCORE.finditer(taken):
        first, second = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        _add(marks, "#s:", f"{int(first)}-{int(second)}")
    taken = SCORE.sub(" ", taken)
    for day, month in DATE.findall(taken):
        _add(marks, "@d:", f"{int(day)}/{MONTHS[month]}")
    if in_title:
        _counts_and_weekdays(DATE.sub(" ", taken), marks)


def _counts_and_weekdays(taken: str, marks: dict[str, set[str]]) -> None:
    """In a title: bare counts ("trois", "12") and weekdays."""
    for word in TOKEN.findall(taken):
        if word in WEEKDAYS:
            _add(marks, "@w:", word)
        elif word in NUMBER_WORDS:
            _add(marks, "#n:", str(NUMBER_WORDS[word]))
        elif word.isdigit() and not (1900 <= int(word) <= 2100) and not re.search(rf"\b{word} ?h\b", taken):
            _add(marks, "#n:", str(int(word)))


def _names(text: str, marks: dict[str, set[str]]) -> None:
    """Named places ("pont de la Savonnerie" → ``^pont:savonnerie``), roads, and capitalised names."""
    for number in ROAD.findall(text):
        _add(marks, "^route:", number)
    text = ROAD.sub(" ", text)
    tokens = [(m.group(), m.start()) for m in TOKEN.finditer(text)]
    whole = fold(text)  # one character for one: each token's folded form is the same slice
    folded = [whole[start : start + len(token)] for token, start in tokens]
    for index, word in enumerate(folded):
        if word in PLACE_WORDS:
            name = _following_name(text, tokens, folded, index + 1)
            if name:
                _add(marks, f"^{word}:", name)
    for index, (token, start) in enumerate(tokens):
        if not token[0].isupper() or token.isupper() and len(token) > 4:
            continue
        before = _char_before(text, start)
        if not before or before in '.!?:«"—–-(':
            continue  # a capital that only starts a sentence
        word = folded[index]
        if word not in STOP_WORDS and word not in COMMON_NAMES and word not in MONTHS and word not in WEEKDAYS:
            _add(marks, "=", word)


def _char_before(text: str, start: int) -> str:
    """The last character before ``start`` that is not a space ("" if none)."""
    index = start - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return text[index] if index >= 0 else ""


def _following_name(text: str, tokens, folded: list[str], index: int) -> str:
    """The capitalised name after a place word, skipping "de la", "du"...; "" if none."""
    while index < len(tokens) and folded[index] in NAME_LINKS:
        index += 1
    parts = []
    while index < len(tokens) and (tokens[index][0][0].isupper() or tokens[index][0][0].isdigit()) and len(parts) < 3:
        parts.append(folded[index])
        index += 1
        if index < len(tokens) and text[tokens[index - 1][1] + len(tokens[index - 1][0]) : tokens[index][1]].strip():
            break  # a comma or a full stop ends the name
    return "-".join(parts)


def keys(article) -> None:
    """Set the article's ``title_key``, ``url_key``, ``match_text`` and its words' masks from its
    title, lead and link. The masks are those of ``match_text`` as read back (it may be cut short)."""
    article.title_key = title_key(article.title)
    article.url_key = url_key(article.url)
    article.match_text = features(article.title, article.summary).text()
    article.title_bits, article.word_bits = parsed(article.match_text).signature[:2]


@functools.lru_cache(maxsize=8192)
def parsed(match_text: str) -> Features:
    """``Features.parse``, once per text and process: stored versions come back at every poll, and a
    new one is read again once inserted. Features are only read once parsed (their cached parts are
    derived from the text)."""
    return Features.parse(match_text)
