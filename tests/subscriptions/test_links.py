"""Signed links: confirm, manage, one-click unsubscribe. Forged, expired or reused ones change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Subscriber
from subscriptions.tokens import make_token
from tests.subscriptions.builders import link_in, make_subscriber, signup_data

pytestmark = pytest.mark.django_db


def _signup(client, mailoutbox, **fields) -> str:
    client.post(reverse("subscriptions:subscribe"), signup_data(**fields))
    return link_in(mailoutbox[-1].body, "confirmer")


def test_the_confirmation_link_asks_for_a_click_then_confirms(client, mailoutbox):
    link = _signup(client, mailoutbox)
    page = client.get(link)
    assert page.status_code == 200 and "Confirmer mon abonnement" in page.content.decode()
    assert Subscriber.objects.get().confirmed is None  # a mail scanner opening the link confirms nothing
    done = client.post(link)
    assert "votre abonnement est confirmé" in done.content.decode()
    assert Subscriber.objects.get().confirmed is not None


def test_a_confirmation_link_works_once(client, mailoutbox):
    link = _signup(client, mailoutbox)
    client.post(link)
    again = client.post(link)
    assert again.status_code == 400 and "Lien déjà utilisé" in again.content.decode()


def test_a_new_signup_request_replaces_the_older_confirmation_link(client, mailoutbox):
    first = _signup(client, mailoutbox)
    _signup(client, mailoutbox, commune=["meze"])
    response = client.post(first)
    assert "Lien déjà utilisé" in response.content.decode()
    assert Subscriber.objects.get().confirmed is None


def test_a_confirmation_link_expires_after_seven_days(client, mailoutbox):
    link = _signup(client, mailoutbox)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(link)
    assert response.status_code == 400 and "Lien expiré" in response.content.decode()
    assert Subscriber.objects.get().confirmed is None


@pytest.mark.parametrize("name", ["confirm", "manage", "unsubscribe"])
def test_a_forged_link_gets_a_clear_page_and_changes_nothing(client, name):
    subscriber = make_subscriber(communes=("sete",))
    token = make_token(subscriber, name)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = Client().post(reverse(f"subscriptions:{name}", args=[forged]))
    assert response.status_code == 400 and "Lien invalide" in response.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk, communes__slug="sete").exists()


def test_a_manage_token_cannot_unsubscribe(client):
    subscriber = make_subscriber()
    response = client.post(reverse("subscriptions:unsubscribe", args=[make_token(subscriber, "manage")]))
    assert response.status_code == 400
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_the_manage_page_changes_choices_without_a_password(client):
    subscriber = make_subscriber("moi@exemple.fr", communes=("sete",), keywords=["joutes"])
    url = reverse("subscriptions:manage", args=[make_token(subscriber, "manage")])
    page = client.get(url).content.decode()
    assert "joutes" in page and "/recherche/rss/?q=joutes&amp;commune=sete" in page
    response = client.post(
        url, signup_data("autre@exemple.fr", commune=["meze"], keywords="marché\ntravaux", frequency="hebdomadaire")
    )
    assert "Vos choix sont enregistrés" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.keywords == ["marché", "travaux"] and subscriber.frequency == "hebdomadaire"
    assert [c.slug for c in subscriber.communes.all()] == ["meze"]
    assert subscriber.email == "moi@exemple.fr"  # an address is never changed from here


def test_one_click_unsubscribe_needs_no_csrf_token_and_deletes_the_address():
    subscriber = make_subscriber("parti@exemple.fr")
    url = reverse("subscriptions:unsubscribe", args=[make_token(subscriber, "unsubscribe")])
    # What a mail client sends under RFC 8058: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "Vous êtes désabonné·e" in response.content.decode()
    assert not Subscriber.objects.filter(email="parti@exemple.fr").exists()
    again = Client().post(url)
    assert again.status_code == 400 and "n’est plus abonnée" in again.content.decode()


def test_the_unsubscribe_link_opened_in_a_browser_asks_before_deleting(client):
    subscriber = make_subscriber()
    page = client.get(reverse("subscriptions:unsubscribe", args=[make_token(subscriber, "unsubscribe")]))
    assert "Me désabonner" in page.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_other_subscription_pages_still_require_csrf():
    subscriber = make_subscriber()
    url = reverse("subscriptions:manage", args=[make_token(subscriber, "manage")])
    assert Client(enforce_csrf_checks=True).post(url, signup_data(frequency="hebdomadaire")).status_code == 403
    assert Subscriber.objects.get(pk=subscriber.pk).frequency == "quotidien"
