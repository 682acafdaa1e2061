"""LINE Messaging API input channel for マイナちゃん.

Enable it in ``credentials.yml`` by module path (settings may also come from the
environment only; a non-empty environment variable wins over the file)::

    maina_rasa.channels.line.LineInput:
      channel_secret: ${LINE_CHANNEL_SECRET}
      access_token: ${LINE_CHANNEL_ACCESS_TOKEN}
      api_base_url: ${LINE_API_BASE_URL}          # default https://api.line.me
      use_push_fallback: ${LINE_USE_PUSH_FALLBACK} # default false

URLs: ``POST /webhooks/line/webhook`` (set it in the LINE Developers console) and
``GET /webhooks/line/`` (health).

What happens to a webhook call:

1. The body is read up to ``max_body_bytes`` (1 MiB; more → 413).
2. ``X-Line-Signature`` must be base64(HMAC-SHA256(channel secret, raw body)),
   compared in constant time; missing or wrong → 401, nothing is processed.
3. The body must be JSON ``{"destination": str, "events": [object, ...]}``,
   else 400. LINE's "Verify" call (``events: []``) gets 200 at once.
4. LINE gets 200 right away; each event runs in a background task that is kept
   referenced (as Rasa's Slack channel does), events of one chat one after the
   other. An event whose ``webhookEventId`` was already seen (a redelivery) is
   skipped.
5. Text messages and postback data go through
   :func:`maina_rasa.channels.common.prepare_user_message` (My Numbers masked,
   control characters removed, length cut) *before* the ``UserMessage`` is
   built; a ``follow`` event sends ``/greet``; stickers, images etc. in a 1:1
   chat get a short "please type" reply; other events are ignored. Events of a
   channel in ``standby`` mode are not answered.
6. The turn's bot messages are collected and sent in ONE reply call (≤ 5
   messages, long text split, buttons → quick reply buttons on the last
   message; see :mod:`maina_rasa.line_api`). If the reply fails definitely (e.g.
   an expired reply token) and ``use_push_fallback`` is on, they are pushed.

Logs carry event types, counts and HTTP statuses, never the user's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections import OrderedDict
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional, Set, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from maina_rasa import feedback
from maina_rasa.channels import common
from maina_rasa.line_api import (
    API_BASE_URL,
    BuildReport,
    LineApiClient,
    build_line_messages,
    verify_signature,
)

logger = logging.getLogger(__name__)

ENV_CHANNEL_SECRET = "LINE_CHANNEL_SECRET"
ENV_ACCESS_TOKEN = "LINE_CHANNEL_ACCESS_TOKEN"
ENV_API_BASE_URL = "LINE_API_BASE_URL"
ENV_USE_PUSH_FALLBACK = "LINE_USE_PUSH_FALLBACK"

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_API_TIMEOUT = 10.0
DEDUP_CAPACITY = 4096

FOLLOW_PAYLOAD = "/greet"
# Reply to stickers, images, audio, ... in a 1:1 chat.
NON_TEXT_HINT = "ごめんね、スタンプや画像はまだ読めないの。知りたいことを文字で送ってね！"
NON_TEXT_MESSAGE_TYPES = frozenset({"sticker", "image", "video", "audio", "file", "location"})
# Tokens LINE used in old-style webhook verification calls: never reply to them.
DUMMY_REPLY_TOKENS = frozenset({"0" * 32, "f" * 32})


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _setting(credentials: Mapping[str, Any], env: str, key: str) -> Optional[Any]:
    """Environment variable (if non-empty), else the credentials.yml value (if non-empty)."""
    value = os.environ.get(env)
    if value is not None and value.strip():
        return value.strip()
    value = credentials.get(key)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class LineOutput(feedback.FeedbackOutputMixin, CollectingOutputChannel):
    """Collects one turn's bot messages; the input channel sends them in one call.

    Unlike ``CollectingOutputChannel`` a text is kept whole (not split at blank
    lines into separate bubbles), because LINE allows only five messages per
    reply. ``name()`` is "line", so responses may have ``channel: line`` variants.
    """

    @classmethod
    def name(cls) -> Text:
        return "line"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if text and text.strip():
            await self._persist_message(self._message(recipient_id, text=text.strip()))


class _RecentIds:
    """A bounded set of recently seen ids (oldest forgotten first)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._ids: "OrderedDict[str, None]" = OrderedDict()

    def add(self, item: str) -> bool:
        """Adds ``item``; False if it was already there."""
        if item in self._ids:
            self._ids.move_to_end(item)
            return False
        self._ids[item] = None
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)


class _PerKeySerializer:
    """Runs the sections of one key one at a time, in arrival order (FIFO lock)."""

    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._users: Dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class LineInput(InputChannel):
    """Rasa input channel for a LINE official account (Messaging API webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "line"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "LineInput":
        creds: Mapping[str, Any] = credentials or {}
        max_body = creds.get("max_body_bytes")
        timeout = creds.get("api_timeout")
        return cls(
            channel_secret=str(_setting(creds, ENV_CHANNEL_SECRET, "channel_secret") or ""),
            access_token=str(_setting(creds, ENV_ACCESS_TOKEN, "access_token") or ""),
            api_base_url=str(_setting(creds, ENV_API_BASE_URL, "api_base_url") or API_BASE_URL),
            use_push_fallback=_as_bool(
                _setting(creds, ENV_USE_PUSH_FALLBACK, "use_push_fallback")
            ),
            max_body_bytes=int(max_body) if max_body else DEFAULT_MAX_BODY_BYTES,
            api_timeout=float(timeout) if timeout else DEFAULT_API_TIMEOUT,
        )

    def __init__(
        self,
        channel_secret: Text,
        access_token: Text,
        api_base_url: Text = API_BASE_URL,
        use_push_fallback: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        api_timeout: float = DEFAULT_API_TIMEOUT,
        api_client: Optional[LineApiClient] = None,
    ) -> None:
        self.channel_secret = channel_secret or ""
        self.access_token = access_token or ""
        self.api_base_url = (api_base_url or API_BASE_URL).rstrip("/")
        self.use_push_fallback = bool(use_push_fallback)
        self.max_body_bytes = int(max_body_bytes)
        self.client = api_client or LineApiClient(
            self.access_token, self.api_base_url, timeout=api_timeout
        )
        self._background_tasks: Set[asyncio.Task] = set()
        self._seen_event_ids = _RecentIds(DEDUP_CAPACITY)
        self._serializer = _PerKeySerializer()
        if not self.is_configured:
            logger.warning(
                "LINE channel is not configured (%s / %s are empty): "
                "/webhooks/line/webhook answers 503 until they are set.",
                ENV_CHANNEL_SECRET,
                ENV_ACCESS_TOKEN,
            )

    @property
    def is_configured(self) -> bool:
        return bool(self.channel_secret and self.access_token)

    # -- HTTP ------------------------------------------------------------------

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        line_webhook = Blueprint("line_webhook", __name__)

        @line_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json(
                {"status": "ok" if self.is_configured else "not_configured"}
            )

        @line_webhook.route("/webhook", methods=["POST"], stream=True)
        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle_webhook(request, on_new_message)

        return line_webhook

    async def _read_body(self, request: Request) -> Optional[bytes]:
        """The raw body, or None if it is larger than ``max_body_bytes``."""
        stream = getattr(request, "stream", None)
        declared = request.headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > self.max_body_bytes:
            return None
        if stream is None:
            body = request.body or b""
            return body if len(body) <= self.max_body_bytes else None
        chunks: List[bytes] = []
        size = 0
        try:
            async for chunk in stream:
                size += len(chunk)
                if size > self.max_body_bytes:
                    return None
                chunks.append(chunk)
        except PayloadTooLarge:
            return None
        return b"".join(chunks)

    @staticmethod
    def _events_of(payload: Any) -> Optional[List[Dict[str, Any]]]:
        """The event list of a webhook body, or None if the body has the wrong shape."""
        if not isinstance(payload, dict):
            return None
        events = payload.get("events")
        destination = payload.get("destination")
        if not isinstance(events, list):
            return None
        if destination is not None and not isinstance(destination, str):
            return None
        if not all(isinstance(event, dict) for event in events):
            return None
        return events

    async def handle_webhook(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        stream = getattr(request, "stream", None)
        if stream is not None and isinstance(getattr(stream, "request_max_size", None), int):
            # Sanic then stops reading past the limit, also when it drains the
            # body of a request answered early.
            stream.request_max_size = min(stream.request_max_size, self.max_body_bytes)
        if not self.is_configured:
            return response.text("LINE channel not configured", status=503)
        body = await self._read_body(request)
        if body is None:
            return response.text("payload too large", status=413)
        if not verify_signature(
            self.channel_secret, body, request.headers.get("x-line-signature")
        ):
            logger.warning("LINE webhook rejected: missing or invalid X-Line-Signature")
            return response.text("invalid signature", status=401)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return response.text("malformed JSON", status=400)
        events = self._events_of(payload)
        if events is None:
            return response.text("not a LINE webhook body", status=400)
        for event in events:
            self._schedule(event, on_new_message)
        return response.text("OK")

    # -- events ----------------------------------------------------------------

    def _schedule(
        self, event: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        event_id = event.get("webhookEventId")
        if isinstance(event_id, str) and event_id:
            if not self._seen_event_ids.add(event_id):
                context = event.get("deliveryContext")
                logger.info(
                    "LINE event skipped: already processed (redelivery=%s)",
                    isinstance(context, dict) and bool(context.get("isRedelivery")),
                )
                return
        # Keep a reference: the event loop holds tasks only weakly.
        task = asyncio.create_task(self._process_event(event, on_new_message))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    async def wait_idle(self, timeout: Optional[float] = None) -> None:
        """Waits until every scheduled event has been processed (tests, shutdown)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._background_tasks:
            remaining = None if deadline is None else max(0.0, deadline - loop.time())
            if remaining == 0.0:
                raise asyncio.TimeoutError("LINE events still running")
            await asyncio.wait(set(self._background_tasks), timeout=remaining)

    @staticmethod
    def _conversation(source: Any) -> Tuple[Optional[str], Optional[str], str]:
        """(Rasa sender id, push target, source type) of an event source."""
        if not isinstance(source, dict):
            return None, None, "unknown"
        source_type = source.get("type") if isinstance(source.get("type"), str) else "unknown"
        source_type = source_type[:16]
        key = {"group": "groupId", "room": "roomId"}.get(source_type, "userId")
        target = source.get(key)
        if not isinstance(target, str) or not target.strip():
            return None, None, source_type
        target = target.strip()
        return "line:" + target, target, source_type

    @staticmethod
    def _event_input(event: Dict[str, Any], source_type: str) -> Tuple[str, Optional[str]]:
        """(kind, text): kind is "user" (send text to Rasa), "hint" or "ignore"."""
        event_type = event.get("type")
        if event_type == "message":
            message = event.get("message")
            if not isinstance(message, dict):
                return "ignore", None
            if message.get("type") == "text" and isinstance(message.get("text"), str):
                return "user", message["text"]
            if message.get("type") in NON_TEXT_MESSAGE_TYPES and source_type == "user":
                return "hint", None
            return "ignore", None
        if event_type == "postback":
            postback = event.get("postback")
            if isinstance(postback, dict) and isinstance(postback.get("data"), str):
                return "user", postback["data"]
            return "ignore", None
        if event_type == "follow":
            return "user", FOLLOW_PAYLOAD
        return "ignore", None

    async def _process_event(
        self, event: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        event_type = str(event.get("type"))[:32]
        try:
            if event.get("mode") == "standby":
                logger.debug("LINE event ignored: channel in standby mode")
                return
            sender_id, push_to, source_type = self._conversation(event.get("source"))
            kind, raw_text = self._event_input(event, source_type)
            if kind == "ignore" or sender_id is None:
                logger.debug("LINE event ignored: type=%s", event_type)
                return
            reply_token = event.get("replyToken")
            if not isinstance(reply_token, str) or reply_token in DUMMY_REPLY_TOKENS:
                reply_token = None
            async with self._serializer.hold(sender_id):
                if kind == "hint":
                    await self._deliver(reply_token, push_to, [{"text": NON_TEXT_HINT}])
                    return
                # 👍/👎 postbacks are stored, not sent to Rasa; offers become quick replies
                bot_messages = await feedback.line_turn(event, sender_id, lambda: self._run_turn(
                    raw_text or "", sender_id, event_type, source_type, on_new_message
                ))
                await self._deliver(reply_token, push_to, bot_messages)
        except Exception as error:  # never let a task die silently; never log text
            logger.error(
                "LINE event processing failed: type=%s error=%s",
                event_type,
                type(error).__name__,
            )

    async def _run_turn(
        self,
        raw_text: str,
        sender_id: str,
        event_type: str,
        source_type: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> List[Dict[str, Any]]:
        """Runs one Rasa turn; returns the bot messages incl. the channel's own texts."""
        # Mask My Numbers etc. BEFORE the UserMessage exists: Rasa stores and logs it.
        # Postback data and /greet are intent payloads ("/lost_card"): their Latin
        # letters must not switch the channel's own texts to English.
        hint = {"language": common.DEFAULT_LANGUAGE} if event_type in ("postback", "follow") else None
        prepared = common.prepare_user_message(raw_text, hint)
        del raw_text
        messages: List[Dict[str, Any]] = [{"text": notice} for notice in prepared.notices]
        if not prepared.call_rasa:
            return messages
        metadata: Dict[str, Any] = dict(prepared.metadata or {})
        if hint:
            # The hint is for the channel's own texts only. As metadata it would switch the
            # conversation to Japanese (maina_rasa.nlu.language): LINE follows the language
            # the user writes in, and a postback keeps it.
            metadata.pop("language", None)
        metadata["line"] = {"event_type": event_type, "source_type": source_type}
        collector = LineOutput()
        try:
            for part in prepared.parts:  # two questions in one message: one turn each
                await on_new_message(
                    UserMessage(
                        part, collector, sender_id, input_channel=self.name(), metadata=metadata
                    )
                )
        except Exception as error:
            logger.error("LINE turn failed in Rasa: error=%s", type(error).__name__)
        messages.extend(collector.messages)
        messages.extend(
            {"text": text} for text in prepared.after_turn(len(collector.messages))
        )
        return messages

    async def _deliver(
        self,
        reply_token: Optional[str],
        push_to: Optional[str],
        bot_messages: List[Dict[str, Any]],
    ) -> None:
        """One reply call; a push only if that failed for sure and fallback is on."""
        report = BuildReport()
        line_messages = build_line_messages(bot_messages, report=report)
        if report.changed:
            logger.info(
                "LINE messages adjusted: merged=%d dropped_messages=%d "
                "dropped_buttons=%d split_texts=%d skipped=%s",
                report.merged,
                report.dropped_messages,
                report.dropped_buttons,
                report.split_texts,
                ",".join(report.skipped) or "-",
            )
        if not line_messages:
            return
        if reply_token:
            result = await self.client.reply(reply_token, line_messages)
            if result.ok:
                return
            if not self.use_push_fallback:
                return
            if result.ambiguous or result.status in (401, 403, 429):
                # ambiguous: LINE may have delivered; 401/403/429: a push fails too.
                logger.warning(
                    "LINE reply failed (status=%s ambiguous=%s); not pushing",
                    result.status,
                    result.ambiguous,
                )
                return
        elif not self.use_push_fallback:
            logger.info("LINE event without reply token and push fallback off: no answer")
            return
        if push_to:
            result = await self.client.push(push_to, line_messages)
            if result.ok:
                logger.info("LINE answer delivered by push fallback")
