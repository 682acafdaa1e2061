"""Deadlines of a move as dates: the move form (the day, in or out of the city) and its answer.

「来週苫小牧に引っ越してくる、カードの手続きの期限は？」 → the 転入届 and continued-use deadlines
with their days of the week. Rules in maina.deadlines, texts ``utter_deadline_<code>`` in
data/responses/calculator.yml.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import case as ctx
from maina import case, clock, deadlines, event_dates

MOVE_SLOTS = ("move_date", "move_direction")
ASKED_SLOT = {deadlines.ASK_DATE: "move_date", deadlines.ASK_DIRECTION: "move_direction"}
# Intents that say the direction by themselves.
DIRECTION_OF_INTENT = {"move_in": case.MOVE_IN}
# Answers that are the static ones (no deadline of its own in the facts: a move within the city).
STATIC = {"move_within": "utter_address_name_change"}


def _known(tracker: Tracker, slot: str, found: Dict[str, Any] = None) -> Any:
    value = (found or {}).get(slot, tracker.get_slot(slot))
    return None if value == case.DONT_KNOW else value


def question(tracker: Tracker, found: Dict[str, Any] = None):
    return deadlines.question(_known(tracker, "move_direction", found),
                              event_dates.EventDate.from_iso(_known(tracker, "move_date", found)),
                              clock.today())


class ValidateMoveForm(FormValidationAction):
    """Reads the day of the move and its direction from the answers; asks what is missing."""

    def name(self) -> Text:
        return "validate_move_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        asked = ASKED_SLOT.get(question(tracker))
        return [s for s in MOVE_SLOTS if tracker.get_slot(s) is not None or s == asked]

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        found: Dict[str, Any] = {}
        text = (tracker.latest_message or {}).get("text") or ""
        typed = not text.startswith("/")
        requested = tracker.get_slot("requested_slot")
        direction = DIRECTION_OF_INTENT.get(ctx.latest_intent(tracker))
        if direction and tracker.get_slot("move_direction") is None:
            found["move_direction"] = direction
        if typed and requested == "move_date":
            when = event_dates.first(text, clock.today(), case.where_in_time(text, "move"))
            if when is not None:
                found["move_date"] = when.iso()
        if typed and requested and tracker.get_slot(requested) is None and requested not in found \
                and case.dont_know(text):
            found[requested] = case.DONT_KNOW
        if question(tracker, found) == deadlines.ASK_DATE and _known(tracker, "move_date", found):
            found["move_date"] = None  # a period with days on both sides of the deadline
        tracker.slots.update(found)
        return [SlotSet(slot, value) for slot, value in found.items()]


class ActionMoveAnswer(Action):
    """The dates by which the card's procedures must be done, relative to today."""

    def name(self) -> Text:
        return "action_move_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = ctx.language(tracker)
        moved = event_dates.EventDate.from_iso(_known(tracker, "move_date"))
        direction = _known(tracker, "move_direction")
        if moved is None or direction is None:  # 「わからない」: the rules without dates
            dispatcher.utter_message(response="utter_move_in")
            return []
        answer = deadlines.answer(direction, moved, clock.today())
        if answer.code in STATIC:
            dispatcher.utter_message(response=STATIC[answer.code])
            return []

        def day(value):
            return ctx.day_text(value, lang) if value else None

        dispatcher.utter_message(response=f"utter_deadline_{answer.code}", **ctx.values(
            moved=ctx.period_text(answer.moved, lang),
            notice_by=day(answer.notice_by), notice_by_last=day(answer.notice_by_last),
            continue_by=day(answer.continue_by), latest_by=day(answer.latest_by),
            days_left=str(answer.days_left) if answer.days_left is not None else None,
            days_ago=str(-answer.days_left) if answer.days_left is not None and answer.days_left < 0 else None,
        ))
        return []
