"""A fake LINE Messaging API for tests: an aiohttp app on a free localhost port.

It records every call (method, path, headers, JSON or raw body) and answers the
way LINE does for the endpoints this project uses:

* ``POST /v2/bot/message/reply`` and ``/v2/bot/message/push``: the body is
  validated against ``ReplyMessageRequest`` / ``PushMessageRequest`` of LINE's
  OpenAPI file (via tests/unit/line_openapi.py); invalid → 400 with a
  LINE-style error body. Reply tokens are single-use (a second use → 400
  "Invalid reply token"), push honours ``X-Line-Retry-Key`` (repeat → 409).
* rich menus: create / validate (``RichMenuRequest``), upload image (PNG or
  JPEG, ≤ 1 MB, pixel size must equal the menu's ``size``), set default, list,
  delete.
* every call needs ``Authorization: Bearer <token>`` (else 401).

``server.fail_next(path, status, times=1, body=None)`` injects failures.

Usage::

    async with FakeLineServer(token="t") as line:
        ...  # line.base_url, line.calls, line.calls_to("/v2/bot/message/reply")
"""

from __future__ import annotations

import json
import struct
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import web

from line_openapi import LineSchemas

MAX_IMAGE_BYTES = 1024 * 1024


@dataclass
class Call:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    json: Any = None
    status: int = 0
    schema_errors: List[str] = field(default_factory=list)


def image_size(data: bytes) -> Optional[Tuple[int, int]]:
    """(width, height) of a PNG or JPEG, read from its header; None if neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return width, height
            index += 2 + length
    return None


class FakeLineServer:
    def __init__(self, token: str = "test-access-token", validate: bool = True) -> None:
        self.token = token
        self.validate = validate
        self.calls: List[Call] = []
        self.rich_menus: Dict[str, Dict[str, Any]] = {}
        self.rich_menu_images: Dict[str, bytes] = {}
        self.default_rich_menu: Optional[str] = None
        self.used_reply_tokens: set = set()
        self.retry_keys: set = set()
        self._failures: Dict[str, List[Tuple[int, Any]]] = {}
        self._schemas = LineSchemas.messaging_api() if validate else None
        self._runner: Optional[web.AppRunner] = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "FakeLineServer":
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeLineServer":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # -- inspection ----------------------------------------------------------------

    def calls_to(self, path: str, method: str = "POST") -> List[Call]:
        return [c for c in self.calls if c.path == path and c.method == method]

    @property
    def replies(self) -> List[Call]:
        return self.calls_to("/v2/bot/message/reply")

    @property
    def pushes(self) -> List[Call]:
        return self.calls_to("/v2/bot/message/push")

    def fail_next(self, path: str, status: int, times: int = 1, body: Any = None) -> None:
        """The next ``times`` calls to ``path`` answer ``status`` (after being recorded)."""
        payload = body if body is not None else {"message": f"injected {status}"}
        self._failures.setdefault(path, []).extend([(status, payload)] * times)

    # -- handlers ----------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        body = await request.read()
        call = Call(request.method, request.path, dict(request.headers), body)
        if body and request.content_type == "application/json":
            try:
                call.json = json.loads(body)
            except ValueError:
                call.json = None
        self.calls.append(call)
        answer = self._answer(request, call)
        call.status = answer.status
        return answer

    @staticmethod
    def _error(status: int, message: str, details: Optional[List[str]] = None) -> web.Response:
        body: Dict[str, Any] = {"message": message}
        if details:
            body["details"] = [{"message": d, "property": ""} for d in details[:20]]
        return web.json_response(body, status=status)

    def _check_schema(self, call: Call, name: str) -> Optional[web.Response]:
        if call.json is None:
            return self._error(400, "The request body has 1 error(s)", ["not JSON"])
        if self._schemas is not None:
            call.schema_errors = self._schemas.errors(name, call.json)
            if call.schema_errors:
                return self._error(
                    400,
                    f"The request body has {len(call.schema_errors)} error(s)",
                    call.schema_errors,
                )
        return None

    def _answer(self, request: web.Request, call: Call) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._error(401, "Authentication failed. Confirm that the access token in the "
                                    "authorization header is valid.")
        queued = self._failures.get(call.path)
        if queued:
            status, payload = queued.pop(0)
            return web.json_response(payload, status=status)

        path, method = call.path, call.method
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v2/bot/message/reply":
            invalid = self._check_schema(call, "ReplyMessageRequest")
            if invalid is not None:  # (a web.Response is an empty mapping: falsy)
                return invalid
            token = call.json["replyToken"]
            if token in self.used_reply_tokens or token.startswith("expired"):
                return self._error(400, "Invalid reply token")
            self.used_reply_tokens.add(token)
            return web.json_response(self._sent(call.json["messages"]))
        if method == "POST" and path == "/v2/bot/message/push":
            invalid = self._check_schema(call, "PushMessageRequest")
            if invalid is not None:  # (a web.Response is an empty mapping: falsy)
                return invalid
            key = request.headers.get("X-Line-Retry-Key")
            if key:
                if key in self.retry_keys:
                    return self._error(409, "The retry key is already accepted")
                self.retry_keys.add(key)
            return web.json_response(self._sent(call.json["messages"]))
        if method == "POST" and path in ("/v2/bot/richmenu", "/v2/bot/richmenu/validate"):
            invalid = self._check_schema(call, "RichMenuRequest")
            if invalid is not None:  # (a web.Response is an empty mapping: falsy)
                return invalid
            if path.endswith("validate"):
                return web.json_response({})
            rich_menu_id = "richmenu-" + uuid.uuid4().hex
            self.rich_menus[rich_menu_id] = call.json
            return web.json_response({"richMenuId": rich_menu_id})
        if method == "GET" and path == "/v2/bot/richmenu/list":
            return web.json_response(
                {"richmenus": [dict(m, richMenuId=i) for i, m in self.rich_menus.items()]}
            )
        if (
            method == "POST" and len(parts) == 5 and parts[:3] == ["v2", "bot", "richmenu"]
            and parts[4] == "content"
        ):
            return self._upload(request, call, parts[3])
        if method == "DELETE" and len(parts) == 4 and parts[:3] == ["v2", "bot", "richmenu"]:
            if self.rich_menus.pop(parts[3], None) is None:
                return self._error(404, "Not found")
            self.rich_menu_images.pop(parts[3], None)
            if self.default_rich_menu == parts[3]:
                self.default_rich_menu = None
            return web.json_response({})
        if method == "POST" and len(parts) == 6 and parts[:5] == ["v2", "bot", "user", "all", "richmenu"]:
            rich_menu_id = parts[5]
            if rich_menu_id not in self.rich_menus:
                return self._error(400, "richmenu not found")
            if rich_menu_id not in self.rich_menu_images:
                return self._error(400, "must upload richmenu image before applying it to user")
            self.default_rich_menu = rich_menu_id
            return web.json_response({})
        return self._error(404, "Not found")

    def _upload(self, request: web.Request, call: Call, rich_menu_id: str) -> web.Response:
        menu = self.rich_menus.get(rich_menu_id)
        if menu is None:
            return self._error(404, "Not found")
        if request.content_type not in ("image/png", "image/jpeg"):
            return self._error(415, "Unsupported Media Type")
        if len(call.body) > MAX_IMAGE_BYTES:
            return self._error(413, "Request Entity Too Large")
        size = image_size(call.body)
        expected = (menu["size"]["width"], menu["size"]["height"])
        if size != expected:
            return self._error(400, f"image size {size} does not match rich menu size {expected}")
        if rich_menu_id in self.rich_menu_images:
            return self._error(400, "An image has already been uploaded to the richmenu")
        self.rich_menu_images[rich_menu_id] = call.body
        return web.json_response({})

    @staticmethod
    def _sent(messages: List[Any]) -> Dict[str, Any]:
        return {"sentMessages": [{"id": uuid.uuid4().hex[:18]} for _ in messages]}
