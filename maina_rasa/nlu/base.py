"""The one base of the project's NLU components that learn nothing (issue 13).

:class:`StatelessComponent`: ``create`` builds the component from nothing (no config, no
trained resource). :class:`RuleEntityExtractor`: a subclass names its ``entities_for(text)``
(a plain function, tested on its own); the base adds the entities to every message that is
not a button payload, then calls :meth:`RuleEntityExtractor.after_extracting` (the date
extractor re-reads the intent there).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


class StatelessComponent(GraphComponent):
    """A graph component with no configuration and nothing trained."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StatelessComponent":
        return cls()


class RuleEntityExtractor(StatelessComponent, EntityExtractorMixin):
    entities_for: Callable[[str], List[Dict[str, Any]]]

    def after_extracting(self, message: Message, extracted: List[Dict[str, Any]]) -> None:
        """Hook for a subclass: ``extracted`` was just added to ``message``."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text or text.startswith("/"):
                continue
            extracted = type(self).entities_for(text)
            if extracted:
                message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
                self.after_extracting(message, extracted)
        return messages
