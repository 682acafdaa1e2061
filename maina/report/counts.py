"""Text-free counts: (day, channel, metric, key) → number.

The same counts come from two places and are simply added: the conversations still in the
tracker store, and the aggregates kept when retention deleted older ones
(:mod:`maina.report.retention`). A key is always from a fixed vocabulary (a topic, an intent
or response name, a kind or outcome), never a resident's text or id.

=====================  ======================================================  ==================
metric                 what is counted                                          key
=====================  ======================================================  ==================
conversations          sessions, on the day of their first message             ""
messages               residents' messages                                     ""
outcome                messages by what happened (conversations.TURN_KINDS)    the kind
topic                  answered messages per topic (each topic once a turn)    topic
answer                 answers with a topic per response                       utter_action
unanswered_topic       ask-back and out-of-scope messages, closest intent      intent or ""
followup               follow-ups asked / of them answered with the ask-back   asked / ask_back
feedback_offered       answers that asked 「役に立った？」                         topic
feedback_up/down       👍 / 👎 per topic                                          topic
feedback_up/down_answer 👍 / 👎 per response                                       utter_action
calculator             calculator runs by how they ended (RUN_OUTCOMES)        outcome
=====================  ======================================================  ==================
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from maina.report.conversations import Session, Turn, answerable_intents

Key = Tuple[dt.date, str, str, str]  # day, channel, metric, key


def closest_intent(ranking: Iterable[Tuple[str, float]]) -> str:
    """The most likely answerable intent of an unanswered message ("" if none)."""
    answerable = answerable_intents()
    for name, _confidence in sorted(ranking, key=lambda item: -item[1]):
        if name in answerable:
            return name
    return ""


class Counts:
    """A counter of :data:`Key` with the sums the report needs."""

    def __init__(self, items: Optional[Dict[Key, int]] = None) -> None:
        self.items: Counter = Counter(items or {})

    def add(self, day: dt.date, channel: str, metric: str, key: str = "", n: int = 1) -> None:
        if n:
            self.items[(day, channel, metric, key)] += n

    def merge(self, other: "Counts") -> "Counts":
        self.items.update(other.items)
        return self

    def within(self, start: dt.date, end: dt.date) -> "Counts":
        """Only the days start..end (inclusive)."""
        return Counts({k: v for k, v in self.items.items() if start <= k[0] <= end})

    def rows(self) -> Iterator[Tuple[dt.date, str, str, str, int]]:
        for (day, channel, metric, key), n in sorted(self.items.items()):
            yield day, channel, metric, key, n

    def total(self, metric: str, key: Optional[str] = None) -> int:
        return sum(n for (_, _, m, k), n in self.items.items()
                   if m == metric and (key is None or k == key))

    def by_key(self, metric: str) -> Counter:
        out: Counter = Counter()
        for (_, _, m, k), n in self.items.items():
            if m == metric:
                out[k] += n
        return out

    def by_day_channel(self, metric: str) -> Dict[Tuple[dt.date, str], int]:
        out: Counter = Counter()
        for (day, channel, m, _), n in self.items.items():
            if m == metric:
                out[(day, channel)] += n
        return dict(out)

    def days(self) -> List[dt.date]:
        return sorted({k[0] for k in self.items})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counts) and +self.items == +other.items

    def __repr__(self) -> str:
        return f"Counts({dict(self.items)!r})"


def _count_turn(counts: Counts, turn: Turn) -> None:
    day, channel = turn.day, turn.channel
    counts.add(day, channel, "messages")
    counts.add(day, channel, "outcome", turn.kind)
    for topic in turn.topics:
        counts.add(day, channel, "topic", topic)
    for answer in turn.answers:
        if answer.topic and answer.utter_action:
            counts.add(day, channel, "answer", answer.utter_action)
        if answer.ref and answer.topic:
            counts.add(day, channel, "feedback_offered", answer.topic)
    if turn.kind in ("ask_back", "out_of_scope"):
        counts.add(day, channel, "unanswered_topic", closest_intent(turn.ranking))
    if turn.followup:
        counts.add(day, channel, "followup", "asked")
        if turn.kind == "ask_back":
            counts.add(day, channel, "followup", "ask_back")


def count_session(session: Session, counts: Optional[Counts] = None) -> Counts:
    """Adds one session's counts (every day it touched) to ``counts``."""
    counts = counts if counts is not None else Counts()
    if session.turns:
        first = session.turns[0]
        counts.add(first.day, session.channel, "conversations")
    for turn in session.turns:
        _count_turn(counts, turn)
    for rating in session.feedback:
        counts.add(rating.day, rating.channel, f"feedback_{rating.value}", rating.topic or "")
        counts.add(rating.day, rating.channel, f"feedback_{rating.value}_answer",
                   rating.utter_action or "")
    for run in session.runs:
        counts.add(run.day, run.channel, "calculator", run.outcome)
    return counts
