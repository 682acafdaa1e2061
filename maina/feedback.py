"""「役に立った？」 feedback: which answers ask for it, and the values a resident can send.

Plain Python, no Rasa imports. The Rasa side (:mod:`maina_rasa.feedback`) puts an offer on
a bot answer and stores the resident's 👍/👎 in the conversation.

* **The answer's topic** (:func:`answer_topic`) is the ``topic`` key of the bot message's
  metadata, which the NLG sets (maina_rasa/nlg.py, the topics of maina/conversation.yml such
  as ``lost`` or ``konbini``). For a message stored without it, the same table gives the
  topic of the answered response; an answer about the card that no conversation topic lists
  (e.g. ``utter_card_faces``) gets its catalog group (maina/topics.yml, e.g. ``card``).
  Greetings, thanks and other chitchat, the ask-backs and the out-of-scope answer have none.
* **When to ask** (:func:`should_offer`): only after an answer with a topic, never on two
  bot messages in a row, and not again for a topic the resident already rated in this
  conversation. The widget, the kiosk and LINE remove the question as soon as the next
  question is sent, so it never stands in the way.
* **What is sent back**: the answer's reference (a random token, :func:`new_ref`) and
  ``up`` or ``down``; on LINE as postback data ``maina_feedback:<value>:<ref>``.
"""
from __future__ import annotations

import re
import secrets
from typing import Any, Iterable, Mapping, Optional, Tuple

from maina import conversation, topics

VALUES = ("up", "down")
# Key of the offer in a bot message's metadata (and in what the channels send to clients).
OFFER_KEY = "feedback"
# Key of a stored feedback event's data (an AgentUttered event in the tracker store).
EVENT_KEY = "maina_feedback"
POSTBACK_PREFIX = "maina_feedback:"

# Topics of answers that no one rates: greetings, thanks, who-are-you, help, out of scope.
NO_TOPIC_GROUPS = frozenset({"chitchat"})
# Responses whose name is not utter_<intent>, and the catalog intent whose label names them.
RESPONSE_INTENTS = {"utter_lifecycle_result": "ask_my_expiry"}

_REF = re.compile(r"^[0-9a-f]{16,32}$")


def new_ref() -> str:
    """A random reference for one offered answer (nothing personal in it)."""
    return secrets.token_hex(8)


def is_ref(value: Any) -> bool:
    return isinstance(value, str) and bool(_REF.match(value))


def normalize_value(value: Any) -> Optional[str]:
    """"up"/"down" (also 👍/👎, "good"/"bad", True/False); None for anything else."""
    if isinstance(value, bool):
        return "up" if value else "down"
    if not isinstance(value, str):
        return None
    lowered = value.strip().lower()
    if lowered in ("up", "👍", "good", "yes", "helpful"):
        return "up"
    if lowered in ("down", "👎", "bad", "no", "not_helpful"):
        return "down"
    return None


def intent_of_response(utter_action: Any) -> Optional[str]:
    """The catalog intent a response answers (``utter_lost_card`` → ``lost_card``)."""
    if not isinstance(utter_action, str) or not utter_action.startswith("utter_"):
        return None
    intent = RESPONSE_INTENTS.get(utter_action, utter_action[len("utter_"):])
    return intent if intent in topics.catalog() else None


def answer_topic(metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The topic of a bot message from its metadata, or None (chitchat, ask-back, …)."""
    if not isinstance(metadata, Mapping):
        return None
    topic = metadata.get("topic")
    if isinstance(topic, str) and topic.strip():
        topic = topic.strip()
        return None if topic in NO_TOPIC_GROUPS else topic
    utter = metadata.get("utter_action")
    if isinstance(utter, str) and utter in conversation.tables().topic_of_response:
        return conversation.tables().topic_of_response[utter]
    intent = intent_of_response(utter)
    if intent is None or conversation.is_followup(intent):
        return None
    group = topics.catalog()[intent].get("group")
    return None if not group or group in NO_TOPIC_GROUPS else str(group)


def should_offer(
    topic: Optional[str],
    previous_offer: bool,
    rated_topics: Iterable[str] = (),
) -> bool:
    """Ask 「役に立った？」 after this answer?

    ``previous_offer``: the bot message just before this one carried the question;
    ``rated_topics``: topics the resident already rated in this conversation.
    """
    return bool(topic) and not previous_offer and topic not in set(rated_topics)


def postback_data(value: str, ref: str) -> str:
    """LINE postback data for one button (≤ 300 characters)."""
    if value not in VALUES or not is_ref(ref):
        raise ValueError("bad feedback value or reference")
    return f"{POSTBACK_PREFIX}{value}:{ref}"


def parse_postback(data: Any) -> Optional[Tuple[str, str]]:
    """(value, ref) of LINE postback data made by :func:`postback_data`, else None."""
    if not isinstance(data, str) or not data.startswith(POSTBACK_PREFIX):
        return None
    value, _, ref = data[len(POSTBACK_PREFIX):].partition(":")
    if value not in VALUES or not is_ref(ref):
        return None
    return value, ref
