"""Response generation in the Rasa process: facts, the conversation, topic suggestions.

Enabled in endpoints.yml (``nlg: type: maina_rasa.nlg.FactsNaturalLanguageGenerator``).

* ``{group.key}`` placeholders are filled from facts/facts.yml, so a clerk changes a phone
  number or fee in one file: restart, no retraining. Responses stay in the domain, so static
  answers keep working when the action server is down.
* The conversation (maina.conversation, tables in maina/conversation.yml) picks the response
  actually said: a follow-up such as 「いくら？」 is answered for the topic in play, and the
  resident's situation (cannot phone, in a hurry, bereaved, upset) changes the answer or adds
  an opening line. Every answer records its topic (and the situations found) in its
  BotUttered metadata (keys ``topic``, ``situations``), which is where the next turn reads
  the topic in play, and the staff report reads what residents asked about.
* The two "I'm not sure" responses get their buttons from the NLU intent ranking of the
  message being answered (the two best guesses / the most likely topics). Doing this here
  rather than in a custom action saves an action-server round trip and keeps these answers
  available when the action server is down.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Text, Tuple

from rasa.core.nlg import interpolator
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from maina import conversation, facts, locales, topics

# response name → (number of suggested topics, minimum confidence of a suggestion)
# A guess below its minimum is replaced by a main topic (a vague 「カードのことで相談」 gets the
# main menu, not two random guesses).
SUGGESTION_RESPONSES = {"utter_ask_rephrase": (3, 0.1), "utter_out_of_scope": (3, 0.02)}
# How many of the resident's earlier messages the topic in play can reach back over
# (a 「ありがとう」 or an ask-back in between does not drop it).
TOPIC_MEMORY_TURNS = 3
TOPIC_KEY, SITUATIONS_KEY = "topic", "situations"
# The conversation's language (the slot) on every answer: the web pages follow it (docs/web.md).
LANGUAGE_KEY = "language"
NLU_FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class ConversationState:
    """What earlier answers left in play, and whether this turn has said anything yet."""

    topic: Optional[str] = None
    situations: Tuple[str, ...] = ()
    first_in_turn: bool = True


def conversation_state(tracker: DialogueStateTracker) -> ConversationState:
    """The topic in play: from the latest earlier answer that had one (same session)."""
    first_in_turn, user_turns = True, 0
    for event in reversed(tracker.events):
        if isinstance(event, (Restarted, SessionStarted)):
            break
        if isinstance(event, UserUttered):
            user_turns += 1
            if user_turns > TOPIC_MEMORY_TURNS:
                break
            continue
        if isinstance(event, BotUttered):
            if user_turns == 0:
                first_in_turn = False
                continue
            topic = (event.metadata or {}).get(TOPIC_KEY)
            if topic:
                situations = tuple((event.metadata or {}).get(SITUATIONS_KEY) or ())
                return ConversationState(topic, situations, first_in_turn)
    return ConversationState(first_in_turn=first_in_turn)


def _localized_button(
    button: Dict[Text, Any], locale: "locales.Locale", values: Optional[Dict[Text, Any]] = None,
) -> Dict[Text, Any]:
    """A Japanese response's button in ``locale``: a topic's label by its payload's intent,
    any other title from the locale's ``buttons``; a missing word stays as it was. Rasa has
    already filled a title's facts (署名用（{pin.signing_digits}）), so a locale title with
    placeholders is compared, and given, filled in."""
    payload = str(button.get("payload") or "")
    title = str(button.get("title") or "")
    intent = payload[1:].split("{", 1)[0] if payload.startswith("/") else ""
    translated = locale.topics.get(intent) or locale.buttons.get(title)
    if translated is None and values is not None:
        for japanese, words in locale.buttons.items():
            if "{" in japanese and interpolator.interpolate_text(japanese, values) == title:
                translated = interpolator.interpolate_text(words, values)
                break
    return {**button, "title": translated or title}


def _later_part(latest: Any) -> bool:
    """The second (third) question of a message the channel split: no second opening."""
    metadata = getattr(latest, "metadata", None) or {}
    return isinstance(metadata, dict) and bool(metadata.get("part"))


class FactsNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's templated NLG plus facts as template variables (slots and kwargs still win)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def _spoken_language(self, response: Text, language: Optional[Text]) -> Text:
        """ja and en are spoken, and every language of locales/ that translates the
        response; a recognised-only language where the response has a variation for it (the
        foreign-language hotline answer); English otherwise."""
        if language in (None, "", "ja"):
            return "ja"
        if language == "en":
            return "en"
        locale = locales.get(language)
        if locale is not None and response in locale.responses:
            return language
        for variation in self.responses.get(response, []):
            for condition in variation.get("condition") or []:
                if condition.get("name") == "language" and condition.get("value") == language:
                    return language
        return "en"

    def _render(
        self, name: Text, filled_slots: Dict[Text, Any], output_channel: Text,
        variables: Dict[Text, Any],
    ) -> Optional[Dict[Text, Any]]:
        """Response ``name`` in the slot's language: Rasa's own variation (ja, en), or the
        Japanese response's buttons with the words of the language's locale file."""
        locale = locales.get(filled_slots.get("language"))
        if locale is None or name not in locale.responses:
            return self.generate_from_slots(name, filled_slots, output_channel, **variables)
        base = self.generate_from_slots(
            name, {**filled_slots, "language": "ja"}, output_channel, **variables
        )
        if base is None:
            return None
        values = {**{k: v for k, v in filled_slots.items() if v is not None}, **variables}
        base["text"] = interpolator.interpolate_text(locale.response(name, filled_slots), values)
        if base.get("buttons"):
            base["buttons"] = [_localized_button(button, locale, values) for button in base["buttons"]]
        return base

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        filled_slots = dict(tracker.current_slot_values())
        conversation_language = filled_slots.get("language") or "ja"
        latest = tracker.latest_message
        ranking = (latest.parse_data or {}).get("intent_ranking") or [] if latest else []
        state = conversation_state(tracker)
        choice = conversation.choose(
            utter_action,
            (latest.intent or {}).get("name") if latest else None,
            latest.text if latest else None,
            state.topic,
            state.situations,
            opening_allowed=state.first_in_turn and not _later_part(latest),
            ranking=[(r.get("name"), float(r.get("confidence") or 0.0)) for r in ranking
                     if r.get("name") != NLU_FALLBACK],
        )
        language = self._spoken_language(choice.response, filled_slots.get("language"))
        filled_slots["language"] = language
        variables = facts.template_variables(language)
        variables["spoken_languages"] = locales.spoken_names()
        variables.update(kwargs)

        response = None
        if choice.response != utter_action:
            response = self._render(choice.response, filled_slots, output_channel, variables)
        if response is None:
            response = self._render(utter_action, filled_slots, output_channel, variables)
        if response is None:
            return None

        if choice.opening:
            opening = self._render(choice.opening, filled_slots, output_channel, variables)
            if opening and opening.get("text"):
                response["text"] = f"{opening['text']}\n{response.get('text') or ''}".strip()
        if choice.response in SUGGESTION_RESPONSES:
            count, min_confidence = SUGGESTION_RESPONSES[utter_action]
            picked = topics.with_main_topics(
                topics.suggestions(ranking, count, min_confidence), count
            )
            locale = locales.get(language)
            response["buttons"] = [
                _localized_button(topics.button(name, "ja"), locale) if locale
                else topics.button(name, language) for name in picked
            ]
        response[TOPIC_KEY] = choice.topic
        response[LANGUAGE_KEY] = conversation_language
        if choice.situations:
            response[SITUATIONS_KEY] = list(choice.situations)
        return response
