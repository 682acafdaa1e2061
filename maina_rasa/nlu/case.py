"""Entity extractor for what a resident says about their own case (maina.case does the reading).

Entities (values are codes, never the resident's words):

* ``reason``: lost / stolen / damaged / disaster / remarks_full / office_error / expired
* ``certificates``: with / without; ``express``: yes; ``proof``: yes / no
* ``event_date``: ISO day or ``first/last`` period, role ``loss`` or ``move``
* ``move``: in / out / within; ``pin_kind``: signing / user / counter_only; ``pin_tries``:
  the wrong tries counted, when they do not tell which PIN
* ``caller``: hearing / ip_phone / foreign

Slots fill from them in the Rasa process (domain.yml, from_entity), so the dialogue rules can
send a message with a case to the calculator's forms while plain questions keep their static
answers. Rule-based, no training; a separate component so the date extractor stays the
expiry calculator's.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from maina import case, clock
from maina_rasa.nlu.base import RuleEntityExtractor

NAME = "CaseExtractor"
# A message that tells the day of its move is a moving question, whatever the classifier
# made of the date in it (「11/25に東京から越してきた、いつまでに届け出？」 looked like the expiry
# calculator's dates): the intents the moving rules start the deadline form from.
MOVE_INTENTS = {"in": "move_in", "out": "address_name_change", "within": "address_name_change"}
# what the classifier says of such a message instead (dates → the calculator)
REREAD_AS_MOVE = frozenset({"ask_my_expiry", "why_my_expiry", "validity_card", "validity_foreign",
                            "expired", "renewal_procedure"})
SURE = 0.9  # above the FallbackClassifier's threshold: what the message is about was said
# A message that gives the reason for a new card and asks what it costs is a fee question
# (a long polite letter about a fire read as 「耳が聞こえない」 by the classifier): the intents
# that already are one keep their own answer.
FEE_INTENTS = frozenset({"reissue_fee", "express_issue", "followup_cost"})
REISSUE_REASONS = frozenset({case.LOST, case.STOLEN, case.DAMAGED, case.DISASTER})


def _flag(value: Optional[bool], yes: str, no: str) -> Optional[str]:
    return None if value is None else (yes if value else no)


def entities_for(text: str) -> List[Dict[str, Any]]:
    """The case entities of one (normalised) message; pure function, used by tests too."""
    whole = {"start": 0, "end": len(text), "extractor": NAME}
    found: List[Dict[str, Any]] = []
    values = {
        "reason": case.reason(text),
        "certificates": _flag(case.certificates(text), "with", "without"),
        "express": "yes" if case.express(text) else None,
        "proof": _flag(case.proof(text), "yes", "no"),
        "move": case.move_direction(text),
        "pin_kind": case.pin_kind(text),
        "caller": case.caller(text),
    }
    if values["pin_kind"] is None and case.pin_tries(text) is not None:
        values["pin_tries"] = str(case.pin_tries(text))
    for entity, value in values.items():
        if value is not None:
            found.append({"entity": entity, "value": value, **whole})
    for event in case.events(text, clock.today()):
        found.append({"entity": "event_date", "value": event.when.iso(), "role": event.about,
                      "start": event.start, "end": event.end, "extractor": NAME})
    return found


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class CaseExtractor(RuleEntityExtractor):
    """Rule-based: no training, deterministic, tested in tests/unit/test_case_extractor.py."""

    entities_for = staticmethod(entities_for)

    def after_extracting(self, message: Message, extracted: List[Dict[str, Any]]) -> None:
        current = message.get(INTENT) or {}
        intent = move_intent(current, extracted) or fee_intent(current, extracted, message.get(TEXT))
        if intent is not None:
            message.set(INTENT, intent, add_to_output=True)


def fee_intent(intent: Dict[str, Any], extracted: List[Dict[str, Any]], text: Any) -> Optional[Dict[str, Any]]:
    """``reissue_fee`` (``express_issue`` when in a hurry) for a message that says why it needs
    a new card and asks the cost, whatever the classifier thought; None otherwise."""
    name = str(intent.get(INTENT_NAME_KEY) or "")
    said = {e.get("entity"): e.get("value") for e in extracted}
    if said.get("reason") not in REISSUE_REASONS or name in FEE_INTENTS or name.startswith("konbini") \
            or not isinstance(text, str) or not case.asks_cost(text):
        return None
    name = "express_issue" if said.get("express") == "yes" else "reissue_fee"
    confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    return {**intent, INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: max(confidence, SURE)}


def move_intent(intent: Dict[str, Any], extracted: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The moving intent for a message with the day of its move, when the classifier took it
    for the expiry calculator or was unsure; None to keep the classifier's intent."""
    if not any(e.get("entity") == "event_date" and e.get("role") == "move" for e in extracted):
        return None
    direction = next((e.get("value") for e in extracted if e.get("entity") == "move"), None)
    name = intent.get(INTENT_NAME_KEY)
    confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    if name in REREAD_AS_MOVE:
        name = MOVE_INTENTS.get(direction, "move_in")
    elif name not in MOVE_INTENTS.values() or confidence >= SURE:
        return None
    return {**intent, INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: max(confidence, SURE)}
