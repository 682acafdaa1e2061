"""Fee by situation: the fee form (asks only what changes the amount) and its answer.

「盗まれて警察に届けた、再発行タダ？」 → free, and what proves it; 「先週なくした、特急で作れる？」
→ 2,000 yen and the last day to apply. Rules in maina.fees, the case in maina.case (slots from
maina_rasa.nlu.case), texts in data/responses/calculator.yml (``utter_fee_<code>``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import case as ctx
from maina import case, clock, event_dates, fees

# The form's slots, in the order they are asked; what maina.fees.question names → its slot.
FEE_SLOTS = ("case_reason", "case_express", "loss_date", "case_proof")
ASKED_SLOT = {fees.ASK_REASON: "case_reason", fees.ASK_EVENT: "loss_date", fees.ASK_PROOF: "case_proof"}
# Intents that ask for express issue or its last day by themselves.
EXPRESS_INTENTS = ("express_issue", "followup_deadline")
# What a topic in play says about the reason (「カードが割れた」 then 「いくら？」).
REASON_OF_TOPIC = {"lost": case.LOST, "damaged": case.DAMAGED}
# Answers that are the static ones: the case adds nothing to them.
STATIC = {"express_general": "utter_express_fee"}


def fee_case(tracker: Tracker, slots: Optional[Dict[str, Any]] = None) -> fees.FeeCase:
    """The case from the slots (``slots`` overrides, for values found in this turn)."""
    def get(name: str) -> Any:
        value = (slots or {}).get(name, tracker.get_slot(name))
        return None if value == case.DONT_KNOW else value

    return fees.FeeCase(
        reason=get("case_reason"),
        certificates=ctx.flag(get("case_certificates"), "with"),
        express=get("case_express") == "yes",
        proof=ctx.flag(get("case_proof")),
        event=event_dates.EventDate.from_iso(get("loss_date")),
    )


def deferred(tracker: Tracker) -> bool:
    """A follow-up (「いくら？」) about another topic than a new card: its static answer."""
    intent = ctx.latest_intent(tracker) or ""
    return intent.startswith("followup_") and ctx.topic_in_play(tracker.events) not in ctx.FEE_TOPICS


class ValidateFeeForm(FormValidationAction):
    """Reads the resident's answers (a day, yes/no, 「わからない」) and asks the next question."""

    def name(self) -> Text:
        return "validate_fee_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """The slots already known (kept) and the one question that changes the amount."""
        if deferred(tracker):
            return []
        asked = ASKED_SLOT.get(fees.question(fee_case(tracker), clock.today()))
        return [s for s in FEE_SLOTS if tracker.get_slot(s) is not None or s == asked]

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        found: Dict[str, Any] = {}
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        requested = tracker.get_slot("requested_slot")
        typed = not text.startswith("/")
        if ctx.latest_intent(tracker) in EXPRESS_INTENTS and tracker.get_slot("case_express") is None:
            found["case_express"] = "yes"
        if tracker.get_slot("case_reason") is None:
            reason = REASON_OF_TOPIC.get(ctx.topic_in_play(tracker.events))
            if reason:
                found["case_reason"] = reason
        if typed and requested == "case_proof" and tracker.get_slot("case_proof") is None:
            said = case.yes_no(text)
            if said is not None:
                found["case_proof"] = "yes" if said else "no"
        if typed and requested == "loss_date":
            when = event_dates.first(text, clock.today(), event_dates.PAST)
            if when is not None:
                found["loss_date"] = when.iso()
        if typed and requested and tracker.get_slot(requested) is None and requested not in found \
                and case.dont_know(text):
            found[requested] = case.DONT_KNOW
        # a period with days on both sides of the 30-day limit: ask for the day itself
        if fees.question(fee_case(tracker, found), clock.today()) == fees.ASK_EVENT \
                and (found.get("loss_date") or tracker.get_slot("loss_date")) not in (None, case.DONT_KNOW):
            found["loss_date"] = None
        tracker.slots.update(found)
        return [SlotSet(slot, value) for slot, value in found.items()]


class ActionFeeAnswer(Action):
    """The amount, why, what proves a free case, and the last day for express issue."""

    def name(self) -> Text:
        return "action_fee_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if deferred(tracker):
            dispatcher.utter_message(response=f"utter_{ctx.latest_intent(tracker)}")
            return []
        lang = ctx.language(tracker)
        answer = fees.answer(fee_case(tracker), clock.today())
        if answer.code in STATIC:
            dispatcher.utter_message(response=STATIC[answer.code])
            return []
        dispatcher.utter_message(response=f"utter_fee_{answer.code}", **ctx.values(
            amount=f"{answer.amount:,}" if answer.amount is not None else None,
            apply_by=ctx.day_text(answer.apply_by, lang) if answer.apply_by else None,
            days_left=str(answer.days_left) if answer.days_left is not None else None,
            lost_from=ctx.day_text(answer.lost_from, lang) if answer.lost_from else None,
        ))
        return []
