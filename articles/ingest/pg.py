"""PostgreSQL fast paths of a poll. Each has its readable ORM (SQLite) version beside its caller.

Why they exist, measured by ``python -m bench ingest`` on this 2-core machine:

- A 304 poll took 9.87 ms before these paths and takes 2.50 ms with them: two round trips,
  ``lease_and_load`` (lease, host slot and the source's row in one SELECT) and ``record_and_unlock``
  (state, fetch log and prune in one statement, committed, then the unlocks, in one message),
  where the ORM needs a lease UPDATE, a SELECT, a transaction of three statements and the unlocks.
- The locks are advisory locks: shared by every machine using the database, and freed the moment a
  killed worker's connection drops, so a redelivered poll never waits for a lease to expire.

References: ``locks.acquire_lease`` / ``locks._file_slot`` (SQLite lease column and file slots) and
``store.save_poll_state`` (the ORM transaction).
"""

from __future__ import annotations

import contextlib
import zlib

from django.db import connection

LEASE_CLASS = 0x4E57  # namespaces the source-lease advisory locks ("NW")
HOST_CLASS = 0x4E48  # namespaces the host-slot advisory locks ("NH")

# (connection id, key) of the host slots this process holds: advisory locks are re-entrant per session,
# so asking again for a slot we hold would "succeed" and let a third request through.
held_slots: set[tuple[int, int]] = set()


def lease_key(source_id: int) -> int:
    return source_id % 2**31


def try_lease(source_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LEASE_CLASS, lease_key(source_id)])
        return cursor.fetchone()[0]


def unlock_lease(source_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LEASE_CLASS, lease_key(source_id)])


def slot_keys(host: str, limit: int) -> list[int]:
    keys = []
    for index in range(limit):
        key = zlib.crc32(f"{host}#{index}".encode()) or 1  # 0 means "no slot" below
        keys.append(key - 2**32 if key >= 2**31 else key)
    return keys


def slot_sql(host: str, limit: int) -> tuple[str, list]:
    """An SQL expression taking the first free slot of the host: its key, or 0 if all are taken."""
    keys = [key for key in slot_keys(host, limit) if (id(connection.connection), key) not in held_slots]
    if not keys:
        return "0", []
    parts = " ".join("WHEN pg_try_advisory_lock(%s, %s) THEN %s" for _ in keys)
    return f"(CASE {parts} ELSE 0 END)", [value for key in keys for value in (HOST_CLASS, key, key)]


def try_slot(host: str, limit: int) -> int:
    """Take a free slot of ``host``: its key, or 0 when all ``limit`` are held."""
    connection.ensure_connection()
    expression, params = slot_sql(host, limit)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression}", params)
        return cursor.fetchone()[0]


def forget_slot(key: int) -> None:
    """The slot is no longer held by this connection (freed, or about to be)."""
    held_slots.discard((id(connection.connection), key))


def unlock_slot(key: int) -> None:
    forget_slot(key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [HOST_CLASS, key])


def unlock_all_sql(source_id: int, slot: int) -> tuple[str, list]:
    """A SELECT freeing the source's lease and, if ``slot``, its host slot."""
    parts = ["pg_advisory_unlock(%s, %s)"]
    params = [LEASE_CLASS, lease_key(source_id)]
    if slot:
        parts.append("pg_advisory_unlock(%s, %s)")
        params += [HOST_CLASS, slot]
    return "SELECT " + ", ".join(parts), params


def lease_and_load(source_id: int, host: str, limit: int):
    """The source's row with ``held_slot``: NULL when another poll holds the lease, else the key of
    the host slot taken with it (0 when ``host`` is empty or its slots are all held). None: no such
    source. One round trip."""
    from articles.models import Source

    connection.ensure_connection()
    slot_expression, slot_params = slot_sql(host, limit) if host else ("0", [])
    table = connection.ops.quote_name(Source._meta.db_table)
    rows = list(
        Source.objects.raw(
            f"SELECT CASE WHEN pg_try_advisory_lock(%s, %s) THEN {slot_expression} END AS held_slot, * "
            f"FROM {table} WHERE id = %s",
            [LEASE_CLASS, lease_key(source_id), *slot_params, source_id],
        )
    )
    return rows[0] if rows else None


def record_poll_sql(source, fields: list[str], log, keep: int) -> tuple[str, list]:
    """ONE statement saving the source's ``fields``, adding ``log`` and keeping the ``keep`` newest
    logs: an UPDATE, an INSERT and a DELETE chained in a CTE."""
    from articles.models import FetchLog, Source

    quote = connection.ops.quote_name
    updated = [Source._meta.get_field(name) for name in fields]
    logged = [f for f in FetchLog._meta.concrete_fields if not f.primary_key and f.attname != "source_id"]
    logs = quote(FetchLog._meta.db_table)
    sql = (
        f"WITH changed AS (UPDATE {quote(Source._meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in updated)
        + " WHERE id = %s RETURNING id), "
        f"logged AS (INSERT INTO {logs} (source_id, "
        + ", ".join(quote(f.column) for f in logged)
        + ") SELECT changed.id, "
        + ", ".join("%s" for _ in logged)
        + " FROM changed) "
        # The new log is not visible to this DELETE (same snapshot): keep the keep - 1 newest.
        f"DELETE FROM {logs} WHERE source_id = %s AND id IN ("
        f"SELECT id FROM {logs} WHERE source_id = %s ORDER BY started DESC, id DESC OFFSET %s)"
    )
    params = [f.get_db_prep_save(getattr(source, f.attname), connection) for f in updated]
    params.append(source.pk)
    params += [f.get_db_prep_save(f.pre_save(log, True), connection) for f in logged]
    params += [source.pk, source.pk, keep - 1]
    return sql, params


def record_and_unlock(sql: str, params: list, unlock: str, unlock_params: list) -> None:
    """Run ``sql`` in its own transaction and then ``unlock``, all in one message.

    The write commits before the locks are freed, so the next poll of the source always reads the
    state written here. On error the locks are still held: the caller frees them.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"BEGIN; {sql}; COMMIT; {unlock}", [*params, *unlock_params])
    except Exception:
        # The message stopped at the error, inside our BEGIN: end that transaction so the
        # connection stays usable.
        if connection.connection is not None:
            with contextlib.suppress(Exception):
                connection.connection.execute("ROLLBACK")
        raise


def relax_commit_durability_on(db_connection) -> None:
    """``synchronous_commit`` off for this session (workers only): everything a worker writes can be
    fetched again, and a 304 poll otherwise spends most of its time waiting for an fsync."""
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
