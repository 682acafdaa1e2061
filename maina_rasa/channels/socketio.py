"""Rasa's socket.io channel with My Number masking and input checks.

``GuardedSocketIOInput`` keeps the name ``socketio``, the events and every credential of
Rasa's ``SocketIOInput`` (``user_message_evt``, ``bot_message_evt``, ``namespace``,
``session_persistence``, ``socketio_path``, ``jwt_key``, ``jwt_method``, ``metadata_key``).
Only the handler of the user-message event is replaced; it

* ignores (with a log line, never the text) a payload that is not an object, a ``message``
  that is not a string, or a ``session_id``/sender that is not 1-128 printable characters;
* sanitises the text and masks My Numbers before the ``UserMessage`` is built, keeps only
  allow-listed metadata (``language``), and emits the channel's notices (My Number warning,
  truncation note, empty-message reply) through the normal ``bot_message_evt``;
* emits the apology with the city office's phone number when Rasa sends nothing at all.

credentials.yml (replace the ``socketio:`` key)::

    maina_rasa.channels.socketio.GuardedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from maina_rasa import feedback, startup
from maina_rasa.channels.common import (
    SaysOnceMixin,
    is_valid_sender_id,
    part_metadata,
    prepare_user_message,
)

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class CountingSocketIOOutput(SaysOnceMixin, feedback.FeedbackOutputMixin, SocketIOOutput):
    """``SocketIOOutput`` that counts what it emitted (to detect a silent turn); an answer's
    「役に立った？」 offer goes with it (``"feedback": {"ref": …}``)."""

    _emit_method = "_send_message"

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        self.sent += 1
        await super().send_custom_json(recipient_id, json_message, **kwargs)


@startup.checked_at_start_up
class GuardedSocketIOInput(SocketIOInput):
    """``socketio`` channel that masks My Numbers before Rasa sees the message."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def _sender_id(self, sid: Text, data: Dict[str, Any]) -> Optional[Text]:
        if not self.session_persistence:
            return sid
        session_id = data.get("session_id")
        if not session_id:
            logger.warning(
                "socketio.message.ignored reason=no_session_id "
                "(send a session_request first)"
            )
            return None
        return session_id

    @staticmethod
    def _metadata(raw: Any) -> Any:
        if isinstance(raw, str):
            try:
                return json.loads(raw)
            except (ValueError, RecursionError):
                return None
        return raw

    async def handle_user_message(
        self, on_new_message: OnNewMessage, sio: AsyncServer, sid: Text, data: Any
    ) -> None:
        """The replacement for Rasa's ``user_uttered`` handler."""
        if not isinstance(data, dict):
            logger.warning("socketio.message.ignored reason=payload_not_object")
            return
        sender_id = self._sender_id(sid, data)
        if sender_id is None:
            return
        if not is_valid_sender_id(sender_id):
            logger.warning("socketio.message.ignored reason=invalid_sender")
            return
        message = data.get("message")
        if message is None:
            message = ""
        if not isinstance(message, str):
            logger.warning("socketio.message.ignored reason=message_not_string")
            return

        prepared = prepare_user_message(message, self._metadata(data.get(self.metadata_key)))
        output = CountingSocketIOOutput(sio, self.bot_message_evt)
        for text in prepared.notices:
            await output.send_text_message(sender_id, text)
        if not prepared.call_rasa:
            return

        before = output.sent
        try:
            parts = prepared.parts  # two questions in one message: one turn each
            for index, part in enumerate(parts, 1):
                await on_new_message(
                    UserMessage(
                        part,
                        output,
                        sender_id,
                        input_channel=self.name(),
                        metadata=part_metadata(prepared.metadata, index, len(parts)),
                    )
                )
        except Exception:  # noqa: BLE001 - the user gets the apology instead
            logger.exception("socketio.message.failure")
        for text in prepared.after_turn(output.sent - before):
            await output.send_text_message(sender_id, text)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Rasa's blueprint, with the user-message handler replaced by the guarded one."""
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        # A client may emit the event with no argument or with several: python-socketio
        # then calls the handler with (sid) or (sid, a, b); both must not raise.
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            await self.handle_user_message(on_new_message, sio, sid, data)

        # python-socketio keeps one handler per (namespace, event): this replaces Rasa's.
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        # 👍/👎 for an answer: emit("maina_feedback", {"ref", "value", "session_id"?}) → ack
        sio.on("maina_feedback", handler=feedback.socketio_handler(self), namespace=self.namespace)
        return socketio_webhook
