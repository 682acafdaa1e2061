"""Response generation: facts placeholders and topic-suggestion buttons, in the Rasa process.

Enabled in endpoints.yml (``nlg: type: maina_rasa.nlg.FactsNaturalLanguageGenerator``).

* ``{group.key}`` placeholders are filled from facts/facts.yml, so a clerk changes a phone
  number or fee in one file: restart, no retraining. Responses stay in the domain, so static
  answers keep working when the action server is down.
* The two "I'm not sure" responses get their buttons from the NLU intent ranking of the
  message being answered (the two best guesses / the most likely topics). Doing this here
  rather than in a custom action saves an action-server round trip and keeps these answers
  available when the action server is down.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from maina import facts, topics

# response name → (number of suggested topics, minimum confidence of a suggestion)
SUGGESTION_RESPONSES = {"utter_ask_rephrase": (2, 0.0), "utter_out_of_scope": (3, 0.02)}


class FactsNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's templated NLG plus facts as template variables (slots and kwargs still win)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        filled_slots = tracker.current_slot_values()
        language = filled_slots.get("language") or "ja"
        variables = facts.template_variables(language)
        variables.update(kwargs)
        response = self.generate_from_slots(
            utter_action, filled_slots, output_channel, **variables
        )
        if response is not None and utter_action in SUGGESTION_RESPONSES:
            count, min_confidence = SUGGESTION_RESPONSES[utter_action]
            ranking = (tracker.latest_message.parse_data or {}).get("intent_ranking") or []
            picked = topics.with_main_topics(
                topics.suggestions(ranking, count, min_confidence), count
            )
            response["buttons"] = [topics.button(name, language) for name in picked]
        return response
