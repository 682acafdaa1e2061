"""Stored tracker events → sessions → turns: what was asked and what happened to it.

Input: the events of one conversation (``sender_id``) as Rasa stores them (the JSON of the
``data`` column, in ``id`` order). A conversation is split into *sessions* at each
``action_session_start``: a session is what the report and retention call "a conversation"
(a LINE user keeps one sender id for years; a web page load is one session).

A *turn* is one resident message and the bot messages that followed it. Its ``kind``:

===============  =========================================================================
``calculator``   the expiry-date calculator was running (or started) in this turn
``answered``     at least one answer with a topic (:func:`maina.feedback.answer_topic`)
``out_of_scope`` the out-of-scope answer (intent ``out_of_scope``)
``ask_back``     the low-confidence ask-back (``nlu_fallback`` → ``utter_ask_rephrase``), or a
                 follow-up intent answered without a topic (the follow-up ask-back)
``chitchat``     greetings, thanks, who-are-you, help
``no_answer``    the bot said nothing (the channel apologised: action server down)
``other``        anything else (e.g. 「はい」 outside the calculator)
===============  =========================================================================

A turn is a *follow-up* when the resident asked with a follow-up intent (「いくら？」,
``followup_*``, :func:`maina.conversation.is_followup`), or got the ask-back while a topic
was in play (the previous answer's topic). It *needed the ask-back* when its kind is
``ask_back``. Feedback events
(:data:`maina.feedback.EVENT_KEY`) are collected per session, and each calculator run is
followed to its end (:data:`RUN_OUTCOMES`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from maina import conversation, feedback, topics
from maina.clock import JST

CALCULATOR_FORM = "lifecycle_form"
CALCULATOR_RESULT = "utter_lifecycle_result"
CALCULATOR_STOPPED = ("action_lifecycle_reset", "utter_lifecycle_stopped")
ASK_BACK_RESPONSES = frozenset({"utter_ask_rephrase"})
OUT_OF_SCOPE_RESPONSES = frozenset({"utter_out_of_scope"})
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"

TURN_KINDS = ("answered", "calculator", "ask_back", "out_of_scope", "chitchat", "no_answer", "other")
# How a calculator run ended: dates shown; the resident stopped it; the answer said the dates
# cannot be computed (e.g. a status without a card); the action server did not answer;
# the resident left while it was still asking; it was closed some other way.
RUN_OUTCOMES = ("result", "stopped", "not_possible", "no_answer", "left", "interrupted")

# Channels shown in the report. Anything else a client names becomes "other": the name comes
# from the client and must never carry an identifier into the report.
CHANNELS = ("widget", "kiosk", "line", "socketio", "rest", "other")
_SENDER_PREFIXES = (("web-", "widget"), ("kiosk-", "kiosk"), ("line:", "line"))


def channel_of(input_channel: Any, sender_id: str = "") -> str:
    """One of :data:`CHANNELS` for a message's ``input_channel`` (or its sender id)."""
    if isinstance(input_channel, str) and input_channel in CHANNELS:
        if input_channel != "rest":
            return input_channel
    for prefix, name in _SENDER_PREFIXES:
        if sender_id.startswith(prefix):
            return name
    return "rest" if input_channel == "rest" else "other"


def day_of(timestamp: Optional[float]) -> dt.date:
    """The date in Japan of a Unix timestamp (what "per day" means for a city office)."""
    return dt.datetime.fromtimestamp(float(timestamp or 0), JST).date()


def chitchat_intents() -> frozenset:
    return frozenset(name for name, entry in topics.catalog().items()
                     if entry.get("group") in feedback.NO_TOPIC_GROUPS)


def answerable_intents() -> frozenset:
    """Catalog intents with a topic: what a group of unanswered questions may be closest to."""
    return frozenset(name for name, entry in topics.catalog().items()
                     if entry.get("group") not in feedback.NO_TOPIC_GROUPS
                     and not conversation.is_followup(name))


class _Dated:
    """Something that happened at ``timestamp``, on ``day`` in Japan."""

    timestamp: float

    @property
    def day(self) -> dt.date:
        return day_of(self.timestamp)


@dataclass
class Answer:
    utter_action: Optional[str]
    topic: Optional[str]
    ref: Optional[str]  # the 「役に立った？」 offer, if one was made


@dataclass
class Turn(_Dated):
    timestamp: float
    channel: str
    text: str
    intent: Optional[str]
    confidence: float
    ranking: List[Tuple[str, float]]
    answers: List[Answer] = field(default_factory=list)
    in_calculator: bool = False
    topic_in_play: Optional[str] = None  # left by the previous turn
    kind: str = "other"
    followup: bool = False

    @property
    def topics(self) -> List[str]:
        return list(dict.fromkeys(a.topic for a in self.answers if a.topic))


@dataclass
class Feedback(_Dated):
    timestamp: float
    channel: str
    value: str
    ref: str
    topic: Optional[str]
    utter_action: Optional[str]
    turn: Optional[Turn]  # the turn whose answer was rated


@dataclass
class CalculatorRun(_Dated):
    timestamp: float
    channel: str
    outcome: str = "left"
    turns: int = 0


@dataclass
class Session:
    sender_id: str
    events: List[Dict[str, Any]]
    channel: str = "other"
    turns: List[Turn] = field(default_factory=list)
    feedback: List[Feedback] = field(default_factory=list)
    runs: List[CalculatorRun] = field(default_factory=list)

    @property
    def first_timestamp(self) -> Optional[float]:
        return self.turns[0].timestamp if self.turns else None

    @property
    def last_timestamp(self) -> float:
        return max((float(e.get("timestamp") or 0) for e in self.events), default=0.0)


def split_sessions(events: Sequence[Mapping[str, Any]]) -> List[List[Dict[str, Any]]]:
    """The events of one sender cut at every ``action_session_start``."""
    sessions: List[List[Dict[str, Any]]] = []
    current: List[Dict[str, Any]] = []
    for event in events:
        starts = event.get("event") == "action" and event.get("name") == "action_session_start"
        if starts and current:
            sessions.append(current)
            current = []
        current.append(dict(event))
    if current:
        sessions.append(current)
    return sessions


def _ranking(parse_data: Mapping[str, Any]) -> List[Tuple[str, float]]:
    ranking = parse_data.get("intent_ranking") or []
    if not ranking and isinstance(parse_data.get("intent"), Mapping):
        ranking = [parse_data["intent"]]
    out = []
    for entry in ranking:
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            out.append((entry["name"], float(entry.get("confidence") or 0.0)))
    return out


def _classify(turn: Turn, chitchat: frozenset) -> None:
    utters = {a.utter_action for a in turn.answers}
    followup_intent = conversation.is_followup(turn.intent)
    if turn.in_calculator:
        turn.kind = "calculator"
    elif turn.topics:
        turn.kind = "answered"
    elif turn.intent == OUT_OF_SCOPE_INTENT or utters & OUT_OF_SCOPE_RESPONSES:
        turn.kind = "out_of_scope"
    elif turn.intent == FALLBACK_INTENT or utters & ASK_BACK_RESPONSES or (
        followup_intent and turn.answers
    ):
        turn.kind = "ask_back"
    elif turn.intent in chitchat:
        turn.kind = "chitchat"
    elif not turn.answers:
        turn.kind = "no_answer"
    else:
        turn.kind = "other"
    turn.followup = followup_intent or (bool(turn.topic_in_play) and turn.kind == "ask_back")


def read_session(sender_id: str, events: Sequence[Mapping[str, Any]]) -> Session:
    """Turns, feedback and calculator runs of one session's events."""
    chitchat = chitchat_intents()
    session = Session(sender_id=sender_id, events=list(events))
    turn: Optional[Turn] = None
    topic_in_play: Optional[str] = None
    loop_active = False
    run: Optional[CalculatorRun] = None
    answers_by_ref: Dict[str, Tuple[Answer, Turn]] = {}

    def close_turn() -> None:
        nonlocal topic_in_play
        if turn is None:
            return
        _classify(turn, chitchat)
        if turn.topics:
            topic_in_play = turn.topics[-1]

    def end_run(outcome: str) -> None:
        nonlocal run
        if run is not None:
            run.outcome = outcome
            run = None

    for event in session.events:
        kind = event.get("event")
        if kind == "user":
            close_turn()
            if run is not None and not loop_active:
                end_run("interrupted")  # the form was closed without a result or a stop
            parse_data = event.get("parse_data") or {}
            intent = (parse_data.get("intent") or {}) if isinstance(parse_data, Mapping) else {}
            channel = channel_of(event.get("input_channel"), sender_id)
            if not session.turns:
                session.channel = channel
            turn = Turn(
                timestamp=float(event.get("timestamp") or 0),
                channel=session.channel,
                text=str(event.get("text") or ""),
                intent=intent.get("name") if isinstance(intent, Mapping) else None,
                confidence=float(intent.get("confidence") or 0.0) if isinstance(intent, Mapping) else 0.0,
                ranking=_ranking(parse_data) if isinstance(parse_data, Mapping) else [],
                in_calculator=loop_active,
                topic_in_play=topic_in_play,
            )
            session.turns.append(turn)
            if run is not None:
                run.turns += 1
        elif kind == "bot" and turn is not None:
            metadata = event.get("metadata") or {}
            utter = metadata.get("utter_action") if isinstance(metadata, Mapping) else None
            ref = metadata.get(feedback.OFFER_KEY) if isinstance(metadata, Mapping) else None
            answer = Answer(utter, feedback.answer_topic(metadata), ref if feedback.is_ref(ref) else None)
            turn.answers.append(answer)
            if answer.ref:
                answers_by_ref[answer.ref] = (answer, turn)
            if utter == CALCULATOR_RESULT:
                end_run("result")
            elif utter in CALCULATOR_STOPPED:
                end_run("stopped")
            elif run is not None and not loop_active and utter and utter.startswith("utter_lifecycle_"):
                end_run("not_possible")
        elif kind == "active_loop":
            name = event.get("name")
            if name == CALCULATOR_FORM and not loop_active:
                loop_active = True
                end_run("interrupted")
                if turn is not None:
                    turn.in_calculator = True
                    run = CalculatorRun(turn.timestamp, session.channel, turns=1)
                    session.runs.append(run)
            elif name is None and loop_active:
                loop_active = False
        elif kind == "action" and event.get("name") in CALCULATOR_STOPPED:
            end_run("stopped")
        elif kind == "agent":
            data = event.get("data")
            record = data.get(feedback.EVENT_KEY) if isinstance(data, Mapping) else None
            if isinstance(record, Mapping) and record.get("value") in feedback.VALUES:
                ref = str(record.get("ref") or "")
                rated = answers_by_ref.get(ref)
                session.feedback.append(Feedback(
                    timestamp=float(event.get("timestamp") or 0),
                    channel=session.channel,
                    value=str(record["value"]),
                    ref=ref,
                    topic=record.get("topic") if isinstance(record.get("topic"), str) else None,
                    utter_action=record.get("utter_action")
                    if isinstance(record.get("utter_action"), str) else None,
                    turn=rated[1] if rated else None,
                ))
    close_turn()
    if run is not None:
        if turn is not None and turn.in_calculator and not turn.answers:
            end_run("no_answer")  # the last message got only the channel's apology
        elif not loop_active:
            end_run("interrupted")
    return session


def sessions_of(sender_id: str, events: Sequence[Mapping[str, Any]]) -> Iterator[Session]:
    """Every session of one sender, read."""
    for part in split_sessions(events):
        yield read_session(sender_id, part)
