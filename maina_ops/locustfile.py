"""The one Locust user of the project: residents chatting through the REST channel.

Run headless by load/run_load.py (`make load`, `make test-load`) and bench/run_bench.py
(`make bench`, `make test-bench`), from their Locust venvs. Settings from the environment:

* MAINA_LOAD_SCENARIO   ``residents`` (default, the load test): each simulated resident
                        plays a scenario — a few questions of :data:`QUESTIONS` (mixed topics,
                        some with a My Number the guard must mask), the lifecycle calculator
                        as a form over three turns, or the calculator in one sentence — then
                        starts a new conversation, like the next resident at the tablet.
                        ``questions`` (the benchmark): each line of MAINA_LOAD_QUESTIONS is
                        one conversation, its questions separated by "⏎" (bench/mix.py writes
                        them: bench questions, dev questions, follow-ups after a topic,
                        English); each user walks the lines from its own starting point, a new
                        conversation (sender id) per line, so a run measures the bot at a fixed
                        conversation length and not the length of one huge tracker.
* MAINA_LOAD_WAIT       think time between two messages, "min,max" seconds (default "2,6";
                        "0" is a closed loop: N users = N requests in flight)
* MAINA_LOAD_RUN_ID     prefix of the sender ids (default "load")
* MAINA_LOAD_OUT        where to write, when Locust quits, what each conversation sent (in
                        order), every request's (start, latency ms, ok) and the start/stop
                        marks (JSON)
* MAINA_LOAD_STOP_SENDING_AT  wall-clock time (epoch s) after which no new message is sent,
                        so that Locust's stop at the end of a run cuts no turn in half (a turn
                        whose HTTP request is cancelled is not stored by Rasa)

Latency is measured here around the whole request (send, Rasa's turn, read the body) with
``time.perf_counter`` and kept raw, so percentiles are exact (maina_ops.measure) rather than
Locust's rounded histogram. A request fails unless: status 200, a non-empty JSON list of
messages, each a dict with a non-empty ``text`` or buttons. In the ``residents`` scenario also
not the apology the channels send when Rasa said nothing (a degraded turn), and — where the
scenario knows the answer — the answer holds the expected fact; the benchmark counts
apologies separately (from the server logs) instead.

Standard library and Locust only: no project import (Locust loads this file by path).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from locust import FastHttpUser, between, events, task

SCENARIO = os.environ.get("MAINA_LOAD_SCENARIO", "residents")
RUN_ID = os.environ.get("MAINA_LOAD_RUN_ID", "load")
OUT_FILE = os.environ.get("MAINA_LOAD_OUT", "load-sent.json")
_wait = [float(x) for x in os.environ.get("MAINA_LOAD_WAIT", "2,6").split(",")]
WAIT_MIN, WAIT_MAX = _wait[0], _wait[-1]
STOP_SENDING_AT = float(os.environ.get("MAINA_LOAD_STOP_SENDING_AT") or 0)

APOLOGY_MARK = "いまうまくお返事できないみたい"  # common.CHANNEL_TEXTS["no_response_apology"]
MY_NUMBER_WARNING = "マイナンバー（12けたの番号）は送らないでね"

# (question, a fact the answer must contain or None). Facts from facts/facts.yml.
QUESTIONS: List[Tuple[str, Optional[str]]] = [
    ("カードをなくした", "0120-95-0178"),
    ("カードを紛失しました、まず何をすればいいですか", "0120-95-0178"),
    ("暗証番号を忘れた", None),
    ("暗証番号は何種類あるの", None),
    ("コンビニで証明書が取れるのは何時まで", None),
    ("苫小牧市役所のマイナンバー担当の電話番号", "0144-32-6492"),
    ("引っ越しをしたらカードはどうするの", None),
    ("カードの再発行の手数料はいくら？", None),
    ("マイナ保険証がない人は病院でどうすればいい", None),
    ("更新はいつから受け付けてる？", None),
    ("こんにちは", None),
    ("ありがとう", None),
    ("マイナンバーカードは全員もらえるの", None),
    ("What should I do if I lost my card?", None),
    ("私のマイナンバーは1234-5678-9018です。カードをなくした", MY_NUMBER_WARNING),
]

# The calculator as a form: born 1990-01-15, card issued 2019-07-01 (10th birthday after).
FORM = [
    ("有効期限を調べる", "生年月日"),
    ("1990年1月15日です", "交付日"),
    ("令和元年7月1日", "2029年（令和11年）1月15日"),
]
ONE_SHOT = [("1995/12/1生まれ、2020/2/14交付、私の有効期限は？", "2029年（令和11年）12月1日")]


def _conversation_file() -> List[List[str]]:
    path = os.environ.get("MAINA_LOAD_QUESTIONS", "bench/questions.txt")
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [[q.strip() for q in line.split("⏎") if q.strip()]
            for line in lines if line.strip() and not line.startswith("#")]


CONVERSATIONS = _conversation_file() if SCENARIO == "questions" else []

_sent: Dict[str, List[Dict[str, object]]] = {}  # sender -> [{"message", "answered"}]
_samples: List[Tuple[float, float, bool]] = []  # (start wall clock, latency ms, ok)
_marks: Dict[str, float] = {}
_numbers = itertools.count()


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: object) -> None:
    _marks.setdefault("spawned", time.time())


@events.test_stop.add_listener
def _stopped(**_: object) -> None:
    _marks.setdefault("stopped", time.time())


@events.quitting.add_listener
def _write(**_: object) -> None:
    _marks.setdefault("stopped", time.time())
    Path(OUT_FILE).write_text(
        json.dumps({"marks": _marks, "conversations": _sent, "samples": _samples},
                   ensure_ascii=False),
        encoding="utf-8",
    )


def check_answer(status: int, content: bytes, expect: Optional[str],
                 strict: bool = True) -> Optional[str]:
    """None if the answer is fine, else why not (``strict``: the apology is a failure)."""
    if status != 200:
        return f"status {status}"
    try:
        body = json.loads(content or b"null")
    except ValueError:
        return "not JSON"
    if not isinstance(body, list) or not body:
        return "no answer"
    texts = []
    for message in body:
        if not isinstance(message, dict) or not (message.get("text") or message.get("buttons")):
            return "empty message"
        texts.append(message.get("text") or "")
    joined = "\n".join(texts)
    if strict and APOLOGY_MARK in joined:
        return "apology (degraded turn)"
    if expect and expect not in joined:
        return f"expected {expect!r}"
    return None


class Resident(FastHttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)
    concurrency = 1  # one keep-alive connection, like one browser tab
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.random = random.Random(self.number)  # reproducible scenarios per user
        self.position = (self.number * 37) % max(1, len(CONVERSATIONS))
        self.conversation = -1
        self.script: List[Tuple[str, Optional[str]]] = []

    def _new_conversation(self) -> None:
        self.conversation += 1
        self.sender = f"{RUN_ID}-u{self.number}-c{self.conversation}"
        if SCENARIO == "questions":
            questions = CONVERSATIONS[self.position % len(CONVERSATIONS)]
            self.position += 1
            self.script = [(question, None) for question in questions]
            return
        kind = self.random.random()
        if kind < 0.3:
            self.script = list(FORM)
        elif kind < 0.4:
            self.script = list(ONE_SHOT) + self.random.sample(QUESTIONS, 2)
        else:
            self.script = self.random.sample(QUESTIONS, self.random.randint(3, 6))

    @task
    def say(self) -> None:
        if STOP_SENDING_AT and time.time() >= STOP_SENDING_AT:
            return  # the run is ending: idle until Locust stops the users
        if not self.script:
            self._new_conversation()
        message, expect = self.script.pop(0)
        record: Dict[str, object] = {"message": message, "answered": False}
        _sent.setdefault(self.sender, []).append(record)
        started_wall, started = time.time(), time.perf_counter()
        with self.client.post(
            "/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            name="/webhooks/rest/webhook",
            catch_response=True,
        ) as response:
            record["answered"] = response.status_code != 0  # 0: no HTTP answer at all
            problem = check_answer(response.status_code, response.content, expect,
                                   strict=SCENARIO == "residents")
            if problem:
                response.failure(f"{problem} (message {message!r})")
            else:
                response.success()
        _samples.append((started_wall, (time.perf_counter() - started) * 1000.0, problem is None))
