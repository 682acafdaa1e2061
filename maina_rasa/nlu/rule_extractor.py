"""Base of the rule-based entity extractors: no training, one pure function per extractor.

A subclass names its ``entities_for(text)`` (a plain function, tested on its own); this class
adds the entities to every message that is not a button payload. (maina_rasa.nlu.dates'
JapaneseDateExtractor predates it and has the same shape.)
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


class RuleEntityExtractor(GraphComponent, EntityExtractorMixin):
    entities_for: Callable[[str], List[Dict[str, Any]]]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RuleEntityExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text or text.startswith("/"):
                continue
            extracted = type(self).entities_for(text)
            if extracted:
                message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
