"""Retention: conversations older than ``MAINA_RETENTION_DAYS`` (default 90) are deleted.

A conversation here is a *session* (:mod:`maina.report.conversations`): a session whose last
event is older than the cut-off is deleted from the ``events`` table, and its counts
(:func:`maina.report.counts.count_session`, no text) are added to ``maina_report_counts`` in
the same transaction, so the report's numbers for those days stay as they were. A session
still going on at the cut-off is kept whole, so Rasa never reloads half a session.

The cut-off is midnight in Japan, ``days`` days before :func:`maina.clock.today`. The Rasa
server runs :func:`purge` at start-up and every day (maina_rasa/channels/staff.py); on
PostgreSQL two servers doing it at once take turns (:func:`maina.report.store.exclusive`).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Mapping, Optional

import sqlalchemy as sa

from maina.clock import JST
from maina.report import store
from maina.report.conversations import read_session, split_sessions
from maina.report.counts import Counts, count_session

logger = logging.getLogger(__name__)

ENV_VAR = "MAINA_RETENTION_DAYS"
DEFAULT_DAYS = 90
MAX_DAYS = 3650


def retention_days(environ: Optional[Mapping[str, str]] = None) -> int:
    """Days to keep, from ``MAINA_RETENTION_DAYS`` (1..3650); anything else → 90, logged."""
    raw = (environ if environ is not None else os.environ).get(ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        logger.warning("%s=%r is not a number of days in 1..%d: using %d",
                       ENV_VAR, raw, MAX_DAYS, DEFAULT_DAYS)
        return DEFAULT_DAYS
    return days


def cutoff_timestamp(today: dt.date, days: int) -> float:
    """Midnight in Japan ``days`` days before ``today``: older sessions are deleted."""
    first_kept = today - dt.timedelta(days=days)
    return dt.datetime.combine(first_kept, dt.time(0), JST).timestamp()


@dataclass
class PurgeResult:
    sessions: int = 0
    events: int = 0
    counts: Optional[Counts] = None


def purge(engine: sa.engine.Engine, cutoff: float) -> PurgeResult:
    """Deletes sessions whose last event is before ``cutoff``; keeps their counts."""
    store.ensure_tables(engine)
    result = PurgeResult(counts=Counts())
    with engine.connect() as connection:
        senders = store.senders_with_events_before(connection, cutoff)
    for start in range(0, len(senders), store.SENDER_BATCH):
        batch = senders[start:start + store.SENDER_BATCH]
        with store.exclusive(engine) as connection:
            counts = Counts()
            for sender_id, rows in store.events_of(connection, batch):
                events = [dict(event, _row_id=row_id) for row_id, event in rows]
                last_old_id = None
                for part in split_sessions(events):
                    if max(float(e.get("timestamp") or 0) for e in part) >= cutoff:
                        break  # this session and every later one stay
                    count_session(read_session(sender_id, part), counts)
                    last_old_id = part[-1]["_row_id"]
                    result.sessions += 1
                if last_old_id is not None:
                    result.events += store.delete_events(connection, sender_id, last_old_id)
            store.add_counts(connection, counts)
            result.counts.merge(counts)
    if result.sessions:
        logger.info("retention: deleted %d conversations (%d events) older than the cut-off",
                    result.sessions, result.events)
    return result
