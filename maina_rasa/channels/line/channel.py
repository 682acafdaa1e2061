"""LINE Messaging API input channel for マイナちゃん.

Enable it in ``credentials.yml`` by module path (settings may also come from the
environment only; a non-empty environment variable wins over the file)::

    maina_rasa.channels.line.channel.LineInput:
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
   skipped — across servers: when Rasa's lock store is Redis (the cluster), the ids live
   there (``SET NX`` with a one-day expiry), so a redelivery that lands on the other
   server is skipped too; with the in-memory lock store (one server) they stay in the
   process (:func:`event_ids_for`).
5. Text messages and postback data go through
   :func:`maina_rasa.channels.common.prepare_user_message` (My Numbers masked,
   control characters removed, length cut) *before* the ``UserMessage`` is
   built; a ``follow`` event sends ``/greet``; stickers, images etc. in a 1:1
   chat get a short "please type" reply; other events are ignored. Events of a
   channel in ``standby`` mode are not answered.
6. The turn's bot messages are collected and sent in ONE reply call (≤ 5
   messages, long text split, buttons → quick reply buttons on the last
   message; see :mod:`maina_rasa.channels.line.messages`; the channel's own texts in
   the language the chat last wrote in). If the reply fails definitely (e.g.
   an expired reply token) and ``use_push_fallback`` is on, they are pushed.

Logs carry event types, counts and HTTP statuses, never the user's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
from collections import OrderedDict
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional, Set, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.lock_store import LockStore, RedisLockStore
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from maina_rasa import feedback, startup
from maina_rasa.channels import common
from maina_rasa.channels.line.api import API_BASE_URL, LineApiClient, verify_signature
from maina_rasa.channels.line.messages import BuildReport, build_line_messages

logger = logging.getLogger(__name__)

ENV_CHANNEL_SECRET = "LINE_CHANNEL_SECRET"
ENV_ACCESS_TOKEN = "LINE_CHANNEL_ACCESS_TOKEN"
ENV_API_BASE_URL = "LINE_API_BASE_URL"
ENV_USE_PUSH_FALLBACK = "LINE_USE_PUSH_FALLBACK"

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_API_TIMEOUT = 10.0
DEDUP_CAPACITY = 4096
# How long a webhookEventId is remembered in Redis: LINE redelivers within this time, and a
# reply token is long expired by then. Keys are ~60 bytes each.
DEDUP_TTL_SECONDS = 24 * 60 * 60
DEDUP_KEY_PREFIX = "line_event:"

FOLLOW_PAYLOAD = "/greet"
# Stickers, images, audio, ... in a 1:1 chat get the channel text "line_non_text_hint".
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


class LineOutput(common.SaysOnceMixin, feedback.FeedbackOutputMixin, CollectingOutputChannel):
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


class _Recent:
    """A mapping that keeps only its ``capacity`` most recently used keys."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: "OrderedDict[str, Any]" = OrderedDict()

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._items:
            return default
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: str, value: Any = None) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


class EventIds:
    """Remembers ``webhookEventId``s: :meth:`first_time` is True once per id."""

    async def first_time(self, event_id: str) -> bool:
        raise NotImplementedError


class LocalEventIds(EventIds):
    """The ids of this process: a bounded set (oldest forgotten first)."""

    def __init__(self, capacity: int = DEDUP_CAPACITY) -> None:
        self._ids = _Recent(capacity)

    async def first_time(self, event_id: str) -> bool:
        if event_id in self._ids:
            self._ids.get(event_id)  # recently seen again: forget it last
            return False
        self._ids.put(event_id)
        return True

    def __len__(self) -> int:
        return len(self._ids)


class RedisEventIds(EventIds):
    """The ids shared by every server of the cluster, in the lock store's Redis.

    ``SET key 1 NX EX ttl`` is atomic, so of two servers that get the same event at the
    same moment exactly one sees it first. If Redis cannot be reached the event is
    processed (a possible double answer is better than none; the turn then needs the same
    Redis for its lock anyway).
    """

    def __init__(self, redis_client: Any, key_prefix: str = "",
                 ttl_seconds: int = DEDUP_TTL_SECONDS) -> None:
        self.redis = redis_client
        self.key_prefix = key_prefix + DEDUP_KEY_PREFIX
        self.ttl_seconds = ttl_seconds

    async def first_time(self, event_id: str) -> bool:
        set_once = functools.partial(
            self.redis.set, self.key_prefix + event_id, b"1", nx=True, ex=self.ttl_seconds
        )
        try:
            # redis-py is blocking (as Rasa's RedisLockStore): keep the event loop free
            return bool(await asyncio.get_running_loop().run_in_executor(None, set_once))
        except Exception as error:  # noqa: BLE001 - redis errors and OSError alike
            logger.warning("LINE event id check failed (%s): processing the event",
                           type(error).__name__)
            return True


def event_ids_for(lock_store: Optional[LockStore]) -> Optional[EventIds]:
    """Shared ids in the lock store's Redis if it is one, else None (stay in-process)."""
    if isinstance(lock_store, RedisLockStore):
        return RedisEventIds(lock_store.red, lock_store.key_prefix)
    return None


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


@startup.checked_at_start_up
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
        event_ids: Optional[EventIds] = None,
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
        # None: decided at the first webhook, from the lock store of the agent serving it
        self._event_ids: Optional[EventIds] = event_ids
        self._serializer = _PerKeySerializer()
        self._languages = _Recent(DEDUP_CAPACITY)  # chat → language it last wrote in
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
        if self._event_ids is None:
            agent = getattr(request.app.ctx, "agent", None)
            self._event_ids = event_ids_for(getattr(agent, "lock_store", None)) or LocalEventIds()
        for event in events:
            self._schedule(event, on_new_message)
        return response.text("OK")

    # -- events ----------------------------------------------------------------

    def _schedule(
        self, event: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
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
                # checked in the chat's turn: an await here cannot reorder its events
                if not await self._first_delivery(event):
                    return
                language = self._languages.get(sender_id, common.DEFAULT_LANGUAGE)
                if kind == "hint":
                    hint = common.render("line_non_text_hint", language)
                    await self._deliver(reply_token, push_to, [{"text": hint}], language)
                    return
                turn_language = [language]

                async def run_turn() -> List[Dict[str, Any]]:
                    messages, turn_language[0] = await self._run_turn(
                        raw_text or "", sender_id, event_type, source_type, on_new_message
                    )
                    return messages

                # 👍/👎 postbacks are stored, not sent to Rasa; offers become quick replies
                bot_messages = await feedback.line_turn(event, sender_id, run_turn)
                await self._deliver(reply_token, push_to, bot_messages, turn_language[0])
        except Exception as error:  # never let a task die silently; never log text
            logger.error(
                "LINE event processing failed: type=%s error=%s",
                event_type,
                type(error).__name__,
            )

    async def _first_delivery(self, event: Dict[str, Any]) -> bool:
        """False if this ``webhookEventId`` was already processed (here or on another server)."""
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not event_id:
            return True
        event_ids = self._event_ids or LocalEventIds()
        self._event_ids = event_ids
        if await event_ids.first_time(event_id):
            return True
        context = event.get("deliveryContext")
        logger.info(
            "LINE event skipped: already processed (redelivery=%s)",
            isinstance(context, dict) and bool(context.get("isRedelivery")),
        )
        return False

    async def _run_turn(
        self,
        raw_text: str,
        sender_id: str,
        event_type: str,
        source_type: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> Tuple[List[Dict[str, Any]], str]:
        """Runs one Rasa turn; returns the bot messages incl. the channel's own texts, and
        the language of those texts."""
        # Mask My Numbers etc. BEFORE the UserMessage exists: Rasa stores and logs it.
        # Postback data and /greet are intent payloads ("/lost_card"): their Latin
        # letters must not switch the channel's own texts to English; they keep the
        # language the chat last wrote in.
        hint = None
        if event_type in ("postback", "follow"):
            hint = {"language": self._languages.get(sender_id, common.DEFAULT_LANGUAGE)}
        prepared = common.prepare_user_message(raw_text, hint)
        del raw_text
        if not hint:
            self._languages.put(sender_id, prepared.language)
        messages: List[Dict[str, Any]] = [{"text": notice} for notice in prepared.notices]
        if not prepared.call_rasa:
            return messages, prepared.language
        metadata: Dict[str, Any] = dict(prepared.metadata or {})
        if hint:
            # The hint is for the channel's own texts only. As metadata it would switch the
            # conversation to Japanese (maina_rasa.nlu.language): LINE follows the language
            # the user writes in, and a postback keeps it.
            metadata.pop("language", None)
        metadata["line"] = {"event_type": event_type, "source_type": source_type}
        collector = LineOutput()
        try:
            parts = prepared.parts  # two questions in one message: one turn each
            for index, part in enumerate(parts, 1):
                await on_new_message(
                    UserMessage(
                        part, collector, sender_id, input_channel=self.name(),
                        metadata=common.part_metadata(metadata, index, len(parts)),
                    )
                )
        except Exception as error:
            logger.error("LINE turn failed in Rasa: error=%s", type(error).__name__)
        messages.extend(collector.messages)
        messages.extend(
            {"text": text} for text in prepared.after_turn(len(collector.messages))
        )
        return messages, prepared.language

    async def _deliver(
        self,
        reply_token: Optional[str],
        push_to: Optional[str],
        bot_messages: List[Dict[str, Any]],
        language: str = common.DEFAULT_LANGUAGE,
    ) -> None:
        """One reply call; a push only if that failed for sure and fallback is on."""
        report = BuildReport()
        line_messages = build_line_messages(bot_messages, report=report, language=language)
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
