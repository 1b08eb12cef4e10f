"""Digests and alerts through a real local SMTP server: what is sent, when, and never twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from subscriptions import sending
from subscriptions.digests import build_digests, newest_article_id
from subscriptions.models import Delivery, Subscriber
from tests.builders import make_article
from tests.subscriptions.builders import make_subscriber
from tests.subscriptions.smtp import free_port, html_of, text_of

pytestmark = pytest.mark.django_db
PARIS = timezone.get_default_timezone()
THURSDAY_8H = datetime(2026, 12, 3, 8, 0, tzinfo=PARIS)
MONDAY_8H = datetime(2026, 12, 7, 8, 0, tzinfo=PARIS)


def test_a_digest_groups_new_articles_by_commune_in_text_and_html(smtp):
    make_article("Avant l’abonnement", communes=["sete"])
    subscriber = make_subscriber("marie@exemple.fr", communes=("sete", "meze"), cursor=newest_article_id())
    make_article("Joutes sur le canal", communes=["sete"])
    make_article("Marché de Mèze", communes=["meze"])
    make_article("Ailleurs", communes=["gigean"])
    report = sending.send_digests(THURSDAY_8H)
    assert report.sent == 1
    (message,) = smtp.mailbox.to("marie@exemple.fr")
    text, html = text_of(message), html_of(message)
    assert "== Mèze ==" in text and "== Sète ==" in text
    assert text.index("Mèze") < text.index("Marché de Mèze") < text.index("== Sète ==") < text.index("Joutes")
    assert "Avant l’abonnement" not in text and "Ailleurs" not in text
    assert "<h2" in html and "Joutes sur le canal" in html
    assert "2 articles" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/abonnements/desabonner/" in message["List-Unsubscribe"] and "/abonnements/desabonner/" in text
    assert Delivery.objects.get(subscriber=subscriber).status == Delivery.Status.SENT


def test_the_next_digest_holds_only_what_came_after_the_last_one(smtp):
    make_subscriber("marie@exemple.fr")
    make_article("Premier")
    sending.send_digests(THURSDAY_8H)
    make_article("Second")
    sending.send_digests(THURSDAY_8H.replace(day=4))
    first, second = smtp.mailbox.to("marie@exemple.fr")
    assert "Premier" in text_of(first) and "Premier" not in text_of(second) and "Second" in text_of(second)


def test_an_empty_digest_is_not_sent(smtp):
    make_subscriber("marie@exemple.fr", communes=("meze",))
    make_article("À Sète", communes=["sete"])
    report = sending.send_digests(THURSDAY_8H)
    assert (report.sent, report.empty) == (0, 1)
    assert smtp.mailbox.messages == []


def test_digests_wait_for_each_subscribers_hour_and_go_once_a_day(smtp):
    make_subscriber("tot@exemple.fr", hour=6)
    make_subscriber("tard@exemple.fr", hour=18)
    make_article("Nouvelle")
    assert sending.send_digests(THURSDAY_8H).sent == 1
    assert sending.send_digests(THURSDAY_8H).sent == 0  # a second beat, a restart: nothing twice
    assert [m["To"] for m in smtp.mailbox.messages] == ["tot@exemple.fr"]
    assert sending.send_digests(THURSDAY_8H.replace(hour=18)).sent == 1


def test_weekly_digests_go_on_mondays(smtp):
    make_subscriber("semaine@exemple.fr", frequency="hebdomadaire")
    make_article("Nouvelle")
    assert sending.send_digests(THURSDAY_8H).sent == 0
    assert sending.send_digests(MONDAY_8H).sent == 1
    assert sending.send_digests(MONDAY_8H.replace(day=8)).sent == 0


def test_nothing_but_the_confirmation_goes_to_an_unconfirmed_or_disabled_address(smtp):
    make_subscriber("attente@exemple.fr", confirmed=False, keywords=["joutes"])
    make_subscriber("coupe@exemple.fr", disabled=True, keywords=["joutes"])
    make_article("Les joutes")
    sending.send_digests(THURSDAY_8H, force=True)
    sending.send_alerts()
    assert smtp.mailbox.messages == []


def test_keyword_alerts_use_search_matching_and_go_once(smtp):
    make_subscriber("alerte@exemple.fr", frequency="immediat", keywords=["joutes", "port de pêche"])
    make_article("Tournoi de joutes", communes=["sete"])
    make_article("Concert au théâtre")
    assert sending.send_alerts().sent == 1
    assert sending.send_alerts().sent == 0
    (message,) = smtp.mailbox.messages
    assert "Tournoi de joutes" in text_of(message) and "Concert" not in text_of(message)
    assert "« joutes »" in message["Subject"]
    make_article("Le port de pêche rénové")
    assert sending.send_alerts().sent == 1
    assert "port de pêche rénové" in text_of(smtp.mailbox.messages[-1])


def test_keyword_alerts_find_words_without_their_accents(smtp, postgres):
    make_subscriber("alerte@exemple.fr", frequency="immediat", keywords=["elections"])
    make_article("Élections municipales : les listes déposées")
    assert sending.send_alerts().sent == 1


def test_an_alert_subscriber_gets_no_digest(smtp):
    make_subscriber("alerte@exemple.fr", frequency="immediat", keywords=["joutes"])
    make_article("Autre chose")
    assert sending.send_digests(THURSDAY_8H, force=True).sent == 0


def test_a_temporary_smtp_failure_is_retried_with_the_same_articles(smtp):
    smtp.mailbox.refuse["marie@exemple.fr"] = "451 4.3.0 Try again later"
    make_subscriber("marie@exemple.fr")
    make_article("Nouvelle")
    report = sending.send_digests(THURSDAY_8H)
    (delivery,) = Delivery.objects.all()
    assert report.retry == [delivery.pk] and delivery.status == Delivery.Status.RETRY
    assert sending.retry_delay(1) < sending.retry_delay(2) < sending.retry_delay(3)
    make_article("Arrivée entre-temps")
    del smtp.mailbox.refuse["marie@exemple.fr"]
    assert sending.resend(delivery.pk) == "sent"
    assert sending.resend(delivery.pk) == "skipped"
    (message,) = smtp.mailbox.messages
    assert "Nouvelle" in text_of(message) and "Arrivée entre-temps" not in text_of(message)


def test_an_address_that_hard_bounces_three_times_is_disabled(smtp):
    smtp.mailbox.refuse["inconnu@exemple.fr"] = "550 5.1.1 No such user"
    subscriber = make_subscriber("inconnu@exemple.fr")
    make_subscriber("marie@exemple.fr")
    for day in (3, 4, 5):
        make_article(f"Nouvelle du {day}")
        report = sending.send_digests(THURSDAY_8H.replace(day=day))
        assert report.bounced == 1 and report.sent == 1  # the others still get theirs
    subscriber.refresh_from_db()
    assert subscriber.bounces == 3 and subscriber.disabled
    make_article("Plus tard")
    assert sending.send_digests(THURSDAY_8H.replace(day=6)).bounced == 0


def test_building_digests_costs_the_same_queries_for_one_or_many_subscribers_of_one_filter():
    for n in range(3):
        make_article(f"Sète {n}", communes=["sete"], sections=["culture"])
    make_subscriber(communes=("sete",), sections=("culture",))
    make_subscriber(communes=("meze",))

    def queries() -> int:
        subscribers = list(Subscriber.objects.active())
        with CaptureQueriesContext(connection) as captured:
            digests = build_digests(subscribers, Delivery.Kind.DIGEST, newest_article_id())
        assert {len(d.articles) for d in digests} >= {3}
        return len(captured)

    few = queries()
    for _ in range(30):
        make_subscriber(communes=("sete",), sections=("culture",))
        make_subscriber(communes=("meze",))
    assert queries() == few


def test_a_mail_server_that_is_down_stops_the_run_and_the_next_run_sends_the_rest(smtp, settings):
    for n in range(6):
        make_subscriber(f"lecteur{n}@exemple.fr")
    make_article("Nouvelle")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    report = sending.send_digests(THURSDAY_8H)
    assert (report.sent, len(report.retry)) == (0, sending.STOP_AFTER_FAILURES)
    settings.EMAIL_PORT = port
    assert sending.send_digests(THURSDAY_8H).sent == 6 - sending.STOP_AFTER_FAILURES
    for delivery_id in report.retry:
        assert sending.resend(delivery_id) == "sent"
    assert len(smtp.mailbox.messages) == 6


def test_an_address_never_confirmed_is_forgotten_after_its_link_expired(smtp):
    make_subscriber("oubli@exemple.fr", confirmed=False, created=THURSDAY_8H - timedelta(days=9))
    make_subscriber("recent@exemple.fr", confirmed=False, created=THURSDAY_8H - timedelta(days=2))
    sending.send_digests(THURSDAY_8H)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["recent@exemple.fr"]
