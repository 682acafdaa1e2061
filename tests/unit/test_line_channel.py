"""The LINE channel end to end: a real Sanic server with LineInput mounted, a fake
``on_new_message`` that answers through the output channel like Rasa does, and a
fake LINE API (tests/unit/fake_line_server.py) that validates what we send
against LINE's OpenAPI schemas. Plus the message builder, the rich menu script
and a Hypothesis fuzz of the webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_line_server import FakeLineServer
from line_openapi import LineSchemas
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from maina_rasa.channels import common
from maina_rasa.channels.line import richmenu
from maina_rasa.channels.line.api import LineApiClient, compute_signature, verify_signature
from maina_rasa.channels.line.channel import (
    FOLLOW_PAYLOAD,
    LineInput,
    LineOutput,
    LocalEventIds,
    RedisEventIds,
    event_ids_for,
)
from maina_rasa.channels.line.messages import (
    MAX_LABEL,
    MAX_TEXT,
    build_line_messages,
    split_text,
    utf16_len,
)

ROOT = Path(__file__).resolve().parents[2]
LINE_DIR = ROOT / "maina_rasa" / "channels" / "line"
NON_TEXT_HINT = common.render("line_non_text_hint", "ja")
OVERFLOW_NOTE = common.render("line_overflow_note", "ja")

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
DESTINATION = "U" + "f" * 32
USER = "U" + "1" * 32
OTHER_USER = "U" + "2" * 32
GROUP = "C" + "3" * 32
MY_NUMBER = "1234 5678 9018"  # 12 digits: must be masked before Rasa sees it
MY_NUMBER_DIGITS = "123456789018"

MESSAGING = LineSchemas.messaging_api()
WEBHOOK = LineSchemas.webhook()


# --------------------------------------------------------------------------
# Webhook bodies (every one is checked against webhook.yml's CallbackRequest)


def _event(event_type: str, source: Optional[Dict[str, Any]] = None, **extra: Any) -> Dict[str, Any]:
    event = {
        "type": event_type,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source or {"type": "user", "userId": USER},
        "webhookEventId": "01" + uuid.uuid4().hex.upper()[:24],
        "deliveryContext": {"isRedelivery": False},
    }
    event.update(extra)
    return event


def text_event(text: str, user: str = USER, reply_token: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    return _event(
        "message",
        {"type": "user", "userId": user},
        replyToken=reply_token or uuid.uuid4().hex,
        message={"type": "text", "id": str(uuid.uuid4().int)[:18], "quoteToken": "q-" + uuid.uuid4().hex, "text": text},
        **extra,
    )


def postback_event(data: str, user: str = USER) -> Dict[str, Any]:
    return _event("postback", {"type": "user", "userId": user}, replyToken=uuid.uuid4().hex, postback={"data": data})


def follow_event(user: str = USER) -> Dict[str, Any]:
    return _event("follow", {"type": "user", "userId": user}, replyToken=uuid.uuid4().hex,
                  follow={"isUnblocked": False})


def sticker_event(source: Dict[str, Any]) -> Dict[str, Any]:
    return _event(
        "message",
        source,
        replyToken=uuid.uuid4().hex,
        message={"type": "sticker", "id": "1", "quoteToken": "q", "packageId": "446", "stickerId": "1988",
                 "stickerResourceType": "STATIC"},
    )


def webhook_body(*events: Dict[str, Any]) -> bytes:
    body = {"destination": DESTINATION, "events": list(events)}
    WEBHOOK.validate("CallbackRequest", body)
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------
# Fake Rasa


BUTTONS = [
    {"title": "カードをなくした・盗まれたときにすることの流れ", "payload": "/lost_card"},  # label > 20
    {"title": "有効期限", "payload": "/ask_my_expiry"},
    {"title": "市役所に電話", "payload": "tel:0144-32-6492"},
]


@dataclass
class FakeRasa:
    """Stands in for ``agent.handle_message``: records what it got, answers via the
    output channel with ``send_response`` (what Rasa's processor calls)."""

    answers: Optional[Callable[[UserMessage], List[Dict[str, Any]]]] = None
    delay: float = 0.0
    raise_error: bool = False
    received: List[UserMessage] = field(default_factory=list)
    running: Dict[str, int] = field(default_factory=dict)
    max_parallel_per_sender: int = 0

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        self.running[message.sender_id] = self.running.get(message.sender_id, 0) + 1
        self.max_parallel_per_sender = max(self.max_parallel_per_sender, self.running[message.sender_id])
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.raise_error:
                raise RuntimeError("boom")
            answers = self.answers(message) if self.answers else [
                {"text": f"「{message.text}」についてだね。"},
                {"text": "ほかに知りたいことはある？", "buttons": BUTTONS},
            ]
            for answer in answers:
                await message.output_channel.send_response(message.sender_id, dict(answer))
        finally:
            self.running[message.sender_id] -= 1

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.received]


@dataclass
class Harness:
    line: FakeLineServer
    channel: LineInput
    rasa: FakeRasa
    http: aiohttp.ClientSession
    url: str

    async def post(
        self,
        body: bytes,
        signature: Optional[str] = "sign",
        headers: Optional[Dict[str, str]] = None,
        wait: bool = True,
    ) -> int:
        all_headers = {"Content-Type": "application/json"}
        if signature == "sign":
            all_headers["X-Line-Signature"] = compute_signature(SECRET, body)
        elif signature is not None:
            all_headers["X-Line-Signature"] = signature
        all_headers.update(headers or {})
        async with self.http.post(self.url + "/webhooks/line/webhook", data=body, headers=all_headers) as answer:
            status = answer.status
        if wait:
            await self.channel.wait_idle(timeout=10)
        return status


@contextlib.asynccontextmanager
async def serve_channel(channel: LineInput, handler: Callable[[UserMessage], Awaitable[Any]],
                        agent: Any = None):
    """A Sanic app on a free localhost port with ``channel`` mounted like Rasa does
    (``agent`` becomes ``app.ctx.agent``, as rasa.core.run sets it)."""
    # As sanic-testing does: lets several apps start in one process (Sanic's
    # TouchUp otherwise rewrites its own already rewritten methods).
    Sanic.test_mode = True
    app = Sanic("line_test_" + uuid.uuid4().hex[:10])
    app.config.MOTD = False
    if agent is not None:
        app.ctx.agent = agent
    app.blueprint(channel.blueprint(handler), url_prefix="/webhooks/line")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def harness(rasa: Optional[FakeRasa] = None, agent: Any = None, **channel_kwargs: Any):
    rasa = rasa or FakeRasa()
    async with FakeLineServer(token=TOKEN) as line:
        channel = LineInput(SECRET, TOKEN, api_base_url=line.base_url, **channel_kwargs)
        channel.client.backoff = 0.01
        async with serve_channel(channel, rasa, agent) as url:
            async with aiohttp.ClientSession() as http:
                yield Harness(line, channel, rasa, http, url)


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)


def reply_messages(line: FakeLineServer, index: int = -1) -> List[Dict[str, Any]]:
    return line.replies[index].json["messages"]


def all_text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


# --------------------------------------------------------------------------
# Signed webhook → one reply


def test_signed_text_message_gets_one_valid_reply_with_quick_reply():
    async def scenario():
        async with harness() as h:
            status = await h.post(webhook_body(text_event("カードをなくしました")))
            assert status == 200
            assert h.rasa.texts == ["カードをなくしました"]
            received = h.rasa.received[0]
            assert received.sender_id == "line:" + USER
            assert received.input_channel == "line"
            assert isinstance(received.output_channel, LineOutput)
            assert received.metadata["line"] == {"event_type": "message", "source_type": "user"}

            assert len(h.line.replies) == 1 and not h.line.pushes
            call = h.line.replies[0]
            assert call.status == 200, call.schema_errors
            assert call.headers["Authorization"] == f"Bearer {TOKEN}"
            MESSAGING.validate("ReplyMessageRequest", call.json)
            messages = call.json["messages"]
            assert [m["type"] for m in messages] == ["text", "text"]
            assert "quickReply" not in messages[0]
            items = messages[-1]["quickReply"]["items"]
            actions = [item["action"] for item in items]
            assert [a["data"] for a in actions] == ["/lost_card", "/ask_my_expiry"]
            assert all(a["type"] == "postback" for a in actions)
            assert actions[0]["displayText"] == BUTTONS[0]["title"]
            assert utf16_len(actions[0]["label"]) <= MAX_LABEL
            assert actions[0]["label"].endswith("…")
            assert actions[1]["label"] == "有効期限"
            # tel: stays text, LINE links the number itself
            assert "市役所に電話: 0144-32-6492" in messages[-1]["text"]
            assert "tel:" not in json.dumps(call.json)

    run(scenario())


def test_health_and_not_configured():
    async def scenario():
        async with harness() as h:
            async with h.http.get(h.url + "/webhooks/line/") as answer:
                assert answer.status == 200
                assert (await answer.json()) == {"status": "ok"}
        channel = LineInput("", "")
        rasa = FakeRasa()
        async with serve_channel(channel, rasa) as url, aiohttp.ClientSession() as http:
            async with http.get(url + "/webhooks/line/") as answer:
                assert (await answer.json()) == {"status": "not_configured"}
            body = webhook_body(text_event("こんにちは"))
            headers = {"X-Line-Signature": compute_signature("", body)}
            async with http.post(url + "/webhooks/line/webhook", data=body, headers=headers) as answer:
                assert answer.status == 503
        assert rasa.received == []

    run(scenario())


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "not-a-signature",
        compute_signature("another-secret", b"x"),
        "ｘ" * 10,  # non-ASCII header value
        "SIGNATURE_OF_OTHER_BODY",
    ],
)
def test_missing_or_wrong_signature_is_401_and_nothing_happens(signature):
    async def scenario():
        async with harness() as h:
            body = webhook_body(text_event("こんにちは"))
            if signature == "SIGNATURE_OF_OTHER_BODY":
                sig = compute_signature(SECRET, body + b" ")
            else:
                sig = signature
            status = await h.post(body, signature=sig)
            assert status == 401
            assert h.rasa.received == []
            assert h.line.calls == []

    run(scenario())


def test_signature_helpers():
    body = b'{"destination":"x","events":[]}'
    good = compute_signature(SECRET, body)
    assert verify_signature(SECRET, body, good)
    assert verify_signature(SECRET, body, " " + good + " ")
    assert not verify_signature(SECRET, body + b"\n", good)
    assert not verify_signature("", body, compute_signature("", body))
    assert not verify_signature(SECRET, body, None)
    assert not verify_signature(SECRET, body, "é")


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"",
        b"[]",
        b'"events"',
        b'{"destination": "U0", "events": {}}',
        b'{"destination": 5, "events": []}',
        b'{"destination": "U0"}',
        b'{"destination": "U0", "events": [1, 2]}',
        b'{"destination": "U0", "events": ["message"]}',
        b"[" * 100000 + b"]" * 100000,  # deep nesting: RecursionError must not be a 500
    ],
)
def test_malformed_or_wrong_shape_body_is_400(body):
    async def scenario():
        async with harness() as h:
            assert await h.post(body) == 400
            assert h.rasa.received == [] and h.line.calls == []

    run(scenario())


def test_too_large_body_is_413_with_or_without_content_length():
    async def scenario():
        async with harness(max_body_bytes=64 * 1024) as h:
            event = text_event("あ" * 40000)
            body = json.dumps({"destination": DESTINATION, "events": [event]}).encode()
            assert len(body) > 64 * 1024
            assert await h.post(body) == 413

            async def chunks():
                for start in range(0, len(body), 8192):
                    yield body[start : start + 8192]

            headers = {"X-Line-Signature": compute_signature(SECRET, body)}
            async with h.http.post(h.url + "/webhooks/line/webhook", data=chunks(), headers=headers) as answer:
                assert answer.status == 413
            await h.channel.wait_idle(5)
            assert h.rasa.received == [] and h.line.calls == []
            # just under the limit is fine
            small = webhook_body(text_event("あ" * 100))
            assert await h.post(small) == 200

    run(scenario())


def test_verification_request_is_200_and_does_nothing():
    async def scenario():
        async with harness() as h:
            assert await h.post(webhook_body()) == 200
            assert h.rasa.received == [] and h.line.calls == []

    run(scenario())


def test_answer_is_fast_and_processing_runs_in_background():
    async def scenario():
        async with harness(FakeRasa(delay=0.8)) as h:
            started = time.monotonic()
            assert await h.post(webhook_body(text_event("こんにちは")), wait=False) == 200
            assert time.monotonic() - started < 0.5
            assert h.line.replies == []
            assert len(h.channel._background_tasks) == 1  # kept referenced
            await h.channel.wait_idle(10)
            assert len(h.line.replies) == 1
            assert not h.channel._background_tasks

    run(scenario())


# --------------------------------------------------------------------------
# Event types


def test_postback_sends_its_data_and_masks_it():
    async def scenario():
        async with harness() as h:
            await h.post(webhook_body(postback_event("/lost_card")))
            await h.post(webhook_body(postback_event(f"/inform{{\"n\": \"{MY_NUMBER}\"}}")))
            assert h.rasa.texts[0] == "/lost_card"
            assert MY_NUMBER_DIGITS not in h.rasa.texts[1].replace(" ", "")
            assert common.prepare_user_message(MY_NUMBER).notices[0] in all_text(reply_messages(h.line))
            assert len(h.line.replies) == 2

    run(scenario())


def test_follow_sends_greet():
    async def scenario():
        rasa = FakeRasa(answers=lambda m: [{"text": "こんにちは、マイナちゃんだよ！", "buttons": BUTTONS[:2]}])
        async with harness(rasa) as h:
            await h.post(webhook_body(follow_event()))
            assert h.rasa.texts == [FOLLOW_PAYLOAD] == ["/greet"]
            messages = reply_messages(h.line)
            assert messages[0]["text"].startswith("こんにちは")
            assert len(messages[-1]["quickReply"]["items"]) == 2

    run(scenario())


def test_other_events_are_acknowledged_and_ignored():
    async def scenario():
        async with harness() as h:
            events = [
                _event("unfollow"),
                _event("join", {"type": "group", "groupId": GROUP}, replyToken=uuid.uuid4().hex),
                _event("leave", {"type": "group", "groupId": GROUP}),
                _event("unsend", unsend={"messageId": "1"}),
                sticker_event({"type": "group", "groupId": GROUP, "userId": USER}),
                _event("message", message={"type": "text", "id": "9", "quoteToken": "q", "text": "standby"},
                       replyToken="r", mode="standby"),
            ]
            assert await h.post(webhook_body(*events)) == 200
            assert h.rasa.received == []
            assert h.line.calls == []

    run(scenario())


def test_sticker_in_one_to_one_chat_gets_a_hint():
    async def scenario():
        async with harness() as h:
            assert await h.post(webhook_body(sticker_event({"type": "user", "userId": USER}))) == 200
            assert h.rasa.received == []
            assert [m["text"] for m in reply_messages(h.line)] == [NON_TEXT_HINT]

    run(scenario())


def test_line_texts_follow_the_language_the_chat_writes_in():
    async def scenario():
        async with harness(FakeRasa(answers=lambda m: [{"text": "", "buttons": BUTTONS[:1]}])) as h:
            await h.post(webhook_body(text_event("I lost my card")))
            # buttons without text: the carrier bubble in English
            assert reply_messages(h.line)[-1]["text"] == common.render("line_buttons_only", "en")
            await h.post(webhook_body(sticker_event({"type": "user", "userId": USER})))
            assert [m["text"] for m in reply_messages(h.line)] == [
                common.render("line_non_text_hint", "en")]
            await h.post(webhook_body(postback_event("/lost_card")))  # a button keeps English
            assert reply_messages(h.line)[-1]["text"] == common.render("line_buttons_only", "en")
            await h.post(webhook_body(text_event("カードをなくした")))
            assert reply_messages(h.line)[-1]["text"] == common.render("line_buttons_only", "ja")
            # another user who never wrote: Japanese
            await h.post(webhook_body(sticker_event({"type": "user", "userId": OTHER_USER})))
            assert [m["text"] for m in reply_messages(h.line)] == [NON_TEXT_HINT]

    run(scenario())


def test_group_and_room_conversations():
    async def scenario():
        async with harness() as h:
            group = text_event("こんにちは")
            group["source"] = {"type": "group", "groupId": GROUP, "userId": USER}
            room = text_event("こんばんは")
            room["source"] = {"type": "room", "roomId": "R" + "4" * 32}
            await h.post(webhook_body(group, room))
            senders = sorted(m.sender_id for m in h.rasa.received)
            assert senders == sorted(["line:" + GROUP, "line:R" + "4" * 32])

    run(scenario())


def _example(schema: Any, schemas: Dict[str, Any], depth: int = 0) -> Any:
    """A minimal instance of a compiled webhook.yml schema (required fields only)."""
    assert depth < 30
    if "$ref" in schema:
        return _example(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, depth + 1)
    parts = schema.get("allOf", [])
    dispatch = [p for p in parts if "if" in p]
    if dispatch:  # discriminator: take the first subtype
        prop, cond = next(iter(dispatch[0]["if"]["properties"].items()))
        value = _example(dispatch[0]["then"], schemas, depth + 1)
        value[prop] = cond["const"]
        return value
    if parts:
        merged: Dict[str, Any] = {}
        for part in parts:
            value = _example(part, schemas, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | ({"replyToken", "source"} & set(props))
        return {k: _example(props[k], schemas, depth + 1) for k in sorted(wanted) if k in props}
    if kind == "array":
        return [_example(schema["items"], schemas, depth + 1) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    return "x"


def spec_event_examples() -> Dict[str, Dict[str, Any]]:
    """One example event per event type of webhook.yml's Event discriminator."""
    schemas = WEBHOOK.schemas
    examples = {}
    for branch in schemas["Event"]["allOf"]:
        if "if" not in branch:
            continue
        event_type = branch["if"]["properties"]["type"]["const"]
        event = _example(branch["then"], schemas)
        event.update(
            type=event_type,
            webhookEventId="01" + uuid.uuid4().hex.upper()[:24],
            timestamp=1700000000000,
            source={"type": "user", "userId": USER},
        )
        if "replyToken" in event:
            event["replyToken"] = uuid.uuid4().hex
        examples[event_type] = event
    return examples


def test_every_event_type_of_webhook_yml_is_accepted():
    examples = spec_event_examples()
    assert {"message", "postback", "follow", "unfollow", "join", "beacon", "delivery"} <= set(examples)

    async def scenario():
        async with harness() as h:
            body = webhook_body(*examples.values())  # validated against CallbackRequest
            assert await h.post(body) == 200
            # postback and follow reach Rasa; the message example is the first
            # MessageContent subtype (audio), which gets the "please type" hint
            kinds = sorted(m.metadata["line"]["event_type"] for m in h.rasa.received)
            assert kinds == ["follow", "postback"]
            assert examples["message"]["message"]["type"] == "audio"
            hints = [c for c in h.line.replies if c.json["messages"][0]["text"] == NON_TEXT_HINT]
            assert len(hints) == 1
            assert len(h.line.replies) == 3
            assert all(call.status == 200 for call in h.line.calls)

    run(scenario())


# --------------------------------------------------------------------------
# Redelivery, ordering, failures


def test_redelivered_event_is_processed_once():
    async def scenario():
        async with harness() as h:
            event = text_event("こんにちは")
            assert await h.post(webhook_body(event)) == 200
            again = dict(event, deliveryContext={"isRedelivery": True})
            assert await h.post(webhook_body(again)) == 200
            assert await h.post(webhook_body(again, again)) == 200
            assert len(h.rasa.received) == 1
            assert len(h.line.replies) == 1

    run(scenario())


@pytest.fixture()
def redis_server():
    """A private redis-server on a free port (no disk), as the cluster runs it."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server missing (scripts/install_cluster_deps.sh installs it)")
        pytest.skip("redis-server not installed (scripts/install_cluster_deps.sh)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            assert time.monotonic() < deadline and process.poll() is None, "redis did not start"
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def test_redelivery_to_the_other_server_is_skipped_with_a_shared_redis(redis_server):
    """Two Rasa servers (two apps, two channels) whose lock store is one Redis: an event
    LINE delivers to one and redelivers to the other is answered once."""
    from types import SimpleNamespace

    from maina_rasa.lock_store import AtomicRedisLockStore

    def agent() -> Any:
        return SimpleNamespace(lock_store=AtomicRedisLockStore(host="127.0.0.1", port=redis_server))

    async def scenario():
        rasa = FakeRasa()
        async with harness(rasa, agent=agent()) as first, harness(rasa, agent=agent()) as second:
            event = text_event("こんにちは")
            assert await first.post(webhook_body(event)) == 200
            again = dict(event, deliveryContext={"isRedelivery": True})
            assert await second.post(webhook_body(again)) == 200
            assert len(rasa.received) == 1
            assert len(first.line.replies) + len(second.line.replies) == 1
            assert isinstance(second.channel._event_ids, RedisEventIds)
            # the same event at the same moment on both servers: still answered once
            both = text_event("同時に届いた")
            await asyncio.gather(first.post(webhook_body(both)), second.post(webhook_body(both)))
            assert [m.text for m in rasa.received].count("同時に届いた") == 1

    run(scenario())


def test_single_server_keeps_event_ids_in_process():
    from types import SimpleNamespace

    from rasa.core.lock_store import InMemoryLockStore

    assert event_ids_for(InMemoryLockStore()) is None
    assert event_ids_for(None) is None

    async def scenario():
        async with harness(agent=SimpleNamespace(lock_store=InMemoryLockStore())) as h:
            event = text_event("こんにちは")
            assert await h.post(webhook_body(event)) == 200
            assert await h.post(webhook_body(event)) == 200
            assert isinstance(h.channel._event_ids, LocalEventIds)
            assert len(h.rasa.received) == 1

    run(scenario())


def test_unreachable_redis_processes_the_event_rather_than_drop_it(caplog):
    class DownRedis:
        def set(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("redis down")

    async def scenario():
        async with harness(event_ids=RedisEventIds(DownRedis())) as h:
            assert await h.post(webhook_body(text_event("こんにちは"))) == 200
            assert len(h.rasa.received) == 1

    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert "LINE event id check failed (ConnectionError)" in caplog.text


def test_local_event_ids_forget_the_oldest():
    async def scenario():
        ids = LocalEventIds(capacity=2)
        assert await ids.first_time("a") and await ids.first_time("b")
        assert not await ids.first_time("a")
        assert await ids.first_time("c")  # forgets b, the least recently seen
        assert await ids.first_time("b")
        assert len(ids) == 2

    run(scenario())


def test_events_of_one_user_run_in_order_others_in_parallel():
    async def scenario():
        async with harness(FakeRasa(delay=0.2)) as h:
            events = [text_event(f"質問{i}") for i in range(3)] + [text_event("別の人", user=OTHER_USER)]
            assert await h.post(webhook_body(*events)) == 200
            assert h.rasa.max_parallel_per_sender == 1
            mine = [m.text for m in h.rasa.received if m.sender_id == "line:" + USER]
            assert mine == ["質問0", "質問1", "質問2"]
            tokens = [e["replyToken"] for e in events[:3]]
            replied = [c.json["replyToken"] for c in h.line.replies if c.json["replyToken"] in tokens]
            assert replied == tokens
            # the other user did not wait for mine: their turn started before my second one
            # (each of mine takes 0.2 s), whatever the machine's load
            order = h.rasa.texts
            assert order.index("別の人") < order.index("質問1")
            assert len(h.channel._serializer) == 0  # locks cleaned up

    run(scenario())


def test_expired_reply_token_falls_back_to_push_when_enabled():
    async def scenario():
        async with harness(use_push_fallback=True) as h:
            await h.post(webhook_body(text_event("こんにちは", reply_token="expired-token")))
            assert len(h.line.replies) == 1 and h.line.replies[0].status == 400
            assert len(h.line.pushes) == 1
            push = h.line.pushes[0]
            assert push.status == 200, push.schema_errors
            MESSAGING.validate("PushMessageRequest", push.json)
            assert push.json["to"] == USER
            assert push.json["messages"] == h.line.replies[0].json["messages"]
            assert push.headers.get("X-Line-Retry-Key")

        async with harness(use_push_fallback=False) as h:
            await h.post(webhook_body(text_event("こんにちは", reply_token="expired-token")))
            assert len(h.line.replies) == 1 and h.line.pushes == []

    run(scenario())


def test_server_errors_are_retried_a_bounded_number_of_times():
    async def scenario():
        async with harness(use_push_fallback=True) as h:
            h.line.fail_next("/v2/bot/message/reply", 500, times=1)
            await h.post(webhook_body(text_event("こんにちは")))
            assert [c.status for c in h.line.replies] == [500, 200]
            assert h.line.pushes == []

            h.line.fail_next("/v2/bot/message/reply", 503, times=10)
            h.line.fail_next("/v2/bot/message/push", 503, times=10)
            await h.post(webhook_body(text_event("もう一回")))
            attempts = 1 + h.channel.client.max_retries
            assert len(h.line.replies) == 2 + attempts
            assert len(h.line.pushes) == attempts
            keys = {c.headers["X-Line-Retry-Key"] for c in h.line.pushes}
            assert len(keys) == 1  # the same retry key: LINE delivers at most once

    run(scenario())


@contextlib.asynccontextmanager
async def scripted_api(*answers: Any):
    """A tiny HTTP server answering each call with the next of ``answers``:
    (status, headers) or a number of seconds to hang."""
    from aiohttp import web

    calls: List[float] = []
    queue = list(answers)

    async def handler(request: web.Request) -> web.Response:
        calls.append(time.monotonic())
        answer = queue.pop(0) if queue else (200, {})
        if isinstance(answer, (int, float)):
            await asyncio.sleep(answer)
            answer = (200, {})
        return web.json_response({"message": "x"}, status=answer[0], headers=answer[1])

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", calls
    finally:
        await runner.cleanup()


def test_client_waits_as_long_as_retry_after_says():
    async def scenario():
        async with scripted_api((503, {"Retry-After": "1"}), (200, {})) as (url, calls):
            client = LineApiClient(TOKEN, url, backoff=0.01)
            result = await client.request("POST", "/v2/bot/message/push", json_body={})
            assert result.ok and result.attempts == 2
            assert calls[1] - calls[0] >= 0.95

    run(scenario())


def test_client_retries_a_timeout_only_for_idempotent_calls():
    async def scenario():
        async with scripted_api(5, 5, 5) as (url, calls):
            client = LineApiClient(TOKEN, url, timeout=0.3, max_retries=2, backoff=0.01)
            result = await client.request("POST", "/v2/bot/message/reply", json_body={})
            assert (result.ok, result.error, result.ambiguous, result.attempts) == (
                False, "timeout", True, 1)
            assert len(calls) == 1  # LINE may have got it: never sent twice
        async with scripted_api(5, 5, (200, {})) as (url, calls):
            client = LineApiClient(TOKEN, url, timeout=0.3, max_retries=2, backoff=0.01)
            result = await client.request("GET", "/v2/bot/richmenu/list", retry_timeouts=True)
            assert result.ok and result.attempts == 3 and len(calls) == 3

    run(scenario())


def test_unreachable_api_does_not_crash_the_channel(caplog):
    async def scenario():
        rasa = FakeRasa()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, not listening
        channel = LineInput(SECRET, TOKEN, api_base_url=dead, use_push_fallback=True, api_timeout=2)
        channel.client.backoff = 0.01
        async with serve_channel(channel, rasa) as url, aiohttp.ClientSession() as http:
            body = webhook_body(text_event("こんにちは"))
            headers = {"X-Line-Signature": compute_signature(SECRET, body)}
            async with http.post(url + "/webhooks/line/webhook", data=body, headers=headers) as answer:
                assert answer.status == 200
            await channel.wait_idle(20)
        sock.close()
        assert len(rasa.received) == 1

    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert any("LINE API POST /v2/bot/message/reply failed" in r.getMessage() for r in caplog.records)
    assert not any("processing failed" in r.getMessage() for r in caplog.records)


def test_turn_without_bot_messages_or_with_an_error_gets_the_apology():
    async def scenario():
        async with harness(FakeRasa(answers=lambda m: [])) as h:
            await h.post(webhook_body(text_event("こんにちは")))
            assert [m["text"] for m in reply_messages(h.line)] == [common.apology_text()]
            # a button payload is Latin text, but the apology stays Japanese
            await h.post(webhook_body(postback_event("/lost_card")))
            assert [m["text"] for m in reply_messages(h.line)] == [common.apology_text("ja")]
            await h.post(webhook_body(follow_event()))
            assert [m["text"] for m in reply_messages(h.line)] == [common.apology_text("ja")]
        async with harness(FakeRasa(raise_error=True)) as h:
            await h.post(webhook_body(text_event("こんにちは")))
            assert [m["text"] for m in reply_messages(h.line)] == [common.apology_text()]

    run(scenario())


# --------------------------------------------------------------------------
# My Numbers


@pytest.mark.parametrize(
    "text",
    [
        f"マイナンバーは{MY_NUMBER}です",
        "番号は123456789018だよ",
        "１２３４－５６７８－９０１８",
        f"{MY_NUMBER}",
    ],
)
def test_my_number_never_reaches_rasa_or_logs(text, caplog):
    async def scenario():
        async with harness() as h:
            assert await h.post(webhook_body(text_event(text))) == 200
            for message in h.rasa.received:
                digits = "".join(ch for ch in message.text if ch.isdigit())
                assert "123456789018" not in digits and "１２３４５６７８９０１８" not in digits
                assert MY_NUMBER_DIGITS not in json.dumps(message.metadata, ensure_ascii=False)
            messages = reply_messages(h.line)
            warning = common.prepare_user_message(text).notices[0]
            assert messages[0]["text"].startswith(warning)
            assert "1234" not in json.dumps(h.line.replies[0].json, ensure_ascii=False)

    with caplog.at_level(logging.DEBUG):
        run(scenario())
    for record in caplog.records:
        if record.name.startswith("maina_rasa"):
            assert "5678" not in record.getMessage()


# --------------------------------------------------------------------------
# Output shaping


def test_six_bot_messages_still_one_call_with_at_most_five():
    async def scenario():
        answers = [{"text": f"メッセージ{i}です。"} for i in range(6)]
        answers[-1]["buttons"] = BUTTONS[:2]
        async with harness(FakeRasa(answers=lambda m: answers)) as h:
            await h.post(webhook_body(text_event("こんにちは")))
            assert len(h.line.replies) == 1
            call = h.line.replies[0]
            assert call.status == 200, call.schema_errors
            messages = call.json["messages"]
            assert len(messages) <= 5
            text = all_text(messages)
            for i in range(6):
                assert f"メッセージ{i}です。" in text
            assert text.index("メッセージ0") < text.index("メッセージ5")
            assert "quickReply" in messages[-1]

    run(scenario())


def test_long_text_is_split_at_line_boundaries():
    lines = [f"{i:04d} " + "マイナンバーカードの説明です。" * 8 for i in range(120)]
    long_text = "\n".join(lines)
    assert len(long_text) > 2 * MAX_TEXT

    async def scenario():
        async with harness(FakeRasa(answers=lambda m: [{"text": long_text, "buttons": BUTTONS[:1]}])) as h:
            await h.post(webhook_body(text_event("長い説明")))
            assert len(h.line.replies) == 1
            call = h.line.replies[0]
            assert call.status == 200, call.schema_errors
            messages = call.json["messages"]
            assert 2 <= len(messages) <= 5
            assert all(utf16_len(m["text"]) <= MAX_TEXT for m in messages)
            got = [line for m in messages for line in m["text"].split("\n")]
            assert got == lines  # every line whole, in order
            assert "quickReply" in messages[-1]

    run(scenario())


def test_split_text_edge_cases():
    assert split_text("") == [] and split_text(" \n ") == []
    assert split_text("短い") == ["短い"]
    one_line = "あ" * 12000
    parts = split_text(one_line)
    assert "".join(parts) == one_line and all(len(p) <= MAX_TEXT for p in parts)
    emoji = "😀" * 3000  # 2 UTF-16 units each
    parts = split_text(emoji)
    assert "".join(parts) == emoji and all(utf16_len(p) <= MAX_TEXT for p in parts)
    sentences = ("これは文です。" * 800)
    parts = split_text(sentences)
    assert "".join(parts) == sentences and parts[0].endswith("。")


def test_build_messages_overflow_buttons_images_custom():
    many_buttons = [{"title": f"ボタン{i}", "payload": f"/intent_{i}"} for i in range(20)]
    messages = build_line_messages(
        [
            {"text": "画像だよ", "image": "https://example.com/a.png"},
            {"image": "http://insecure.example.com/b.png"},
            {"custom": {"line": {"type": "sticker", "packageId": "446", "stickerId": "1988"}}},
            {"custom": {"something": "else"}},
            {"text": "えらんでね", "buttons": many_buttons + many_buttons[:2]},
            {"text": "", "buttons": [{"title": "サイト", "payload": "https://www.city.tomakomai.hokkaido.jp/"}]},
            {"text": None, "buttons": [{"title": "長すぎ", "payload": "/x" + "y" * 400}]},
        ]
    )
    MESSAGING.validate("ReplyMessageRequest", {"replyToken": "t", "messages": messages})
    assert len(messages) <= 5
    assert messages[1]["type"] == "image"
    items = messages[-1]["quickReply"]["items"]
    assert len(items) == 13
    assert items[0]["action"]["data"] == "/intent_0"


def test_overflow_keeps_five_and_says_so():
    huge = [{"text": "あ" * 4000} for _ in range(8)]
    messages = build_line_messages(huge)
    assert len(messages) == 5
    assert messages[-1]["text"].endswith(OVERFLOW_NOTE)
    MESSAGING.validate("ReplyMessageRequest", {"replyToken": "t", "messages": messages})
    english = build_line_messages(huge, language="en")
    assert english[-1]["text"].endswith(common.render("line_overflow_note", "en"))


button_strategy = st.fixed_dictionaries(
    {
        "title": st.one_of(st.none(), st.text(max_size=40)),
        "payload": st.one_of(
            st.text(max_size=30).map(lambda s: "/" + s),
            st.sampled_from(["tel:0144-32-6492", "https://example.com/x", "", "/lost_card"]),
            st.text(min_size=290, max_size=320),
        ),
    }
)
bot_message_strategy = st.fixed_dictionaries(
    {
        "text": st.one_of(
            st.none(),
            st.text(max_size=200),
            # long texts, cheap to generate: a random line repeated up to ~6000 chars
            st.tuples(st.text(min_size=1, max_size=30), st.integers(150, 700), st.sampled_from(["\n", "", "\n\n"])).map(
                lambda t: (t[0] + t[2]) * t[1]
            ),
        )
    },
    optional={"buttons": st.lists(button_strategy, max_size=16)},
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(bot_message_strategy, max_size=9))
def test_any_turn_becomes_a_valid_reply(bot_messages):
    messages = build_line_messages(bot_messages)
    if not messages:
        return
    MESSAGING.validate("ReplyMessageRequest", {"replyToken": "t", "messages": messages})


# --------------------------------------------------------------------------
# Credentials


def test_from_credentials_reads_file_and_env_wins(monkeypatch):
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_API_BASE_URL", "LINE_USE_PUSH_FALLBACK"):
        monkeypatch.delenv(name, raising=False)
    channel = LineInput.from_credentials(
        {"channel_secret": "s", "access_token": "t", "api_base_url": "http://127.0.0.1:1/", "use_push_fallback": "true"}
    )
    assert (channel.channel_secret, channel.access_token) == ("s", "t")
    assert channel.api_base_url == "http://127.0.0.1:1" and channel.use_push_fallback
    assert channel.is_configured and channel.name() == "line"

    monkeypatch.setenv("LINE_CHANNEL_SECRET", "env-secret")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("LINE_API_BASE_URL", "")  # empty env: file value, then default
    monkeypatch.setenv("LINE_USE_PUSH_FALLBACK", "false")
    channel = LineInput.from_credentials({"channel_secret": "s", "use_push_fallback": True})
    assert (channel.channel_secret, channel.access_token) == ("env-secret", "env-token")
    assert channel.api_base_url == "https://api.line.me" and not channel.use_push_fallback

    # ${VAR} substitution in credentials.yml yields "" when the variable is empty
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        monkeypatch.setenv(name, "")
    channel = LineInput.from_credentials({"channel_secret": "", "access_token": "", "api_base_url": ""})
    assert not channel.is_configured
    channel = LineInput.from_credentials(None)
    assert not channel.is_configured


def test_enabled_by_module_path_from_credentials_yml(monkeypatch, tmp_path):
    """What ``rasa run --credentials`` does for a custom channel key: read the YAML
    (with ${VAR} substitution), import the class by module path, from_credentials."""
    from rasa.shared.utils.common import class_from_module_path
    from rasa.shared.utils.io import read_yaml_file

    monkeypatch.setenv("LINE_CHANNEL_SECRET", "env-secret")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("LINE_API_BASE_URL", "https://api.line.me")
    monkeypatch.setenv("LINE_USE_PUSH_FALLBACK", "false")
    key = "maina_rasa.channels.line.channel.LineInput"
    snippet = tmp_path / "credentials.yml"
    snippet.write_text(
        f"{key}:\n"
        "  channel_secret: ${LINE_CHANNEL_SECRET}\n"
        "  access_token: ${LINE_CHANNEL_ACCESS_TOKEN}\n"
        "  api_base_url: ${LINE_API_BASE_URL}\n"
        "  use_push_fallback: ${LINE_USE_PUSH_FALLBACK}\n",
        "utf-8",
    )
    files = [snippet]
    project_file = ROOT / "credentials.yml"
    if project_file.is_file() and key in project_file.read_text("utf-8"):
        files.append(project_file)
    for path in files:
        credentials = read_yaml_file(str(path))
        channel = class_from_module_path(key).from_credentials(credentials[key])
        assert isinstance(channel, LineInput) and channel.url_prefix() == "line"
        assert channel.is_configured and channel.channel_secret == "env-secret"
        assert not channel.use_push_fallback


# --------------------------------------------------------------------------
# Rich menu


def test_committed_rich_menu_matches_the_script_and_the_spec():
    committed = json.loads((LINE_DIR / "richmenu.json").read_text("utf-8"))
    assert committed == richmenu.build_rich_menu(committed["size"]["height"])
    MESSAGING.validate("RichMenuRequest", committed)
    menu, image = richmenu.validate_files(LINE_DIR / "richmenu.json", LINE_DIR / "richmenu.png")
    assert [a["action"]["data"] for a in menu["areas"]] == [
        "/lost_card", "/ask_my_expiry", "/pin_overview", "/konbini_what", "/address_name_change", "/contact_city",
    ]
    assert len(image) <= 1024 * 1024
    # tiles cover the image exactly
    assert sum(a["bounds"]["width"] * a["bounds"]["height"] for a in menu["areas"]) == 2500 * menu["size"]["height"]


def test_generate_draws_the_menu(tmp_path):
    try:
        font = richmenu.find_font()
    except richmenu.RichMenuError:
        pytest.skip("no Japanese font installed (apt-get install fonts-noto-cjk)")
    json_path, image_path = richmenu.generate(tmp_path, font)
    menu, image = richmenu.validate_files(json_path, image_path)
    assert richmenu.image_size(image) == (2500, 1686)
    json_path, image_path = richmenu.generate(tmp_path / "compact", font, compact=True)
    menu, image = richmenu.validate_files(json_path, image_path)
    assert menu["size"] == {"width": 2500, "height": 843}


def test_generate_fails_clearly_without_a_font(monkeypatch):
    monkeypatch.setattr(richmenu, "_fc_list_japanese", lambda: [])
    monkeypatch.setattr(richmenu, "FONT_CANDIDATES", ())
    monkeypatch.delenv("MAINA_CJK_FONT", raising=False)
    with pytest.raises(richmenu.RichMenuError, match="fonts-noto-cjk"):
        richmenu.find_font()
    with pytest.raises(richmenu.RichMenuError, match="no such file"):
        richmenu.find_font("/nonexistent/font.ttf")


def test_validate_rejects_bad_menus(tmp_path):
    menu = richmenu.build_rich_menu()
    menu["areas"][5]["bounds"]["x"] = 2000
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(menu), "utf-8")
    with pytest.raises(richmenu.RichMenuError, match="outside"):
        richmenu.validate_files(bad, None)
    bad.write_text('{"size": {"width": 2500}}', "utf-8")
    with pytest.raises(richmenu.RichMenuError, match="not a rich menu JSON"):
        richmenu.validate_files(bad, None)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(richmenu.build_rich_menu(843)), "utf-8")
    with pytest.raises(richmenu.RichMenuError, match="image is"):
        richmenu.validate_files(good, LINE_DIR / "richmenu.png")  # 1686 high


def test_register_rich_menu_against_fake_api(monkeypatch):
    async def scenario():
        async with FakeLineServer(token=TOKEN) as line:
            menu, image = richmenu.validate_files(LINE_DIR / "richmenu.json", LINE_DIR / "richmenu.png")
            client = LineApiClient(TOKEN, line.base_url)
            first = await richmenu.register(menu, image, client)
            assert line.default_rich_menu == first
            create = line.calls_to("/v2/bot/richmenu")[0]
            assert create.status == 200 and not create.schema_errors
            MESSAGING.validate("RichMenuRequest", create.json)
            upload = line.calls_to(f"/v2/bot/richmenu/{first}/content")[0]
            assert upload.status == 200 and upload.headers["Content-Type"] == "image/png"
            assert line.rich_menu_images[first] == image
            assert line.calls_to(f"/v2/bot/user/all/richmenu/{first}")[0].status == 200

            # the CLI, token and base from the environment, replacing the old menu
            monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
            monkeypatch.setenv("LINE_API_BASE_URL", line.base_url)
            monkeypatch.delenv("LINE_DATA_API_BASE_URL", raising=False)
            loop = asyncio.get_running_loop()
            code = await loop.run_in_executor(None, richmenu.main, ["register", "--replace"])
            assert code == 0
            assert line.default_rich_menu != first
            assert list(line.rich_menus) == [line.default_rich_menu]  # old one deleted

            monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "wrong")
            code = await loop.run_in_executor(None, richmenu.main, ["register"])
            assert code == 2

            # LINE validates the JSON before anything is created
            bad = richmenu.build_rich_menu()
            bad["areas"][0]["action"]["label"] = "ラベル" * 10  # > 20
            menus = dict(line.rich_menus)
            with pytest.raises(richmenu.RichMenuError, match="LINE says the rich menu is invalid"):
                await richmenu.register(bad, image, client)
            assert line.rich_menus == menus

    run(scenario())


def test_register_without_token_fails_clearly(monkeypatch, capsys):
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    assert richmenu.main(["register"]) == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Fuzz: random bodies and headers never give a 500


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _BackgroundHarness:
    """Fake LINE API + Sanic with LineInput in a thread with its own event loop, so
    Hypothesis can drive many examples against one running server."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stack = contextlib.AsyncExitStack()
        self.h: Harness = self.call(self._start())

    async def _start(self) -> Harness:
        rasa = FakeRasa(answers=lambda m: [{"text": m.text or "…", "buttons": BUTTONS}])
        return await self.stack.enter_async_context(harness(rasa, use_push_fallback=True, max_body_bytes=256 * 1024))

    def call(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def close(self) -> None:
        self.call(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def background():
    recorder = _Recorder()
    logging.getLogger("maina_rasa").addHandler(recorder)
    harness_ = _BackgroundHarness()
    harness_.recorder = recorder
    yield harness_
    harness_.close()
    logging.getLogger("maina_rasa").removeHandler(recorder)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
event_fields = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["message", "postback", "follow", "unfollow", "join", "beacon", "zzz", 5]),
        "mode": st.sampled_from(["active", "standby", None]),
        "replyToken": st.one_of(st.text(max_size=40), st.integers(), st.none()),
        "webhookEventId": st.one_of(st.text(max_size=30), st.integers()),
        "deliveryContext": st.one_of(json_values, st.fixed_dictionaries({"isRedelivery": st.booleans()})),
        "source": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"type": st.sampled_from(["user", "group", "room", "x"])},
                optional={
                    "userId": st.one_of(st.text(max_size=40), st.integers()),
                    "groupId": st.text(max_size=40),
                    "roomId": st.text(max_size=40),
                },
            ),
        ),
        "message": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"type": st.sampled_from(["text", "sticker", "image", "x"])},
                optional={"text": st.one_of(st.text(max_size=300), json_values), "id": st.text(max_size=5)},
            ),
        ),
        "postback": st.one_of(
            json_values, st.fixed_dictionaries({"data": st.one_of(st.text(max_size=300), json_values)})),
    },
)
webhook_like = st.fixed_dictionaries(
    {"events": st.lists(event_fields, max_size=4)},
    optional={"destination": st.one_of(st.text(max_size=40), json_values)},
)
bodies = st.one_of(
    st.binary(max_size=600),
    json_values.map(lambda v: json.dumps(v).encode()),
    webhook_like.map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
    webhook_like.map(lambda v: json.dumps(v).encode()),
)
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=bodies,
    signing=st.sampled_from(["good", "good", "good", "none", "random", "other-secret"]),
    random_signature=header_values,
    content_type=st.one_of(
        st.none(),
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
        header_values,
    ),
    extra=st.dictionaries(st.sampled_from(["X-Line-Retry", "Accept", "X-Forwarded-For", "User-Agent"]),
                          header_values, max_size=3),
)
def test_fuzz_webhook_never_500(background, body, signing, random_signature, content_type, extra):
    headers = dict(extra)
    if content_type is not None:
        headers["Content-Type"] = content_type
    if signing == "good":
        headers["X-Line-Signature"] = compute_signature(SECRET, body)
    elif signing == "random":
        headers["X-Line-Signature"] = random_signature
    elif signing == "other-secret":
        headers["X-Line-Signature"] = compute_signature("other", body)

    async def send() -> int:
        h = background.h
        async with h.http.post(h.url + "/webhooks/line/webhook", data=body, headers=headers) as answer:
            status = answer.status
        await h.channel.wait_idle(20)
        return status

    status = background.call(send())
    assert status in (200, 400, 401, 413), status
    if signing != "good":
        assert status in (401, 413)
    # nothing crashed in the background and everything we sent LINE was valid
    assert not background.recorder.records, [r.getMessage() for r in background.recorder.records]
    # everything sent to LINE was valid (a random reply token may be reused: LINE says 400)
    bad = [
        (c.path, c.status, c.schema_errors)
        for c in background.h.line.calls
        if c.schema_errors or (c.status != 200 and c.json and "Invalid reply token" not in str(c.json))
    ]
    assert not bad, bad
