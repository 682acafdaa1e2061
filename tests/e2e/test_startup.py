"""A broken facts file stops `rasa run` before it serves (issue 13), the real command.

Before: a YAML error or a wrong value surfaced as a 500 on the first message. Now the first
channel of credentials.yml checks the facts at start-up (maina_rasa/startup.py): Rasa prints
the problems and exits with status 1; the port never answers.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from conftest import MODEL, PORT_OFFSET, ROOT, TEST_TODAY, servers

RASA_PORT = 5185 + PORT_OFFSET
FACTS = (ROOT / "facts" / "facts.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('weekday_hours: {value: "9:30〜20:00"', "weekday_hours: {value: 9:30",
         ["hotline.weekday_hours", "570", '"9:30〜20:00"']),
        ('tel: {value: "0144-32-6492",', 'tel: {value: "0144-32-6492,', ["YAML cannot read this"]),
    ],
    ids=["unquoted-time", "yaml-error"],
)
def test_rasa_refuses_to_start_with_a_broken_facts_file(old, new, expected):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first (make test does)")
    run_dir = Path(tempfile.mkdtemp(prefix="maina-startup-"))
    facts_file = run_dir / "facts.yml"
    facts_file.write_text(FACTS.replace(old, new), encoding="utf-8")
    line = next(i for i, text in enumerate(FACTS.splitlines(), 1) if old in text)
    env = servers.settings({
        "MAINA_RASA_PORT": str(RASA_PORT), "MAINA_TODAY": TEST_TODAY,
        "MAINA_FACTS_FILE": str(facts_file),
        "MAINA_TRACKER_URL": f"sqlite:///{run_dir}/tracker.db",
        "MAINA_TRACKER_DB": str(run_dir / "tracker.db"),
    })
    rasa = servers.start_rasa(env, run_dir, str(MODEL))
    try:
        deadline = time.monotonic() + 180
        while rasa.poll() is None and time.monotonic() < deadline:
            assert servers._get(f"http://127.0.0.1:{RASA_PORT}/", timeout=1) is None, "it served"
            time.sleep(0.5)
        assert rasa.returncode == 1
    finally:
        if rasa.poll() is None:
            servers.stop_process(rasa.pid)
    log = (run_dir / f"rasa-{RASA_PORT}.log").read_text(encoding="utf-8", errors="replace")
    assert "StartupError" in log and f"line {line}" in log, log[-2000:]
    for words in expected:
        assert words in log
    assert "Rasa server is up and running" not in log
    os.remove(facts_file)
