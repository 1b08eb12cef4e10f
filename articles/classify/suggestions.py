"""Alias suggestions: names in a corrected story that the gazetteer does not know.

When an editor adds a commune that the gazetteer did not find in the story's text, the text
probably names it some other way: a person ("Michel Arrouy"), a quarter, an old spelling. Every
capitalised phrase of the title and summary that no alias matches becomes a suggestion for that
commune; the same phrase corrected again counts once more. Deterministic: no model, no guess.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from localities import gazetteer
from localities.gazetteer import SENTENCE_OPENERS, fold, words

TOKEN = re.compile(r"\w[\w-]*")
GAP = re.compile(r"[\s'’]*")  # words of one name are apart by spaces or an elided article only
# Lower-case words that may sit inside a name ("Mont Saint-Clair", "Pointe de la Courte").
LINKS = frozenset(("de", "du", "des", "la", "le", "d", "l", "sur", "en"))
# Capitalised only because they open a sentence, or too common to name a place or a person.
_OPENER_WORDS = (
    "le la les l un une des du de d au aux a en et pour par sur dans ce cette ces son sa ses leur leurs il elle "
    "ils elles on nous vous je c est qui que quand comment pourquoi apres avant depuis entre avec sans lundi "
    "mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout septembre "
    "octobre novembre decembre m mme mm monsieur madame"
)
OPENERS = frozenset(_OPENER_WORDS.split())
MAX_PER_STORY = 5
KEEP_EXAMPLES = 5


def unknown_names(text: str, places=None) -> list[str]:
    """Capitalised phrases of ``text`` that no alias of the gazetteer matches, in order, once each."""
    places = places or gazetteer.current()
    found: list[str] = []
    for run in _capitalised_runs(text):
        phrase = text[run[0].start() : run[-1].end()]
        tokens = words(phrase)
        if len(phrase) < 3 or tokens[0].isdigit() or places.mentions(tokens, phrase):
            continue
        if phrase not in found:
            found.append(phrase)
    return found


def _capitalised_runs(text: str) -> list[list[re.Match]]:
    runs: list[list[re.Match]] = []
    run: list[re.Match] = []
    previous_end = None
    for match in TOKEN.finditer(text):
        word = match.group()
        joined = previous_end is not None and GAP.fullmatch(text[previous_end : match.start()]) is not None
        if not joined:
            runs.append(run)
            run = []
        starts = word[0].isupper() and (run or fold(word) not in OPENERS)
        if starts or (run and fold(word) in LINKS):
            run.append(match)
        else:
            runs.append(run)
            run = []
        previous_end = match.end()
    runs.append(run)
    # A name does not end on a link word ("Pointe de" in "Pointe de la ville").
    trimmed = []
    for run in runs:
        while run and not run[-1].group()[0].isupper():
            run = run[:-1]
        if run and not _sentence_word(text, run):
            trimmed.append(run)
    return trimmed


def _sentence_word(text: str, run: list[re.Match]) -> bool:
    """One word capitalised because it opens a sentence ("Nouvelle fresque…"), not a name; a
    headline's "Place : …" prefix is a name all the same."""
    if len(run) > 1 or text[run[0].end() :].lstrip().startswith(":"):
        return False
    before = text[: run[0].start()].rstrip()
    return not before or before[-1] in SENTENCE_OPENERS


def suggest(title: str, summary: str, commune) -> int:
    """Count the story's unknown names towards ``commune``, unless the gazetteer already sees it."""
    from articles.models import AliasSuggestion

    places = gazetteer.current()
    text = f"{title}. {summary}"
    if any(commune.slug in mention.communes for mention in places.mentions(words(text), text)):
        return 0  # the classifier saw the commune: the fix was about salience, not vocabulary
    names = unknown_names(text, places)[:MAX_PER_STORY]
    now = timezone.now()
    for phrase in names:
        key = " ".join(words(phrase))[:200]
        suggestion, created = AliasSuggestion.objects.get_or_create(
            key=key, commune=commune, defaults={"phrase": phrase[:200], "examples": [title[:200]], "updated": now}
        )
        if not created:
            examples = [title[:200]] + [old for old in suggestion.examples if old != title[:200]]
            AliasSuggestion.objects.filter(pk=suggestion.pk).update(
                count=F("count") + 1, examples=examples[:KEEP_EXAMPLES], updated=now
            )
    return len(names)


@transaction.atomic
def accept(suggestion, editor=None):
    """The suggestion becomes an alias of its commune; saving it bumps the gazetteer everywhere."""
    from articles.models import AliasSuggestion
    from localities.models import Alias

    alias, _ = Alias.objects.get_or_create(
        phrase=suggestion.phrase, commune=suggestion.commune, defaults={"kind": Alias.Kind.VARIANT}
    )
    if not alias.enabled:
        alias.enabled = True
        alias.save(update_fields=["enabled"])
    AliasSuggestion.objects.filter(pk=suggestion.pk).update(
        status=AliasSuggestion.Status.ACCEPTED, updated=timezone.now()
    )
    return alias


def dismiss(suggestion) -> None:
    from articles.models import AliasSuggestion

    AliasSuggestion.objects.filter(pk=suggestion.pk).update(
        status=AliasSuggestion.Status.DISMISSED, updated=timezone.now()
    )
