"""How a commune is named: venue, origin, passing mention, district, lists of towns."""

from __future__ import annotations

import pytest

from localities.gazetteer import words
from localities.salience import AREA, OF, OFFICE, PASSING, PLAIN, VENUE, listed, role


def role_of(text: str, name: str, kind: str = "name") -> str:
    tokens = words(text)
    target = words(name)
    start = next(i for i in range(len(tokens)) if tokens[i : i + len(target)] == target)
    original = text.replace("’", " ").replace("'", " ").split()
    original = original if len(original) == len(tokens) else None
    return role(tokens, start, start + len(target), kind, 0, original)


@pytest.mark.parametrize(
    "text, name, expected",
    [
        ("Le concert a lieu à Mèze samedi", "Mèze", VENUE),
        ("Une fête aux Balarucois", "Balarucois", VENUE),
        ("Le port de Sète accueille un paquebot", "Sète", OF),
        ("Sète accueille un paquebot", "Sète", PLAIN),
        ("L’éclairage disparait jusqu’à Frontignan", "Frontignan", PASSING),
        ("Un groupe venu de Montbazin", "Montbazin", PASSING),
        ("Entre Mèze et Sète, ce village vit de l’étang", "Sète", PASSING),
        ("Entre Mèze et Sète, ce village vit de l’étang", "Mèze", PASSING),
        ("Le nouveau canton de Mèze comprend vingt communes", "Mèze", AREA),
        ("en présence de Jean Dupont, maire de Sète", "Sète", OFFICE),
        ("sauf Gigean, rattaché à Frontignan", "Frontignan", PASSING),
        ("sauf Gigean, rattaché à Frontignan", "Gigean", PASSING),
        ("une finale contre le Frontignanais Claude Massias", "Frontignanais", PASSING),
    ],
)
def test_the_words_around_a_name_say_how_it_is_named(text, name, expected):
    kind = "demonym" if name.endswith(("ais", "ois")) else "name"
    assert role_of(text, name, kind) == expected


def test_a_demonym_alone_is_not_a_person_s_origin():
    assert role_of("les Frontignanais votent dimanche", "Frontignanais", "demonym") == PLAIN


def test_three_towns_close_together_form_a_list_two_do_not():
    three = [(3, 4, "sete"), (5, 6, "meze"), (7, 8, "marseillan")]
    assert listed(three) == {0, 1, 2}
    assert listed(three[:2]) == set()
    assert listed([(3, 4, "sete"), (20, 21, "meze"), (40, 41, "marseillan")]) == set()
    assert listed([(3, 4, "sete"), (5, 6, "sete"), (7, 8, "meze")]) == set()
