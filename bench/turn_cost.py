#!/usr/bin/env python3
"""CPU time of one turn, measured in one process: for profiling and for A/B of a speed-up.

    .venv/bin/python -m bench.turn_cost [--model models/maina.tar.gz] [--turns 10]
        [--conversations 60] [--repeat 3] [--speedups 0|1] [--tracker-store fast|sql|memory]
        [--cprofile out.prof] [--action-port 10355]

Loads the model into a Rasa ``Agent`` with endpoints.yml (the project's NLG and tracker store,
or Rasa's ``SQL`` / in-memory store with ``--tracker-store``), runs the start-up of the
project's channels (facts, ``maina_rasa.patches.apply``), starts the real action server, and
sends the bench mix (bench/mix.py, conversations of ``--turns`` questions) through
``Agent.handle_message`` one message at a time, as the REST channel does (without its
HTTP and input checks). It prints the CPU time (``time.process_time``: this process only,
the action server is not counted) per turn of each pass over the conversations, and the
median: the machine is shared, and CPU time moves far less with other jobs than wall time.
``--cprofile`` writes a cProfile of the last pass (read it with ``python -m pstats``).

It also prints the import and model-loading times of the start-up (CPU and wall).
Logging is configured as `rasa run` does it (level from ``LOG_LEVEL``, INFO by default), so
Rasa's debug logs cost here what they cost in the server (formatted arguments, no output).
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, List, Optional

ROOT = Path(__file__).resolve().parent.parent


def _endpoints(store: str, work: Path) -> Path:
    source = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    if store == "fast":
        return ROOT / "endpoints.yml"
    kind = "SQL" if store == "sql" else "in_memory"
    target = work / f"endpoints-{store}.yml"
    target.write_text(re.sub(r"(tracker_store:\n  type: )\S+", rf"\g<1>{kind}", source),
                      encoding="utf-8")
    return target


async def _run(args: argparse.Namespace, work: Path) -> int:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    from bench import mix
    from maina_rasa import startup
    from maina_rasa.feedback import FeedbackCollectingOutputChannel
    from rasa.core.channels.channel import UserMessage

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(None, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(None)  # what `rasa run` does before it serves
    cpu1, wall1 = time.process_time(), time.perf_counter()
    startup.prepare_rasa()
    endpoints = AvailableEndpoints.read_endpoints(str(_endpoints(args.tracker_store, work)))
    agent = await load_agent(model_path=args.model, endpoints=endpoints)
    cpu2, wall2 = time.process_time(), time.perf_counter()
    print(f"imports: {cpu1 - cpu0:.2f} s CPU ({wall1 - wall0:.2f} s wall); start-up checks "
          f"and model: {cpu2 - cpu1:.2f} s CPU ({wall2 - wall1:.2f} s wall)", flush=True)

    conversations = mix.conversations(args.turns)[: args.conversations]
    turns = sum(len(c) for c in conversations)
    per_turn: List[float] = []
    answers: List[Any] = []
    profiler: Optional[cProfile.Profile] = None
    for repeat in range(args.repeat):
        last = repeat == args.repeat - 1
        if last and args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
        start = time.process_time()
        for c, conversation in enumerate(conversations):
            sender = f"cost-{repeat}-{c}"
            for question in conversation:
                channel = FeedbackCollectingOutputChannel()
                await agent.handle_message(UserMessage(question, channel, sender))
                if last:
                    answers.append([{k: v for k, v in m.items() if k != "feedback"}
                                    for m in channel.messages])
        per_turn.append(1000.0 * (time.process_time() - start) / turns)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        print(f"pass {repeat + 1}: {turns} turns, {per_turn[-1]:.2f} ms CPU per turn",
              flush=True)
    print(f"median {statistics.median(per_turn):.2f} ms CPU per turn "
          f"(min {min(per_turn):.2f}, max {max(per_turn):.2f}); load average "
          f"{os.getloadavg()[0]:.1f}")
    if args.answers:
        Path(args.answers).write_text(json.dumps(answers, ensure_ascii=False, indent=0),
                                      encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "maina.tar.gz"))
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--speedups", choices=("0", "1"), default="1")
    parser.add_argument("--tracker-store", choices=("fast", "sql", "memory"), default="fast")
    parser.add_argument("--cprofile", metavar="FILE")
    parser.add_argument("--answers", metavar="FILE", help="write the last pass's answers")
    parser.add_argument("--action-port", type=int, default=10355)
    args = parser.parse_args()

    from maina_ops import servers

    work = Path(tempfile.mkdtemp(prefix="maina-cost-"))
    env = servers.settings({
        "MAINA_ACTION_PORT": str(args.action_port),
        "MAINA_ACTION_URL": f"http://127.0.0.1:{args.action_port}/webhook",
        "MAINA_TRACKER_URL": f"sqlite:///{work}/tracker.db",
        "MAINA_TRACKER_DB": str(work / "tracker.db"),
        "MAINA_TODAY": "2026-11-25",
        "MAINA_ACTION_TIMEOUT": "30",
        "MAINA_SPEEDUPS": args.speedups,
        "TF_CPP_MIN_LOG_LEVEL": "2",
    })
    os.environ.update(env)
    actions = servers.start_action_server(env, work)
    try:
        if not servers.wait_until_up(f"http://127.0.0.1:{args.action_port}/health", 180,
                                     actions):
            print(f"the action server did not start; see {work}", file=sys.stderr)
            return 1
        return asyncio.run(_run(args, work))
    finally:
        servers.stop_process(actions.pid)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
