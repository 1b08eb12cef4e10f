"""The admin: editors see subscribers and deliveries read-only, without keywords; administrators export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions import sending
from subscriptions.models import Delivery
from tests.builders import make_article, make_person
from tests.subscriptions.builders import make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(mailoutbox):
    subscriber = make_subscriber("secret@exemple.fr", keywords=["maladie rare"])
    make_article("Nouvelle")
    sending.send_digests(force=True)
    return subscriber


def test_an_editor_sees_subscribers_and_deliveries_but_not_their_keywords(client, subscriber):
    client.force_login(make_person("edith", "Éditeurs"))
    listing = client.get(reverse("admin:subscriptions_subscriber_changelist")).content.decode()
    assert "secret@exemple.fr" in listing and "export_csv" not in listing
    assert "Abonné·e·s actifs par commune" in listing and '<th scope="row">Tout le bassin</th><td>1</td>' in listing
    page = client.get(reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])).content.decode()
    assert "maladie rare" not in page
    delivery = Delivery.objects.get()
    assert client.get(reverse("admin:subscriptions_delivery_change", args=[delivery.pk])).status_code == 200
    assert client.post(reverse("admin:subscriptions_delivery_delete", args=[delivery.pk])).status_code == 403


def test_an_administrator_reads_keywords_and_exports_confirmed_subscribers(client, subscriber):
    make_subscriber("attente@exemple.fr", confirmed=False)
    client.force_login(make_person("ada", "Administrateurs"))
    page = client.get(reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])).content.decode()
    assert "maladie rare" in page
    response = client.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": "export_csv", "_selected_action": [s.pk for s in type(subscriber).objects.all()]},
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "secret@exemple.fr" in body and "attente@exemple.fr" not in body


def test_nobody_edits_an_address_or_what_was_sent(client, subscriber):
    client.force_login(make_person("ada", "Administrateurs"))
    url = reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])
    client.post(url, {"email": "autre@exemple.fr", "frequency": "quotidien", "hour": 7, "keywords": "[]"})
    subscriber.refresh_from_db()
    assert subscriber.email == "secret@exemple.fr"
    delivery = Delivery.objects.get()
    page = client.get(reverse("admin:subscriptions_delivery_change", args=[delivery.pk])).content.decode()
    assert 'name="status"' not in page
