"""Entity extractor for dates in Japanese and English text (maina.dates does the parsing).

Emits ``date`` entities whose value is what is known of the date — an ISO date (``2019-07-01``),
year and month (``2019-05``), a year (``2019``) or month and day (``--09-03``), see
maina.partial — or ``invalid:<reason>`` for impossible dates (2月30日, 平成32年…), with a role
(birth / issue / application / stay_end / card_expiry / cert_expiry) when a cue word says which
date it is and the group ``on_birthday`` for 「誕生日の平成29年6月15日」; ``age`` entities with
role ``issue`` (「30歳のときに作った」) or ``current`` (「今45歳」). The lifecycle form decides
what to do with them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from maina import clock, dates

NAME = "JapaneseDateExtractor"


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


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class JapaneseDateExtractor(GraphComponent, EntityExtractorMixin):
    """Rule-based: no training, deterministic, tested in tests/unit/test_date_extractor.py."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "JapaneseDateExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text or text.startswith("/"):
                continue
            extracted = entities_for(text)
            if extracted:
                message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
