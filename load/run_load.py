"""Load test: simulated residents with Locust (headless) against a real bot, then checks.

    .venv-load/bin/python -m load.run_load                           # make load: 50 users, 2 min
    .venv-load/bin/python -m load.run_load --users 20 --duration 30  # make test-load

By default it starts its own bot (the real action server and Rasa with the trained model,
ports 5285/5295, a fresh SQLite tracker store in a temporary folder, MAINA_TODAY pinned) and
stops it afterwards. ``--url URL --tracker-db PATH [--rasa-pid PID]`` uses a running bot.

What it checks (exit status 1 if any fails), and writes to results/load.json:

* zero failed requests: Locust's count, where maina_ops/locustfile.py fails every answer that is
  not a 200 with a non-empty list of bot messages, that is the channels' apology (a degraded
  turn) or that lacks the expected fact;
* every conversation is complete in the tracker store afterwards: the user messages exactly
  as sent (after the channel's guard, e.g. a My Number masked), in order, none lost or
  duplicated, each followed by at least one bot message and ending in ``action_listen``
  before the next one (no interleaved turns), no conversation that was never started;
* memory is stable: Rasa's resident set size (sampled every second, whole process group)
  grows by at most max(64 MiB, 10 %) from the warmed-up first part of the run to the end;
* it prints p50/p95/p99 latency (exact, from every request) and requests per second.

Only the Python standard library, maina_ops and the project's pure ``maina`` package are
imported, so it runs with the .venv-load interpreter (Locust is started as a separate process).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from maina.textguard import sanitize_user_text
from maina_ops import servers
from maina_ops.measure import percentile, rss_mib

ROOT = Path(__file__).resolve().parent.parent
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
LOCUSTFILE = ROOT / "maina_ops" / "locustfile.py"
MODEL = ROOT / "models" / "maina.tar.gz"
TODAY = "2026-11-25"
MEMORY_SLACK_MIB = 64
MEMORY_SLACK_RATIO = 0.10


# --------------------------------------------------------------------------------------
# memory


class MemorySampler(threading.Thread):
    def __init__(self, pids: Dict[str, int], every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.every = every
        self.samples: List[Dict[str, float]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            sample: Dict[str, float] = {"t": time.time()}
            for name, pid in self.pids.items():
                sample[name] = rss_mib(pid) if _alive(pid) else 0
            self.samples.append(sample)
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def memory_report(samples: List[Dict[str, float]], name: str, start: float, end: float) -> Dict[str, Any]:
    """Warmed-up baseline (20-40 % of the run) against the end (last 20 %)."""
    span = max(end - start, 1e-9)
    values = [(s["t"], s[name]) for s in samples if s.get(name)]
    if not values:
        return {"ok": False, "reason": "no samples"}

    def window(lo: float, hi: float) -> List[float]:
        return [v for t, v in values if start + lo * span <= t <= start + hi * span]

    base = window(0.2, 0.4) or [values[0][1]]
    last = window(0.8, 1.01) or [values[-1][1]]
    baseline, final = statistics.median(base), statistics.median(last)
    growth = final - baseline
    allowed = max(MEMORY_SLACK_MIB, MEMORY_SLACK_RATIO * baseline)
    return {
        "baseline_mib": round(baseline, 1),
        "end_mib": round(final, 1),
        "peak_mib": round(max(v for _, v in values), 1),
        "growth_mib": round(growth, 1),
        "allowed_growth_mib": round(allowed, 1),
        "samples": len(values),
        "ok": growth <= allowed,
    }


# --------------------------------------------------------------------------------------
# tracker store


def stored_conversations(db: Path, prefix: str) -> Dict[str, List[Dict[str, Any]]]:
    import sqlite3

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        rows = connection.execute(
            "SELECT sender_id, data FROM events WHERE sender_id LIKE ? ORDER BY id",
            (prefix + "%",),
        ).fetchall()
    finally:
        connection.close()
    conversations: Dict[str, List[Dict[str, Any]]] = {}
    for sender, data in rows:
        conversations.setdefault(sender, []).append(json.loads(data))
    return conversations


def check_conversation(events: List[Dict[str, Any]], sent: List[Any]) -> Optional[str]:
    """None if the stored conversation is complete and in order, else what is wrong.

    ``sent``: the messages in order, as strings or ``{"message", "answered"}`` records. Only
    a last message that got no HTTP answer (cut off by the end of the run) may be missing.
    """
    records = [m if isinstance(m, dict) else {"message": m, "answered": True} for m in sent]
    expected = [sanitize_user_text(r["message"]).text for r in records]
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    stored = [events[i].get("text") for i in users]
    cut_ok = bool(records) and not records[-1]["answered"] and stored == expected[:-1]
    if stored != expected and not cut_ok:
        return f"user messages {stored!r} != sent {expected!r}"
    last_time = 0.0
    for event in events:
        stamp = float(event.get("timestamp") or 0)
        if stamp + 1e-6 < last_time:
            return "events out of time order"
        last_time = max(last_time, stamp)
    for n, i in enumerate(users):
        end = users[n + 1] if n + 1 < len(users) else len(events)
        turn = events[i + 1 : end]
        if not any(e.get("event") == "bot" for e in turn):
            return f"turn {n + 1} ({stored[n]!r}) has no bot message"
        actions = [e.get("name") for e in turn if e.get("event") == "action"]
        if not actions or actions[-1] != "action_listen":
            return f"turn {n + 1} does not end in action_listen: {actions}"
        if actions.count("action_listen") != 1:
            return f"turn {n + 1} is interleaved with another: {actions}"
    return None


# --------------------------------------------------------------------------------------
# helpers


def post(url: str, sender: str, message: str) -> List[Dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def locust_aggregate(csv_prefix: Path) -> Dict[str, Any]:
    path = Path(f"{csv_prefix}_stats.csv")
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") == "Aggregated":
                return {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "rps": float(row["Requests/s"]),
                }
    return {}


def start_bot(rasa_port: int, action_port: int, run_dir: Path) -> Tuple[Dict[str, str], Any, Any]:
    env, actions, rasa, ok = servers.start_bot(run_dir, rasa_port, action_port, str(MODEL),
                                               {"MAINA_TODAY": TODAY})
    if not ok:
        servers.stop_process(rasa.pid)
        servers.stop_process(actions.pid)
        logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in run_dir.glob("*.log"))
        raise SystemExit(f"the bot did not start:\n{logs}")
    return env, actions, rasa


# --------------------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--wait", default="2,6",
                        help="think time min,max seconds (a resident reads the answer and types)")
    parser.add_argument("--out", default=str(ROOT / "results" / "load.json"))
    parser.add_argument("--url", help="a running bot (else one is started)")
    parser.add_argument("--tracker-db", help="its SQLite tracker store (with --url)")
    parser.add_argument("--rasa-pid", type=int, help="its Rasa process (with --url)")
    parser.add_argument("--rasa-port", type=int, default=5285)
    parser.add_argument("--action-port", type=int, default=5295)
    args = parser.parse_args(argv)

    if not LOCUST.exists():
        print(f"{LOCUST} is missing: run `make load` (it creates .venv-load)", file=sys.stderr)
        return 2
    run_id = "load-" + dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    work = Path(tempfile.mkdtemp(prefix="maina-load-"))
    own = None
    pids: Dict[str, int] = {}
    if args.url:
        if not args.tracker_db:
            parser.error("--url needs --tracker-db")
        url, tracker_db = args.url.rstrip("/"), Path(args.tracker_db)
        if args.rasa_pid:
            pids["rasa"] = args.rasa_pid
    else:
        if not MODEL.exists():
            print("no trained model: run `make train`", file=sys.stderr)
            return 2
        busy = [p for p in (args.rasa_port, args.action_port) if not servers.port_is_free(p)]
        if busy:
            print(f"port(s) {busy} already in use: stop what runs there, or use --url", file=sys.stderr)
            return 2
        print(f"starting a bot on ports {args.rasa_port}/{args.action_port} (logs in {work}) ...",
              flush=True)
        env, actions, rasa = start_bot(args.rasa_port, args.action_port, work)
        own = (actions, rasa)
        url, tracker_db = f"http://127.0.0.1:{args.rasa_port}", Path(env["MAINA_TRACKER_DB"])
        pids = {"rasa": rasa.pid, "actions": actions.pid}

    sampler = MemorySampler(pids)
    try:
        for message in ("こんにちは", "カードをなくした", "有効期限を調べる"):  # warm up
            post(url, "warmup", message)
        sampler.start()
        sent_file = work / "sent.json"
        csv_prefix = work / "locust"
        command = [
            str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--host", url,
            "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
            "--stop-timeout", "30", "--csv", str(csv_prefix), "--only-summary",
            "--loglevel", "WARNING",
        ]
        # no new message in the last 5 s: Locust's stop must not cancel a turn mid-way
        stop_sending = time.time() + max(args.duration - 5, args.duration * 0.8)
        env_locust = dict(os.environ, MAINA_LOAD_SCENARIO="residents", MAINA_LOAD_RUN_ID=run_id,
                          MAINA_LOAD_OUT=str(sent_file), MAINA_LOAD_WAIT=args.wait,
                          MAINA_LOAD_STOP_SENDING_AT=f"{stop_sending:.3f}")
        print(f"locust: {args.users} users (spawn {args.spawn_rate}/s), {args.duration} s, "
              f"think time {args.wait} s, against {url}", flush=True)
        started = time.time()
        locust = subprocess.run(command, cwd=ROOT, env=env_locust, text=True,
                                capture_output=True, timeout=args.duration + 180)
        ended = time.time()
        time.sleep(1.0)
        sampler.stop()
        if locust.returncode not in (0, 1):  # 1 = there were failures (checked below)
            print(locust.stdout[-3000:], locust.stderr[-3000:], file=sys.stderr)
            return 1
        record = json.loads(sent_file.read_text(encoding="utf-8"))

        # -- latency --------------------------------------------------------------------
        samples = record["samples"]
        latencies = [s[1] for s in samples]
        failed = [s for s in samples if not s[2]]
        first = min(s[0] for s in samples)
        last = max(s[0] + s[1] / 1000.0 for s in samples)
        latency = {
            "requests": len(samples),
            "failures": len(failed),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1),
            "rps": round(len(samples) / max(last - first, 1e-9), 2),
        }
        locust_stats = locust_aggregate(csv_prefix)

        # -- trackers ---------------------------------------------------------------------
        conversations = record["conversations"]
        stored = stored_conversations(tracker_db, run_id + "-")
        problems = {}
        cut = 0
        for sender, messages in conversations.items():
            cut += sum(1 for m in messages if not m["answered"])
            events = stored.get(sender)
            if not events and len(messages) == 1 and not messages[0]["answered"]:
                continue  # its only message was cut off by the end of the run
            problem = "not in the tracker store" if not events else check_conversation(events, messages)
            if problem:
                problems[sender] = problem
        for sender in stored.keys() - conversations.keys():
            problems[sender] = "stored, but never sent"
        trackers = {
            "conversations": len(conversations),
            "turns": sum(len(m) for m in conversations.values()),
            "complete": len(conversations) - len([s for s in problems if s in conversations]),
            "turns_cut_by_the_end_of_the_run": cut,
            "problems": dict(list(problems.items())[:20]),
            "ok": not problems,
        }

        memory = {name: memory_report(sampler.samples, name, started, ended) for name in pids}
        result = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "settings": {"users": args.users, "spawn_rate": args.spawn_rate,
                         "duration_s": args.duration, "think_time_s": args.wait, "url": url},
            "machine": {"cpus": os.cpu_count(),
                        "load_average_1m_at_end": round(os.getloadavg()[0], 2)},
            "latency": latency,
            "locust": locust_stats,
            "failures_sample": [s for s in locust.stdout.splitlines() if "Fail" in s][:10],
            "trackers": trackers,
            "memory": memory,
            "rss_series_mib": [
                {k: (round(v / 1048576, 1) if k != "t" else round(v - started, 1)) for k, v in s.items()}
                for s in sampler.samples[:: max(1, len(sampler.samples) // 60)]
            ],
        }
        checks = {
            "zero_failed_requests": latency["failures"] == 0 and locust_stats.get("failures", 0) == 0,
            "trackers_complete": trackers["ok"],
            "memory_stable": all(m.get("ok") for m in memory.values()) if memory else True,
        }
        result["checks"] = checks
        result["ok"] = all(checks.values())
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

        print(f"\nrequests {latency['requests']}  failures {latency['failures']}  "
              f"p50 {latency['p50_ms']} ms  p95 {latency['p95_ms']} ms  p99 {latency['p99_ms']} ms  "
              f"max {latency['max_ms']} ms  rps {latency['rps']}")
        print(f"conversations {trackers['conversations']} ({trackers['turns']} turns): "
              f"{trackers['complete']} complete in the tracker store"
              + (f", {cut} turn(s) cut by the end of the run" if cut else ""))
        for name, report in memory.items():
            print(f"{name} RSS: {report.get('baseline_mib')} MiB -> {report.get('end_mib')} MiB "
                  f"(peak {report.get('peak_mib')}, growth {report.get('growth_mib')} MiB, "
                  f"allowed {report.get('allowed_growth_mib')})")
        for sender, problem in list(problems.items())[:10]:
            print(f"  INCOMPLETE {sender}: {problem}")
        for line in result["failures_sample"]:
            print("  " + line)
        print(("PASS" if result["ok"] else "FAIL") + "  " +
              "  ".join(f"{k}={'ok' if v else 'NO'}" for k, v in checks.items()) + f"  -> {out}")
        return 0 if result["ok"] else 1
    finally:
        if own is not None:
            for proc in reversed(own):
                servers.stop_process(proc.pid)
        if sampler.is_alive():
            sampler.stop()


if __name__ == "__main__":
    sys.exit(main())
