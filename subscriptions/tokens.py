"""Signed links: confirm (expires after 7 days), manage and unsubscribe (no expiry, no password).

A token names the subscriber and carries their ``key``. A new signup request changes the key, so an
older confirmation link stops working; unsubscribing deletes the row, so its links stop working too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from subscriptions.models import Subscriber

CONFIRM_MAX_AGE = 7 * 24 * 3600
PURPOSES = ("confirm", "manage", "unsubscribe")


def make_token(subscriber: Subscriber, purpose: str) -> str:
    assert purpose in PURPOSES
    return signing.dumps({"s": subscriber.pk, "k": subscriber.key}, salt=f"subscriptions.{purpose}", compress=True)


@dataclass(frozen=True)
class Reading:
    subscriber: Subscriber | None
    problem: str = ""  # "", "forged", "expired", "gone", "used"


def read_token(token: str, purpose: str) -> Reading:
    max_age = CONFIRM_MAX_AGE if purpose == "confirm" else None
    try:
        data = signing.loads(token, salt=f"subscriptions.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        return Reading(None, "expired")
    except signing.BadSignature:
        return Reading(None, "forged")
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return Reading(None, "forged")
    subscriber = Subscriber.objects.filter(pk=data["s"]).first()
    if subscriber is None:
        return Reading(None, "gone")
    if subscriber.key != data.get("k"):
        return Reading(None, "used")
    if purpose == "confirm" and subscriber.confirmed:
        return Reading(subscriber, "used")
    return Reading(subscriber)


PROBLEMS = {
    "forged": ("Lien invalide", "Ce lien n’est pas valide : il a peut-être été mal copié. Rien n’a été modifié."),
    "expired": (
        "Lien expiré",
        "Ce lien de confirmation a plus de 7 jours. Inscrivez-vous à nouveau pour en recevoir un autre. "
        "Rien n’a été modifié.",
    ),
    "gone": ("Abonnement introuvable", "Cette adresse n’est plus abonnée. Rien n’a été modifié."),
    "used": (
        "Lien déjà utilisé",
        "Ce lien a déjà servi ou a été remplacé par un plus récent. Rien n’a été modifié.",
    ),
}
