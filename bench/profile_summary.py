#!/usr/bin/env python3
"""Summarise a py-spy raw (collapsed stacks) profile: where the Rasa process spends its time.

    .venv-bench/bin/py-spy record --pid PID --duration 25 --rate 250 --format raw -o prof.txt
    python bench/profile_summary.py prof.txt [--top 40] [--focus handle_message]

`bench/run_bench.py --profile USERS` records such a file during one load level. Prints the
functions with the largest inclusive share of the samples (a function counted once per stack),
and the largest self shares. --focus keeps only stacks through a function whose name contains
the text, so shares are of a single message's work.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, List, Tuple

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def short(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match.group("file")
    for marker in ("site-packages/", "/work/main/", "lib/python3.10/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


def stacks(path: Path) -> Iterable[Tuple[List[str], int]]:
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [short(f) for f in stack.split(";")]
        # drop the leading "process/thread" pseudo-frames py-spy may add
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        yield frames, int(count)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--focus", default="")
    args = parser.parse_args()
    inclusive: Counter = Counter()
    self_time: Counter = Counter()
    total = 0
    for frames, count in stacks(args.profile):
        if args.focus and not any(args.focus in f for f in frames):
            continue
        total += count
        for name in set(frames):
            inclusive[name] += count
        if frames:
            self_time[frames[-1]] += count
    print(f"{total} samples{' through ' + args.focus if args.focus else ''}\n")
    print("inclusive %  function (file)")
    for name, count in inclusive.most_common(args.top):
        print(f"{100 * count / max(total, 1):10.1f}  {name}")
    print("\nself %  function (file)")
    for name, count in self_time.most_common(args.top // 2):
        print(f"{100 * count / max(total, 1):6.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
