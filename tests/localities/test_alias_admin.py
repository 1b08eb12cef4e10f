"""Editors manage aliases in the admin; bulk switches reach the classifiers too."""

from __future__ import annotations

import pytest

from localities import gazetteer
from localities.models import Alias

pytestmark = pytest.mark.django_db


def test_the_alias_and_commune_admin_pages_load(admin_client):
    assert admin_client.get("/admin/localities/alias/").status_code == 200
    assert admin_client.get("/admin/localities/alias/?q=Peyrade").status_code == 200
    sete = Alias.objects.get(phrase="Sète", kind="name").commune
    assert admin_client.get(f"/admin/localities/commune/{sete.pk}/change/").status_code == 200


def test_disabling_aliases_in_bulk_bumps_the_gazetteer_revision(admin_client):
    before = gazetteer.revision("gazetteer")
    alias = Alias.objects.get(phrase="Onglous")
    response = admin_client.post(
        "/admin/localities/alias/",
        {"action": "disable_aliases", "_selected_action": [alias.pk]},
        follow=True,
    )
    assert response.status_code == 200
    alias.refresh_from_db()
    assert alias.enabled is False
    assert gazetteer.revision("gazetteer") > before
    assert "désactivé" in response.content.decode()


def test_an_alias_without_commune_must_be_a_blocking_or_outside_phrase():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Alias(phrase="Le Lido", kind="place").full_clean()
    Alias(phrase="Lido de Marseillan", kind="block").full_clean()
