from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_the_site_layout_with_commune_and_section_navigation(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'aria-label="Communes"' in html and 'href="/communes/gigean/"' in html
    assert 'aria-label="Rubriques"' in html and 'href="/rubriques/elections/"' in html
    assert "<footer" in html


def test_pages_forbid_inline_script_and_framing(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"


def test_admin_answers_with_its_french_login_page(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert "Connexion" in response.content.decode()


def test_admin_works_for_a_superuser(admin_client):
    response = admin_client.get("/admin/articles/article/")
    assert response.status_code == 200
