"""「役に立った？」 in the Rasa process: offer it on an answer, carry it to the client, store 👍/👎.

When to ask and the topic of an answer: :mod:`maina.feedback` (plain Python).

1. **Offer** — :class:`FeedbackNLG` (endpoints.yml ``nlg``) is the project's NLG plus one
   step: an answer that should ask (:func:`maina.feedback.should_offer`) gets a random
   reference under the key ``feedback``. Rasa keeps unknown keys of a generated response as
   the ``BotUttered`` metadata, so the offer is stored with the answer (and its topic).
2. **Carry** — Rasa hands each channel the answer *with* its metadata but the stock output
   channels drop unknown keys. :class:`FeedbackOutputMixin` puts ``"feedback": {"ref": …}``
   on the last message the channel emits for that answer: REST (:class:`FeedbackCollectingOutputChannel`,
   :class:`FeedbackQueueOutputChannel`), socket.io, LINE. The widget and the kiosk draw 👍/👎
   under that answer; LINE gets two quick reply buttons (:func:`line_turn`).
3. **Store** — :func:`record` appends an ``AgentUttered`` event with
   ``data = {"maina_feedback": {ref, value, topic, utter_action, channel}}`` to the
   conversation, under Rasa's lock for that conversation, only if the answer with that
   reference is in the conversation and has not been rated yet ("stored once"). Rasa applies
   ``AgentUttered`` to nothing (no slot, no prediction, not in stories), so feedback never
   changes what the bot does next, and it lives and is deleted (retention) with its
   conversation. The REST route is :mod:`maina_rasa.channels.feedback`; socket.io clients
   emit ``maina_feedback``; LINE sends a postback.

The Rasa agent is found through the Sanic app that :mod:`maina_rasa.channels.feedback` binds
at start-up (:func:`bind_app`); without that channel in credentials.yml feedback is refused.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import QueueOutputChannel
from rasa.shared.core.events import AgentUttered, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from maina import feedback
from maina_rasa.channels import common
from maina_rasa.nlg import FactsNaturalLanguageGenerator

logger = logging.getLogger(__name__)

STORED, DUPLICATE, UNKNOWN, UNAVAILABLE = "stored", "already_stored", "unknown_answer", "unavailable"

# LINE has no room for a question next to its quick reply buttons: the labels say it all.
_state: Dict[str, Any] = {"app": None}


def bind_app(app: Any) -> None:
    """Remember the Sanic app whose ``ctx.agent`` stores feedback (called at start-up)."""
    _state["app"] = app


def current_agent() -> Optional[Any]:
    app = _state["app"]
    return getattr(getattr(app, "ctx", None), "agent", None) if app is not None else None


# -- 1. offer ------------------------------------------------------------------------------

def _bot_events(tracker: DialogueStateTracker) -> List[BotUttered]:
    return [e for e in tracker.events if isinstance(e, BotUttered)]


def _ratings(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
    out = []
    for event in tracker.events:
        if isinstance(event, AgentUttered) and isinstance(event.data, dict):
            record_ = event.data.get(feedback.EVENT_KEY)
            if isinstance(record_, dict):
                out.append(record_)
    return out


def offer_for(
    response: Dict[str, Any], utter_action: Text, tracker: DialogueStateTracker
) -> Optional[str]:
    """A new reference if this answer should ask 「役に立った？」, else None."""
    topic = feedback.answer_topic({"utter_action": utter_action, "topic": response.get("topic")})
    bots = _bot_events(tracker)
    previous_offer = bool(bots) and feedback.is_ref((bots[-1].metadata or {}).get(feedback.OFFER_KEY))
    rated = [r.get("topic") for r in _ratings(tracker) if r.get("topic")]
    return feedback.new_ref() if feedback.should_offer(topic, previous_offer, rated) else None


class FeedbackNLG(FactsNaturalLanguageGenerator):
    """The project's NLG; answers that should ask 「役に立った？」 carry a reference."""

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response is not None:
            ref = offer_for(response, utter_action, tracker)
            if ref:
                response[feedback.OFFER_KEY] = ref
        return response


# -- 2. carry ------------------------------------------------------------------------------

class FeedbackOutputMixin:
    """Adds ``"feedback": {"ref": …}`` to the last message emitted for an answer with an offer.

    ``_emit_method`` names the method through which the output channel emits one message
    dict (its last argument).
    """

    _emit_method = "_persist_message"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        ref = message.get(feedback.OFFER_KEY)
        if not feedback.is_ref(ref):
            await super().send_response(recipient_id, message)  # type: ignore[misc]
            return
        held: List[tuple] = []

        async def hold(*args: Any) -> None:
            held.append(args)

        emit = getattr(self, self._emit_method)
        setattr(self, self._emit_method, hold)
        try:
            await super().send_response(recipient_id, message)  # type: ignore[misc]
        finally:
            delattr(self, self._emit_method)
        if held:
            *first, last = held[-1]
            held[-1] = (*first, {**last, feedback.OFFER_KEY: {"ref": ref}})
        for args in held:
            await emit(*args)


class FeedbackCollectingOutputChannel(common.SaysOnceMixin, FeedbackOutputMixin, CollectingOutputChannel):
    """The REST channel's collector with the offer on the answer's message."""


class FeedbackQueueOutputChannel(common.SaysOnceMixin, FeedbackOutputMixin, QueueOutputChannel):
    """The streamed REST channel's queue with the offer on the answer's message."""


# -- 3. store ------------------------------------------------------------------------------

async def record(
    agent: Any, sender_id: Text, ref: Any, value: Any, channel: Text
) -> Dict[str, Any]:
    """Stores one rating; ``{"status": stored|already_stored|unknown_answer, "language"}``."""
    value = feedback.normalize_value(value)
    if agent is None or agent.tracker_store is None:
        return {"status": UNAVAILABLE}
    if value is None or not feedback.is_ref(ref):
        return {"status": UNKNOWN}
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return {"status": UNKNOWN}
        language = tracker.get_slot("language") if "language" in tracker.slots else None
        answer = next((e for e in reversed(_bot_events(tracker))
                       if (e.metadata or {}).get(feedback.OFFER_KEY) == ref), None)
        if answer is None:
            return {"status": UNKNOWN, "language": language}
        if any(r.get("ref") == ref for r in _ratings(tracker)):
            return {"status": DUPLICATE, "language": language}
        metadata = answer.metadata or {}
        tracker.update(AgentUttered(data={feedback.EVENT_KEY: {
            "ref": ref, "value": value, "topic": feedback.answer_topic(metadata),
            "utter_action": metadata.get("utter_action"), "channel": channel,
        }}))
        await agent.tracker_store.save(tracker)
    logger.info("feedback.stored value=%s channel=%s", value, channel)
    return {"status": STORED, "language": language}


def socketio_handler(channel: Any) -> Callable[..., Awaitable[Dict[str, Any]]]:
    """The ``maina_feedback`` socket.io event: ``{"ref", "value", "session_id"?}``; the
    acknowledgement is :func:`record`'s status."""

    async def handle(sid: Text, data: Any = None, *_: Any) -> Dict[str, Any]:
        if not isinstance(data, dict):
            return {"status": UNKNOWN}
        sender_id = channel._sender_id(sid, data)
        if sender_id is None:
            return {"status": UNKNOWN}
        result = await record(current_agent(), sender_id, data.get("ref"), data.get("value"),
                              channel.name())
        return {"status": result["status"]}

    return handle


def line_buttons(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """LINE: an offer becomes two more buttons (quick reply postbacks) on its message, in
    the language of that message."""
    out = []
    for message in messages:
        offer = message.get(feedback.OFFER_KEY)
        ref = offer.get("ref") if isinstance(offer, dict) else None
        message = {k: v for k, v in message.items() if k != feedback.OFFER_KEY}
        if feedback.is_ref(ref):
            language = common.pick_language(str(message.get("text") or ""), message)
            message["buttons"] = list(message.get("buttons") or []) + [
                {"title": common.render(f"feedback_{v}", language), "payload": feedback.postback_data(v, ref)}
                for v in feedback.VALUES
            ]
        out.append(message)
    return out


async def line_turn(
    event: Dict[str, Any],
    sender_id: Text,
    run_turn: Callable[[], Awaitable[List[Dict[str, Any]]]],
) -> List[Dict[str, Any]]:
    """The LINE channel's hook around one event: a 👍/👎 postback is stored (reply: thanks,
    once); any other event runs the turn and its offers become quick reply buttons."""
    postback = event.get("postback") if event.get("type") == "postback" else None
    parsed = feedback.parse_postback(postback.get("data") if isinstance(postback, dict) else None)
    if parsed is None:
        return line_buttons(await run_turn())
    value, ref = parsed
    result = await record(current_agent(), sender_id, ref, value, "line")
    if result["status"] != STORED:
        return []
    return [{"text": common.render("feedback_thanks", common.pick_language("", result))}]
