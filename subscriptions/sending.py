"""Send digests and alerts so that none is sent twice.

Each email is recorded (a Delivery for the subscriber and the period, unique) in the same
transaction that moves the subscriber's cursor past its articles, and only then handed to SMTP. A
second beat, a restart or a redelivered task finds the row and skips it. A worker killed while
talking to SMTP leaves the row "en cours d’envoi": it is not sent again, since nobody can know
whether the server took it (at most once, by design).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from subscriptions.compose import digest_message
from subscriptions.digests import Digest, build_digests, newest_article_id, rebuild
from subscriptions.models import MAX_BOUNCES, Delivery, Frequency, Subscriber

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STOP_AFTER_FAILURES = 3
UNCONFIRMED_DAYS = 8  # a confirmation link lives 7 days


@dataclass
class Report:
    sent: int = 0
    empty: int = 0
    skipped: int = 0
    retry: list[int] = field(default_factory=list)
    bounced: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} envoyé(s), {self.empty} vide(s), {self.skipped} déjà traité(s), "
            f"{len(self.retry)} à réessayer, {self.bounced} refusé(s)"
        )


def digest_period(frequency: str, now: datetime) -> str:
    local = timezone.localtime(now)
    if frequency == Frequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{frequency}:{year}-W{week:02d}"
    return f"{frequency}:{local.date().isoformat()}"


def due_digests(now: datetime, *, force: bool = False) -> list[tuple[Subscriber, str]]:
    """(subscriber, period) of every digest due now: daily ones from their hour on, weekly ones on
    Mondays from their hour on, unless already recorded for that period. ``force`` ignores the hour."""
    local = timezone.localtime(now)
    due = []
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        if frequency == Frequency.WEEKLY and local.weekday() != 0 and not force:
            continue
        period = digest_period(frequency, now)
        subscribers = Subscriber.objects.active().filter(frequency=frequency).exclude(deliveries__period=period)
        if not force:
            subscribers = subscribers.filter(hour__lte=local.hour)
        due += [(s, period) for s in subscribers.only("id", "email", "key", "cursor", "alert_cursor", "keywords")]
    return due


def send_digests(now: datetime | None = None, *, force: bool = False, dry_run: bool = False) -> Report:
    now = now or timezone.now()
    if not dry_run:
        forget_unconfirmed(now)
    due = due_digests(now, force=force)
    periods = {s.pk: period for s, period in due}
    digests = build_digests([s for s, _ in due], Delivery.Kind.DIGEST, newest_article_id())
    return _deliver(digests, lambda d: periods[d.subscriber.pk], dry_run=dry_run)


def forget_unconfirmed(now: datetime) -> int:
    """Addresses whose confirmation link expired unused are deleted: we keep no one who did not ask."""
    cutoff = now - timedelta(days=UNCONFIRMED_DAYS)
    return Subscriber.objects.filter(confirmed__isnull=True, created__lt=cutoff).delete()[0]


def send_alerts(*, dry_run: bool = False) -> Report:
    subscribers = [
        s for s in Subscriber.objects.active().only("id", "email", "key", "alert_cursor", "keywords") if s.keywords
    ]
    digests = build_digests(subscribers, Delivery.Kind.ALERT, newest_article_id())
    return _deliver(digests, lambda d: f"alerte:{d.until}", dry_run=dry_run)


def _deliver(digests: list[Digest], period_of, *, dry_run: bool) -> Report:
    report = Report()
    full = [d for d in digests if d.articles]
    report.empty = len(digests) - len(full)
    if dry_run:
        report.sent = len(full)
        return report
    _record_empty([d for d in digests if not d.articles], period_of)
    memo: dict = {}
    failures_in_a_row = 0
    # Opened by the first send, not here: a server that is down is then one failed delivery.
    connection = get_connection()
    try:
        for digest in full:
            if failures_in_a_row >= STOP_AFTER_FAILURES:
                # The mail server is down: the rest stay unrecorded, so the next run sends them.
                logger.warning("stopping this run after %s failures in a row", failures_in_a_row)
                break
            delivery = record(digest, period_of(digest))
            if delivery is None:
                report.skipped += 1
                continue
            outcome = send(delivery, digest_message(digest, memo), connection)
            failures_in_a_row = failures_in_a_row + 1 if outcome == "retry" else 0
            _count(report, delivery, outcome)
    finally:
        connection.close()
    return report


def _record_empty(digests: list[Digest], period_of) -> None:
    """Nothing new: a digest's period is marked done (not sent); an alert's cursor moves on.

    In bulk: one statement per distinct period or cursor, not one per subscriber.
    """
    digests_done = [d for d in digests if d.kind == Delivery.Kind.DIGEST]
    Delivery.objects.bulk_create(
        [
            Delivery(
                subscriber=d.subscriber,
                kind=d.kind,
                period=period_of(d),
                status=Delivery.Status.EMPTY,
                after=d.after,
                until=d.after,
            )
            for d in digests_done
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    by_cursor: dict[tuple[int, int], list[int]] = {}
    for digest in digests:
        if digest.kind == Delivery.Kind.ALERT:
            by_cursor.setdefault((digest.after, digest.until), []).append(digest.subscriber.pk)
    for (after, until), ids in by_cursor.items():
        # Only where no other run moved the cursor meanwhile, so nothing it found is skipped.
        Subscriber.objects.filter(pk__in=ids, alert_cursor=after).update(alert_cursor=until)


def record(digest: Digest, period: str) -> Delivery | None:
    """Write the delivery and move the cursor past its articles, in one transaction, before sending.

    None when another run already did (the period is taken or the cursor moved meanwhile).
    """
    cursor = "alert_cursor" if digest.kind == Delivery.Kind.ALERT else "cursor"
    try:
        with transaction.atomic():
            moved = Subscriber.objects.filter(pk=digest.subscriber.pk, **{cursor: digest.after})
            if not moved.update(**{cursor: digest.until}):
                return None
            return Delivery.objects.create(
                subscriber=digest.subscriber,
                kind=digest.kind,
                period=period,
                after=digest.after,
                until=digest.until,
                articles=len(digest.articles),
                attempts=1,
            )
    except IntegrityError:
        return None


def send(delivery: Delivery, message, connection) -> str:
    """Hand one recorded email to SMTP; returns "sent", "retry", "failed" or "bounced"."""
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as exc:
        connection.close()  # the next message opens a fresh connection
        return _failed(delivery, exc)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent=timezone.now(), error="")
    return "sent"


def hard_bounce(exc: Exception) -> bool:
    """A 5xx answer about the recipient: the address does not exist or refuses us."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _failed(delivery: Delivery, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    logger.warning("delivery %s to subscriber %s failed: %s", delivery.pk, delivery.subscriber_id, error)
    if hard_bounce(exc):
        outcome, status = "bounced", Delivery.Status.BOUNCED
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(bounces=F("bounces") + 1)
        Subscriber.objects.filter(pk=delivery.subscriber_id, bounces__gte=MAX_BOUNCES).update(disabled=True)
    elif delivery.attempts >= MAX_ATTEMPTS:
        outcome, status = "failed", Delivery.Status.FAILED
    else:
        outcome, status = "retry", Delivery.Status.RETRY
    Delivery.objects.filter(pk=delivery.pk).update(status=status, error=error)
    return outcome


def _count(report: Report, delivery: Delivery, outcome: str) -> None:
    if outcome == "sent":
        report.sent += 1
    elif outcome == "bounced":
        report.bounced += 1
    elif outcome == "retry":
        report.retry.append(delivery.pk)


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 1, 4, 16, then 64 minutes."""
    return 60 * 4 ** max(attempts - 1, 0)


def resend(delivery_id: int) -> str:
    """Try a delivery that failed for a passing reason again, with exactly the same articles."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.RETRY).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"  # sent, given up, or another worker has it
    delivery = Delivery.objects.select_related("subscriber").get(pk=delivery_id)
    if not (delivery.subscriber.confirmed and not delivery.subscriber.disabled):
        Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.FAILED, error="adresse désactivée")
        return "failed"
    connection = get_connection()
    try:
        return send(delivery, digest_message(rebuild(delivery)), connection)
    finally:
        connection.close()
