#!/usr/bin/env python3
"""The project's speed-ups must not change answers: ask the same conversations of two runtimes.

    .venv/bin/python -m bench.check_answers [--model models/maina.tar.gz] [--limit N]
        [--turns 3,10] [--port-base N]

Serves the same model twice at once through the REST channel:

* "rasa runtime": endpoints.yml with Rasa's own ``SQL`` tracker store, without the speed-ups
  of maina_rasa/patches.py (``MAINA_SPEEDUPS=0``), on ports 5305/5355 (or N+5/N+55);
* "project runtime": endpoints.yml as it is, on 5325/5375 (or N+25/N+75);

and asks both, one conversation at a time, the benchmark's mix (bench/mix.py: bench questions,
dev questions and conversations, follow-ups after a topic, English) cut into conversations of
each length of ``--turns`` (3 and 10 questions, as `make bench` asks them), so topics in
play, the lifecycle calculator started and interrupted, languages switching, and new
conversations' first turns all get compared. Every answer (texts, buttons, everything the
REST channel returns except the feedback offer's random reference) must be the same.

Exits 1 and prints the first differences if any answer differs. (Tokens and vectors of the
lite GiNZA loader are checked separately by tests/unit/test_ginza_lite.py.)
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench import mix, run_bench
from maina_ops import servers

ROOT = Path(__file__).resolve().parent.parent
RUNTIMES = ("rasa runtime", "project runtime")


def comparable(answer: Optional[list]) -> Optional[list]:
    """The answer without the feedback offer's reference (a fresh random id on every offer;
    whether an offer is made is still compared)."""
    if answer is None:
        return None
    out = []
    for message in answer:
        if isinstance(message, dict) and isinstance(message.get("feedback"), dict):
            message = {**message, "feedback": {**message["feedback"], "ref": "<ref>"}}
        out.append(message)
    return out


def start(name: str, port: int, action_port: int, endpoints: str, model: str, work: Path,
          speedups: bool) -> Dict[str, Any]:
    run_dir = work / name.replace(" ", "-")
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    env = servers.settings({
        "MAINA_RASA_PORT": str(port), "MAINA_ACTION_PORT": str(action_port),
        "MAINA_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "MAINA_TRACKER_URL": f"sqlite:///{run_dir}/tracker.db",
        "MAINA_TRACKER_DB": str(run_dir / "tracker.db"),
        "MAINA_TODAY": run_bench.TODAY,
        # one resident at a time: no action-server timeout can make the runs differ
        "MAINA_ACTION_TIMEOUT": "30",
        "MAINA_SPEEDUPS": "1" if speedups else "0",
    })
    actions = servers.start_action_server(env, run_dir)
    rasa = servers.start_rasa(env, run_dir, model, endpoints)
    return {"port": port, "action_port": action_port, "rasa": rasa, "actions": actions,
            "run_dir": run_dir}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(ROOT / "models" / "maina.tar.gz"))
    parser.add_argument("--limit", type=int, default=0,
                        help="ask only the first N conversations of each length")
    parser.add_argument("--turns", default="3,10", help="conversation lengths")
    parser.add_argument("--port-base", type=int, default=5300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="maina-check-"))
    stock_endpoints = work / "endpoints-rasa-sql.yml"
    stock_endpoints.write_text(re.sub(
        r"(tracker_store:\n  type: )\S+", r"\1SQL",
        (ROOT / "endpoints.yml").read_text(encoding="utf-8")), encoding="utf-8")
    base = args.port_base
    started = time.monotonic()
    bots = [
        start(RUNTIMES[0], base + 5, base + 55, str(stock_endpoints), args.model, work, False),
        start(RUNTIMES[1], base + 25, base + 75, str(ROOT / "endpoints.yml"), args.model,
              work, True),
    ]
    asked: List[str] = []
    got: List[List[Optional[list]]] = [[], []]
    try:
        for bot in bots:
            ok = servers.wait_until_up(f"http://127.0.0.1:{bot['action_port']}/health", 180,
                                       bot["actions"]) and \
                servers.wait_until_up(f"http://127.0.0.1:{bot['port']}/", 300, bot["rasa"])
            if not ok:
                raise RuntimeError(f"servers did not start; see {bot['run_dir']}")
        conversations = 0
        for turns in (int(t) for t in args.turns.split(",")):
            chats = mix.conversations(turns)
            for c, conversation in enumerate(chats[:args.limit] if args.limit else chats):
                conversations += 1
                for question in conversation:
                    asked.append(f"[{turns}-question conversation {c}] {question}")
                    for i, bot in enumerate(bots):
                        got[i].append(comparable(run_bench.ask(
                            bot["port"], f"check-{turns}-{c}", question, timeout=60)))
    finally:
        for bot in bots:
            servers.stop_process(bot["rasa"].pid)
            servers.stop_process(bot["actions"].pid)
    before, after = got
    differences = [(q, a, b) for q, a, b in zip(asked, before, after) if a != b]
    print(f"{len(asked)} questions in {conversations} conversations, "
          f"{len(differences)} different answers ({time.monotonic() - started:.0f} s)")
    for question, a, b in differences[:10]:
        print(f"- {question}\n  {RUNTIMES[0]}:    {json.dumps(a, ensure_ascii=False)[:300]}"
              f"\n  {RUNTIMES[1]}: {json.dumps(b, ensure_ascii=False)[:300]}")
    if any(a is None for a in before + after):
        print("some questions got no answer at all", file=sys.stderr)
        return 1
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
