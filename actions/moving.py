"""Deadlines of a move as dates: the move form (the day, in or out of the city) and its answer.

「来週苫小牧に引っ越してくる、カードの手続きの期限は？」 → the 転入届 and continued-use deadlines
with their days of the week. Rules in maina.deadlines, texts ``utter_deadline_<code>`` in
data/responses/calculator.yml.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import case as ctx
from maina import case, clock, deadlines, event_dates

ASKED_SLOT = {deadlines.ASK_DATE: "move_date", deadlines.ASK_DIRECTION: "move_direction"}
# Intents that say the direction by themselves.
DIRECTION_OF_INTENT = {"move_in": case.MOVE_IN}
# Answers that are the static ones (no deadline of its own in the facts: a move within the city).
STATIC = {"move_within": "utter_address_name_change"}


def _known(tracker: Tracker, slot: str, found: Optional[Dict[str, Any]] = None) -> Any:
    value = (found or {}).get(slot, tracker.get_slot(slot))
    return None if value == case.DONT_KNOW else value


class ValidateMoveForm(ctx.CaseFormValidation):
    """Reads the day of the move and its direction from the answers; asks what is missing."""

    SLOTS = ("move_date", "move_direction")
    ENTRY_INTENTS = ("move_in", "address_name_change", "followup_deadline")

    def name(self) -> Text:
        return "validate_move_form"

    def question(self, tracker: Tracker, found: Dict[str, Any]) -> Optional[str]:
        return ASKED_SLOT.get(deadlines.question(
            _known(tracker, "move_direction", found),
            event_dates.EventDate.from_iso(_known(tracker, "move_date", found)), clock.today()))

    def extract(self, tracker: Tracker, text: str, requested: Optional[str]) -> Dict[str, Any]:
        found: Dict[str, Any] = {}
        direction = DIRECTION_OF_INTENT.get(ctx.latest_intent(tracker))
        if direction and tracker.get_slot("move_direction") is None:
            found["move_direction"] = direction
        if text and requested == "move_date":
            when = event_dates.first(text, clock.today(), case.where_in_time(text, "move"))
            if when is not None:
                found["move_date"] = when.iso()
        return found


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
