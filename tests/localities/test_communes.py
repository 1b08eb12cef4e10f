from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from localities.models import Commune

pytestmark = pytest.mark.django_db

SAM = {
    "34023": "Balaruc-les-Bains",
    "34024": "Balaruc-le-Vieux",
    "34039": "Bouzigues",
    "34108": "Frontignan",
    "34113": "Gigean",
    "34143": "Loupian",
    "34150": "Marseillan",
    "34157": "Mèze",
    "34159": "Mireval",
    "34165": "Montbazin",
    "34213": "Poussan",
    "34301": "Sète",
    "34333": "Vic-la-Gardiole",
    "34341": "Villeveyrac",
}


def test_migrations_load_the_fourteen_communes_of_the_agglomeration():
    assert dict(Commune.objects.values_list("insee", "name")) == SAM


def test_reference_data_is_official():
    sete = Commune.objects.get(insee="34301")
    assert sete.slug == "sete" and sete.postal_codes == "34200"
    assert sete.population == 44712
    assert (round(sete.latitude, 2), round(sete.longitude, 2)) == (43.39, 3.66)
    # Balaruc-les-Bains and Balaruc-le-Vieux share a postal code; Frontignan's covers three towns.
    assert Commune.objects.filter(postal_codes__contains="34540").count() == 2
    assert str(sete) == "Sète"


def test_insee_code_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(name="Autre Sète", slug="autre-sete", insee="34301")


def test_insee_code_must_look_like_an_insee_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(name="Nulle part", slug="nulle-part", insee="ABCDE")


def test_coordinates_stay_in_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(name="Ailleurs", slug="ailleurs", insee="34999", latitude=123.0)
