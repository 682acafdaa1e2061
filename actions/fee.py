"""Fee by situation: the fee form (asks only what changes the amount) and its answer.

「盗まれて警察に届けた、再発行タダ？」 → free, and what proves it; 「先週なくした、特急で作れる？」
→ 2,000 yen and the last day to apply. Rules in maina.fees, the case in maina.case (slots from
maina_rasa.nlu.case), texts in data/responses/calculator.yml (``utter_fee_<code>``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import case as ctx
from maina import case, clock, event_dates, fees

# What maina.fees.question names → the slot that holds the answer.
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
    """A follow-up (「いくら？」) while another topic than a new card is in play: its static answer."""
    intent = ctx.latest_intent(tracker) or ""
    topic = ctx.topic_in_play(tracker.events)
    return intent.startswith("followup_") and topic is not None and topic not in ctx.FEE_TOPICS


class ValidateFeeForm(ctx.CaseFormValidation):
    """Reads the resident's answers (a day, yes/no, 「わからない」) and asks the next question."""

    SLOTS = ("case_reason", "case_express", "loss_date", "case_proof")
    ENTRY_INTENTS = ("reissue_fee", "express_issue", "followup_cost", "followup_deadline")

    def name(self) -> Text:
        return "validate_fee_form"

    def skip(self, tracker: Tracker) -> bool:
        return deferred(tracker)

    def question(self, tracker: Tracker, found: Dict[str, Any]) -> Optional[str]:
        return ASKED_SLOT.get(fees.question(fee_case(tracker, found), clock.today()))

    def extract(self, tracker: Tracker, text: str, requested: Optional[str]) -> Dict[str, Any]:
        found: Dict[str, Any] = {}
        if ctx.latest_intent(tracker) in EXPRESS_INTENTS and tracker.get_slot("case_express") is None:
            found["case_express"] = "yes"
        if tracker.get_slot("case_reason") is None:
            reason = REASON_OF_TOPIC.get(ctx.topic_in_play(tracker.events))
            if reason:
                found["case_reason"] = reason
        if text and requested == "case_proof" and tracker.get_slot("case_proof") is None:
            said = case.yes_no(text)
            if said is not None:
                found["case_proof"] = "yes" if said else "no"
        if text and requested == "loss_date":
            when = event_dates.first(text, clock.today(), event_dates.PAST)
            if when is not None:
                found["loss_date"] = when.iso()
        return found


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
