"""Starts the real action server and Rasa (trained model) once per test session.

Ports differ from `make run` (5005/5055) so tests never collide with a running demo.
The date is pinned with MAINA_TODAY so answers are reproducible.
"""
from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import servers  # noqa: E402

TEST_TODAY = "2026-11-25"
MODEL = ROOT / "models" / "maina.tar.gz"


class Bot:
    """A running bot: base URL, the servers' settings and a REST helper."""

    def __init__(self, url: str, env: Dict[str, str], run_dir: Path) -> None:
        self.url = url
        self.env = env
        self.run_dir = run_dir

    def ask(self, message: str, sender: str = "pytest", timeout: float = 30) -> List[Dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def text(self, message: str, sender: str = "pytest") -> str:
        return "\n".join(m.get("text", "") for m in self.ask(message, sender))


def start_bot(run_dir: Path, rasa_port: int, action_port: int, extra: Dict[str, str] = None) -> tuple:
    env = servers.settings({
        "MAINA_RASA_PORT": str(rasa_port),
        "MAINA_ACTION_PORT": str(action_port),
        "MAINA_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "MAINA_TRACKER_URL": f"sqlite:///{run_dir}/tracker.db",
        "MAINA_TRACKER_DB": str(run_dir / "tracker.db"),
        "MAINA_TODAY": TEST_TODAY,
        **(extra or {}),
    })
    actions = servers.start_action_server(env, run_dir)
    rasa = servers.start_rasa(env, run_dir, str(MODEL))
    ok = servers.wait_until_up(f"http://127.0.0.1:{action_port}/health", 120, actions) and \
        servers.wait_until_up(f"http://127.0.0.1:{rasa_port}/", 300, rasa)
    return env, actions, rasa, ok


@pytest.fixture(scope="session")
def bot() -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first (make test does)")
    run_dir = Path(tempfile.mkdtemp(prefix="maina-e2e-"))
    env, actions, rasa, ok = start_bot(run_dir, 5105, 5155)
    try:
        if not ok:
            logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in run_dir.glob("*.log"))
            pytest.fail(f"servers did not start:\n{logs}")
        yield Bot("http://127.0.0.1:5105", env, run_dir)
    finally:
        servers.stop_process(rasa.pid)
        servers.stop_process(actions.pid)


@pytest.fixture(scope="session")
def bot_url(bot: Bot) -> str:
    return bot.url
