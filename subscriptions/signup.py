"""Signing up, confirming, changing one's choices and unsubscribing: plain functions the views call."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Section
from localities.models import Commune
from subscriptions.compose import already_subscribed, confirmation
from subscriptions.digests import newest_article_id
from subscriptions.models import Subscriber, new_key

logger = logging.getLogger(__name__)


def request_subscription(data: dict) -> None:
    """Store (or refresh) an unconfirmed subscription and mail its confirmation link.

    A confirmed address is never changed from this form: it gets a link to its own preferences
    instead, so that nobody can alter someone else's subscription, and the page says the same.
    """
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=data["email"]).first()
            if subscriber is not None and subscriber.confirmed:
                message = already_subscribed(subscriber)
            else:
                subscriber = subscriber or Subscriber(email=data["email"])
                subscriber.key = new_key()  # older confirmation links stop working
                subscriber.created = timezone.now()
                save_preferences(subscriber, data)
                message = confirmation(subscriber)
    except IntegrityError:  # the same address signed up at the same instant: that one wins
        return
    _send_now(message)


def save_preferences(subscriber: Subscriber, data: dict) -> None:
    subscriber.keywords = data["keywords"]
    subscriber.frequency = data["frequency"]
    subscriber.hour = data.get("hour", 7)
    subscriber.save()
    subscriber.communes.set(Commune.objects.filter(slug__in=data["commune"]))
    subscriber.sections.set(Section.objects.filter(slug__in=data["section"]))


def confirm(subscriber: Subscriber) -> None:
    # The first email holds what arrives after this moment, not the archive.
    top = newest_article_id()
    Subscriber.objects.filter(pk=subscriber.pk, confirmed__isnull=True).update(
        confirmed=timezone.now(), cursor=top, alert_cursor=top
    )


def unsubscribe(subscriber: Subscriber) -> None:
    """Forget the address, its choices and what was sent to it."""
    subscriber.delete()


def _send_now(message) -> None:
    # Sent during the request: a confirmation is expected within seconds, and the rate limit
    # bounds how many a client can cause. A mail server that fails is logged, not shown.
    try:
        message.send()
    except Exception:  # noqa: BLE001 - the page answers the same whatever the mail server does
        logger.exception("could not send a subscription email")
