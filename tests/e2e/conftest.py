"""Starts the real action server and Rasa (trained model) once per test session.

Ports differ from `make run` (5005/5055) so tests never collide with a running demo.
The date is pinned with MAINA_TODAY and the moment with MAINA_NOW so answers are reproducible.
"""
from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from maina_ops import servers

ROOT = Path(__file__).resolve().parents[2]

TEST_TODAY = "2026-11-25"
# The time of day of every test bot (a Wednesday morning for the `bot` below: the call centre
# and the city counter are open); a bot started on another MAINA_TODAY gets it on that day.
TEST_TIME = "10:00"
# /admin/report of the `bot` below (the browser test renders it); never a real token.
ADMIN_TOKEN = "e2e-browser-admin-token-00000000"
# Several checkouts on one machine (git worktrees) can run their e2e tests at the same time:
# each sets MAINA_TEST_PORT_OFFSET (e.g. 1000) to move every test port.
PORT_OFFSET = int(os.environ.get("MAINA_TEST_PORT_OFFSET", "0") or 0)
MODEL = ROOT / "models" / "maina.tar.gz"


class Bot:
    """A running bot: base URL, the servers' settings and a REST helper."""

    def __init__(self, url: str, env: Dict[str, str], run_dir: Path) -> None:
        self.url = url
        self.env = env
        self.run_dir = run_dir

    def ask(self, message: str, sender: str = "pytest", timeout: float = 30,
            metadata: Dict[str, Any] = None) -> List[Dict[str, Any]]:
        payload: Dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            payload["metadata"] = metadata  # the widget/kiosk language toggle
        body = json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def text(self, message: str, sender: str = "pytest", metadata: Dict[str, Any] = None) -> str:
        return "\n".join(m.get("text", "") for m in self.ask(message, sender, metadata=metadata))


def start_bot(run_dir: Path, rasa_port: int, action_port: int, extra: Dict[str, str] = None) -> tuple:
    pinned = {"MAINA_TODAY": TEST_TODAY, **(extra or {})}
    pinned.setdefault("MAINA_NOW", f"{pinned['MAINA_TODAY']}T{TEST_TIME}")
    return servers.start_bot(run_dir, rasa_port, action_port, str(MODEL), pinned)


@pytest.fixture(scope="session")
def bot() -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first (make test does)")
    run_dir = Path(tempfile.mkdtemp(prefix="maina-e2e-"))
    # The answers are under test here, not the 2 s action budget (tests/e2e/test_resilience.py
    # tests that with its own bots): on a busy 2-core machine a calculator turn may take longer.
    env, actions, rasa, ok = start_bot(run_dir, 5105 + PORT_OFFSET, 5155 + PORT_OFFSET,
                                       {"MAINA_ADMIN_TOKEN": ADMIN_TOKEN, "MAINA_ACTION_TIMEOUT": "10"})
    try:
        if not ok:
            logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in run_dir.glob("*.log"))
            pytest.fail(f"servers did not start:\n{logs}")
        yield Bot(f"http://127.0.0.1:{5105 + PORT_OFFSET}", env, run_dir)
    finally:
        servers.stop_process(rasa.pid)
        servers.stop_process(actions.pid)


@pytest.fixture(scope="session")
def bot_url(bot: Bot) -> str:
    return bot.url


# ------------------------------------------------------------------------------------------
# Bots of their own for the privacy, resilience and fuzz tests (issue 5); see lab.py.
# Ports 5205-5299 (5105/5155: `bot` above, 5005/5055: `make run`).

LAB_RASA_PORT, LAB_ACTION_PORT = 5205 + PORT_OFFSET, 5255 + PORT_OFFSET


@pytest.fixture(scope="session")
def background_loop():
    import lab

    loop = lab.BackgroundLoop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def managed_bots(background_loop):
    """``make(rasa_port, action_port, extra=None) -> lab.ManagedBot``; stopped at the end."""
    import lab

    started = []

    def make(rasa_port: int, action_port: int, extra: Dict[str, str] = None) -> "lab.ManagedBot":
        if not MODEL.exists():
            pytest.fail("no trained model: run `make train` first (make test does)")
        run_dir = Path(tempfile.mkdtemp(prefix=f"maina-e2e-{rasa_port}-"))
        env, actions, rasa, ok = start_bot(run_dir, rasa_port, action_port, extra)
        managed = lab.ManagedBot(env, run_dir, actions, rasa, background_loop)
        started.append(managed)
        if not ok:
            pytest.fail(f"servers did not start:\n{managed.log_tail()}")
        return managed

    yield make
    for managed in started:
        managed.stop()


@pytest.fixture(scope="session")
def lab_bot(managed_bots, background_loop):
    """A bot with every channel live: LINE (fake LINE API), the HTTP API behind a token,
    and a proxy in front of the action server that records what it receives."""
    import lab
    from fake_line_server import FakeLineServer

    line = background_loop.run(FakeLineServer(token=lab.LINE_TOKEN).start())
    proxy = background_loop.run(
        lab.RecordingProxy(f"http://127.0.0.1:{LAB_ACTION_PORT}").start()
    )
    try:
        managed = managed_bots(LAB_RASA_PORT, LAB_ACTION_PORT, {
            "MAINA_ACTION_URL": f"http://127.0.0.1:{proxy.port}/webhook",
            "LINE_CHANNEL_SECRET": lab.LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": lab.LINE_TOKEN,
            "LINE_API_BASE_URL": line.base_url,
            "LINE_USE_PUSH_FALLBACK": "false",
            "MAINA_API_TOKEN": lab.API_TOKEN,
        })
        managed.proxy = proxy
        managed.line = line
        yield managed
    finally:
        background_loop.run(proxy.stop())
        background_loop.run(line.stop())
