"""maina_rasa.tracker_store.FastSQLTrackerStore stores and returns what Rasa's SQLTrackerStore does."""
from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

pytest.importorskip("rasa")

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from maina_rasa.tracker_store import FastSQLTrackerStore  # noqa: E402

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  birth_date:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: hi}]
"""
)


def run(coroutine):
    return asyncio.run(coroutine)


def stores(db: Path):
    url = f"sqlite:///{db}"
    return (FastSQLTrackerStore(domain=DOMAIN, host=url),
            SQLTrackerStore(domain=DOMAIN, host=url))


def turn(tracker, text: str, ts: float) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=ts))
    tracker.update(ActionExecuted("utter_greet", timestamp=ts + 0.1))
    tracker.update(BotUttered("hi", timestamp=ts + 0.2))
    tracker.update(ActionExecuted("action_listen", timestamp=ts + 0.3))


def dicts(tracker):
    return [e.as_dict() for e in tracker.events]


def test_same_rows_and_trackers_as_rasa(tmp_path: Path) -> None:
    fast, rasa = stores(tmp_path / "t.db")
    tracker = run(fast.get_or_create_tracker("a"))
    for i in range(3):
        tracker = run(fast.retrieve("a")) or tracker
        turn(tracker, f"hello {i}", 1000.0 + i)
        tracker.update(SlotSet("birth_date", f"2000-01-0{i + 1}", timestamp=1000.5 + i))
        run(fast.save(tracker))
    cached = run(fast.retrieve("a"))
    assert cached is tracker  # reused, not rebuilt
    from_db = run(rasa.retrieve("a"))
    assert dicts(from_db) == dicts(cached)
    assert from_db.current_slot_values() == cached.current_slot_values()
    rows = sqlite3.connect(tmp_path / "t.db").execute("SELECT count(*) FROM events").fetchone()
    assert rows[0] == len(tracker.events)


def test_rows_written_by_someone_else_are_seen(tmp_path: Path) -> None:
    fast, rasa = stores(tmp_path / "t.db")
    tracker = run(fast.get_or_create_tracker("b"))
    turn(tracker, "one", 1000.0)
    run(fast.save(tracker))
    other = run(rasa.retrieve("b"))  # e.g. another Rasa instance on the same database
    turn(other, "two", 2000.0)
    run(rasa.save(other))
    seen = run(fast.retrieve("b"))
    assert seen is not tracker
    assert dicts(seen) == dicts(other)


def test_unsaved_changes_are_not_served(tmp_path: Path) -> None:
    fast, rasa = stores(tmp_path / "t.db")
    tracker = run(fast.get_or_create_tracker("c"))
    turn(tracker, "one", 1000.0)
    run(fast.save(tracker))
    turn(tracker, "failed turn, never saved", 2000.0)
    seen = run(fast.retrieve("c"))
    assert seen is not tracker
    assert dicts(seen) == dicts(run(rasa.retrieve("c")))
    # and the next save of the rebuilt tracker writes only its new events
    turn(seen, "three", 3000.0)
    run(fast.save(seen))
    assert dicts(run(rasa.retrieve("c"))) == dicts(seen)


def test_new_session_is_rebuilt_like_rasa(tmp_path: Path) -> None:
    fast, rasa = stores(tmp_path / "t.db")
    tracker = run(fast.get_or_create_tracker("d"))
    now = time.time()
    turn(tracker, "old session", now + 1)
    run(fast.save(tracker))
    tracker.update(ActionExecuted("action_session_start", timestamp=now + 5000.0))
    tracker.update(SessionStarted(timestamp=now + 5000.1))
    tracker.update(ActionExecuted("action_listen", timestamp=now + 5000.2))
    run(fast.save(tracker))
    seen = run(fast.retrieve("d"))
    assert seen is not tracker  # Rasa's retrieval keeps only the latest session
    assert dicts(seen) == dicts(run(rasa.retrieve("d")))
    assert isinstance(seen.events[0], SessionStarted)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    fast, _ = stores(tmp_path / "t.db")
    tracker = run(fast.get_or_create_tracker("e"))
    run(fast.save(tracker))
    with fast.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_cache_size_zero_always_reads_the_database(tmp_path: Path) -> None:
    fast = FastSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 't.db'}",
                               cache_size=0)
    tracker = run(fast.get_or_create_tracker("f"))
    turn(tracker, "one", 1000.0)
    run(fast.save(tracker))
    seen = run(fast.retrieve("f"))
    assert seen is not tracker and dicts(seen) == dicts(tracker)
