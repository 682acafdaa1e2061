"""Entity extractor for dates in Japanese and English text (maina.dates does the parsing).

Emits ``date`` entities whose value is what is known of the date — an ISO date (``2019-07-01``),
year and month (``2019-05``), a year (``2019``) or month and day (``--09-03``), see
maina.partial — or ``invalid:<reason>`` for impossible dates (2月30日, 平成32年…), with a role
(birth / issue / application / stay_end / card_expiry / cert_expiry) when a cue word says which
date it is and the group ``on_birthday`` for 「誕生日の平成29年6月15日」; ``age`` entities with
role ``issue`` (「30歳のときに作った」) or ``current`` (「今45歳」). The lifecycle form decides
what to do with them.

A general question about validity or renewal that carries the resident's own dates
(「有効期限は2026年12月まで。もう更新できる？」, "expired 5 months ago, can I renew?") is the
calculator's (``ask_my_expiry``): the FAQ would answer it without the dates the resident gave.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from maina import clock, dates
from maina_rasa.nlu.base import RuleEntityExtractor

NAME = "JapaneseDateExtractor"
CALCULATOR_INTENT = "ask_my_expiry"
# FAQ topics about validity and renewal: with the resident's own dates the calculator answers them.
ANSWERED_WITH_OWN_DATES = frozenset({"validity_card", "validity_certificate", "validity_foreign",
                                      "renewal_procedure", "renewal_notice", "expired"})


def entities_for(text: str) -> List[Dict[str, Any]]:
    """Date and age entities found in ``text`` (pure function, used by tests too)."""
    found: List[Dict[str, Any]] = []
    for mention in dates.extract_dates(text, clock.today()):
        partial = mention.partial
        entity: Dict[str, Any] = {
            "entity": "date",
            "start": mention.start,
            "end": mention.end,
            "value": partial.to_slot() if partial else f"invalid:{mention.error}",
            "extractor": NAME,
        }
        if mention.role:
            entity["role"] = mention.role
        if mention.on_birthday:
            entity["group"] = "on_birthday"
        found.append(entity)
    for role, age in (("issue", dates.extract_age_at_issue(text)), ("current", dates.extract_current_age(text))):
        if age is not None:
            found.append({"entity": "age", "start": 0, "end": len(text), "value": age,
                          "role": role, "extractor": NAME})
    return found


def tells_own_dates(entities: List[Dict[str, Any]]) -> bool:
    """The card's or certificates' own expiry date, or a birth date with an issue date or age."""
    roles = {e.get("role") for e in entities if e.get("entity") in ("date", "age")
             and not str(e.get("value", "")).startswith("invalid:")}
    return bool(roles & {"card_expiry", "cert_expiry"}) or ("birth" in roles and "issue" in roles)


def resolved_intent(intent: Optional[str], entities: List[Dict[str, Any]]) -> Optional[str]:
    """``ask_my_expiry`` for a validity/renewal question that carries the resident's own dates."""
    if intent in ANSWERED_WITH_OWN_DATES and tells_own_dates(entities):
        return CALCULATOR_INTENT
    return intent


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class JapaneseDateExtractor(RuleEntityExtractor):
    """Rule-based: no training, deterministic, tested in tests/unit/test_date_extractor.py."""

    entities_for = staticmethod(entities_for)

    def after_extracting(self, message: Message, extracted: List[Dict[str, Any]]) -> None:
        intent = message.get(INTENT) or {}
        resolved = resolved_intent(intent.get(INTENT_NAME_KEY), extracted)
        if resolved != intent.get(INTENT_NAME_KEY):
            message.set(INTENT, {**intent, INTENT_NAME_KEY: resolved}, add_to_output=True)
