"""maina_ops.measure: one percentile, one memory reader for the load test, bench and cluster."""
from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time

import pytest

from maina_ops import measure


def test_percentile_is_statistics_quantiles_inclusive():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert measure.percentile(values, 50) == statistics.median(values) == 50.5
    assert measure.percentile(values, 95) == pytest.approx(95.05)
    assert measure.percentile(values, 99) == pytest.approx(99.01)
    cuts = statistics.quantiles([3, 1, 2, 10], n=100, method="inclusive")
    assert measure.percentile([3, 1, 2, 10], 95) == cuts[94]


def test_percentile_edge_cases():
    assert math.isnan(measure.percentile([], 50))
    assert measure.percentile([7.0], 99) == 7.0
    for bad in (0, 100, 95.5):
        with pytest.raises(ValueError):
            measure.percentile([1, 2], bad)


def test_summary_of_latencies():
    got = measure.summary([10.0, 20.0, 30.0])
    assert got == {"p50_ms": 20.0, "p95_ms": 29.0, "p99_ms": 29.8, "mean_ms": 20.0}


def test_memory_and_cpu_of_a_process_tree():
    child = subprocess.Popen([sys.executable, "-c", "x = bytearray(64 * 1024 * 1024); import time; time.sleep(30)"])
    try:
        time.sleep(1.0)
        assert child.pid in measure.process_tree(os.getpid())
        alone = measure._rss_kib(os.getpid()) / 1024
        assert measure.rss_mib(os.getpid()) >= alone + 60  # the child's 64 MiB count too
        assert measure.cpu_seconds(os.getpid()) > 0
    finally:
        child.kill()
        child.wait()
    assert measure.rss_mib(child.pid) == 0.0
