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


# --- Rasa's own `type: SQL` in endpoints.yml (maina_rasa.patches, sql_tracker_store) --------


def _endpoints(tmp_path: Path, name: str, kind: str):
    from rasa.core.utils import AvailableEndpoints

    path = tmp_path / f"{name}.yml"
    path.write_text(f"tracker_store:\n  type: {kind}\n  dialect: sqlite\n"
                    f"  db: {tmp_path / name}.db\n", encoding="utf-8")
    return AvailableEndpoints.read_endpoints(str(path)).tracker_store


def _conversation(store) -> list:
    """Three turns as the processor does them (retrieve, update, save) and one more
    retrieval; returns what each retrieval gave."""
    seen = []
    for i in range(3):
        tracker = run(store.get_or_create_tracker("resident"))
        seen.append(dicts(tracker))
        turn(tracker, f"hello {i}", 1000.0 + i)
        tracker.update(SlotSet("birth_date", f"2000-01-0{i + 1}", timestamp=1000.5 + i))
        run(store.save(tracker))
    seen.append(dicts(run(store.retrieve("resident"))))
    return seen


def _rows(db: Path) -> list:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events ORDER BY id").fetchall()


def test_type_sql_from_endpoints_gets_the_fast_store(tmp_path: Path, monkeypatch) -> None:
    """With the patches applied, Rasa's factory builds the project's store for ``type: SQL``
    (as `rasa run` does from endpoints.yml); it uses the fast paths and stores and returns
    exactly what Rasa's SQLTrackerStore does."""
    import rasa.core.tracker_store as rasa_tracker_store
    from rasa.core.tracker_store import AwaitableTrackerStore, TrackerStore

    from maina_rasa import patches

    patches.apply()
    assert patches._sql_tracker_store_installed()
    rasa_factory = rasa_tracker_store._create_from_endpoint_config.__wrapped__
    stock = rasa_factory(_endpoints(tmp_path, "stock", "SQL"), DOMAIN)
    assert type(stock) is SQLTrackerStore
    for kind in ("SQL", "sql"):
        store = TrackerStore.create(_endpoints(tmp_path, f"ours-{kind}", kind), domain=DOMAIN)
        assert type(store) is FastSQLTrackerStore and store.domain is DOMAIN
    assert type(AwaitableTrackerStore.create(_endpoints(tmp_path, "wrapped", "SQL"))
                ._tracker_store) is FastSQLTrackerStore
    from rasa.utils.endpoints import EndpointConfig

    assert type(TrackerStore.create(EndpointConfig())).__name__ == "InMemoryTrackerStore"
    assert type(TrackerStore.create(_endpoints(
        tmp_path, "class", "maina_rasa.tracker_store.FastSQLTrackerStore"))) \
        is FastSQLTrackerStore

    # the first action_listen's timestamp is the clock's: the same clock for both stores
    monkeypatch.setattr("rasa.shared.core.events.time", type("Clock", (), {
        "time": staticmethod(lambda: 500.0)}))
    statements = []
    sa = pytest.importorskip("sqlalchemy")
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *_: statements.append(statement))
    ours = _conversation(store)
    assert ours == _conversation(stock)  # same trackers on every turn
    assert _rows(tmp_path / "ours-sql.db") == _rows(tmp_path / "stock.db")  # same rows
    counts = [s for s in statements if "count(" in s.lower()]
    loads = [s for s in statements if s.startswith("SELECT events.id")]
    assert len(counts) == 1  # only the new conversation's first save counts its rows
    assert len(loads) == 1  # only the first retrieval (none yet) reads the events
    with store.engine.connect() as connection:  # SQLite tuned
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    tracker = run(store.retrieve("resident"))
    assert run(store.retrieve("resident")) is tracker  # saved tracker reused


def test_type_sql_is_rasas_store_without_the_speedups(tmp_path: Path) -> None:
    """``MAINA_SPEEDUPS=0`` (the stock side of bench/check_answers.py) in a fresh process:
    ``type: SQL`` stays Rasa's SQLTrackerStore."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rasa.core.tracker_store import TrackerStore\n"
        "from rasa.core.utils import AvailableEndpoints\n"
        "from maina_rasa import patches\n"
        "patches.apply({'MAINA_SPEEDUPS': sys.argv[2]})\n"
        "store = TrackerStore.create(AvailableEndpoints.read_endpoints(sys.argv[1])"
        ".tracker_store)\n"
        "print(type(store).__name__)\n"
    )
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: SQL\n  db: {tmp_path / 't.db'}\n",
                    encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    names = []
    for flag in ("0", "1"):
        result = subprocess.run([sys.executable, "-c", code, str(path), flag], cwd=root,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        names.append(result.stdout.split()[-1])
    assert names == ["SQLTrackerStore", "FastSQLTrackerStore"]
