"""What the load test, the benchmark and the cluster measure, defined once.

* :func:`percentile` — every p50/p95/p99 the project reports: ``statistics.quantiles`` with
  the "inclusive" method (linear interpolation between the two nearest samples, as numpy's
  default), so the README's figures from `make load`, `make bench` and the cluster comparison
  are the same statistic.
* :func:`rss_mib` — resident memory (VmRSS) of a process and all its descendants, from
  /proc (psutil is not in the lock). The servers run in process groups of their own
  (``start_new_session``), so this is the memory of one `rasa run` including any worker it
  forks.
* :func:`cpu_seconds` — CPU time (user + system) of the same process tree.

Standard library only: it runs in the Locust venvs (.venv-load, .venv-bench) as well.
"""
from __future__ import annotations

import math
import os
import statistics
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

PROC = Path("/proc")


def percentile(values: Iterable[float], q: int) -> float:
    """The ``q``-th percentile (q = 1 … 99) of ``values``; NaN if there are none."""
    if int(q) != q or not 1 <= q <= 99:
        raise ValueError(f"percentile q must be a whole number 1..99, got {q}")
    data = list(values)
    if len(data) < 2:
        return float(data[0]) if data else math.nan
    return statistics.quantiles(data, n=100, method="inclusive")[int(q) - 1]


def _stat_fields(pid: int) -> Optional[List[str]]:
    """Fields of /proc/<pid>/stat after ``(comm)`` (state, ppid, pgrp, …) or None."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # comm may contain spaces and parentheses: split after the last ")"
    return text[text.rindex(")") + 2:].split()


def _children() -> Dict[int, List[int]]:
    tree: Dict[int, List[int]] = {}
    for stat in PROC.glob("[0-9]*/stat"):
        fields = _stat_fields(int(stat.parent.name))
        if fields:
            tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def process_tree(pid: int) -> List[int]:
    """``pid`` and all its living descendants."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        if (PROC / str(current)).exists():
            found.append(current)
        todo.extend(tree.get(current, []))
    return found


def is_zombie(pid: int) -> bool:
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] == "Z"


def _rss_kib(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` and its descendants, in MiB (0.0 if the process is gone)."""
    return round(sum(_rss_kib(member) for member in process_tree(pid)) / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) of ``pid`` and its descendants."""
    ticks = 0
    for member in process_tree(pid):
        fields = _stat_fields(member)
        try:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (TypeError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def summary(latencies_ms: Sequence[float]) -> Dict[str, float]:
    """p50/p95/p99 and mean of latencies in ms (rounded to 0.1 ms)."""
    return {
        "p50_ms": round(percentile(latencies_ms, 50), 1),
        "p95_ms": round(percentile(latencies_ms, 95), 1),
        "p99_ms": round(percentile(latencies_ms, 99), 1),
        "mean_ms": round(statistics.mean(latencies_ms), 1) if latencies_ms else math.nan,
    }
