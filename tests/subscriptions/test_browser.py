"""In real headless Chromium: from a commune page to the prefilled form, its errors, and confirmation."""

from __future__ import annotations

import pytest

from subscriptions.models import Subscriber
from tests.helpers import restore_places
from tests.subscriptions.builders import link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_subscribes_from_their_commune_page_and_confirms(page, live_server, mailoutbox):
    restore_places()
    page.goto("/communes/sete/")
    page.get_by_role("link", name="Recevoir par courriel").click()
    assert page.get_by_label("Sète").is_checked()
    assert not page.get_by_label("Mèze").is_checked()

    page.get_by_label("Adresse électronique").fill("jeanne@exemple")
    page.get_by_role("textbox", name="Mots-clés").fill("x" * 101)
    page.get_by_role("button", name="Je m’abonne").click()
    alert = page.get_by_role("alert")
    assert "n’est pas valide" in alert.inner_text()
    assert "100 caractères" in alert.inner_text()
    assert page.get_by_label("Sète").is_checked()  # what was chosen is kept
    assert not Subscriber.objects.exists()

    page.get_by_label("Adresse électronique").fill("jeanne@exemple.fr")
    page.get_by_role("textbox", name="Mots-clés").fill("joutes")
    page.get_by_role("button", name="Je m’abonne").click()
    assert "Vérifiez vos courriels" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="/recherche/rss/?q=joutes", exact=False).count() == 1

    page.goto(link_in(mailoutbox[0].body, "confirmer"))
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    assert "Abonnement confirmé" in page.locator("h1").inner_text()
    assert Subscriber.objects.get(email="jeanne@exemple.fr").confirmed is not None
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []
