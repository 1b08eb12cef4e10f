"""Counts and the export of confirmed subscribers, shared by the admin and ``manage.py subscribers``."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from localities.models import Commune
from subscriptions.models import Subscriber

HEADER = ["email", "communes", "rubriques", "mots_cles", "frequence", "heure", "confirme_le"]


def write_csv(writer, subscribers: QuerySet[Subscriber] | None = None) -> int:
    """Write the confirmed subscribers among ``subscribers`` (all by default); returns how many."""
    rows = (subscribers if subscribers is not None else Subscriber.objects.all()).filter(confirmed__isnull=False)
    writer.writerow(HEADER)
    count = 0
    for s in rows.prefetch_related("communes", "sections").order_by("email"):
        writer.writerow(
            [
                s.email,
                " ".join(c.slug for c in s.communes.all()),
                " ".join(x.slug for x in s.sections.all()),
                " | ".join(s.keywords),
                s.frequency,
                s.hour,
                s.confirmed.isoformat(),
            ]
        )
        count += 1
    return count


def counts_per_commune() -> list[tuple[str, int]]:
    """(commune, active subscribers following it), with the whole area ("Tout le bassin") first."""
    active = Q(subscribers__confirmed__isnull=False, subscribers__disabled=False)
    communes = Commune.objects.annotate(n=Count("subscribers", filter=active)).order_by("name")
    whole = Subscriber.objects.active().filter(communes=None).count()
    return [("Tout le bassin", whole), *((c.name, c.n) for c in communes)]
