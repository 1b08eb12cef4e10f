"""The /abonnements/ form: French errors that store nothing, the same answer for everyone, rate limits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from subscriptions.models import Subscriber
from tests.subscriptions.builders import make_subscriber, signup_data

pytestmark = pytest.mark.django_db
URL = reverse("subscriptions:subscribe")


def test_it_sends_one_confirmation_and_stores_an_unconfirmed_subscriber(client, mailoutbox):
    response = client.post(URL, signup_data(commune=["sete", "meze"], section=["culture"], keywords="joutes\nPort\n"))
    assert response.status_code == 200
    assert "Vérifiez vos courriels" in response.content.decode()
    subscriber = Subscriber.objects.get(email="marie@exemple.fr")
    assert subscriber.confirmed is None
    assert sorted(c.slug for c in subscriber.communes.all()) == ["meze", "sete"]
    assert subscriber.keywords == ["joutes", "Port"]
    assert len(mailoutbox) == 1 and "/abonnements/confirmer/" in mailoutbox[0].body
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers  # nothing but the confirmation yet


def test_it_offers_the_rss_feed_of_each_keyword(client):
    page = client.post(URL, signup_data(commune=["sete"], keywords="joutes nautiques")).content.decode()
    assert reverse("search-rss") + "?q=joutes+nautiques&amp;commune=sete" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "pas-une-adresse"}, "Cette adresse électronique n’est pas valide"),
        ({"email": ""}, "Indiquez votre adresse électronique"),
        ({"commune": ["sete", "atlantide"]}, "Commune inconnue : atlantide."),
        ({"section": ["astrologie"]}, "Rubrique inconnue : astrologie."),
        ({"keywords": "\n".join(f"mot {n}" for n in range(21))}, "20 mots-clés au plus ; vous en avez saisi 21."),
        ({"keywords": "x" * 101}, "Un mot-clé fait au plus 100 caractères"),
        ({"frequency": "immediat", "keywords": ""}, "Les alertes immédiates demandent au moins un mot-clé."),
        ({"frequency": "horaire"}, "Fréquence inconnue : horaire."),
    ],
)
def test_bad_input_gets_a_french_message_and_nothing_is_stored(client, mailoutbox, fields, message):
    response = client.post(URL, signup_data(**fields))
    assert response.status_code == 200  # the form again, with its messages
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_the_answer_is_the_same_for_a_new_and_an_already_subscribed_address(client, mailoutbox):
    make_subscriber("deja@exemple.fr", communes=("sete",))
    new = client.post(URL, signup_data("nouveau@exemple.fr")).content.decode()
    known = client.post(URL, signup_data("deja@exemple.fr", commune=["meze"])).content.decode()
    assert new.replace("nouveau@exemple.fr", "") == known.replace("deja@exemple.fr", "")
    # The confirmed subscriber's choices are untouched; they get a link to their own preferences.
    assert [c.slug for c in Subscriber.objects.get(email="deja@exemple.fr").communes.all()] == ["sete"]
    assert "/abonnements/gerer/" in mailoutbox[1].body


def test_an_address_gets_at_most_three_confirmations_an_hour(mailoutbox):
    for n in range(5):
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(URL, signup_data("cible@exemple.fr"))
    assert len(mailoutbox) == 3


def test_an_ip_gets_a_french_error_after_three_signups_an_hour(client, mailoutbox):
    for n in range(3):
        assert client.post(URL, signup_data(f"a{n}@exemple.fr")).status_code == 200
    response = client.post(URL, signup_data("a4@exemple.fr"))
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert not Subscriber.objects.filter(email="a4@exemple.fr").exists()
    assert len(mailoutbox) == 3


def test_the_form_refuses_a_post_without_its_csrf_token():
    response = Client(enforce_csrf_checks=True).post(URL, signup_data())
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_commune_and_section_pages_link_to_a_prefilled_form(client):
    page = client.get(reverse("commune", args=["sete"])).content.decode()
    assert f"{URL}?commune=sete" in page and "Recevoir par courriel" in page
    assert f"{URL}?section=culture" in client.get(reverse("section", args=["culture"])).content.decode()
    form = client.get(URL, {"commune": "sete", "section": "culture"}).content.decode()
    assert 'value="sete" id="id_commune_' in form.replace(" checked", "").replace("checked ", "")
    assert form.count("checked") == 2 + 1  # Sète, Culture, and the default frequency
