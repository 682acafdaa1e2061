"""`make bench`: the project's assistant against a stock Rasa recipe, on one machine, three times.

    .venv/bin/python -m bench.run_bench                 # full size (make bench), ~75 min
    .venv/bin/python -m bench.run_bench --size tiny     # make test-bench: proves it works

For both models, trained on the same domain and data (only config.yml differs: config.yml vs
bench/stock_config.yml), it measures

* training time (`rasa train`, empty Rasa cache, so nothing is reused between runs),
* cold start: from starting `rasa run` to the first successful REST answer,
* resident memory (VmRSS of the Rasa process and its children) after warm-up and after the
  load, and the action server's separately,
* latency p50/p95/p99 and successful requests per second at 1, 10 and 50 concurrent users
  through the REST channel, with Locust (maina_ops/locustfile.py, headless), each level for a
  fixed duration, for conversations of 3 and of 10 questions (bench/mix.py: the bench
  questions, the dev questions and conversations, follow-ups after a topic, English),
* intent accuracy on the held-out NLU set (`rasa test nlu --nlu tests/nlu`).

**Repeats, interleaved.** The machine is shared, so one run proves little. Each of the
``--repeats`` rounds (3 at full size) starts both servers afresh (cold start and memory are
measured in every round) and then runs every load level for both models one after the other —
project then stock in odd rounds, stock then project in even ones — so a busy minute on the
machine hits both. The report gives the median of the rounds with their min–max, and the
project ÷ stock ratio of the medians with the min–max of the rounds' own ratios.

Each model is served by a real Rasa server and the real action server (project: ports
5305/5355, stock: 5405/5455; ``--port-base N`` moves them to N+5/N+55 and N+25/N+75), each
round with a fresh SQLite tracker DB, MAINA_TODAY=2026-11-25. Results: one table printed and
written to results/bench.md, everything (every round, every raw figure) to results/bench.json.
Load averages before and after each level are part of the output: read the numbers with them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bench import mix
from maina_ops import measure, servers
from maina_ops.measure import rss_mib

ROOT = Path(__file__).resolve().parent.parent

RASA = str(ROOT / ".venv" / "bin" / "rasa")
LOCUST = str(ROOT / ".venv-bench" / "bin" / "locust")
LOCUSTFILE = ROOT / "maina_ops" / "locustfile.py"
TODAY = "2026-11-25"
QUESTIONS = ROOT / "bench" / "questions.txt"

SIZES: Dict[str, Dict[str, Any]] = {
    # seconds per load level, stock epochs (None = as in stock_config.yml), warm-up turns,
    # examples per intent for the stock training data (None = all), held-out examples (None =
    # all of tests/nlu), rounds (every level of both models once per round)
    "full": {"duration": 30, "stock_epochs": None, "warmup": 60, "stock_per_intent": None,
             "accuracy_examples": None, "repeats": 3},
    "tiny": {"duration": 3, "stock_epochs": 1, "warmup": 5, "stock_per_intent": 3,
             "accuracy_examples": 30, "repeats": 1},
}
TURNS = (3, 10)  # questions per conversation: residents ask one to four; the old default ten

MODELS = {
    "project": {"config": ROOT / "config.yml", "rasa_port": 5305, "action_port": 5355},
    "stock": {"config": ROOT / "bench" / "stock_config.yml", "rasa_port": 5405, "action_port": 5455},
}


def set_port_base(base: int) -> None:
    """project: base+5 (Rasa), base+55 (actions); stock: base+25, base+75."""
    MODELS["project"].update(rasa_port=base + 5, action_port=base + 55)
    MODELS["stock"].update(rasa_port=base + 25, action_port=base + 75)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> Tuple[float, float, float]:
    return os.getloadavg()


# --- machine --------------------------------------------------------------------------------


def machine() -> Dict[str, Any]:
    info: Dict[str, Any] = {"cores": os.cpu_count(), "python": platform.python_version(),
                            "kernel": platform.release()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(
            (k.strip(), v.strip()) for k, v in
            (line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
        )
        info["cpu"] = fields.get("Model name", "?")
        info["threads_per_core"] = fields.get("Thread(s) per core")
        info["lscpu"] = lscpu
    except (OSError, subprocess.CalledProcessError):
        info["cpu"] = platform.processor() or "?"
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    info["memory_gib"] = round(total_kb / 1024 / 1024, 1)
    return info


# --- processes ------------------------------------------------------------------------------


def ask(port: int, sender: str, message: str, timeout: float = 30) -> Optional[list]:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return answer if isinstance(answer, list) and answer else None


def questions() -> List[str]:
    return [line.strip() for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


# --- training and accuracy ------------------------------------------------------------------


def stock_config(work: Path, epochs: Optional[int]) -> Path:
    source = MODELS["stock"]["config"]
    if epochs is None:
        return source
    text = re.sub(r"epochs: \d+", f"epochs: {epochs}", source.read_text(encoding="utf-8"))
    target = work / "stock_config.yml"
    target.write_text(text, encoding="utf-8")
    return target


def _nlu_subset(source: Path, target: Path, per_intent: Optional[int],
                total: Optional[int] = None) -> None:
    """Copies Rasa YAML training data, keeping the first examples of each intent."""
    import yaml  # PyYAML comes with Rasa

    target.mkdir(parents=True, exist_ok=True)
    files = sorted(source.rglob("*.yml")) if source.is_dir() else [source]
    left = total
    for path in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu") or []:
            if "intent" not in item or "examples" not in item:
                continue
            lines = [line for line in str(item["examples"]).splitlines() if line.strip()]
            keep = lines[:per_intent] if per_intent else lines
            if left is not None:
                keep, left = keep[:max(left, 0)], max(left - len(keep), 0)
            item["examples"] = "\n".join(keep) + "\n"
        if document.get("nlu"):
            document["nlu"] = [i for i in document["nlu"]
                               if "examples" not in i or i["examples"].strip()]
        relative = path.relative_to(source) if source.is_dir() else Path(path.name)
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                       encoding="utf-8")


def training_data(name: str, work: Path, per_intent: Optional[int]) -> str:
    """data/, or (tiny size) a copy whose NLU keeps `per_intent` examples per intent."""
    if not per_intent:
        return "data"
    target = work / f"data-{name}"
    shutil.rmtree(target, ignore_errors=True)
    _nlu_subset(ROOT / "data", target, per_intent)
    return str(target)


def train(name: str, config: Path, work: Path, data: str = "data") -> Tuple[Path, float]:
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(cache), "TF_CPP_MIN_LOG_LEVEL": "2"}
    log(f"training {name} ({_rel(config)})")
    started = time.monotonic()
    with open(work / f"train-{name}.log", "w") as out:
        subprocess.run(
            [RASA, "train", "--config", str(config), "--domain", "domain.yml", "--data", data,
             "--out", str(work / "models"), "--fixed-model-name", name, "--force"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=True,
        )
    seconds = time.monotonic() - started
    shutil.rmtree(cache, ignore_errors=True)
    log(f"  trained {name} in {seconds:.1f} s")
    return work / "models" / f"{name}.tar.gz", seconds


def test_set(work: Path, examples: Optional[int]) -> str:
    """tests/nlu, or (tiny size) its first `examples` examples."""
    if not examples:
        return "tests/nlu"
    target = work / "tests-nlu-subset"
    shutil.rmtree(target, ignore_errors=True)
    _nlu_subset(ROOT / "tests" / "nlu", target, None, total=examples)
    return str(target)


def test_examples(tests: str) -> List[Tuple[str, str]]:
    """(text, intent) of every example in a Rasa YAML test set (no entity annotations)."""
    import yaml  # PyYAML comes with Rasa

    source = Path(tests) if Path(tests).is_absolute() else ROOT / tests
    pairs = []
    for path in sorted(source.rglob("*.yml")) if source.is_dir() else [source]:
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(item.get("examples", "")).splitlines():
                if item.get("intent") and line.strip().startswith("- "):
                    pairs.append((line.strip()[2:].strip(), item["intent"]))
    return pairs


def accuracy_via_api(port: int, token: str, examples: List[Tuple[str, str]]) -> Dict[str, Any]:
    """Tiny size: the served model's /model/parse, fallback undone as `rasa test nlu` does."""
    right = 0
    for text, intent in examples:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/model/parse?token={token}",
            data=json.dumps({"text": text}).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            parsed = json.loads(response.read().decode("utf-8"))
        predicted = (parsed.get("intent") or {}).get("name")
        ranking = parsed.get("intent_ranking") or []
        if predicted == "nlu_fallback" and len(ranking) >= 2:
            predicted = ranking[1].get("name")
        right += predicted == intent
    return {"accuracy": right / max(len(examples), 1), "macro_f1": None,
            "examples": len(examples), "via": "served model's /model/parse"}


def accuracy(name: str, model: Path, work: Path, tests: str = "tests/nlu",
             with_rasa_test: bool = False) -> Dict[str, Any]:
    out = work / f"nlu-{name}"
    shutil.rmtree(out, ignore_errors=True)
    log(f"held-out NLU accuracy of {name}")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not with_rasa_test:  # same loop and metrics, without rasa test's deep copies
        result_file = work / f"nlu-{name}.json"
        with open(work / f"nlu-{name}.log", "w") as log_file:
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "python"), "-m", "bench.nlu_accuracy",
                 str(model), tests, str(result_file)],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, check=True,
            )
        result = json.loads(result_file.read_text(encoding="utf-8"))
        log(f"  {name}: {result['accuracy']:.1%} of {result['examples']} in {result['seconds']} s")
        return {key: result[key] for key in ("accuracy", "macro_f1", "examples")}
    with open(work / f"nlu-{name}.log", "w") as log_file:
        subprocess.run(
            [RASA, "test", "nlu", "--model", str(model), "--nlu", tests, "--out", str(out),
             "--no-plot"],
            cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
            stdout=log_file, stderr=subprocess.STDOUT, check=True,
        )
    report = json.loads((out / "intent_report.json").read_text())
    return {"accuracy": report["accuracy"], "macro_f1": report["macro avg"]["f1-score"],
            "examples": int(report["macro avg"]["support"])}

# --- load -----------------------------------------------------------------------------------


def conversation_file(work: Path, turns: int) -> Path:
    """The mix (bench/mix.py) as conversations of ``turns`` questions, one per line."""
    return mix.write(work / f"conversations-{turns}.txt", turns)


def load_level(name: str, port: int, users: int, duration: int, work: Path,
               turns: int, tag: str = "", pid: Optional[int] = None) -> Dict[str, Any]:
    samples_file = work / f"samples-{name}-{turns}t-{users}{tag}.json"
    samples_file.unlink(missing_ok=True)
    env = {
        **os.environ,
        "MAINA_LOAD_SCENARIO": "questions",  # closed loop through the mix's conversations
        "MAINA_LOAD_WAIT": "0",
        "MAINA_LOAD_QUESTIONS": str(work / f"conversations-{turns}.txt"),
        "MAINA_LOAD_OUT": str(samples_file),
        "MAINA_LOAD_RUN_ID": f"{name}-{turns}t-{users}{tag}-{int(time.time())}",
    }
    load_before = load_average()
    cpu_before = measure.cpu_seconds(pid) if pid else None
    command = [
        LOCUST, "-f", str(LOCUSTFILE), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{duration}s",
        "--host", f"http://127.0.0.1:{port}", "--stop-timeout", "60", "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]
    with open(work / f"locust-{name}-{turns}t-{users}{tag}.log", "w") as out:
        subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                       timeout=duration + 180)
    result = score_samples(samples_file, users)
    result["load_before"] = load_before
    result["load_after"] = load_average()
    if cpu_before is not None and result["requests"]:
        # CPU time of the Rasa process per request: what a turn costs, whatever else the
        # machine does (requests sent before the window's end count too; the few in flight
        # at either end make this a slight over-estimate, the same for both models)
        result["cpu_ms_per_request"] = round(
            1000.0 * (measure.cpu_seconds(pid) - cpu_before) / result["all_requests"], 2)
    log(f"  {name} {turns:>2}-turn {users:>2} users: {result['rps']:.1f} req/s, "
        f"p50 {result.get('p50_ms')} ms, p95 {result.get('p95_ms')} ms, "
        f"p99 {result.get('p99_ms')} ms, {result['failed']} failed "
        f"(load {result['load_before'][0]:.1f})")
    return result


def score_samples(samples_file: Path, users: int) -> Dict[str, Any]:
    """Requests that *completed* between the end of spawning and the stop: their count per
    second (successful ones) and latency percentiles."""
    data = json.loads(samples_file.read_text())
    marks, samples = data["marks"], data["samples"]
    start = marks.get("spawned") or (min(s[0] for s in samples) if samples else time.time())
    stop = marks.get("stopped") or time.time()
    window = [s for s in samples if start <= s[0] + s[1] / 1000.0 <= stop]
    ok = [s[1] for s in window if s[2]]
    failed = sum(1 for s in window if not s[2])
    seconds = max(stop - start, 1e-9)
    result = {
        "users": users, "seconds": round(seconds, 2), "requests": len(window),
        "all_requests": len(samples),
        "ok": len(ok), "failed": failed, "rps": round(len(ok) / seconds, 2),
    }
    if ok:
        result.update(measure.summary(ok))
    return result


def endpoints_for(name: str, work: Path) -> str:
    """The project's endpoints.yml; stock gets Rasa's own SQL tracker store in it.

    Same database, action server, NLG and channels for both: the stock column is a stock
    Rasa runtime except for what produces the answers' text.
    """
    source = ROOT / "endpoints.yml"
    if name == "project":
        return str(source)
    text = re.sub(r"(tracker_store:\n  type: )\S+", r"\1SQL", source.read_text(encoding="utf-8"))
    target = work / f"endpoints-{name}.yml"
    target.write_text(text, encoding="utf-8")
    return str(target)


class Served:
    """One model served by Rasa and the action server for one round."""

    def __init__(self, name: str, model: Path, work: Path, round_: int,
                 api_token: str = "") -> None:
        self.name, self.model, self.work = name, model, work
        self.spec = MODELS[name]
        self.port = self.spec["rasa_port"]
        self.run_dir = work / f"serve-{name}-r{round_}"
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        self.env = servers.settings({
            "MAINA_RASA_PORT": str(self.port),
            "MAINA_ACTION_PORT": str(self.spec["action_port"]),
            "MAINA_ACTION_URL": f"http://127.0.0.1:{self.spec['action_port']}/webhook",
            "MAINA_TRACKER_URL": f"sqlite:///{self.run_dir}/tracker.db",
            "MAINA_TRACKER_DB": str(self.run_dir / "tracker.db"),
            "MAINA_TODAY": TODAY,
            # the HTTP API (for /model/parse) only when the accuracy is taken from the server
            "MAINA_API_TOKEN": api_token,
            # stock Rasa's code: without the project's speed-ups (maina_rasa/patches.py)
            "MAINA_SPEEDUPS": "1" if name == "project" else "0",
        })
        self.rasa: Optional[subprocess.Popen] = None
        self.actions: Optional[subprocess.Popen] = None
        self.result: Dict[str, Any] = {"port": self.port, "levels": {}}

    def start(self, warmup: int) -> None:
        """Action server, then Rasa: cold start to the first answer, warm-up, memory."""
        self.actions = servers.start_action_server(self.env, self.run_dir)
        if not servers.wait_until_up(f"http://127.0.0.1:{self.spec['action_port']}/health",
                                     180, self.actions):
            raise RuntimeError(f"action server for {self.name} did not start; see {self.run_dir}")
        log(f"starting Rasa with the {self.name} model on port {self.port}")
        started = time.monotonic()
        self.rasa = servers.start_rasa(self.env, self.run_dir, str(self.model),
                                       endpoints_for(self.name, self.work))
        deadline = started + 600
        while ask(self.port, "bench-coldstart", "こんにちは", timeout=10) is None:
            if self.rasa.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Rasa ({self.name}) did not answer; see {self.run_dir}")
            time.sleep(0.05)
        self.result["cold_start_s"] = round(time.monotonic() - started, 2)
        self.result["cold_start_load"] = load_average()[0]
        log(f"  first answer after {self.result['cold_start_s']} s")
        asked = 0
        for c, conversation in enumerate(mix.conversations(10)):  # every code path once
            for question in conversation:
                if asked >= warmup:
                    break
                ask(self.port, f"bench-warmup-{c}", question)
                asked += 1
        time.sleep(1.0)
        self.result["rss_mb"] = rss_mib(self.rasa.pid)
        self.result["action_rss_mb"] = rss_mib(self.actions.pid)
        log(f"  RSS after warm-up: Rasa {self.result['rss_mb']} MiB, "
            f"action server {self.result['action_rss_mb']} MiB")

    def level(self, users: int, turns: int, duration: int, tag: str,
              profile: bool = False) -> None:
        profiler = start_profile(self.name, self.rasa.pid, duration, self.work) \
            if profile else None
        self.result["levels"].setdefault(str(turns), {})[str(users)] = load_level(
            self.name, self.port, users, duration, self.work, turns, tag, self.rasa.pid)
        if profiler is not None:
            profiler.wait(timeout=120)

    def finish(self) -> Dict[str, Any]:
        if self.rasa is not None:
            self.result["rss_after_load_mb"] = rss_mib(self.rasa.pid)
        self.result["failed_custom_actions"] = _failed_actions(self.run_dir)
        return self.result

    def stop(self) -> None:
        if self.rasa is not None:
            servers.stop_process(self.rasa.pid)
        if self.actions is not None:
            servers.stop_process(self.actions.pid)


def run_round(round_: int, models: Dict[str, Path], work: Path, size: Dict[str, Any],
              levels: List[int], lengths: Sequence[int], profile: Optional[int] = None,
              api_examples: Optional[List[Tuple[str, str]]] = None) -> Dict[str, Any]:
    """Both models served at once; every (length, users) level run for each in turn."""
    order = list(models) if round_ % 2 == 0 else list(reversed(list(models)))
    served = {name: Served(name, models[name], work, round_,
                           "bench-token" if api_examples else "") for name in order}
    log(f"round {round_ + 1} of {size['repeats']}: {' then '.join(order)}")
    try:
        for name in order:
            served[name].start(size["warmup"])
        for turns in lengths:
            for users in levels:
                for name in order:
                    served[name].level(
                        users, turns, size["duration"], f"-r{round_}",
                        profile=(profile == users and round_ == 0 and turns == lengths[0]))
        results = {}
        for name in order:
            results[name] = served[name].finish()
            if api_examples and round_ == 0:
                results[name]["nlu"] = accuracy_via_api(served[name].port, "bench-token",
                                                        api_examples)
                log(f"  {name}: accuracy {results[name]['nlu']['accuracy']:.1%} of "
                    f"{len(api_examples)} examples")
        return results
    finally:
        for name in order:
            served[name].stop()


def _failed_actions(run_dir: Path) -> int:
    """Turns in which Rasa logged a failed custom action (e.g. the per-turn action-server
    budget MAINA_ACTION_TIMEOUT ran out under load): the resident got the apology."""
    count = 0
    for path in run_dir.glob("rasa-*.log"):
        count += path.read_text(errors="replace").count(
            "Encountered an exception while running action")
    return count


def start_profile(name: str, pid: int, duration: int, work: Path) -> subprocess.Popen:
    """py-spy on the Rasa process during one load level (--profile USERS)."""
    out = work / f"profile-{name}"
    log(f"  py-spy recording {name} into {out}.svg / {out}.txt")
    return subprocess.Popen(
        f"{ROOT}/.venv-bench/bin/py-spy record --pid {pid} --duration {duration} --rate 250 "
        f"--format raw --output {out}.txt --nonblocking > {out}.log 2>&1 && "
        f"{ROOT}/.venv-bench/bin/py-spy record --pid {pid} --duration 1 --rate 10 "
        f"--output {out}.svg --nonblocking >> {out}.log 2>&1",
        shell=True,
    )


# --- summary: medians of the rounds -----------------------------------------------------------


def spread(values: Sequence[Any]) -> Optional[Dict[str, float]]:
    """median, min and max of the numbers among ``values`` (None if there are none)."""
    numbers = [float(v) for v in values if isinstance(v, (int, float))]
    if not numbers:
        return None
    return {"median": round(statistics.median(numbers), 3), "min": round(min(numbers), 3),
            "max": round(max(numbers), 3), "n": len(numbers)}


def metric_values(model: Dict[str, Any], key: Tuple[str, ...]) -> List[Any]:
    """One figure of every round: ``key`` = ("rss_mb",) or ("levels", turns, users, "rps")."""
    out = []
    for run in model.get("runs", []):
        value: Any = run
        for part in key:
            value = value.get(part) if isinstance(value, dict) else None
        out.append(value)
    return out


def paired_ratios(project: Dict[str, Any], stock: Dict[str, Any],
                  key: Tuple[str, ...]) -> List[float]:
    """project ÷ stock of each round (the two were measured side by side)."""
    return [p / s for p, s in zip(metric_values(project, key), metric_values(stock, key))
            if isinstance(p, (int, float)) and isinstance(s, (int, float)) and s]


# --- report ---------------------------------------------------------------------------------

TARGETS = {  # issue 17, medians of the rounds
    "train": "≤ 0.5×", "cold": "≤ 10 s", "memory": "≤ 0.5×", "p50_1": "≤ 15 ms",
    "rps_max": "≥ 3×", "accuracy": "≥ stock",
}


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _cell(s: Optional[Dict[str, float]], digits: int) -> str:
    if s is None:
        return "–"
    if s["n"] == 1 or s["min"] == s["max"]:
        return _fmt(s["median"], digits)
    return f"{_fmt(s['median'], digits)} ({_fmt(s['min'], digits)}–{_fmt(s['max'], digits)})"


def _plural(users: int) -> str:
    return f"{users} user{'s' if users > 1 else ''}"


def table(results: Dict[str, Any], levels: List[int]) -> Tuple[str, List[Dict[str, Any]]]:
    project, stock = results["models"].get("project", {}), results["models"].get("stock", {})
    lengths = [int(t) for t in results.get("lengths", TURNS)]
    # label, key in a round (or a whole-run key), digits, target
    rows: List[Tuple[str, Tuple[str, ...], int, str]] = [
        ("Training time (s)", ("=train_s",), 1, TARGETS["train"]),
        ("Cold start to first answer (s)", ("cold_start_s",), 1, TARGETS["cold"]),
        ("Memory, Rasa RSS after warm-up (MiB)", ("rss_mb",), 0, TARGETS["memory"]),
        ("Memory, Rasa RSS after the load (MiB)", ("rss_after_load_mb",), 0, ""),
        ("Memory, action server RSS (MiB)", ("action_rss_mb",), 0, ""),
    ]
    for turns in lengths:
        t = f"{turns}-question conversations"
        for users in levels:
            target = TARGETS["rps_max"] if users == max(levels) else ""
            rows.append((f"{t}: requests/s at {_plural(users)}",
                         ("levels", str(turns), str(users), "rps"), 1, target))
        for users in levels:
            for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")):
                target = TARGETS["p50_1"] if (users == 1 and key == "p50_ms") else ""
                rows.append((f"{t}: latency {label} at {_plural(users)} (ms)",
                             ("levels", str(turns), str(users), key), 1, target))
        for users in levels:
            rows.append((f"{t}: Rasa CPU per request at {_plural(users)} (ms)",
                         ("levels", str(turns), str(users), "cpu_ms_per_request"), 1, ""))
        for users in levels:
            rows.append((f"{t}: failed requests at {_plural(users)}",
                         ("levels", str(turns), str(users), "failed"), 0, ""))
    rows.append(("Turns with a failed custom action, % of all turns", ("=failed_share",), 1, ""))
    rows.append(("Held-out intent accuracy (%)", ("=accuracy",), 1, TARGETS["accuracy"]))

    lines = ["| metric | project | stock | project ÷ stock | target | met |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    structured = []
    for label, key, digits, target in rows:
        if key[0].startswith("="):
            p, s = (_whole_run(m, key[0][1:], results) for m in (project, stock))
            ratios: List[float] = []
        else:
            p, s = spread(metric_values(project, key)), spread(metric_values(stock, key))
            ratios = paired_ratios(project, stock, key)
        pm = p["median"] if p else None
        sm = s["median"] if s else None
        ratio = pm / sm if pm is not None and sm else None
        met = _met(target, pm, sm, ratio)
        rs = spread(ratios)
        structured.append({"metric": label, "project": p, "stock": s,
                           "ratio": round(ratio, 3) if ratio is not None else None,
                           "ratio_rounds": rs, "target": target, "met": met})
        ratio_text = "–"
        if ratio is not None:
            ratio_text = f"{ratio:.2f}×"
            if rs and rs["n"] > 1:
                ratio_text += f" ({rs['min']:.2f}–{rs['max']:.2f})"
        lines.append(f"| {label} | {_cell(p, digits)} | {_cell(s, digits)} | {ratio_text} | "
                     f"{target} | {'' if met is None else ('yes' if met else '**no**')} |")
    return "\n".join(lines), structured


def _whole_run(model: Dict[str, Any], key: str,
               results: Dict[str, Any]) -> Optional[Dict[str, float]]:
    """Figures measured once per run (training, accuracy) or over all rounds."""
    if key == "train_s":
        return spread([model.get("train_s")])
    if key == "accuracy":
        nlu = model.get("nlu")
        return spread([round(nlu["accuracy"] * 100, 1)]) if nlu else None
    if key == "failed_share":
        failed = sum(run.get("failed_custom_actions") or 0 for run in model.get("runs", []))
        turns = sum(level.get("requests", 0) for run in model.get("runs", [])
                    for by_users in run.get("levels", {}).values() for level in by_users.values())
        turns += (results["size"].get("warmup", 0) + 1) * len(model.get("runs", []))
        return spread([round(100.0 * failed / max(turns, 1), 1)]) if model.get("runs") else None
    raise KeyError(key)


def _met(target: str, p: Any, s: Any, ratio: Optional[float]) -> Optional[bool]:
    if not target or p is None:
        return None
    if target == "≥ stock":
        return s is not None and p >= s
    number = float(re.search(r"[\d.]+", target).group(0))
    if target.endswith(("ms", " s")):
        return p <= number
    if ratio is None:
        return None
    return ratio <= number if target.startswith("≤") else ratio >= number


def write_report(results: Dict[str, Any], levels: List[int], out: Path) -> str:
    text_table, rows = table(results, levels)
    results["table"] = rows
    m = results["machine"]
    load_b, load_a = results["load_before"], results.get("load_after") or load_average()
    size = results["size"]
    kinds = results.get("mix") or {}
    report = f"""# マイナちゃん vs stock Rasa recipe — `make bench`

Run {results['date']} ({size['name']} size): {size.get('repeats', 1)} round(s); in each, both
servers started afresh and every load level run for both models in turn (project first in
odd rounds, stock first in even ones), {size['duration']} s per level, closed-loop Locust users
with no think time; conversations of {' and of '.join(str(t) for t in results.get('lengths', TURNS))}
questions; stock epochs {size['stock_epochs'] or 'as in bench/stock_config.yml (100)'}.
Each cell: median of the rounds (min–max); the ratio is of the medians (min–max of the
rounds' own ratios, project and stock measured side by side).

{text_table}

Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM, Linux {m['kernel']},
Python {m['python']}. Shared machine: load average (1/5/15 min) {_loadavg(load_b)} before,
{_loadavg(load_a)} after the run; 1-minute load average when the levels started:
{_level_loads(results)}.

* Question mix (bench/mix.py; {kinds.get('questions', '?')} questions, every one asked in
  turn): {kinds.get('bench_questions', '?')} bench questions (held-out tests/nlu examples),
  {kinds.get('dev_questions', '?')} dev questions and {kinds.get('dev_conversation_turns', '?')}
  turns of the dev conversations (../shared/eval), {kinds.get('followup_pairs', '?')} topic
  questions each followed by a held-out follow-up (「いくら？」), {kinds.get('english_questions', '?')}
  English questions; cut into conversations of the stated length.
* project = config.yml (GiNZA tokenizer + static vectors only, char/word n-grams, logistic
  regression, date/case extractors, language router, rules), stock = bench/stock_config.yml
  (Rasa's default recipe with SpacyNLP on ja_ginza, DIET/ResponseSelector/TED); same
  domain.yml, data/, channels, NLG and endpoints, except the tracker store: stock gets Rasa's
  own `SQL` store, the project its maina_rasa/tracker_store.py (same database, same rows), and
  the speed-ups to Rasa's code (maina_rasa/patches.py) run for the project only
  (`MAINA_SPEEDUPS=0` for stock).
* Memory is VmRSS of the `rasa run` process tree; the action server is listed separately.
* "Rasa CPU per request": CPU time (user + system) of the `rasa run` process tree during the
  level ÷ the requests sent; unlike milliseconds of latency it hardly moves with the load
  other jobs put on the machine.
* Latency is client-side (Locust, maina_ops/locustfile.py) through POST /webhooks/rest/webhook;
  requests/s counts successful answers only (status 200, non-empty list).
* Accuracy: {_accuracy_method(results)} ({_examples(results)} held-out examples of
  tests/nlu).
* "Turns with a failed custom action": turns of the lifecycle calculator whose action-server
  budget (MAINA_ACTION_TIMEOUT) ran out while the event loop was saturated (10 and 50 users);
  they are answered (counted as successful) but with the channel's apology.

Reproduce: `{results.get('command') or 'make bench'}` — `make test-bench` runs a tiny size.
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text(report, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return report


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _level_loads(results: Dict[str, Any]) -> str:
    loads = [level["load_before"][0] for model in results["models"].values()
             for run in model.get("runs", []) for by_users in run.get("levels", {}).values()
             for level in by_users.values() if level.get("load_before")]
    if not loads:
        return "–"
    return (f"median {statistics.median(loads):.1f}, min {min(loads):.1f}, "
            f"max {max(loads):.1f} ({len(loads)} levels)")


def _loadavg(values: Any) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _accuracy_method(results: Dict[str, Any]) -> str:
    for model in results["models"].values():
        if (model.get("nlu") or {}).get("via"):
            return "the served model's /model/parse, fallback undone (tiny size)"
    if results.get("accuracy_with_rasa_test"):
        return "`rasa test nlu --nlu tests/nlu`"
    return ("bench/nlu_accuracy.py (`rasa test nlu`'s loop and metrics,\n  without its "
            "per-example deep copies)")


def _examples(results: Dict[str, Any]) -> Any:
    for model in results["models"].values():
        if model.get("nlu"):
            return model["nlu"]["examples"]
    return "?"


# --- main -----------------------------------------------------------------------------------


def rescore(out: Path, work: Path) -> int:
    results = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    for name, model in results["models"].items():
        for round_, run in enumerate(model.get("runs", [])):
            for turns, by_users in run.get("levels", {}).items():
                for users, level in by_users.items():
                    samples = work / f"samples-{name}-{turns}t-{users}-r{round_}.json"
                    if samples.exists():
                        level.update(score_samples(samples, int(users)))
    print(write_report(results, results["levels"], out))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--duration", type=int, help="seconds per load level")
    parser.add_argument("--repeats", type=int, help="rounds (full size: 3)")
    parser.add_argument("--stock-epochs", type=int, help="override every epochs: of stock")
    parser.add_argument("--users", default="1,10,50", help="concurrency levels")
    parser.add_argument("--turns", default=",".join(str(t) for t in TURNS),
                        help="questions per conversation, one or more lengths (3,10)")
    parser.add_argument("--models", default="project,stock")
    parser.add_argument("--port-base", type=int,
                        help="serve on N+5/N+55 (project) and N+25/N+75 (stock) instead of "
                             "5305/5355 and 5405/5455")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench"),
                        help="report path without suffix (.md and .json are written)")
    parser.add_argument("--work", default=str(ROOT / "run" / "bench"),
                        help="models, logs and raw samples")
    parser.add_argument("--reuse-models", action="store_true",
                        help="skip training when the model file exists in WORK/models "
                             "(the training time of that training is reported)")
    parser.add_argument("--project-model", metavar="PATH",
                        help="serve this trained project model instead of training one "
                             "(make test-bench: training time is then not measured)")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--accuracy-with-rasa-test", action="store_true",
                        help="`rasa test nlu` instead of bench/nlu_accuracy.py (same numbers; "
                             "very slow for the stock model, see that file)")
    parser.add_argument("--profile", type=int, metavar="USERS",
                        help="py-spy the Rasa process during this load level (first round, "
                             "first length)")
    parser.add_argument("--rescore", action="store_true",
                        help="recompute the load numbers of OUT.json from the raw samples in "
                             "WORK and rewrite the report (no servers, no training)")
    args = parser.parse_args()
    if args.rescore:
        return rescore(Path(args.out), Path(args.work).resolve())
    if args.port_base is not None:
        set_port_base(args.port_base)

    size = dict(SIZES[args.size], name=args.size)
    for key in ("duration", "repeats", "stock_epochs"):
        if getattr(args, key):
            size[key] = getattr(args, key)
    levels = [int(u) for u in args.users.split(",")]
    lengths = [int(t) for t in args.turns.split(",")]
    names = [n for n in args.models.split(",") if n]
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    for tool in (RASA, LOCUST):
        if not Path(tool).exists():
            print(f"missing {tool}: run `make bench` (it installs .venv-bench)", file=sys.stderr)
            return 2

    results: Dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench.run_bench", *sys.argv[1:]]),
        "machine": machine(), "size": size, "lengths": lengths, "levels": levels,
        "load_before": load_average(), "models": {}, "mix": mix.describe(),
        "accuracy_with_rasa_test": args.accuracy_with_rasa_test,
    }
    for turns in lengths:
        conversation_file(work, turns)
    log(f"{args.size} run; load average {_loadavg(results['load_before'])}")
    models: Dict[str, Path] = {}
    background: Dict[str, threading.Thread] = {}
    api_examples = None
    if size["name"] == "tiny" and not args.skip_accuracy:
        api_examples = test_examples(test_set(work, size["accuracy_examples"]))
    for name in names:
        config = MODELS[name]["config"] if name == "project" else stock_config(
            work, size["stock_epochs"])
        entry = results["models"].setdefault(name, {"config": _rel(config), "runs": []})
        target = work / "models" / f"{name}.tar.gz"
        if name == "project" and args.project_model:
            models[name] = Path(args.project_model).resolve()
            entry.update(train_s=None, model=_rel(models[name]))
            continue
        if args.reuse_models and target.exists():
            models[name] = target
            entry["train_s"] = json.loads((work / f"train-{name}.json").read_text())["seconds"] \
                if (work / f"train-{name}.json").exists() else None
            continue
        per_intent = size["stock_per_intent"] if name == "stock" else None
        if per_intent:
            entry["data"] = f"data/ with {per_intent} NLU examples per intent"

        def _train(name: str = name, config: Path = config, entry: Dict[str, Any] = entry,
                   per_intent: Optional[int] = per_intent) -> None:
            models[name], seconds = train(name, config, work,
                                          training_data(name, work, per_intent))
            entry["train_s"] = round(seconds, 1)
            (work / f"train-{name}.json").write_text(json.dumps({"seconds": entry["train_s"]}))

        if size["name"] == "tiny":
            # Proves the pipeline, measures nothing: train while the other model is trained.
            background[name] = threading.Thread(target=_train, daemon=True)
            background[name].start()
        else:
            _train()
    for name in names:
        if name not in models:  # tiny size: trained in the background, see above
            background[name].join()
            if name not in models:
                raise RuntimeError(f"training {name} failed; see {work}/train-{name}.log")
    for round_ in range(size["repeats"]):
        measured = run_round(round_, {n: models[n] for n in names}, work, size, levels,
                             lengths, args.profile, api_examples)
        for name, run in measured.items():
            if "nlu" in run:
                results["models"][name]["nlu"] = run.pop("nlu")
            results["models"][name]["runs"].append(run)
    if not args.skip_accuracy and not api_examples:
        tests = test_set(work, size["accuracy_examples"])
        for name in names:
            results["models"][name]["nlu"] = accuracy(name, models[name], work, tests,
                                                      args.accuracy_with_rasa_test)
    results["load_after"] = load_average()
    report = write_report(results, levels, Path(args.out))
    print(report)
    log(f"wrote {args.out}.md and {args.out}.json")
    problems = incomplete(results, names, levels, lengths, not args.skip_accuracy,
                          strict=size["name"] == "tiny")
    for problem in problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if problems else 0


def incomplete(results: Dict[str, Any], names: List[str], levels: List[int],
               lengths: List[int], with_accuracy: bool, strict: bool = False) -> List[str]:
    """What a run that worked must have measured (make test-bench fails otherwise; there
    (strict) a request without an answer fails it too, at full size it is in the table)."""
    problems = []
    for name in names:
        model = results["models"].get(name, {})
        runs = model.get("runs") or [{}]
        for round_, run in enumerate(runs):
            for key in ("cold_start_s", "rss_mb", "action_rss_mb"):
                if not run.get(key):
                    problems.append(f"{name} round {round_ + 1}: no {key}")
            for turns in lengths:
                for users in levels:
                    level = run.get("levels", {}).get(str(turns), {}).get(str(users), {})
                    where = f"{name} round {round_ + 1}, {turns}-question conversations"
                    if not level.get("ok"):
                        problems.append(f"{where}: no successful request at {users} users")
                    elif strict and level.get("failed"):
                        problems.append(f"{where}: {level['failed']} failed requests at "
                                        f"{users} users")
        if with_accuracy and not (model.get("nlu") or {}).get("examples"):
            problems.append(f"{name}: no accuracy")
    return problems


if __name__ == "__main__":
    sys.exit(main())
