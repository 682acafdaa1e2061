"""The tracker store's tables, read and written with SQLAlchemy Core (SQLite or PostgreSQL).

* ``events``: Rasa's table (``id``, ``sender_id``, ``type_name``, ``timestamp``,
  ``intent_name``, ``action_name``, ``data`` = the event's JSON). Read one sender at a time.
* ``maina_report_counts``: what retention keeps of deleted conversations: one row per
  (day, channel, metric, key) with a count (:mod:`maina.report.counts`), no text.

:func:`exclusive` serialises the writers of the counts table across servers: a PostgreSQL
transaction-level advisory lock in the cluster (two Rasa servers start retention at the same
time), a process lock for SQLite (one server; SQLite itself serialises writers).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from maina.report.counts import Counts

EVENTS = sa.table(
    "events",
    sa.column("id"), sa.column("sender_id"), sa.column("type_name"),
    sa.column("timestamp"), sa.column("action_name"), sa.column("data"),
)

_metadata = sa.MetaData()
COUNTS = sa.Table(
    "maina_report_counts", _metadata,
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("metric", sa.String(32), nullable=False),
    sa.Column("key", sa.String(128), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("day", "channel", "metric", "key"),
)

SENDER_BATCH = 200
ADVISORY_LOCK_KEY = 1616_2026  # any constant; names "the report's counts" for PostgreSQL
_process_lock = threading.Lock()


def ensure_tables(engine: sa.engine.Engine) -> None:
    """Creates ``maina_report_counts`` if it is missing (``events`` is Rasa's)."""
    _metadata.create_all(engine, tables=[COUNTS], checkfirst=True)


def has_events_table(engine: sa.engine.Engine) -> bool:
    return sa.inspect(engine).has_table("events")


@contextlib.contextmanager
def exclusive(engine: sa.engine.Engine) -> Iterator[sa.engine.Connection]:
    """A transaction that no other retention run (any server) runs at the same time."""
    with _process_lock:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            yield connection


def senders_active_since(engine: sa.engine.Engine, since: Optional[float]) -> List[str]:
    query = sa.select(EVENTS.c.sender_id).distinct()
    if since is not None:
        query = query.where(EVENTS.c.timestamp >= since)
    with engine.connect() as connection:
        return sorted(row[0] for row in connection.execute(query))


def senders_with_events_before(connection: sa.engine.Connection, cutoff: float) -> List[str]:
    query = (sa.select(EVENTS.c.sender_id)
             .group_by(EVENTS.c.sender_id)
             .having(sa.func.min(EVENTS.c.timestamp) < cutoff))
    return sorted(row[0] for row in connection.execute(query))


def _decode(raw: Any) -> Dict[str, Any]:
    try:
        event = json.loads(raw) if isinstance(raw, (str, bytes)) else {}
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def events_of(
    connection: sa.engine.Connection, senders: Sequence[str]
) -> Iterator[Tuple[str, List[Tuple[int, Dict[str, Any]]]]]:
    """(sender id, [(row id, event), ...]) for each of ``senders``, events in stored order."""
    for start in range(0, len(senders), SENDER_BATCH):
        batch = list(senders[start:start + SENDER_BATCH])
        rows = connection.execute(
            sa.select(EVENTS.c.sender_id, EVENTS.c.id, EVENTS.c.data)
            .where(EVENTS.c.sender_id.in_(batch))
            .order_by(EVENTS.c.sender_id, EVENTS.c.id)
        )
        current: Optional[str] = None
        events: List[Tuple[int, Dict[str, Any]]] = []
        for sender_id, row_id, data in rows:
            if sender_id != current:
                if current is not None:
                    yield current, events
                current, events = sender_id, []
            events.append((int(row_id), _decode(data)))
        if current is not None:
            yield current, events


def delete_events(connection: sa.engine.Connection, sender_id: str, up_to_id: int) -> int:
    """Deletes the sender's events with ``id <= up_to_id``; returns how many."""
    result = connection.execute(
        sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id).where(EVENTS.c.id <= up_to_id)
    )
    return int(result.rowcount or 0)


def add_counts(connection: sa.engine.Connection, counts: Counts) -> None:
    """Adds ``counts`` to the stored aggregates (call inside :func:`exclusive`)."""
    for day, channel, metric, key, n in counts.rows():
        where = sa.and_(COUNTS.c.day == day.isoformat(), COUNTS.c.channel == channel,
                        COUNTS.c.metric == metric, COUNTS.c.key == key)
        updated = connection.execute(
            sa.update(COUNTS).where(where).values(count=COUNTS.c.count + n)
        )
        if not updated.rowcount:
            connection.execute(sa.insert(COUNTS).values(
                day=day.isoformat(), channel=channel, metric=metric, key=key, count=n))


def read_counts(
    engine: sa.engine.Engine, start: Optional[dt.date] = None, end: Optional[dt.date] = None
) -> Counts:
    """The stored aggregates for days start..end (inclusive)."""
    if not sa.inspect(engine).has_table(COUNTS.name):
        return Counts()
    query = sa.select(COUNTS.c.day, COUNTS.c.channel, COUNTS.c.metric, COUNTS.c.key, COUNTS.c.count)
    if start is not None:
        query = query.where(COUNTS.c.day >= start.isoformat())
    if end is not None:
        query = query.where(COUNTS.c.day <= end.isoformat())
    counts = Counts()
    with engine.connect() as connection:
        for day, channel, metric, key, n in connection.execute(query):
            counts.add(dt.date.fromisoformat(day), channel, metric, key, int(n))
    return counts
