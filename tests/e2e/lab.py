"""Helpers for the privacy, resilience and fuzz tests (issue 5) against real servers.

* :class:`BackgroundLoop` runs an asyncio loop in a thread, for the in-process fakes.
* :class:`RecordingProxy` sits between Rasa and the action server and records every body
  the action server receives (gzip undone), so a test can prove what reached it.
* :class:`FakeActionServer` answers the action URL very slowly (a hung action server).
* :class:`ManagedBot` is a bot started by ``conftest.start_bot`` whose Rasa and action
  server can be stopped and started again (same settings, same SQLite tracker store), and
  that talks REST, socket.io and LINE (signed webhook calls; the answer is read from the
  fake LINE API, tests/unit/fake_line_server.py).
* :func:`tracker_events` / :func:`decoded_texts` read the SQLite tracker store (Rasa
  stores JSON with ``\\uXXXX`` escapes, so text must be searched decoded *and* raw).

Nothing here starts anything by itself; the fixtures in conftest.py do.
"""
from __future__ import annotations

import asyncio
import gzip
import json
import re
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from aiohttp import ClientSession, ClientTimeout, web

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(HERE.parent / "unit") not in sys.path:  # fake_line_server, line_openapi
    sys.path.insert(0, str(HERE.parent / "unit"))

from maina_ops import servers  # noqa: E402
from maina_rasa.channels.line.api import compute_signature  # noqa: E402

MODEL = ROOT / "models" / "maina.tar.gz"
LINE_SECRET = "lab-line-channel-secret"
LINE_TOKEN = "lab-line-access-token"
LINE_DESTINATION = "U" + "d" * 32
API_TOKEN = "lab-api-token-" + "0" * 8


# --------------------------------------------------------------------------------------
# background event loop


class BackgroundLoop:
    """An asyncio loop in a daemon thread; ``run(coro)`` waits for the result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Any, timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


# --------------------------------------------------------------------------------------
# action-server side


class _AioServer:
    """An aiohttp app on 127.0.0.1 (port 0 = any free port)."""

    def __init__(self) -> None:
        self._runner: Optional[web.AppRunner] = None
        self.port = 0

    def app(self) -> web.Application:  # pragma: no cover - overridden
        raise NotImplementedError

    async def start(self, port: int = 0) -> "_AioServer":
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port, reuse_address=True)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class RecordingProxy(_AioServer):
    """Forwards every request to ``target`` and keeps the bodies it forwarded."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target.rstrip("/")
        self.bodies: List[bytes] = []
        self._session: Optional[ClientSession] = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        return app

    async def stop(self) -> None:
        await super().stop()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = raw
        if request.headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(raw)
        if raw:
            self.bodies.append(body)
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=30))
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "content-encoding")}
        async with self._session.request(
            request.method, self.target + request.path_qs, data=raw, headers=headers
        ) as answer:
            payload = await answer.read()
            return web.Response(
                body=payload, status=answer.status,
                content_type=answer.content_type or "application/json",
            )

    def texts(self) -> List[str]:
        """Each recorded body, JSON-decoded and dumped without ``\\u`` escapes."""
        out = []
        for body in self.bodies:
            try:
                out.append(json.dumps(json.loads(body), ensure_ascii=False))
            except ValueError:
                out.append(body.decode("utf-8", "replace"))
        return out


class FakeActionServer(_AioServer):
    """An action server that hangs: ``/health`` is fine, ``/webhook`` sleeps ``delay`` s
    (or until :meth:`stop`, so that stopping does not wait for the sleepers)."""

    def __init__(self, delay: float = 60.0) -> None:
        super().__init__()
        self.delay = delay
        self.calls = 0
        self._release: Optional[asyncio.Event] = None

    def app(self) -> web.Application:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_post("/webhook", self._hang)
        return app

    async def stop(self) -> None:
        if self._release is not None:
            self._release.set()
        await super().stop()

    async def _health(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _hang(self, request: web.Request) -> web.Response:
        self.calls += 1
        await request.read()
        assert self._release is not None
        try:
            await asyncio.wait_for(self._release.wait(), self.delay)
        except asyncio.TimeoutError:
            pass
        return web.json_response({"events": [], "responses": []})


# --------------------------------------------------------------------------------------
# the bot


def http(
    method: str, url: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None,
    timeout: float = 30.0,
) -> Tuple[int, Dict[str, str], bytes]:
    """(status, headers, body) of one HTTP call; 4xx/5xx are returned, not raised."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers or {}), error.read()


def wait_port_free(port: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if servers.port_is_free(port):
            return True
        time.sleep(0.2)
    return False


class ManagedBot:
    """A bot of our own: restartable servers and a client for every channel."""

    def __init__(
        self, env: Dict[str, str], run_dir: Path, actions: Any, rasa: Any,
        loop: Optional[BackgroundLoop] = None,
    ) -> None:
        self.env = env
        self.run_dir = run_dir
        self.actions = actions
        self.rasa = rasa
        self.loop = loop
        self.rasa_port = int(env["MAINA_RASA_PORT"])
        self.action_port = int(env["MAINA_ACTION_PORT"])
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.tracker_db = Path(env["MAINA_TRACKER_DB"])
        self.proxy: Optional[RecordingProxy] = None
        self.line: Any = None  # FakeLineServer when the LINE channel is configured

    # -- processes --------------------------------------------------------------------

    def stop_rasa(self) -> None:
        if self.rasa is not None:
            servers.stop_process(self.rasa.pid)
            self.rasa.wait(10)
            self.rasa = None
        assert wait_port_free(self.rasa_port), "Rasa's port stays busy"

    def start_rasa(self) -> None:
        self.rasa = servers.start_rasa(self.env, self.run_dir, str(MODEL))
        assert servers.wait_until_up(f"{self.url}/", 300, self.rasa), self.log_tail()

    def stop_actions(self) -> None:
        if self.actions is not None:
            servers.stop_process(self.actions.pid)
            self.actions.wait(10)
            self.actions = None
        assert wait_port_free(self.action_port), "the action server's port stays busy"

    def start_actions(self) -> None:
        self.actions = servers.start_action_server(self.env, self.run_dir)
        assert servers.wait_until_up(
            f"http://127.0.0.1:{self.action_port}/health", 120, self.actions
        ), self.log_tail()

    def stop(self) -> None:
        for proc in (self.rasa, self.actions):
            if proc is not None:
                servers.stop_process(proc.pid)
        self.rasa = self.actions = None

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(
            f"--- {p.name}\n" + p.read_text(errors="replace")[-chars:]
            for p in sorted(self.run_dir.glob("*.log"))
        )

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.run_dir.glob("*.log")))

    # -- REST ---------------------------------------------------------------------------

    def post_rest(self, payload: Any, timeout: float = 30.0) -> Tuple[int, Any]:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
        status, _, raw = http(
            "POST", f"{self.url}/webhooks/rest/webhook", body,
            {"Content-Type": "application/json"}, timeout,
        )
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def ask(self, message: str, sender: str, timeout: float = 30.0) -> List[Dict[str, Any]]:
        status, answer = self.post_rest({"sender": sender, "message": message}, timeout)
        assert status == 200, (status, answer)
        return answer

    def text(self, message: str, sender: str) -> str:
        return "\n".join(m.get("text", "") for m in self.ask(message, sender))

    def timed_text(self, message: str, sender: str) -> Tuple[float, str]:
        start = time.monotonic()
        text = self.text(message, sender)
        return time.monotonic() - start, text

    # -- socket.io ------------------------------------------------------------------------

    def ask_socketio(
        self, messages: Iterable[str], quiet: float = 1.5, timeout: float = 30.0
    ) -> Tuple[str, List[List[str]]]:
        """(sender id, texts per message) of one socket.io connection (one conversation)."""
        assert self.loop is not None
        return self.loop.run(self._socketio(list(messages), quiet, timeout), timeout * 4)

    async def _socketio(
        self, messages: List[str], quiet: float, timeout: float
    ) -> Tuple[str, List[List[str]]]:
        import socketio

        # polling: this python-engineio client needs a newer aiohttp for websockets
        client = socketio.AsyncClient(reconnection=False)
        received: List[str] = []

        @client.on("bot_uttered")
        async def on_bot(data: Any) -> None:
            received.append(data.get("text", "") if isinstance(data, dict) else str(data))

        await client.connect(self.url, socketio_path="/socket.io", transports=["polling"],
                             wait_timeout=10)
        answers: List[List[str]] = []
        try:
            sid = client.get_sid("/")
            for message in messages:
                start = len(received)
                await client.emit("user_uttered", {"message": message, "session_id": sid})
                deadline = time.monotonic() + timeout
                last, count = time.monotonic(), start
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                    if len(received) != count:
                        count, last = len(received), time.monotonic()
                    elif count > start and time.monotonic() - last >= quiet:
                        break
                answers.append(received[start:])
        finally:
            await close_socketio(client)
        return sid, answers

    # -- LINE -----------------------------------------------------------------------------

    @staticmethod
    def line_text_event(text: str, user: str, reply_token: str) -> Dict[str, Any]:
        return {
            "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user},
            "webhookEventId": "01" + uuid.uuid4().hex.upper()[:24],
            "deliveryContext": {"isRedelivery": False},
            "replyToken": reply_token,
            "message": {"type": "text", "id": str(uuid.uuid4().int)[:18],
                        "quoteToken": "q-" + uuid.uuid4().hex, "text": text},
        }

    def post_line(
        self, body: bytes, signature: Optional[str] = "sign", headers: Optional[Dict[str, str]] = None,
    ) -> Tuple[int, bytes]:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if signature == "sign":
            all_headers["X-Line-Signature"] = compute_signature(LINE_SECRET, body)
        elif signature is not None:
            all_headers["X-Line-Signature"] = signature
        status, _, raw = http("POST", f"{self.url}/webhooks/line/webhook", body, all_headers)
        return status, raw

    def ask_line(self, text: str, user: str, timeout: float = 30.0) -> List[str]:
        """Sends one text event; returns the texts of the reply call LINE got for it."""
        assert self.line is not None, "this bot has no fake LINE API"
        token = uuid.uuid4().hex
        body = json.dumps(
            {"destination": LINE_DESTINATION, "events": [self.line_text_event(text, user, token)]},
        ).encode("utf-8")  # \u escapes, as LINE sends: a lone surrogate stays valid JSON
        status, raw = self.post_line(body)
        assert status == 200, (status, raw)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in list(self.line.replies):
                # status 0: the fake API has recorded the call but is still checking it
                if isinstance(call.json, dict) and call.json.get("replyToken") == token and call.status:
                    assert call.status == 200, (call.status, call.schema_errors)
                    return [m.get("text", "") for m in call.json.get("messages", [])]
            time.sleep(0.1)
        raise AssertionError(f"no LINE reply within {timeout} s\n{self.log_tail()}")

    # -- tracker store ----------------------------------------------------------------

    def tracker_events(self, sender: Optional[str] = None) -> List[Dict[str, Any]]:
        return tracker_events(self.tracker_db, sender)


async def close_socketio(client: Any) -> None:
    """Disconnect a socket.io client at once: ``client.disconnect()`` waits for the pending
    long-poll (up to 25 s), so the engine.io connection is aborted instead."""
    eio = client.eio
    tasks = [t for t in (eio.read_loop_task, eio.write_loop_task) if t is not None]
    await eio.disconnect(abort=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def tracker_events(db: Path, sender: Optional[str] = None) -> List[Dict[str, Any]]:
    """Events of the SQLite tracker store (all, or one sender's) in stored order."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        query = "SELECT sender_id, type_name, data FROM events"
        args: Tuple[Any, ...] = ()
        if sender is not None:
            query += " WHERE sender_id = ?"
            args = (sender,)
        rows = connection.execute(query + " ORDER BY id", args).fetchall()
    finally:
        connection.close()
    events = []
    for sender_id, type_name, data in rows:
        event = json.loads(data)
        event["_sender"] = sender_id
        event["_type"] = type_name
        events.append(event)
    return events


def user_texts(events: Iterable[Dict[str, Any]]) -> List[str]:
    return [e.get("text") or "" for e in events if e.get("event") == "user"]


def stored_files(db: Path) -> List[Path]:
    """The SQLite file and any journal/WAL beside it."""
    return [p for p in db.parent.glob(db.name + "*") if p.is_file()]


def decoded_texts(db: Path) -> str:
    """Every stored event as JSON without ``\\u`` escapes, plus the sender ids."""
    return "\n".join(
        e["_sender"] + " " + json.dumps(e, ensure_ascii=False) for e in tracker_events(db)
    )


def digit_pattern(digits: str, max_gap: int = 3) -> "re.Pattern[str]":
    """Matches ``digits`` with up to ``max_gap`` non-digit characters between any two."""
    return re.compile((r"\D{0,%d}" % max_gap).join(re.escape(d) for d in digits))
