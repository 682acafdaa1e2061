#!/usr/bin/env python3
"""CPU time of loading the model (``load_agent``), A/B of speed-ups, fresh processes.

    .venv/bin/python -m bench.load_cost [--model models/maina.tar.gz] [--repeat 3]
        [--skip model_domain_once] [--speedups 0|1]

Each run is a new Python process: Rasa and the project's start-up are imported and
:func:`maina_rasa.patches.apply` is called (``MAINA_SPEEDUPS``, ``MAINA_SPEEDUPS_SKIP``), then
only ``load_agent`` is timed with ``time.process_time`` (this process's CPU, which moves far
less than wall time with other jobs on the machine). Runs A (``--skip`` left out) and B
(all of them) alternate; the median of ``--repeat`` runs of each is printed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import asyncio, logging, time
from rasa.core.agent import load_agent
from maina_rasa import patches
logging.disable(logging.WARNING)
patches.apply()
cpu = time.process_time()
asyncio.run(load_agent(model_path=%r))
print("LOAD_CPU", time.process_time() - cpu)
"""


def one_run(model: str, speedups: str, skip: str) -> float:
    env = dict(os.environ, MAINA_SPEEDUPS=speedups, MAINA_SPEEDUPS_SKIP=skip,
               MAINA_ACTION_URL=os.environ.get("MAINA_ACTION_URL", "http://127.0.0.1:9/webhook"),
               TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", _CHILD % model], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("LOAD_CPU")]
    if result.returncode or not lines:
        raise SystemExit(result.stderr[-3000:])
    return float(lines[-1].split()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "maina.tar.gz"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", default="", help="speed-ups left out in run A (comma list)")
    parser.add_argument("--speedups", choices=("0", "1"), default="1")
    args = parser.parse_args()
    runs = {"A": [], "B": []}
    for _ in range(args.repeat):
        for name, skip in (("A", args.skip), ("B", "")):
            runs[name].append(one_run(args.model, args.speedups, skip))
            print(f"{name}: {runs[name][-1]:.2f} s CPU", flush=True)
    for name, skip in (("A", args.skip), ("B", "")):
        values = runs[name]
        print(f"{name} (skip: {skip or 'none'}): median {statistics.median(values):.2f} s CPU "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
