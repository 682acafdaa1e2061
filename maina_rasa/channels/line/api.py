"""The LINE Messaging API from our side: webhook signatures and a small HTTP client.

No Rasa imports.

* ``compute_signature`` / ``verify_signature``: the ``X-Line-Signature`` check
  (base64 of HMAC-SHA256 over the raw body, keyed with the channel secret).
* ``LineApiClient``: an aiohttp client for reply, push and the rich menu calls, with a
  timeout and bounded retries (aiohttp-retry): connection failures and 5xx are retried
  with exponential backoff or the server's ``Retry-After``; a timeout only for calls that
  are safe to repeat, because LINE may already have delivered the message.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

import aiohttp
from aiohttp_retry import ExponentialRetry, RetryClient

logger = logging.getLogger(__name__)

API_BASE_URL = "https://api.line.me"
DATA_API_BASE_URL = "https://api-data.line.me"


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
