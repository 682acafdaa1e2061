"""Two Rasa servers with shared state (issue 8): PostgreSQL tracker store, Redis lock store,
nginx round-robin in front. Started by maina_ops/cluster.py in a temporary directory on
test-only ports (PostgreSQL 5434, Redis 6391, Rasa 5606/5607, actions 5656/5657, nginx
8180/8181), with the date pinned like the other end-to-end tests.

Run by `make test-cluster` (part of `make test`), which sets MAINA_CLUSTER_TESTS=1; the
plain `pytest tests/e2e` of `make test-e2e` reports them as skipped so they run once.
Without PostgreSQL, Redis or nginx on the machine they are skipped with the reason, except
in CI (CI=true), where that is a failure: `.ci/run` installs them first.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

from maina_ops import cluster, measure

ROOT = Path(__file__).resolve().parents[2]

TEST_TODAY = "2026-11-25"
ADMIN_TOKEN = "cluster-admin-token-" + "5" * 16
# Several checkouts on one machine: MAINA_TEST_PORT_OFFSET moves every port (as in conftest).
PORT_OFFSET = int(os.environ.get("MAINA_TEST_PORT_OFFSET", "0") or 0)
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
SELECTED = os.environ.get("MAINA_CLUSTER_TESTS", "").strip() in ("1", "true", "yes")

pytestmark = pytest.mark.skipif(
    not SELECTED,
    reason="cluster tests run in `make test-cluster` (part of `make test`); "
           "set MAINA_CLUSTER_TESTS=1 to run them here",
)

# The lifecycle form over several turns, a correction, and questions before and after.
CONVERSATION: List[Tuple[str, Sequence[str]]] = [
    ("こんにちは", ["マイナちゃん"]),
    ("自分のカードの期限を計算して", ["生年月日"]),
    ("H2.1.15です", ["交付日"]),
    ("令和3年5月10日に受け取りました", ["2031年（令和13年）1月15日"]),
    ("あ、間違えた。2021年じゃなくて2020年", ["2030年（令和12年）1月15日"]),
    ("暗証番号を忘れた", ["ロック"]),
    ("ありがとう", ["どういたしまして"]),
]
MY_NUMBER_MESSAGE = "私のマイナンバーは1234-5678-9018です"
MY_NUMBER_DIGITS = "123456789018"
APOLOGY = "うまくお返事できない"


# --- helpers -------------------------------------------------------------------------------

def ask(base_url: str, sender: str, message: str, timeout: float = 40) -> List[Dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(f"{base_url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def text_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def pg_connect(c: cluster.Cluster):
    import psycopg2

    return psycopg2.connect(**c.pg_dsn())


def tracker_events(c: cluster.Cluster, sender: str) -> List[Tuple[str, Optional[str], dict]]:
    """(type_name, action_name, data) of one conversation, in stored order."""
    with pg_connect(c) as conn, conn.cursor() as cur:
        cur.execute("SELECT type_name, action_name, data FROM events WHERE sender_id = %s "
                    "ORDER BY id", (sender,))
        return [(t, a, json.loads(d)) for t, a, d in cur.fetchall()]


def user_texts(events) -> List[str]:
    return [data.get("text") for kind, _, data in events if kind == "user"]


def assert_turns_not_interleaved(events, sender: str) -> None:
    """Every user message is followed by the bot's turn, ending in action_listen, before
    the next user message: turns were processed one at a time."""
    waiting = False
    for kind, action, _ in events:
        if kind == "user":
            assert not waiting, f"{sender}: a user message arrived inside another turn"
            waiting = True
        elif kind == "action" and action == "action_listen":
            waiting = False
    assert not waiting, f"{sender}: the last turn was stored unfinished"


def redis_cli(c: cluster.Cluster, *args: str) -> List[str]:
    env = {**os.environ, "REDISCLI_AUTH": c.secrets()["redis_password"]}
    out = subprocess.run([shutil.which("redis-cli"), "-p", str(c.redis_port), *args],
                         env=env, capture_output=True, text=True, timeout=20)
    return out.stdout.splitlines()


class RedisMonitor:
    """Everything any client sends to Redis while active (``MONITOR``)."""

    def __init__(self, c: cluster.Cluster, path: Path) -> None:
        self.path = path
        env = {**os.environ, "REDISCLI_AUTH": c.secrets()["redis_password"]}
        self.handle = open(path, "wb")
        self.proc = subprocess.Popen(
            [shutil.which("redis-cli"), "-p", str(c.redis_port), "monitor"],
            env=env, stdout=self.handle, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and b"OK" not in path.read_bytes():
            time.sleep(0.05)

    def stop(self) -> str:
        time.sleep(0.3)
        self.proc.terminate()
        self.proc.wait(timeout=5)
        self.handle.close()
        return self.path.read_text(encoding="utf-8", errors="replace")


def contains_number(text: str) -> bool:
    """The test number in any form: plain, or its digits split by up to 3 separators."""
    if MY_NUMBER_DIGITS in text:
        return True
    pattern = r"[^0-9]{0,3}".join(MY_NUMBER_DIGITS)
    return re.search(pattern, text) is not None


# --- the cluster ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def running(request) -> Iterator[cluster.Cluster]:
    missing = cluster.missing_binaries()
    if missing:
        reason = ("PostgreSQL, Redis and nginx are needed for the cluster tests; this machine "
                  "lacks: " + ", ".join(missing)
                  + ". Install them with `bash scripts/install_cluster_deps.sh` (as root).")
        if IN_CI:
            pytest.fail(reason + " CI must run these tests (.ci/run installs them).")
        pytest.skip(reason)
    if not cluster.MODEL.exists():
        pytest.fail("no trained model: run `make train` first (make test does)")
    base = Path(tempfile.mkdtemp(prefix="maina-cluster-"))
    o = PORT_OFFSET
    c = cluster.Cluster(
        base=base, pg_port=5434 + o, redis_port=6391 + o, rasa_ports=(5606 + o, 5607 + o),
        action_ports=(5656 + o, 5657 + o), proxy_port=8180 + o, action_proxy_port=8181 + o,
        extra_env={"MAINA_TODAY": TEST_TODAY, "MAINA_ADMIN_TOKEN": ADMIN_TOKEN},
    )
    failed_before = request.session.testsfailed
    try:
        cluster.start(c)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        logs = "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-2500:]
                         for p in sorted(base.glob("*.log")))
        cluster.stop(c)
        pytest.fail(f"cluster did not start: {error} {getattr(error, 'stderr', '')}\n{logs}")
    try:
        yield c
    finally:
        cluster.stop(c)
        if request.session.testsfailed == failed_before:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"\ncluster logs kept in {base}")


# --- tests ---------------------------------------------------------------------------------

def test_conversation_alternates_between_servers(running: cluster.Cluster) -> None:
    """Turn by turn on Rasa 1, Rasa 2, Rasa 1, …: the form's slots and the correction live
    in PostgreSQL, so the answers are those of one server, and the tracker holds every turn
    once and in order."""
    c = running
    sender = f"alternating-{uuid.uuid4().hex[:8]}"
    single = f"single-{uuid.uuid4().hex[:8]}"
    for turn, (message, expected) in enumerate(CONVERSATION):
        server = c.rasa_url(turn % 2)
        answer = text_of(ask(server, sender, message))
        for fact in expected:
            assert fact in answer, f"turn {turn + 1} on {server}: {message!r} -> {answer!r}"
        assert APOLOGY not in answer
        # the same conversation on one server only answers the same
        assert text_of(ask(c.rasa_url(0), single, message)) == answer, f"turn {turn + 1}"

    events = tracker_events(c, sender)
    assert user_texts(events) == [m for m, _ in CONVERSATION]
    assert_turns_not_interleaved(events, sender)
    bot_turns = [data.get("text") for kind, _, data in events if kind == "bot"]
    assert len(bot_turns) >= len(CONVERSATION)
    assert sum(1 for kind, _, _ in events if kind == "session_started") == 1


def test_concurrent_messages_of_one_conversation_are_serialised(
    running: cluster.Cluster, tmp_path: Path
) -> None:
    """Two messages of one conversation sent at the same moment, one to each Rasa server:
    the Redis lock makes one wait for the other; both are answered and both are stored."""
    c = running
    import aiohttp

    pairs = [("カードをなくした", "0120-95-0178"), ("暗証番号を忘れた", "ロック")]
    conversations = [f"concurrent-{i}-{uuid.uuid4().hex[:6]}" for i in range(10)]
    monitor = RedisMonitor(c, tmp_path / "monitor.txt")

    async def post(session, url: str, sender: str, message: str) -> str:
        async with session.post(f"{url}/webhooks/rest/webhook",
                                json={"sender": sender, "message": message}) as response:
            assert response.status == 200
            return text_of(await response.json())

    async def run() -> List[Tuple[str, str]]:
        answers = []
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            for sender in conversations:
                await post(session, c.rasa_url(0), sender, "こんにちは")
                answers.append(tuple(await asyncio.gather(
                    post(session, c.rasa_url(0), sender, pairs[0][0]),
                    post(session, c.rasa_url(1), sender, pairs[1][0]),
                )))
        return answers

    try:
        answers = asyncio.run(run())
    finally:
        traffic = monitor.stop()

    for sender, (first, second) in zip(conversations, answers):
        assert pairs[0][1] in first and APOLOGY not in first, f"{sender}: {first!r}"
        assert pairs[1][1] in second and APOLOGY not in second, f"{sender}: {second!r}"
        events = tracker_events(c, sender)
        texts = user_texts(events)
        assert texts[0] == "こんにちは" and sorted(texts[1:]) == sorted(m for m, _ in pairs), \
            f"{sender}: stored {texts}"
        assert_turns_not_interleaved(events, sender)
    # the lock was really contended: some second message got ticket 1 and waited
    assert re.search(r"number\W+1\W", traffic), "no message ever queued behind another"


def test_my_number_never_reaches_postgres_or_redis(running: cluster.Cluster,
                                                   tmp_path: Path) -> None:
    c = running
    sender = f"mynumber-{uuid.uuid4().hex[:8]}"
    monitor = RedisMonitor(c, tmp_path / "monitor.txt")
    try:
        reply = text_of(ask(c.url, sender, MY_NUMBER_MESSAGE))
        follow_up = text_of(ask(c.url, sender, "カードをなくした"))
    finally:
        traffic = monitor.stop()
    assert "マイナンバー" in reply and not contains_number(reply)
    assert "0120-95-0178" in follow_up

    # PostgreSQL: the whole database as pg_dump writes it, and every event decoded
    env = {**os.environ, "PGPASSWORD": c.secrets()["pg_password"]}
    dump = subprocess.run(
        [cluster.pg_bin("pg_dump"), "-h", "127.0.0.1", "-p", str(c.pg_port), "-U",
         cluster.DB_USER, cluster.DB_NAME], env=env, capture_output=True, text=True, check=True,
    ).stdout
    events = tracker_events(c, sender)
    stored = json.dumps([e[2] for e in events], ensure_ascii=False)
    assert sender in dump, "the conversation is not in the dump"
    assert "マイナンバー削除" in stored, "the masked message was not stored at all"
    assert not contains_number(dump), "My Number found in pg_dump of the tracker store"
    assert not contains_number(stored), "My Number found in the stored events"

    # Redis: every command any server sent while the message was handled, and all keys now
    assert sender in traffic, "the lock store saw no traffic for this conversation"
    assert not contains_number(traffic), "My Number sent to Redis"
    contents = []
    for db in range(16):
        for key in redis_cli(c, "-n", str(db), "--scan"):
            contents.append(key)
            contents.extend(redis_cli(c, "-n", str(db), "--raw", "dump", key))
    assert not contains_number("\n".join(contents)), "My Number stored in Redis"


def report(request, line: str) -> None:
    """A line in pytest's output even when the test passes (the counted failures)."""
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def test_staff_report_feedback_and_retention_on_postgres(running: cluster.Cluster,
                                                        tmp_path: Path) -> None:
    """Issue 16 on the cluster: 👍 sent to one server for an answer of the other is stored
    once in PostgreSQL; retention run by both servers at once deletes old conversations once
    and keeps their counts once; /admin/report on either server and `make report` with the
    cluster's settings read PostgreSQL."""
    import datetime as dt

    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT / "tests" / "unit"))
    import report_scenario as sc

    from maina.report import build, retention

    c = running
    url = "postgresql://{user}:{password}@{host}:{port}/{dbname}".format(**c.pg_dsn())
    sender = f"web-{uuid.uuid4().hex}"
    answer = ask(c.rasa_url(0), sender, "マイナンバーカードをなくしました")
    (ref,) = [m["feedback"]["ref"] for m in answer if m.get("feedback")]
    statuses = []
    for index in (1, 0):  # the other server first, then again on the first
        body = json.dumps({"sender": sender, "ref": ref, "value": "down"}).encode()
        request = urllib.request.Request(f"{c.rasa_url(index)}/webhooks/feedback/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            statuses.append(json.loads(response.read())["status"])
    assert statuses == ["stored", "already_stored"]
    assert [d["data"]["maina_feedback"]["value"]
            for kind, _, d in tracker_events(c, sender) if kind == "agent"] == ["down"]

    today = dt.date.fromisoformat(TEST_TODAY)
    sc.fill_store(url, today).engine.dispose()
    engine = sa.create_engine(url)
    try:
        wide = (today - dt.timedelta(days=200), today)
        before = build.build_report(engine, *wide).counts
        cutoff = retention.cutoff_timestamp(today, 90)
        # two processes at the same moment, as two servers starting together
        purge = ("import sys, sqlalchemy as sa; from maina.report import retention; "
                 "print(retention.purge(sa.create_engine(sys.argv[1]), float(sys.argv[2])).sessions)")
        runs = [subprocess.Popen([sys.executable, "-c", purge, url, str(cutoff)], cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)},
                                 stdout=subprocess.PIPE, text=True) for _ in range(2)]
        assert sorted(int(p.communicate(timeout=120)[0]) for p in runs) == [0, 2]
        assert build.build_report(engine, *wide).counts == before
        assert tracker_events(c, sc.OLD_WIDGET) == []
        assert tracker_events(c, sc.LINE_SENDER)  # its recent session stays
    finally:
        engine.dispose()

    for index in (0, 1):
        request = urllib.request.Request(f"{c.rasa_url(index)}/admin/report",
                                         headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            page = response.read().decode()
        assert "駐車場ある?" in page and sc.LINE_USER not in page
    out = tmp_path / "report"
    env = {**os.environ, **c.shared_env(), "MAINA_TODAY": TEST_TODAY}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "report.py"), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "駐車場ある?" in (out / "report.csv").read_text(encoding="utf-8-sig")


def test_killing_one_rasa_server_during_load(running: cluster.Cluster, request) -> None:
    """10 residents talk through nginx for 60 s; Rasa 1 is killed (SIGKILL) after 20 s.
    nginx sends new requests to Rasa 2; only requests that Rasa 1 was processing at that
    moment fail (nginx does not resend a POST that reached a server: the turn might have
    been stored), fewer than 1% of the run. Every answered turn is stored once and in
    order."""
    c = running
    import aiohttp

    script = [m for m, _ in CONVERSATION[:4]] + ["カードをなくした", "マイナ保険証って何？",
                                                 "ありがとう"]
    residents = 10
    duration, kill_at, think = 60.0, 20.0, 0.5
    victim = json.loads(c.state_file.read_text())["pids"][f"rasa-{c.rasa_ports[0]}"]
    log: Dict[str, List[Tuple[str, bool, float, str]]] = {}
    started = time.monotonic()
    killed_at: List[float] = []
    dead_at: List[float] = []

    async def resident(number: int, session) -> None:
        """Conversations of the script one after another, as residents who come and go."""
        conversation = 0
        while time.monotonic() - started < duration:
            sender = f"load-{number}-{conversation}-{uuid.uuid4().hex[:6]}"
            conversation += 1
            log[sender] = []
            for message in script:
                if time.monotonic() - started >= duration:
                    break
                sent = time.monotonic() - started
                ok, answer = False, ""
                try:
                    async with session.post(f"{c.url}/webhooks/rest/webhook",
                                            json={"sender": sender, "message": message}) as r:
                        raw = await r.text()
                        body = json.loads(raw) if r.status == 200 else None
                        answer = text_of(body) if isinstance(body, list) else raw
                        ok = (r.status == 200 and isinstance(body, list) and bool(body)
                              and APOLOGY not in answer)
                        if not ok:
                            answer = f"HTTP {r.status}: {answer}"[:200]
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                    ok, answer = False, f"HTTP error: {error!r}"[:200]
                log[sender].append((message, ok, sent, answer))
                await asyncio.sleep(think)

    async def killer() -> None:
        await asyncio.sleep(kill_at)
        os.killpg(victim, signal.SIGKILL)
        killed_at.append(time.monotonic() - started)
        for _ in range(500):  # reap it (this process started it): then its sockets are closed
            if os.waitpid(victim, os.WNOHANG)[0]:
                break
            await asyncio.sleep(0.01)
        dead_at.append(time.monotonic() - started)

    async def run() -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=45)) as session:
            await asyncio.gather(killer(), *(resident(i, session) for i in range(residents)))

    asyncio.run(run())
    total = sum(len(turns) for turns in log.values())
    failed = sum(1 for turns in log.values() for _, ok, _, _ in turns if not ok)
    failures = [(sender, m, round(sent, 2), answer) for sender, turns in log.items()
                for m, ok, sent, answer in turns if not ok]
    report(request, f"\nkill test: {total} requests through nginx, {failed} failed "
                    f"({failed / total:.2%}); Rasa 1 killed at {killed_at[0]:.2f} s, "
                    f"gone at {dead_at[0]:.2f} s")
    for failure in failures:
        report(request, f"  failed: {failure}")
    assert not servers_alive(victim), "Rasa 1 was not killed"
    assert total >= 200, f"only {total} requests in the run"
    assert failed / total < 0.01, f"{failed} of {total} requests failed: {failures}"
    # a request sent once Rasa 1 is gone never meets it: nginx moves it to Rasa 2 (until
    # then the kernel may still accept connections for the dying process)
    late = [f for f in failures if f[2] > dead_at[0] and f[3].startswith("HTTP")]
    assert not late, f"requests sent after the kill failed (not rerouted): {late}"

    residents_after = {sender.split("-")[1] for sender, turns in log.items()
                       for _, ok, sent, _ in turns if ok and sent > killed_at[0] + 1}
    assert len(residents_after) == residents, "some residents got no answer after the kill"
    for sender, turns in log.items():
        if len(turns) >= 4 and all(ok for _, ok, _, _ in turns[:4]):
            assert "2031年（令和13年）1月15日" in turns[3][3], f"{sender}: {turns[3][3]!r}"
        events = tracker_events(c, sender)
        stored = user_texts(events)
        # answered turns: stored exactly once, in order; a failed one at most once
        position = 0
        for message, ok, _, _ in turns:
            if position < len(stored) and stored[position] == message:
                position += 1
            else:
                assert not ok, f"{sender}: answered turn {message!r} missing: stored {stored}"
        assert position == len(stored), f"{sender}: extra or reordered turns: {stored}"
        assert_turns_not_interleaved(events, sender)

    # after the kill nginx sent everything to Rasa 2
    access = (c.base / "nginx" / "access.log").read_text()
    survivor = f"127.0.0.1:{c.rasa_ports[1]}"
    assert survivor in access and f"127.0.0.1:{c.rasa_ports[0]}" in access


def servers_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and not measure.is_zombie(pid)
