"""Rasa's REST channel with input validation and My Number masking.

``GuardedRestInput`` keeps Rasa's name ``rest`` and its wire format, so the web chat and
``curl`` keep working unchanged:

* ``GET  /webhooks/rest/``        → ``{"status": "ok"}`` (health)
* ``POST /webhooks/rest/webhook`` with ``{"sender": str, "message": str, "metadata"?: obj,
  "input_channel"?: str}`` → ``[{"recipient_id": …, "text": …, "buttons"?: …}, …]``
* ``POST /webhooks/rest/webhook?stream=true`` still works: one JSON message per line
  (``text/event-stream``, as in Rasa), with the same notices and apology as the plain call.
* Extra keys on a bot message, which clients of Rasa's format may ignore: ``"ask"`` on a
  message that asks for a date (``{"input": "date", "kind": "birth"}``), ``"language"``,
  the conversation's language (the ``language`` slot: ``ja``, ``en``, ``zh`` …) on every message
  of an answer, which the web pages follow (docs/web.md); ``"feedback"`` (maina_rasa/feedback.py).

Differences from Rasa's ``RestInput``:

* the text is sanitised and My Numbers are masked *before* the ``UserMessage`` is built
  (Rasa stores the text twice plus the metadata and logs it); metadata keeps only the
  allow-list of :mod:`maina_rasa.channels.common` (``language``);
* a bad request gets a 400 with a small JSON body instead of a 500 or a silent "default"
  sender: malformed JSON, non-object body, ``sender`` missing/not a string/longer than
  128 characters/not printable, ``message`` missing or not a string, ``metadata`` not an
  object; bodies over 64 KiB (``Content-Length`` or actual length) get a 413;
* an empty message is answered by the channel without calling Rasa; a masked My Number adds
  a warning before the answer, a cut message a note; when Rasa answers nothing at all (the
  action server is down, an action failed, the turn raised or timed out) an apology with the
  city office's phone number is added;
* the text is never logged by this channel.

credentials.yml (replace the ``rest:`` key; both would claim ``/webhooks/rest``)::

    maina_rasa.channels.rest.GuardedRestInput:
      max_body_bytes: 65536       # optional
      max_message_chars: 1000     # optional, else $MAINA_MAX_MESSAGE_CHARS or 1000
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from maina_rasa import startup
from maina_rasa.channels.common import (
    MAX_SENDER_ID_LENGTH,
    PreparedMessage,
    is_valid_input_channel_name,
    is_valid_sender_id,
    part_metadata,
    prepare_user_message,
)
from maina_rasa.feedback import FeedbackCollectingOutputChannel, FeedbackQueueOutputChannel
from maina_rasa.nlg import LANGUAGE_KEY

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class LanguageOutputMixin:
    """Puts the conversation's language, which the NLG records on every answer (``"language"``),
    on each message the channel emits for that answer, and, on the message that asks for a
    date, what it asks (``"ask": {"input": "date", "kind": "birth"}``, declared in the response's
    ``metadata``: the kiosk opens its date picker in any language). Rasa's output channels drop
    unknown keys, hence the mixin."""

    _answer_language: Optional[str] = None
    _answer_ask: Optional[Dict[Text, Text]] = None

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        language = message.get(LANGUAGE_KEY)
        self._answer_language = language if isinstance(language, str) else None
        self._answer_ask = _asked_input(message.get("metadata"))
        try:
            await super().send_response(recipient_id, message)  # type: ignore[misc]
        finally:
            self._answer_language = None
            self._answer_ask = None

    async def _persist_message(self, message: Dict[Text, Any]) -> None:
        if self._answer_language and LANGUAGE_KEY not in message:
            message = {**message, LANGUAGE_KEY: self._answer_language}
        if self._answer_ask:
            message = {**message, ASK_KEY: self._answer_ask}
        await super()._persist_message(message)  # type: ignore[misc]


ASK_KEY = "ask"


def _asked_input(metadata: Any) -> Optional[Dict[Text, Text]]:
    """``{"input": "date", "kind": "birth"}`` from a response's ``metadata: {input: date,
    date_kind: birth}``; None for any other answer."""
    if isinstance(metadata, dict) and metadata.get("input") == "date":
        return {"input": "date", "kind": str(metadata.get("date_kind") or "")}
    return None


class RestCollectingOutputChannel(LanguageOutputMixin, FeedbackCollectingOutputChannel):
    """The answers of one REST turn, each message with its language and feedback offer."""


class RestQueueOutputChannel(LanguageOutputMixin, FeedbackQueueOutputChannel):
    """The streamed REST turn's queue, each message with its language and feedback offer."""


class BadRequest(Exception):
    """A request this channel refuses; becomes a small JSON error response."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message

    def to_response(self) -> HTTPResponse:
        return response.json(
            {"status": "failure", "code": self.status, "reason": self.reason,
             "message": self.message},
            status=self.status,
        )


class _ValidRequest:
    """The fields of a request that passed validation."""

    def __init__(
        self,
        sender_id: str,
        message: str,
        metadata: Optional[Dict[str, Any]],
        input_channel: Optional[str],
    ) -> None:
        self.sender_id = sender_id
        self.message = message
        self.metadata = metadata
        self.input_channel = input_channel


@startup.checked_at_start_up
class GuardedRestInput(RestInput):
    """``rest`` channel that validates requests and masks My Numbers before Rasa."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            max_body_bytes=int(credentials.get("max_body_bytes") or MAX_BODY_BYTES),
            max_message_chars=credentials.get("max_message_chars"),
        )

    def __init__(
        self, max_body_bytes: int = MAX_BODY_BYTES, max_message_chars: Optional[int] = None
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self.max_message_chars = int(max_message_chars) if max_message_chars else None

    # --- request parsing ----------------------------------------------------------------

    def _check_size(self, request: Request) -> None:
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                declared_bytes = int(declared)
            except ValueError:
                raise BadRequest(400, "InvalidContentLength", "Bad Content-Length header.")
            if declared_bytes > self.max_body_bytes:
                raise BadRequest(413, "PayloadTooLarge", self._too_large())
        if len(request.body or b"") > self.max_body_bytes:
            raise BadRequest(413, "PayloadTooLarge", self._too_large())

    def _too_large(self) -> str:
        return f"Request body is larger than {self.max_body_bytes} bytes."

    def _parse(self, request: Request) -> _ValidRequest:
        self._check_size(request)
        try:
            payload = json.loads(request.body or b"")
        except (ValueError, RecursionError):
            raise BadRequest(400, "InvalidJSON", "Body must be a JSON object.")
        if not isinstance(payload, dict):
            raise BadRequest(400, "InvalidJSON", "Body must be a JSON object.")

        sender_id = payload.get("sender")
        if not isinstance(sender_id, str):
            raise BadRequest(400, "InvalidSender", "'sender' must be a string.")
        if not is_valid_sender_id(sender_id):
            raise BadRequest(
                400,
                "InvalidSender",
                f"'sender' must be 1-{MAX_SENDER_ID_LENGTH} printable characters.",
            )

        message = payload.get("message")
        if not isinstance(message, str):
            raise BadRequest(400, "InvalidMessage", "'message' must be a string.")

        metadata = payload.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise BadRequest(400, "InvalidMetadata", "'metadata' must be an object.")

        input_channel = payload.get("input_channel")
        if not is_valid_input_channel_name(input_channel):
            input_channel = None
        return _ValidRequest(sender_id, message, metadata, input_channel)

    # Rasa's hooks, kept safe for anyone who calls them on this class.
    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return self._parse(req).sender_id

    def _extract_message(self, req: Request) -> Optional[Text]:
        return self._prepare(self._parse(req)).text

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return self._prepare(self._parse(request)).metadata

    def _prepare(self, valid: _ValidRequest) -> PreparedMessage:
        return prepare_user_message(
            valid.message, valid.metadata, max_chars=self.max_message_chars
        )

    # --- turn handling ------------------------------------------------------------------

    @staticmethod
    def _bot_message(recipient_id: str, text: str) -> Dict[str, Any]:
        return CollectingOutputChannel._message(recipient_id, text=text)

    def _user_message(
        self, text: str, metadata: Optional[Dict[str, Any]], valid: _ValidRequest, output: Any
    ) -> UserMessage:
        return UserMessage(
            text,
            output,
            valid.sender_id,
            input_channel=valid.input_channel or self.name(),
            metadata=metadata,
        )

    async def _run_turn(
        self,
        on_new_message: OnNewMessage,
        prepared: PreparedMessage,
        valid: _ValidRequest,
        output: CollectingOutputChannel,
    ) -> None:
        """Hand the masked message to Rasa, one turn per question in it; failures are logged
        (without text), not raised."""
        try:
            parts = prepared.parts
            for index, part in enumerate(parts, 1):
                await on_new_message(
                    self._user_message(part, part_metadata(prepared.metadata, index, len(parts)),
                                       valid, output)
                )
        except asyncio.CancelledError:
            # Sanic cancels the handler (request timeout, client gone, shutdown): log it and
            # let the cancellation go on — swallowing it would keep a cancelled task running.
            logger.error("rest.message.received.timeout sender_len=%d", len(valid.sender_id))
            raise
        except Exception:  # noqa: BLE001 - the user gets the apology instead of a 500
            logger.exception("rest.message.received.failure")

    async def handle(
        self, on_new_message: OnNewMessage, valid: _ValidRequest
    ) -> List[Dict[str, Any]]:
        """One non-streamed turn: notices, Rasa's messages, apology if Rasa said nothing."""
        prepared = self._prepare(valid)
        messages = [self._bot_message(valid.sender_id, t) for t in prepared.notices]
        if prepared.call_rasa:
            collector = RestCollectingOutputChannel()  # answers keep their language and 「役に立った？」
            await self._run_turn(on_new_message, prepared, valid, collector)
            messages.extend(collector.messages)
            for text in prepared.after_turn(len(collector.messages)):
                messages.append(self._bot_message(valid.sender_id, text))
        return messages

    def _streamed(
        self, on_new_message: OnNewMessage, valid: _ValidRequest
    ) -> Callable[[Any], Awaitable[None]]:
        prepared = self._prepare(valid)
        done = object()

        async def stream(resp: Any) -> None:
            for text in prepared.notices:
                await resp.write(json.dumps(self._bot_message(valid.sender_id, text)) + "\n")
            if not prepared.call_rasa:
                return
            queue: asyncio.Queue = asyncio.Queue()

            async def turn() -> None:
                try:
                    await self._run_turn(
                        on_new_message, prepared, valid, RestQueueOutputChannel(queue)
                    )
                finally:
                    await queue.put(done)

            task = asyncio.ensure_future(turn())
            sent = 0
            try:
                while True:
                    item = await queue.get()
                    if item is done:
                        break
                    sent += 1
                    await resp.write(json.dumps(item) + "\n")
            finally:
                await task
            for text in prepared.after_turn(sent):
                await resp.write(json.dumps(self._bot_message(valid.sender_id, text)) + "\n")

        return stream

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """``GET /`` health and ``POST /webhook``, mounted under ``/webhooks/rest``."""
        module = inspect.getmodule(self)
        webhook = Blueprint(
            f"custom_webhook_{type(self).__name__}", module.__name__ if module else None
        )

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            try:
                valid = self._parse(request)
            except BadRequest as error:
                logger.info("rest.request.rejected reason=%s", error.reason)
                return error.to_response()

            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self._streamed(on_new_message, valid), content_type="text/event-stream"
                )
            return response.json(await self.handle(on_new_message, valid))

        return webhook


__all__: Tuple[str, ...] = ("GuardedRestInput", "MAX_BODY_BYTES", "BadRequest")
