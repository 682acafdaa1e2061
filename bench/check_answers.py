#!/usr/bin/env python3
"""The speed changes of issue 6 must not change answers: ask the same conversations twice.

    .venv/bin/python -m bench.check_answers [--model models/maina.tar.gz] [--limit N]

Serves the same model twice through the REST channel, one conversation at a time (10
questions each, the order of bench/questions.txt followed by the dev questions, so the
lifecycle calculator gets started and interrupted as residents do):

* "rasa runtime": endpoints.yml with Rasa's own ``SQL`` tracker store, without the speed-ups
  of maina_rasa/patches.py (``MAINA_SPEEDUPS=0``);
* "project runtime": endpoints.yml as it is.

Exits 1 and prints the first differences if any answer differs. (Tokens and vectors of the
lite GiNZA loader are checked separately by tests/unit/test_ginza_lite.py.)
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import List

from bench import run_bench
from maina_ops import servers

ROOT = Path(__file__).resolve().parent.parent

DEV = ROOT.parent / "shared" / "eval" / "dev_questions.tsv"


def questions(limit: int) -> List[str]:
    asked = run_bench.questions()
    if DEV.exists():
        with open(DEV, encoding="utf-8") as handle:
            asked += [row["question"] for row in csv.DictReader(handle, delimiter="\t")]
    return asked[:limit] if limit else asked


def answers(endpoints: str, model: str, asked: List[str], work: Path,
            speedups: bool = True) -> List[list]:
    run_dir = work / Path(endpoints).stem
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    env = servers.settings({
        "MAINA_RASA_PORT": "5305", "MAINA_ACTION_PORT": "5355",
        "MAINA_ACTION_URL": "http://127.0.0.1:5355/webhook",
        "MAINA_TRACKER_URL": f"sqlite:///{run_dir}/tracker.db",
        "MAINA_TRACKER_DB": str(run_dir / "tracker.db"),
        "MAINA_TODAY": run_bench.TODAY,
        # one resident at a time: no action-server timeout can make the runs differ
        "MAINA_ACTION_TIMEOUT": "30",
        "MAINA_SPEEDUPS": "1" if speedups else "0",
    })
    actions = servers.start_action_server(env, run_dir)
    rasa = servers.start_rasa(env, run_dir, model, endpoints)
    try:
        ok = servers.wait_until_up("http://127.0.0.1:5355/health", 180, actions) and \
            servers.wait_until_up("http://127.0.0.1:5305/", 300, rasa)
        if not ok:
            raise RuntimeError(f"servers did not start; see {run_dir}")
        got = []
        for i, question in enumerate(asked):
            got.append(run_bench.ask(5305, f"check-{i // 10}", question, timeout=60))
        return got
    finally:
        servers.stop_process(rasa.pid)
        servers.stop_process(actions.pid)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(ROOT / "models" / "maina.tar.gz"))
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="maina-check-"))
    stock_endpoints = work / "endpoints-rasa-sql.yml"
    stock_endpoints.write_text(re.sub(
        r"(tracker_store:\n  type: )\S+", r"\1SQL",
        (ROOT / "endpoints.yml").read_text(encoding="utf-8")), encoding="utf-8")
    asked = questions(args.limit)
    started = time.monotonic()
    before = answers(str(stock_endpoints), args.model, asked, work, speedups=False)
    after = answers(str(ROOT / "endpoints.yml"), args.model, asked, work)
    differences = [(q, a, b) for q, a, b in zip(asked, before, after) if a != b]
    print(f"{len(asked)} questions in {len(asked) // 10 + 1} conversations, "
          f"{len(differences)} different answers ({time.monotonic() - started:.0f} s)")
    for question, a, b in differences[:10]:
        print(f"- {question}\n  rasa runtime:    {json.dumps(a, ensure_ascii=False)[:300]}"
              f"\n  project runtime: {json.dumps(b, ensure_ascii=False)[:300]}")
    if any(a is None for a in before):
        print("some questions got no answer at all", file=sys.stderr)
        return 1
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
