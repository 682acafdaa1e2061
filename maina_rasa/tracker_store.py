"""Rasa's SQL tracker store without the per-turn work a turn does not need (issue 6).

Named in endpoints.yml (``tracker_store: type: maina_rasa.tracker_store.FastSQLTrackerStore``);
Rasa's own ``type: SQL`` gets it too once :mod:`maina_rasa.patches` is applied (patch
``sql_tracker_store``, at start-up of every server of the project). Same settings, same
``events`` table, same rows as Rasa's ``SQLTrackerStore`` (it is a subclass), so the two can be
swapped on an existing database, and PostgreSQL works as before.

The profile of a turn (bench/profile.md) showed Rasa's tracker store taking ~40 % of the Rasa
process's time, blocking the event loop each time:

* **fsync on every commit** (~20 %). SQLite's default rollback journal syncs the disk
  on every commit, twice per turn. On SQLite this store sets ``journal_mode=WAL`` and
  ``synchronous=NORMAL``: commits append to the write-ahead log without waiting for the disk;
  the database stays consistent after a crash (a power cut can lose the last turns, never
  corrupt the file). PostgreSQL is untouched. It also keeps its SQLite connections open
  (Rasa opens and closes one per query with SQLAlchemy 1.4's ``NullPool``).
* **rebuilding the tracker from the database on every turn** (~11 %): load every event of
  the session, ``json.loads`` each, replay them all. This store keeps the trackers it saved
  (an LRU of ``cache_size`` conversations, default 1000; 0 turns it off) and hands the same
  object back on the next turn, *after* checking with one indexed query that the newest row
  of that conversation is still the one it wrote. A row written by anyone else (another Rasa
  instance on the same PostgreSQL, a tool) or a tracker changed without being saved (a turn
  that failed half-way) makes it fall back to Rasa's own retrieval. A tracker is only kept
  when Rasa's retrieval would return the same events (i.e. not right after a new session
  started on an old conversation), so answers cannot differ.
* **counting the stored events before each save** (~5 %): Rasa counts the session's rows to
  know which events are new; for a tracker it saved itself this store knows the number. The
  new rows are written with one ``executemany`` instead of the ORM's unit of work (~5 %).

The other per-turn savings (changes to Rasa's own code) are in :mod:`maina_rasa.patches`,
installed at start-up whichever tracker store is configured.
"""
from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 1000


class _Saved:
    """What this store knows about a tracker it wrote."""

    __slots__ = ("tracker", "stored", "last_event", "last_id")

    def __init__(self, tracker: DialogueStateTracker, last_id: Optional[int]) -> None:
        self.tracker = tracker
        self.stored = len(tracker.events)
        self.last_event = tracker.events[-1] if tracker.events else None
        self.last_id = last_id

    def unchanged(self, tracker: DialogueStateTracker) -> bool:
        """Same object, nothing appended since it was saved."""
        return (
            tracker is self.tracker
            and len(tracker.events) == self.stored
            and (self.stored == 0 or tracker.events[-1] is self.last_event)
        )

    def prefix_of(self, tracker: DialogueStateTracker) -> bool:
        """Same object, the saved events still in place (new ones may follow)."""
        events = tracker.events
        return (
            tracker is self.tracker
            and len(events) >= self.stored
            and (self.stored == 0 or events[self.stored - 1] is self.last_event)
        )


def _same_as_stored_session(tracker: DialogueStateTracker) -> bool:
    """True if Rasa's retrieval (events since the last SessionStarted) gives these events."""
    events = list(tracker.events)
    starts = [i for i, e in enumerate(events) if isinstance(e, SessionStarted)]
    if not starts:
        return True
    start = events[starts[-1]].timestamp
    return all(e.timestamp >= start for e in events[: starts[-1]])


class FastSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with SQLite tuned, saved trackers reused, and no count query."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: Text = "sqlite",
        host: Optional[Text] = None,
        port: Optional[int] = None,
        db: Text = "rasa.db",
        username: Text = None,
        password: Text = None,
        event_broker: Optional[Any] = None,
        login_db: Optional[Text] = None,
        query: Optional[dict] = None,
        cache_size: Optional[int] = None,
        **kwargs: Any,
    ) -> None:
        self._saved: "OrderedDict[Text, _Saved]" = OrderedDict()
        size = DEFAULT_CACHE_SIZE if cache_size in (None, "") else int(cache_size)
        self._cache_size = max(0, size)
        super().__init__(
            domain, dialect, host, port, db, username, password, event_broker, login_db,
            query, **kwargs,
        )
        if self.engine.dialect.name == "sqlite":
            self._tune_sqlite()

    def _tune_sqlite(self) -> None:
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=sa.pool.QueuePool,
            pool_size=2,
            max_overflow=8,
            connect_args={"check_same_thread": False},
        )

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # A new domain (model reloaded) means trackers must be rebuilt with its slots.
    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        self._domain = domain or Domain.empty()
        if hasattr(self, "_saved"):
            self._saved.clear()

    def _last_id(self, session: Any, sender_id: Text) -> Optional[int]:
        return (
            session.query(sa.func.max(self.SQLEvent.id))
            .filter(self.SQLEvent.sender_id == sender_id)
            .scalar()
        )

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        saved = self._saved.get(sender_id)
        if saved is not None:
            with self.session_scope() as session:
                last_id = self._last_id(session, sender_id)
            if last_id is not None and last_id == saved.last_id and saved.unchanged(
                saved.tracker
            ):
                self._saved.move_to_end(sender_id)
                return saved.tracker
            del self._saved[sender_id]
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        saved = self._saved.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            if saved is not None and saved.prefix_of(tracker):
                events: List[Any] = list(tracker.events)[saved.stored:]
            else:
                saved = None
                events = list(self._additional_events(session, tracker))
            rows = []
            for event in events:
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": (
                        data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                    ),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            last_id: Optional[int] = saved.last_id if saved is not None else None
            if rows:
                # One executemany instead of the ORM's unit of work (same rows, same order).
                session.execute(self.SQLEvent.__table__.insert(), rows)
            if rows or (saved is None and self._cache_size):
                last_id = self._last_id(session, tracker.sender_id)
            session.commit()
        if self._cache_size and last_id is not None and _same_as_stored_session(tracker):
            self._saved[tracker.sender_id] = _Saved(tracker, last_id)
            while len(self._saved) > self._cache_size:
                self._saved.popitem(last=False)
        logger.debug(f"Tracker with sender_id '{tracker.sender_id}' stored to database")
