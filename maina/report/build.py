"""The report's figures for a period: counts (kept aggregates + conversations still stored)
and the lists a clerk works through (unanswered groups, 👎 answers, follow-ups).

:func:`build_report` reads the tracker store; :func:`report_from_sessions` does the work on
sessions already read (what the tests call with scripted conversations).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa

from maina import feedback, topics
from maina.clock import JST
from maina.report import store
from maina.report.conversations import (
    CHANNELS, RUN_OUTCOMES, TURN_KINDS, Session, Turn, answerable_intents, sessions_of,
)
from maina.report.counts import Counts, count_session
from maina.report.grouping import Group, Item, group_items
from maina.report.masking import mask_text

TOP_TOPICS = 15
TOP_GROUPS = 50


@dataclass
class RatedAnswer:
    """An answer residents rated 👎 (at least once) in the period."""

    utter_action: str
    label: str
    topic: str
    down: int
    up: int
    questions: List[Group] = field(default_factory=list)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    counts: Counts  # within start..end, live + kept aggregates
    low_confidence: List[Group]
    out_of_scope: List[Group]
    followups: List[Group]
    thumbs_down: List[RatedAnswer]
    retention_days: Optional[int] = None
    kept_counts: bool = False  # some days come (partly) from the kept aggregates

    @property
    def days(self) -> List[dt.date]:
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]

    @property
    def channels(self) -> List[str]:
        used = {c for (_, c, _, _) in self.counts.items}
        return [c for c in CHANNELS if c in used]

    def per_day(self, metric: str) -> List[Tuple[dt.date, Dict[str, int], int]]:
        table = self.counts.by_day_channel(metric)
        rows = []
        for day in self.days:
            by_channel = {c: table.get((day, c), 0) for c in self.channels}
            rows.append((day, by_channel, sum(by_channel.values())))
        return rows

    def top(self, metric: str, limit: int = TOP_TOPICS) -> List[Tuple[str, int]]:
        counter = self.counts.by_key(metric)
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    @property
    def outcomes(self) -> List[Tuple[str, int]]:
        counter = self.counts.by_key("outcome")
        return [(kind, counter.get(kind, 0)) for kind in TURN_KINDS]

    @property
    def calculator(self) -> List[Tuple[str, int]]:
        counter = self.counts.by_key("calculator")
        return [(outcome, counter.get(outcome, 0)) for outcome in RUN_OUTCOMES]

    @property
    def feedback_by_topic(self) -> List[Tuple[str, int, int, int]]:
        """(topic, offered, 👍, 👎), most rated first."""
        offered = self.counts.by_key("feedback_offered")
        up, down = self.counts.by_key("feedback_up"), self.counts.by_key("feedback_down")
        names = set(offered) | set(up) | set(down)
        rows = [(t, offered.get(t, 0), up.get(t, 0), down.get(t, 0)) for t in names]
        return sorted(rows, key=lambda r: (-(r[2] + r[3]), -r[3], r[0]))


def day_start(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(0), JST).timestamp()


def topic_of_intent() -> Dict[str, str]:
    """Intent → topic, as an answer of ``utter_<intent>`` would be filed."""
    out = {}
    for intent in answerable_intents():
        topic = feedback.answer_topic({"utter_action": f"utter_{intent}"})
        if topic:
            out[intent] = topic
    return out


def _items(turns: Iterable[Turn], hint_topic: bool = False) -> List[Item]:
    return [Item(mask_text(t.text), t.day, t.ranking, t.topic_in_play if hint_topic else None)
            for t in turns]


def _thumbs_down(sessions: List[Session], start: dt.date, end: dt.date,
                 counts: Counts, intent_topics: Dict[str, str]) -> List[RatedAnswer]:
    questions: Dict[str, List[Turn]] = {}
    topic_of: Dict[str, str] = {}
    for session in sessions:
        for rating in session.feedback:
            if rating.value == "down" and start <= rating.day <= end and rating.utter_action:
                questions.setdefault(rating.utter_action, [])
                topic_of[rating.utter_action] = rating.topic or ""
                if rating.turn is not None:
                    questions[rating.utter_action].append(rating.turn)
    down = counts.by_key("feedback_down_answer")
    up = counts.by_key("feedback_up_answer")
    rated = []
    for utter in set(questions) | {u for u in down if u}:
        intent = feedback.intent_of_response(utter)
        rated.append(RatedAnswer(
            utter_action=utter,
            label=topics.label(intent, "ja") if intent else utter,
            topic=topic_of.get(utter) or (feedback.answer_topic({"utter_action": utter}) or ""),
            down=down.get(utter, 0), up=up.get(utter, 0),
            questions=group_items(_items(questions.get(utter, [])), answerable_intents(), intent_topics),
        ))
    return sorted(rated, key=lambda r: (-r.down, r.up, r.utter_action))


def report_from_sessions(
    sessions: Iterable[Session],
    start: dt.date,
    end: dt.date,
    kept: Optional[Counts] = None,
    retention_days: Optional[int] = None,
) -> Report:
    """The report for start..end from read sessions plus the kept aggregates."""
    sessions = list(sessions)
    live = Counts()
    for session in sessions:
        count_session(session, live)
    kept = (kept or Counts()).within(start, end)
    counts = live.within(start, end).merge(kept)
    turns = [t for s in sessions for t in s.turns if start <= t.day <= end]
    allowed, intent_topics = answerable_intents(), topic_of_intent()

    def groups(selected: List[Turn], hint_topic: bool = False) -> List[Group]:
        return group_items(_items(selected, hint_topic), allowed, intent_topics)[:TOP_GROUPS]

    return Report(
        start=start, end=end, counts=counts,
        low_confidence=groups([t for t in turns if t.kind == "ask_back" and not t.followup]),
        out_of_scope=groups([t for t in turns if t.kind == "out_of_scope"]),
        followups=groups([t for t in turns if t.followup and t.kind == "ask_back"], hint_topic=True),
        thumbs_down=_thumbs_down(sessions, start, end, counts, intent_topics),
        retention_days=retention_days,
        kept_counts=bool(kept.items),
    )


def build_report(
    engine: sa.engine.Engine, start: dt.date, end: dt.date, retention_days: Optional[int] = None
) -> Report:
    """The report for start..end (inclusive, days in Japan) from the tracker store."""
    sessions: List[Session] = []
    if store.has_events_table(engine):
        senders = store.senders_active_since(engine, day_start(start))
        with engine.connect() as connection:
            for sender_id, rows in store.events_of(connection, senders):
                sessions.extend(sessions_of(sender_id, [event for _, event in rows]))
    kept = store.read_counts(engine, start, end)
    return report_from_sessions(sessions, start, end, kept, retention_days)


def period(today: dt.date, days: int) -> Tuple[dt.date, dt.date]:
    """The last ``days`` days up to and including ``today``."""
    return today - dt.timedelta(days=max(1, days) - 1), today


def top_answers(report: Report, limit: int = TOP_TOPICS) -> List[Tuple[str, str, str, int]]:
    """(response, label, topic, count) of the most given answers."""
    rows = []
    for utter, n in report.top("answer", limit):
        intent = feedback.intent_of_response(utter)
        rows.append((utter, topics.label(intent, "ja") if intent else utter,
                     feedback.answer_topic({"utter_action": utter}) or "", n))
    return rows


def summary(report: Report) -> Dict[str, int]:
    outcome = dict(report.outcomes)
    return {
        "conversations": report.counts.total("conversations"),
        "messages": report.counts.total("messages"),
        "answered": outcome.get("answered", 0) + outcome.get("calculator", 0),
        "unanswered": outcome.get("ask_back", 0) + outcome.get("out_of_scope", 0),
        "up": report.counts.total("feedback_up"),
        "down": report.counts.total("feedback_down"),
    }


__all__ = ["Report", "RatedAnswer", "build_report", "report_from_sessions", "period",
           "top_answers", "summary"]
