"""What the calculator's actions share: the resident's case from the slots, the topic in play,
dates as the answers show them.

The slots are filled in the Rasa process from the entities of maina_rasa.nlu.case (domain.yml,
block "issue 14"), so they hold codes (``stolen``, ``without``) and ISO dates, never the
resident's words.
"""
from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from typing import Any, Dict, Iterable, List, Mapping, Optional, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from maina import case, days
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


class CaseFormValidation(FormValidationAction):
    """A form that asks only what changes the answer: the slots already known are kept (rasa-sdk
    drops values of slots it is not told about) and the one slot :meth:`question` names is asked.
    Subclasses read the resident's answer in :meth:`extract`; 「わからない」, or the question
    asked again instead of an answer, fills the asked slot with ``unknown`` so the form moves on
    and the answer says what it can. Abstract, so the
    action server does not register it as an action."""

    SLOTS: Tuple[str, ...] = ()
    # Intents that start the form: asked again instead of answering (「それいくら？」 while
    # Maina-chan asks the day of the loss), they get the answer for what is known now.
    ENTRY_INTENTS: Tuple[str, ...] = ()

    @abstractmethod
    def question(self, tracker: Tracker, found: Dict[str, Any]) -> Optional[str]:
        """The slot to ask next given the slots and this turn's ``found`` values, or None."""

    @abstractmethod
    def extract(self, tracker: Tracker, text: str, requested: Optional[str]) -> Dict[str, Any]:
        """Slot values read from the resident's message (typed, not a button payload)."""

    def skip(self, tracker: Tracker) -> bool:
        """True: ask nothing (the answer action gives a static answer instead)."""
        return False

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if self.skip(tracker):
            return []
        asked = self.question(tracker, {})
        return [s for s in self.SLOTS if tracker.get_slot(s) is not None or s == asked]

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        requested = tracker.get_slot("requested_slot")
        typed = not text.startswith("/")
        found = self.extract(tracker, text if typed else "", requested)
        unanswered = requested and tracker.get_slot(requested) is None and requested not in found
        if unanswered and ((typed and case.dont_know(text)) or latest_intent(tracker) in self.ENTRY_INTENTS):
            found[requested] = case.DONT_KNOW
        # an answer that still leaves the asked slot open (a period on both sides of a limit):
        # clear it so that it is asked again
        asked = self.question(tracker, found)
        if asked and (found.get(asked) or tracker.get_slot(asked)) not in (None, case.DONT_KNOW):
            found[asked] = None
        tracker.slots.update(found)
        return [SlotSet(slot, value) for slot, value in found.items()]
