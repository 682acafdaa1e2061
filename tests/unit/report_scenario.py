"""Scripted conversations for the staff-report tests, stored through the project's real
tracker store (FastSQLTrackerStore on SQLite), as Rasa events: every count is known.

TODAY is 2026-11-25 (JST); the report period is the 7 days up to it. Two sessions are older
than 90 days (retention deletes them); one LINE user has an old and a recent session.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActiveLoop, AgentUttered, BotUttered, SessionStarted, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from maina.clock import JST
from maina_rasa.tracker_store import FastSQLTrackerStore

TODAY = dt.date(2026, 11, 25)
LINE_USER = "U" + "0123456789abcdef" * 2
LINE_SENDER = "line:" + LINE_USER
OLD_WIDGET = "web-" + "0" * 32
REFS = {name: f"{index:016x}" for index, name in enumerate(
    ("lost", "reissue", "result", "old_lost", "extra"), start=1)}

OLD_LINE_AGE = dt.timedelta(days=116)    # 2026-08-01: older than 90 days
OLD_WIDGET_AGE = dt.timedelta(days=147)  # 2026-07-01
DOMAIN = Domain.from_yaml('version: "3.1"\nintents: [greet]\n')


class Clock:
    """Timestamps one second apart from a start time in Japan."""

    def __init__(self, day: dt.date, hour: int) -> None:
        self.now = dt.datetime.combine(day, dt.time(hour), JST).timestamp()

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def session_start(t: Clock) -> List[Any]:
    return [ActionExecuted("action_session_start", timestamp=t()),
            SessionStarted(timestamp=t()), ActionExecuted("action_listen", timestamp=t())]


def user(t: Clock, text: str, intent: str, confidence: float = 0.95,
         ranking: Sequence[Tuple[str, float]] = (), channel: str = "rest") -> UserUttered:
    ranking = list(ranking) or [(intent, confidence)]
    parse_data = {
        "text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [],
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
    }
    return UserUttered(text, parse_data["intent"], [], parse_data, timestamp=t(),
                       input_channel=channel)


def bot(t: Clock, utter: str, ref: Optional[str] = None) -> List[Any]:
    metadata: Dict[str, Any] = {"utter_action": utter}
    if ref:
        metadata["feedback"] = ref
    return [ActionExecuted(utter, timestamp=t()),
            BotUttered("…", metadata=metadata, timestamp=t()),
            ActionExecuted("action_listen", timestamp=t())]


def rating(t: Clock, ref: str, value: str, topic: str, utter: str) -> AgentUttered:
    return AgentUttered(data={"maina_feedback": {
        "ref": ref, "value": value, "topic": topic, "utter_action": utter, "channel": "rest"}},
        timestamp=t())


def calculator(t: Clock, channel: str, stop: bool) -> List[Any]:
    events: List[Any] = [user(t, "有効期限を調べたい", "ask_my_expiry", channel=channel),
                         ActionExecuted("lifecycle_form", timestamp=t()),
                         ActiveLoop("lifecycle_form", timestamp=t())]
    events += bot(t, "utter_ask_birth_date")
    if stop:
        events += [user(t, "やめる", "stop", channel=channel),
                   ActionExecuted("action_deactivate_loop", timestamp=t()),
                   ActiveLoop(None, timestamp=t()),
                   ActionExecuted("action_lifecycle_reset", timestamp=t())]
        events += bot(t, "utter_lifecycle_stopped")
        return events
    events += [user(t, "1990年1月1日", "inform", channel=channel)]
    events += bot(t, "utter_ask_issue_date")
    events += [user(t, "2020年1月1日", "inform", channel=channel),
               ActionExecuted("lifecycle_form", timestamp=t()),
               ActiveLoop(None, timestamp=t())]
    events += bot(t, "utter_lifecycle_result", REFS["result"])
    return events


def conversations(today: dt.date = TODAY) -> Dict[str, List[Any]]:
    """The scripted conversations, dated relative to ``today``."""
    yesterday = today - dt.timedelta(days=1)
    convs: Dict[str, List[Any]] = {}

    # widget, yesterday: answered + 👎, a follow-up that needed the ask-back, answered + 👍
    t = Clock(yesterday, 10)
    events = session_start(t)
    events += [user(t, "カードをなくしました", "lost_card", channel="widget")]
    events += bot(t, "utter_lost_card", REFS["lost"])
    events += [rating(t, REFS["lost"], "down", "lost", "utter_lost_card")]
    events += [user(t, "いくら？", "nlu_fallback", 0.2,
                    [("nlu_fallback", 0.2), ("reissue_fee", 0.25), ("card_found", 0.1)], "widget")]
    events += bot(t, "utter_ask_rephrase")
    events += [user(t, "/reissue_fee", "reissue_fee", 1.0, channel="widget")]
    events += bot(t, "utter_reissue_fee", REFS["reissue"])
    events += [rating(t, REFS["reissue"], "up", "reissue", "utter_reissue_fee")]
    convs["web-" + "a" * 32] = events

    # kiosk, yesterday: two ways of asking about parking (out of scope), a greeting
    t = Clock(yesterday, 11)
    events = session_start(t)
    for text in ("駐車場はありますか", "駐車場ある？"):
        events += [user(t, text, "out_of_scope", 0.8,
                        [("out_of_scope", 0.8), ("contact_city", 0.1), ("greet", 0.05)], "kiosk")]
        events += bot(t, "utter_out_of_scope")
    events += [user(t, "こんにちは", "greet", 0.99, channel="kiosk")]
    events += bot(t, "utter_greet")
    convs["kiosk-" + "b" * 32] = events

    # LINE: an old session (deleted by retention, counts kept) and one today
    t = Clock(today - OLD_LINE_AGE, 9)
    events = session_start(t)
    events += [user(t, "カードなくした", "lost_card", channel="line")]
    events += bot(t, "utter_lost_card", REFS["old_lost"])
    events += [rating(t, REFS["old_lost"], "down", "lost", "utter_lost_card")]
    events += [user(t, "駐車場は？", "out_of_scope", 0.7,
                    [("out_of_scope", 0.7), ("contact_city", 0.2)], "line")]
    events += bot(t, "utter_out_of_scope")
    t = Clock(today, 9)
    events += session_start(t)
    events += [user(t, f"市役所の駐車場は無料ですか {LINE_USER}", "out_of_scope", 0.6,
                    [("out_of_scope", 0.6), ("contact_city", 0.2)], "line")]
    events += bot(t, "utter_out_of_scope")
    events += calculator(t, "line", stop=False)
    events += [rating(t, REFS["result"], "up", "validity", "utter_lifecycle_result")]
    convs[LINE_SENDER] = events

    # REST, today: a follow-up with no topic in play (its ask-back), two low-confidence
    # questions (one with a number that must not show), a stopped calculator run
    t = Clock(today, 14)
    events = session_start(t)
    events += [user(t, "いくら？", "followup_cost", 0.9, [("followup_cost", 0.9), ("reissue_fee", 0.05)])]
    events += bot(t, "utter_followup_cost")
    events += [user(t, "ほげほげ 1234-5678-9012", "nlu_fallback", 0.1,
                    [("nlu_fallback", 0.1), ("card_what", 0.09), ("lost_card", 0.05)])]
    events += bot(t, "utter_ask_rephrase")
    events += [user(t, "ふがふが", "nlu_fallback", 0.1,
                    [("nlu_fallback", 0.1), ("lost_card", 0.08), ("card_what", 0.02)])]
    events += bot(t, "utter_ask_rephrase")
    events += calculator(t, "rest", stop=True)
    convs["pytest-report"] = events

    # widget, 2026-07-01: old, deleted by retention
    t = Clock(today - OLD_WIDGET_AGE, 15)
    events = session_start(t)
    events += [user(t, "再発行の手数料は？", "reissue_fee", channel="widget")]
    events += bot(t, "utter_reissue_fee")
    convs[OLD_WIDGET] = events
    return convs


def fill_store(db: Union[Path, str], today: dt.date = TODAY) -> FastSQLTrackerStore:
    """A tracker store holding :func:`conversations` (dated relative to ``today``): a SQLite
    file, or any SQLAlchemy URL (the cluster's PostgreSQL)."""
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    store = FastSQLTrackerStore(domain=DOMAIN, host=url, cache_size=0)
    for sender, events in conversations(today).items():
        tracker = DialogueStateTracker(sender, [])
        for event in events:
            tracker.update(event)
        # in a thread of its own: the caller may be inside an event loop (Playwright's)
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, store.save(tracker)).result()
    return store


# --- what the report for TODAY-6 .. TODAY must say -------------------------------------------
YESTERDAY = TODAY - dt.timedelta(days=1)
EXPECTED = {
    ("conversations", ""): {(YESTERDAY, "widget"): 1, (YESTERDAY, "kiosk"): 1,
                            (TODAY, "line"): 1, (TODAY, "rest"): 1},
    ("messages", ""): {(YESTERDAY, "widget"): 3, (YESTERDAY, "kiosk"): 3,
                       (TODAY, "line"): 4, (TODAY, "rest"): 5},
}
EXPECTED_OUTCOMES = {"answered": 2, "calculator": 5, "ask_back": 4, "out_of_scope": 3,
                     "chitchat": 1, "no_answer": 0, "other": 0}
EXPECTED_TOPICS = {"lost": 1, "reissue": 1, "validity": 1}
EXPECTED_ANSWERS = {"utter_lost_card": 1, "utter_reissue_fee": 1, "utter_lifecycle_result": 1}
EXPECTED_CALCULATOR = {"result": 1, "stopped": 1, "not_possible": 0, "no_answer": 0,
                       "left": 0, "interrupted": 0}
# topic, offered, 👍, 👎
EXPECTED_FEEDBACK = [("lost", 1, 0, 1), ("reissue", 1, 1, 0), ("validity", 1, 1, 0)]
EXPECTED_UNANSWERED_TOPIC = {"reissue_fee": 2, "card_what": 1, "lost_card": 1, "contact_city": 3}
