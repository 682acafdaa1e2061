"""NLU component: the ``language`` entity (ja/en) that keeps the conversation's language.

The domain slot ``language`` is filled ``from_entity`` by Rasa itself (no action server), so
the slot changes only when a message carries the entity and keeps its value otherwise:

* typed text: :func:`maina.language.detect_language` (script and English cue words). Text
  that says nothing about its language (a date, a number, "OK") takes the channel's
  ``metadata["language"]`` if there is one (the widget/kiosk toggle), else no entity;
* a whole message that only asks to switch ("English", 「日本語」: what the switch buttons
  send, or typed) becomes the payload ``/switch_language{"language": …}``, so the intent is
  certain (responses cannot hold the payload's braces: single braces are placeholders);
* the text a button of a Japanese answer sends (「なくした」「今日」, the same under a Vietnamese or
  Korean title) says nothing about the resident's language: only the channel's hint counts;
* a bare button payload (``/lost_card``) with ``metadata["language"]``: Rasa's
  RegexMessageHandler runs last and keeps only the payload's own entities, so the language
  is written into the payload (``/lost_card{"language": "en"}``). A payload that already has
  entities (``/switch_language{"language": "ja"}``) is left alone: the button wins.

Channels that send a language hint only for their own texts must not pass it on as
metadata (LINE does not for postbacks).
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from maina import language, placeholders
from maina_rasa.nlu.base import StatelessComponent

NAME = "LanguageDetector"
ENTITY = "language"
SWITCH_INTENT = "switch_language"
# "/intent" with nothing after it (no entities, no confidence)
_BARE_PAYLOAD = re.compile(r"^/[A-Za-z_][\w\-]*$")


def metadata_language(message: Message) -> Optional[str]:
    metadata = message.get(METADATA)
    if isinstance(metadata, dict):
        return language.normalize_code(metadata.get(ENTITY))
    return None


@functools.lru_cache(maxsize=1)
def button_texts() -> frozenset:
    """The texts buttons send that are not ``/intent`` payloads (「なくした」「市外へ引っ越す」)."""
    return frozenset(
        str(button.get("payload", "")).strip()
        for variations_ in placeholders.variations().values() for variation in variations_
        for button in variation.get("buttons") or []
        if str(button.get("payload", "")).strip() and not str(button.get("payload", "")).startswith("/")
    )


def language_entity(text: str, hint: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The ``language`` entity for typed ``text`` (``hint``: the channel's language), or None."""
    if text.strip() in button_texts():
        value = hint
    else:
        value = language.detect_language(text) or hint
    if value is None:
        return None
    return {"entity": ENTITY, "start": 0, "end": len(text), "value": value, "extractor": NAME}


def switch_payload(text: str) -> Optional[str]:
    """``/switch_language{"language": "en"}`` for "English" (and the other switch phrases)."""
    wanted = language.switch_request(text)
    return f"/{SWITCH_INTENT}{json.dumps({ENTITY: wanted})}" if wanted else None


def payload_with_language(text: str, hint: Optional[str]) -> str:
    """``/lost_card`` + hint "en" → ``/lost_card{"language": "en"}``; anything else unchanged."""
    if hint is None or not _BARE_PAYLOAD.match(text.strip()):
        return text
    return text.strip() + json.dumps({ENTITY: hint})


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(StatelessComponent, EntityExtractorMixin):
    """Rule-based, no training; tested in tests/unit/test_language.py."""


    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            hint = metadata_language(message)
            if text.lstrip().startswith("/"):
                rewritten = payload_with_language(text, hint)
                if rewritten != text:
                    message.set(TEXT, rewritten)
                continue
            switch = switch_payload(text)
            if switch is not None:
                message.set(TEXT, switch)
                continue
            entity = language_entity(text, hint)
            if entity is not None:
                message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages


OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class OtherLanguageRouter(StatelessComponent):
    """A message in a language Maina-chan recognises but does not speak (:data:`maina.language.
    RECOGNISED` without a file in locales/) gets the intent ``other_language``:
    the classifier was trained on Japanese and English, so its guess for such a message is
    noise. The answer gives the foreign-language hotline in the resident's language.
    Runs after the classifier and the FallbackClassifier (config.yml)."""


    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            detected = [
                e.get("value") for e in message.get(ENTITIES, [])
                if e.get("entity") == ENTITY and e.get("extractor") == NAME
            ]
            if detected and not language.is_spoken(detected[-1]):
                message.set(
                    INTENT, {INTENT_NAME_KEY: OTHER_LANGUAGE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
                message.set(
                    INTENT_RANKING_KEY,
                    [{INTENT_NAME_KEY: OTHER_LANGUAGE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}],
                    add_to_output=True,
                )
        return messages
