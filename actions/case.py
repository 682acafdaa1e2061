"""What the calculator's actions share: the resident's case from the slots, the topic in play,
dates as the answers show them.

The slots are filled in the Rasa process from the entities of maina_rasa.nlu.case (domain.yml,
block "issue 14"), so they hold codes (``stolen``, ``without``) and ISO dates, never the
resident's words.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, Mapping, Optional, Text

from rasa_sdk import Tracker

from maina import days
from maina.event_dates import EventDate

# Topic metadata the NLG stores with every answer (maina_rasa.nlg, BotUttered metadata).
TOPIC_KEY = "topic"
# Topics whose follow-ups (「いくら？」「いつまで？」) are about a new card for this resident.
FEE_TOPICS = frozenset({"lost", "reissue", "damaged", "express"})
MOVE_TOPICS = frozenset({"moving"})


def language(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "ja"


def flag(value: Optional[str], yes: str = "yes") -> Optional[bool]:
    """A yes/no slot (``yes``/``no``, ``with``/``without``) as True/False/None."""
    if value is None:
        return None
    return value == yes


def event(tracker: Tracker, slot: str) -> Optional[EventDate]:
    return EventDate.from_iso(tracker.get_slot(slot))


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def topic_in_play(events: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The topic of the latest answer before the resident's latest message (this session)."""
    seen_user = False
    for event_ in reversed(list(events)):
        kind = event_.get("event")
        if kind in ("session_started", "restart"):
            return None
        if kind == "user":
            seen_user = True
        elif kind == "bot" and seen_user:
            topic = (event_.get("metadata") or {}).get(TOPIC_KEY)
            if topic:
                return topic
    return None


def day_text(day: dt.date, lang: str) -> str:
    """「2026年（令和8年）12月16日（水）」 / "Wednesday, 16 December 2026"."""
    return days.with_weekday(day, lang)


def period_text(when: EventDate, lang: str) -> str:
    """One day, or 「…（月）〜…（日）」 for a period."""
    if when.exact:
        return day_text(when.first, lang)
    joiner = " to " if lang == "en" else "〜"
    return f"{day_text(when.first, lang)}{joiner}{day_text(when.last, lang)}"


def values(**named: Any) -> Dict[Text, Any]:
    """The variables of an answer without the empty ones (Rasa drops None anyway)."""
    return {key: value for key, value in named.items() if value is not None}
