"""LINE Messaging API helpers with no Rasa imports.

* ``compute_signature`` / ``verify_signature``: the ``X-Line-Signature`` check
  (base64 of HMAC-SHA256 over the raw body, keyed with the channel secret).
* ``split_text`` / ``build_line_messages``: turn the bot messages of one Rasa
  turn (the dicts a ``CollectingOutputChannel`` gathers) into at most five LINE
  message objects within LINE's limits, with the turn's buttons as quick reply
  buttons on the last message.
* ``LineApiClient``: a small aiohttp client for reply, push and the rich menu
  calls, with a timeout and bounded retries.

Limits (LINE Messaging API reference; the ones marked *spec* are also in
LINE's OpenAPI file messaging-api.yml):

==============================  =====  =============================================
messages per reply/push call        5  *spec* ReplyMessageRequest.messages.maxItems
text message length              5000  "Max character limit: 5000"
quick reply buttons                13  *spec* QuickReply.items.maxItems
action label                       20  "Max character limit: 20"
postback displayText              300  required for quick reply buttons
postback data                     300  *spec* PostbackAction.data.maxLength
URI action uri                   1000
==============================  =====  =============================================

LINE counts characters as UTF-16 code units (an emoji outside the BMP counts
2), so lengths here are measured that way, which is never less than Python's
``len``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type

import aiohttp
from aiohttp_retry import ExponentialRetry, RetryClient

logger = logging.getLogger(__name__)

API_BASE_URL = "https://api.line.me"
DATA_API_BASE_URL = "https://api-data.line.me"

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_POSTBACK_DATA = 300
MAX_URI = 1000

ELLIPSIS = "…"
# Appended when a turn still needs more than five messages after merging.
OVERFLOW_NOTE = "（長くなったので、ここまでにするね。続きは聞き直してね）"
# Text for a bubble that only exists to carry quick reply buttons.
BUTTONS_ONLY_TEXT = "下のボタンからえらんでね。"


# --------------------------------------------------------------------------
# Signature


def compute_signature(channel_secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(channel_secret, body)), as LINE sends it."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(channel_secret: str, body: bytes, signature: Optional[str]) -> bool:
    """Constant-time check of an ``X-Line-Signature`` header value."""
    if not channel_secret or not signature:
        return False
    expected = compute_signature(channel_secret, body).encode("ascii")
    try:
        given = signature.strip().encode("ascii")
    except (UnicodeEncodeError, AttributeError):
        return False
    return hmac.compare_digest(expected, given)


# --------------------------------------------------------------------------
# Lengths and text splitting


def _width(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the way LINE counts characters."""
    return sum(_width(c) for c in text)


def cut_utf16(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that is at most ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += _width(char)
        if used > limit:
            return text[:index]
    return text


def shorten(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """``text`` if it fits in ``limit`` units, else a prefix ending in ``marker``."""
    if utf16_len(text) <= limit:
        return text
    return cut_utf16(text, max(0, limit - utf16_len(marker))).rstrip() + marker


_SOFT_BREAKS = ("。", "！", "？", "!", "?", "、", " ", "　")


def _hard_split(line: str, limit: int) -> List[str]:
    """Splits one over-long line, preferring a sentence end in the second half."""
    pieces = []
    while utf16_len(line) > limit:
        head = cut_utf16(line, limit)
        best = max(head.rfind(mark) for mark in _SOFT_BREAKS)
        if best >= len(head) // 2:
            head = head[: best + 1]
        pieces.append(head)
        line = line[len(head):]
    if line:
        pieces.append(line)
    return pieces


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Splits ``text`` into parts of at most ``limit`` units, at line boundaries.

    Lines are kept whole where possible; a single line longer than the limit is
    cut (at a sentence end when there is one in the second half). Empty or
    whitespace-only parts are dropped; nothing else is lost.
    """
    if not text or not text.strip():
        return []
    if utf16_len(text) <= limit:
        return [text]
    parts: List[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        for piece in _hard_split(line, limit):
            if current and utf16_len(current) + utf16_len(piece) > limit:
                parts.append(current)
                current = ""
            current += piece
    if current:
        parts.append(current)
    cleaned = [part.strip("\r\n") for part in parts]
    return [part for part in cleaned if part.strip()]


# --------------------------------------------------------------------------
# Rasa bot messages → LINE message objects


def text_message(text: str) -> Dict[str, Any]:
    return {"type": "text", "text": text}


def _is_plain_text(message: Mapping[str, Any]) -> bool:
    return message.get("type") == "text" and set(message) <= {"type", "text"}


def _button_title(button: Mapping[str, Any], fallback: str) -> str:
    title = button.get("title")
    title = str(title).strip() if title is not None else ""
    return title or fallback


def button_to_action(button: Mapping[str, Any]) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """Maps one Rasa button to (LINE action, None) or (None, text line) or (None, None).

    * ``/intent`` payloads (and any other text) → postback action, data = the
      payload, displayText = the title (what the user appears to say);
    * ``http(s)://`` payloads or a ``url`` key → URI action;
    * ``tel:`` payloads → not a button: a text line ``title: number``, which LINE
      turns into a tappable phone number itself.
    Buttons that cannot be represented (empty payload, data over 300) → (None, None).
    """
    payload = button.get("payload")
    payload = str(payload).strip() if payload is not None else ""
    url = str(button.get("url") or "").strip()
    if payload.lower().startswith("tel:") or url.lower().startswith("tel:"):
        number = (payload or url)[4:].strip()
        title = _button_title(button, number)
        return None, (f"{title}: {number}" if title != number else number)
    target = url or payload
    if target.lower().startswith(("https://", "http://")):
        if utf16_len(target) > MAX_URI:
            return None, None
        label = shorten(_button_title(button, target), MAX_LABEL)
        return {"type": "uri", "label": label, "uri": target}, None
    if not payload or utf16_len(payload) > MAX_POSTBACK_DATA:
        return None, None
    title = _button_title(button, payload.lstrip("/").strip() or payload)
    return (
        {
            "type": "postback",
            "label": shorten(title, MAX_LABEL),
            "data": payload,
            "displayText": shorten(title, MAX_DISPLAY_TEXT),
        },
        None,
    )


def _custom_line_messages(custom: Any) -> List[Dict[str, Any]]:
    """LINE message objects given as ``custom: {line: {...} or [...]}`` in a response."""
    if not isinstance(custom, Mapping):
        return []
    line = custom.get("line")
    items = line if isinstance(line, list) else [line]
    return [dict(item) for item in items if isinstance(item, Mapping) and item.get("type")]


@dataclass
class BuildReport:
    """What ``build_line_messages`` had to change to fit LINE's limits (counts only)."""

    merged: int = 0
    dropped_messages: int = 0
    dropped_buttons: int = 0
    split_texts: int = 0
    skipped: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.merged or self.dropped_messages or self.dropped_buttons
            or self.split_texts or self.skipped
        )


def build_line_messages(
    bot_messages: Iterable[Mapping[str, Any]],
    max_messages: int = MAX_MESSAGES,
    report: Optional[BuildReport] = None,
) -> List[Dict[str, Any]]:
    """Converts one turn's bot messages (Rasa dicts) into ≤ ``max_messages`` LINE messages.

    Recognised keys: ``text``, ``buttons``/``quick_replies``, ``image``
    (an https URL becomes an image message), ``attachment`` (as text) and
    ``custom: {line: ...}`` (LINE message objects passed through). Other custom
    payloads are skipped rather than shown to the user as JSON.
    """
    report = report if report is not None else BuildReport()
    bubbles: List[Dict[str, Any]] = []
    actions: List[Dict[str, Any]] = []
    seen_actions = set()

    for message in bot_messages:
        text = message.get("text")
        text = str(text) if text is not None else ""
        extra_lines: List[str] = []
        for button in list(message.get("buttons") or []) + list(message.get("quick_replies") or []):
            if not isinstance(button, Mapping):
                continue
            action, line = button_to_action(button)
            if line:
                extra_lines.append(line)
            if action is None:
                if not line:
                    report.skipped.append("button")
                continue
            key = (action["type"], action.get("data") or action.get("uri"))
            if key not in seen_actions:
                seen_actions.add(key)
                actions.append(action)
        if extra_lines:
            text = "\n".join([text.rstrip()] + extra_lines) if text.strip() else "\n".join(extra_lines)
        parts = split_text(text)
        if len(parts) > 1:
            report.split_texts += 1
        bubbles.extend(text_message(part) for part in parts)

        image = message.get("image")
        if image:
            image = str(image)
            if image.startswith("https://") and utf16_len(image) <= 2000:
                bubbles.append(
                    {"type": "image", "originalContentUrl": image, "previewImageUrl": image}
                )
            else:
                bubbles.append(text_message(shorten(image, MAX_TEXT)))
        attachment = message.get("attachment")
        if isinstance(attachment, str) and attachment.strip():
            bubbles.extend(text_message(part) for part in split_text(attachment))
        if "custom" in message:
            passed = _custom_line_messages(message.get("custom"))
            if not passed:
                report.skipped.append("custom")
            bubbles.extend(passed)

    bubbles = fit_messages(bubbles, max_messages, report)

    if len(actions) > MAX_QUICK_REPLY_ITEMS:
        report.dropped_buttons += len(actions) - MAX_QUICK_REPLY_ITEMS
        actions = actions[:MAX_QUICK_REPLY_ITEMS]
    if actions:
        if not bubbles:
            bubbles.append(text_message(BUTTONS_ONLY_TEXT))
        bubbles[-1] = dict(bubbles[-1])
        bubbles[-1]["quickReply"] = {
            "items": [{"type": "action", "action": action} for action in actions]
        }
    return bubbles


def fit_messages(
    messages: List[Dict[str, Any]],
    max_messages: int = MAX_MESSAGES,
    report: Optional[BuildReport] = None,
) -> List[Dict[str, Any]]:
    """Reduces a list of LINE messages to at most ``max_messages``.

    First merges neighbouring plain text messages (joined by a blank line,
    smallest pair first, never above the text limit); if that is not enough,
    keeps the first messages and ends the last kept one with ``OVERFLOW_NOTE``.
    """
    report = report if report is not None else BuildReport()
    messages = [dict(m) for m in messages]
    while len(messages) > max_messages:
        best: Optional[Tuple[int, int]] = None
        for index in range(len(messages) - 1):
            first, second = messages[index], messages[index + 1]
            if not (_is_plain_text(first) and _is_plain_text(second)):
                continue
            size = utf16_len(first["text"]) + 2 + utf16_len(second["text"])
            if size <= MAX_TEXT and (best is None or size < best[1]):
                best = (index, size)
        if best is None:
            break
        index = best[0]
        merged = messages[index]["text"] + "\n\n" + messages[index + 1]["text"]
        messages[index : index + 2] = [text_message(merged)]
        report.merged += 1

    if len(messages) > max_messages:
        report.dropped_messages += len(messages) - max_messages
        messages = messages[:max_messages]
        last = messages[-1]
        if _is_plain_text(last):
            room = MAX_TEXT - utf16_len(OVERFLOW_NOTE) - 1
            messages[-1] = text_message(shorten(last["text"], room) + "\n" + OVERFLOW_NOTE)
        else:
            report.dropped_messages += 1
            messages[-1] = text_message(OVERFLOW_NOTE)
    return messages


# --------------------------------------------------------------------------
# HTTP client


@dataclass
class ApiResult:
    """Outcome of one API call (after retries). Holds no message content."""

    ok: bool
    status: int = 0  # 0: no HTTP response (network error or timeout)
    data: Any = None
    error: str = ""
    request_id: str = ""
    # True when the request may have reached LINE although no answer came back
    # (a timeout): resending through another call could deliver twice.
    ambiguous: bool = False
    attempts: int = 0


def default_data_api_base(api_base_url: str) -> str:
    """LINE serves image uploads from api-data.line.me; other bases serve both."""
    if api_base_url.rstrip("/") == API_BASE_URL:
        return DATA_API_BASE_URL
    return api_base_url.rstrip("/")


class _Backoff(ExponentialRetry):
    """Waits ``backoff``, 2×, 4× … between attempts, or a server's ``Retry-After`` (≤ 10 s);
    counts the retries it allowed."""

    def __init__(self, attempts: int, backoff: float, statuses: Sequence[int],
                 exceptions: Tuple[Type[Exception], ...]) -> None:
        super().__init__(attempts=attempts, start_timeout=backoff, factor=2.0,
                         statuses=set(statuses), exceptions=set(exceptions),
                         retry_all_server_errors=False)
        self.retries = 0

    def get_timeout(self, attempt: int, response: Optional[aiohttp.ClientResponse] = None) -> float:
        self.retries += 1
        if response is not None:
            retry_after = response.headers.get("Retry-After", "")
            response.release()  # aiohttp-retry drops it: give the connection back
            if retry_after.isdigit():
                return min(float(retry_after), 10.0)
        return self._start_timeout * self._factor ** (attempt - 1)


class LineApiClient:
    """Minimal async client for the Messaging API calls this project uses.

    A session may be passed in (and is then owned by the caller); otherwise a
    short-lived session is opened per call, which keeps the client free of
    event-loop state.
    """

    RETRY_STATUSES = (500, 502, 503, 504)

    def __init__(
        self,
        access_token: str,
        api_base_url: str = API_BASE_URL,
        data_api_base_url: Optional[str] = None,
        timeout: float = 10.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        session: Optional[aiohttp.ClientSession] = None,
    ) -> None:
        self.access_token = access_token
        self.api_base_url = (api_base_url or API_BASE_URL).rstrip("/")
        self.data_api_base_url = (
            data_api_base_url or default_data_api_base(self.api_base_url)
        ).rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff = backoff
        self._session = session

    # -- plumbing ----------------------------------------------------------

    def _headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        headers = {"Authorization": f"Bearer {self.access_token}"}
        headers.update(extra or {})
        return headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        base_url: Optional[str] = None,
        retry_statuses: Sequence[int] = RETRY_STATUSES,
        retry_timeouts: bool = False,
        ok_statuses: Sequence[int] = (200,),
    ) -> ApiResult:
        """One API call with up to ``max_retries`` retries (aiohttp-retry).

        Connection failures (nothing was sent) and ``retry_statuses`` are
        retried; timeouts and broken connections only with ``retry_timeouts``
        (for idempotent calls: a non-idempotent one may have reached LINE).
        """
        url = (base_url or self.api_base_url) + path
        retried: Tuple[Type[Exception], ...] = (aiohttp.ClientConnectorError,)
        if retry_timeouts:
            retried += (asyncio.TimeoutError, aiohttp.ClientError)
        backoff = _Backoff(self.max_retries + 1, self.backoff, retry_statuses, retried)
        own_session = self._session is None
        session = self._session or aiohttp.ClientSession()
        try:
            client = RetryClient(client_session=session, retry_options=backoff)
            async with client.request(method, url, json=json_body, data=data,
                                      headers=self._headers(headers),
                                      timeout=self.timeout) as response:
                raw = await response.read()
                body: Any = None
                if raw:
                    try:
                        body = json.loads(raw)
                    except (ValueError, UnicodeDecodeError):
                        body = None
                ok = response.status in ok_statuses
                error_text = ""
                if not ok and isinstance(body, Mapping):
                    error_text = str(body.get("message", ""))[:200]
                result = ApiResult(
                    ok=ok, status=response.status, data=body, error=error_text,
                    request_id=response.headers.get("x-line-request-id", ""),
                    attempts=backoff.retries + 1,
                )
        except asyncio.TimeoutError:
            result = ApiResult(ok=False, error="timeout", ambiguous=True,
                               attempts=backoff.retries + 1)
        except aiohttp.ClientError as error:
            # ClientConnectorError: the connection never opened, nothing reached LINE.
            result = ApiResult(
                ok=False, error=type(error).__name__, attempts=backoff.retries + 1,
                ambiguous=not isinstance(error, aiohttp.ClientConnectorError),
            )
        finally:
            if own_session:
                await session.close()
        if not result.ok:
            logger.warning(
                "LINE API %s %s failed: status=%s error=%s request_id=%s attempts=%s",
                method, path.split("?")[0], result.status, result.error,
                result.request_id, result.attempts,
            )
        return result

    # -- messaging ---------------------------------------------------------

    async def reply(
        self, reply_token: str, messages: List[Dict[str, Any]], notification_disabled: bool = False
    ) -> ApiResult:
        """POST /v2/bot/message/reply. A reply token is single-use, so
        timeouts are not retried (LINE may already have delivered)."""
        body: Dict[str, Any] = {"replyToken": reply_token, "messages": messages}
        if notification_disabled:
            body["notificationDisabled"] = True
        return await self.request("POST", "/v2/bot/message/reply", json_body=body)

    async def push(
        self, to: str, messages: List[Dict[str, Any]], retry_key: Optional[str] = None
    ) -> ApiResult:
        """POST /v2/bot/message/push with an ``X-Line-Retry-Key``, so retries
        (timeouts, 429, 5xx) cannot deliver twice; 409 means already accepted."""
        key = retry_key or str(uuid.uuid4())
        return await self.request(
            "POST",
            "/v2/bot/message/push",
            json_body={"to": to, "messages": messages},
            headers={"X-Line-Retry-Key": key},
            retry_statuses=(429,) + self.RETRY_STATUSES,
            retry_timeouts=True,
            ok_statuses=(200, 409),
        )

    # -- rich menu ---------------------------------------------------------

    async def validate_rich_menu(self, rich_menu: Mapping[str, Any]) -> ApiResult:
        return await self.request("POST", "/v2/bot/richmenu/validate", json_body=rich_menu)

    async def create_rich_menu(self, rich_menu: Mapping[str, Any]) -> ApiResult:
        """POST /v2/bot/richmenu → ``data["richMenuId"]``."""
        return await self.request("POST", "/v2/bot/richmenu", json_body=rich_menu)

    async def upload_rich_menu_image(
        self, rich_menu_id: str, image: bytes, content_type: str = "image/png"
    ) -> ApiResult:
        """POST {data api}/v2/bot/richmenu/{id}/content (JPEG or PNG, ≤ 1 MB)."""
        return await self.request(
            "POST",
            f"/v2/bot/richmenu/{rich_menu_id}/content",
            data=image,
            headers={"Content-Type": content_type},
            base_url=self.data_api_base_url,
        )

    async def set_default_rich_menu(self, rich_menu_id: str) -> ApiResult:
        """POST /v2/bot/user/all/richmenu/{id}."""
        return await self.request("POST", f"/v2/bot/user/all/richmenu/{rich_menu_id}")

    async def list_rich_menus(self) -> ApiResult:
        """GET /v2/bot/richmenu/list → ``data["richmenus"]``."""
        return await self.request("GET", "/v2/bot/richmenu/list")

    async def delete_rich_menu(self, rich_menu_id: str) -> ApiResult:
        return await self.request("DELETE", f"/v2/bot/richmenu/{rich_menu_id}")
