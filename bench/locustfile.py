"""Locust users for `make bench`: residents asking questions through the REST channel.

Run by bench/run_bench.py (headless, one run per concurrency level); settings come from the
environment:

* BENCH_QUESTIONS  file with one question a line (bench/questions.txt; '#' lines skipped)
* BENCH_SAMPLES    where to write every request as JSON when locust quits
* BENCH_RUN_ID     prefix of the sender ids (distinct per model and level)
* BENCH_TURNS      questions per conversation before the user starts a new one (default 10)

Closed loop, no think time: each simulated user sends its next question as soon as the
answer arrives, so N users = N requests in flight. Each user has its own sender id and walks
the question list from its own starting point. After BENCH_TURNS questions it opens a new
conversation (a new sender id), as a resident who asks a handful of questions and leaves:
without this, a 30 s run at 1 user would pile a thousand turns into one tracker and measure
the tracker's length instead of the bot.

Latency is measured here around the whole request (send, Rasa's turn, read the JSON body) with
time.perf_counter, and kept raw, so percentiles are exact rather than Locust's rounded
histogram. A request counts as successful when the status is 200 and the body is a non-empty
JSON list of bot messages.
"""
from __future__ import annotations

import itertools
import json
import os
import time
from pathlib import Path

from locust import FastHttpUser, constant, events, task

QUESTIONS = [
    line.strip()
    for line in Path(os.environ.get("BENCH_QUESTIONS", "bench/questions.txt"))
    .read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
SAMPLES_FILE = os.environ.get("BENCH_SAMPLES", "bench-samples.json")
RUN_ID = os.environ.get("BENCH_RUN_ID", "bench")
TURNS = max(1, int(os.environ.get("BENCH_TURNS", "10")))

_samples: list = []  # [start (wall clock s), latency ms, ok]
_marks: dict = {}
_user_numbers = itertools.count()


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: object) -> None:
    _marks.setdefault("spawned", time.time())


@events.test_stop.add_listener
def _stopped(**_: object) -> None:
    _marks.setdefault("stopped", time.time())


@events.quitting.add_listener
def _write(**_: object) -> None:
    _marks.setdefault("stopped", time.time())
    Path(SAMPLES_FILE).write_text(json.dumps({"marks": _marks, "samples": _samples}))


class Resident(FastHttpUser):
    wait_time = constant(0)
    # One keep-alive connection per user, as a browser tab or LINE webhook relay would hold.
    concurrency = 1
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.number = next(_user_numbers)
        self.position = (self.number * 37) % len(QUESTIONS)
        self.conversation = 0
        self.turn = 0

    @task
    def ask(self) -> None:
        if self.turn >= TURNS:
            self.conversation += 1
            self.turn = 0
        sender = f"{RUN_ID}-u{self.number}-c{self.conversation}"
        question = QUESTIONS[self.position % len(QUESTIONS)]
        self.position += 1
        self.turn += 1
        started_wall, started = time.time(), time.perf_counter()
        ok = False
        with self.client.post(
            "/webhooks/rest/webhook",
            json={"sender": sender, "message": question},
            name="/webhooks/rest/webhook",
            catch_response=True,
        ) as response:
            try:
                body = json.loads(response.content or b"null")
                ok = response.status_code == 200 and isinstance(body, list) and len(body) > 0
            except ValueError:
                ok = False
            if ok:
                response.success()
            else:
                response.failure(f"status {response.status_code}, no answer")
        _samples.append((started_wall, (time.perf_counter() - started) * 1000.0, ok))
