"""GuardedRestInput (and the socket.io handler) on a real Sanic server with a fake Rasa.

The fake ``on_new_message`` records every ``UserMessage`` it gets, so the tests can check
that Rasa only ever sees the masked text. No model and no action server are needed.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, List, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from maina import facts
from maina.mynumber import MARKER
from maina_rasa.channels import common
from maina_rasa.channels.rest import MAX_BODY_BYTES, BadRequest, GuardedRestInput
from maina_rasa.channels.socketio import GuardedSocketIOInput

# Several throw-away apps start in this process. Sanic 21.12's "touchup" recompiles
# HttpProtocol methods at each start and can only redo that from the originals it keeps in
# test mode (what sanic-testing switches on). Set at import, i.e. before any app starts.
Sanic.test_mode = True

VALID = "123456789018"  # made-up test number with a correct check digit
URL = "/webhooks/rest/webhook"
ROOT = Path(__file__).resolve().parents[2]


class FakeRasa:
    """Stands in for ``agent.handle_message``: records the message, answers or not."""

    def __init__(self, reply: Optional[str] = "こんにちは！マイナちゃんだよ。", fail: bool = False):
        self.reply = reply
        self.fail = fail
        self.received: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise RuntimeError("action server down")
        if self.reply is not None:
            await message.output_channel.send_text_with_buttons(
                message.sender_id, self.reply, [{"title": "手数料", "payload": "/reissue_fee"}]
            )


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


@contextlib.asynccontextmanager
async def serve(channel: GuardedRestInput, handler: Callable[[UserMessage], Awaitable[Any]]):
    """Mount the channel like rasa.core.channels.channel.register does; yield base URL."""
    app = Sanic(f"test_rest_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(handler), url_prefix="/webhooks/" + channel.url_prefix())
    sock = _free_socket()
    port = sock.getsockname()[1]
    # sanic 21.12: create_server already listens; startup() finalises the routes
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
        sock.close()


def run(coro_fn: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    return asyncio.run(coro_fn(*args))


async def _post(
    handler: Any,
    body: Any = None,
    *,
    raw: Optional[bytes] = None,
    query: str = "",
    channel: Optional[GuardedRestInput] = None,
    headers: Optional[dict] = None,
) -> tuple:
    channel = channel or GuardedRestInput()
    async with serve(channel, handler) as base:
        async with aiohttp.ClientSession() as session:
            data = raw if raw is not None else json.dumps(body).encode()
            async with session.post(
                base + URL + query,
                data=data,
                headers=headers or {"Content-Type": "application/json"},
            ) as resp:
                text = await resp.text()
                return resp.status, text


def post(handler: Any, body: Any = None, **kwargs: Any) -> tuple:
    status, text = asyncio.run(_post(handler, body, **kwargs))
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def texts(messages: List[dict]) -> List[str]:
    return [m.get("text") for m in messages]


# --- the standard contract --------------------------------------------------------------


def test_health_route_and_name():
    async def check() -> Any:
        async with serve(GuardedRestInput(), FakeRasa()) as base:
            async with aiohttp.ClientSession() as session:
                async with session.get(base + "/webhooks/rest/") as resp:
                    return resp.status, await resp.json()

    assert GuardedRestInput.name() == "rest"
    assert run(check) == (200, {"status": "ok"})


def test_plain_message_reaches_rasa_and_returns_rasa_format():
    rasa = FakeRasa()
    status, body = post(rasa, {"sender": "web-1", "message": "こんにちは", "metadata": {"language": "ja"}})
    assert status == 200
    assert body == [
        {
            "recipient_id": "web-1",
            "text": "こんにちは！マイナちゃんだよ。",
            "buttons": [{"title": "手数料", "payload": "/reissue_fee"}],
        }
    ]
    (message,) = rasa.received
    assert message.text == "こんにちは"
    assert message.sender_id == "web-1"
    assert message.input_channel == "rest"
    assert message.metadata == {"language": "ja"}


class AnsweringRasa:
    """Answers the way Rasa hands an NLG answer to the channel: with its metadata keys."""

    def __init__(self, *answers: dict) -> None:
        self.answers = answers

    async def __call__(self, message: UserMessage) -> None:
        for answer in self.answers:
            await message.output_channel.send_response(message.sender_id, dict(answer))


def test_every_message_of_an_answer_carries_the_conversations_language():
    """The NLG's "language" (the slot) is on each message of the answer, plain and streamed;
    everything else is Rasa's format; a message without one (a channel notice) has none."""
    zh = {"text": "第一段\n\n第二段", "language": "zh", "topic": "lost_card",
          "utter_action": "utter_lost_card"}
    buttons = {"text": "选一个吧", "buttons": [{"title": "再发行", "payload": "/reissue_procedure"}],
               "language": "zh"}
    rasa = AnsweringRasa(zh, buttons, {"text": "没有语言"})
    status, body = post(rasa, {"sender": "web-zh", "message": f"{VALID} 我的卡丢了",
                               "metadata": {"language": "zh"}})
    assert status == 200
    assert [m.get("language") for m in body] == [None, "zh", "zh", "zh", None]  # notice, answers, other
    assert body[2] == {"recipient_id": "web-zh", "text": "第二段", "language": "zh"}
    assert body[3] == {"recipient_id": "web-zh", "text": "选一个吧", "language": "zh",
                       "buttons": [{"title": "再发行", "payload": "/reissue_procedure"}]}
    assert "topic" not in body[1] and "utter_action" not in body[1]
    status, text = asyncio.run(_post(AnsweringRasa(zh), {"sender": "web-zh", "message": "丢了"},
                                     query="?stream=true"))
    assert [m.get("language") for m in _stream_lines(text)] == ["zh", "zh"]


def test_a_date_question_says_so_in_any_language():
    """A response declaring ``metadata: {input: date, date_kind: birth}`` (the form's date
    questions) gets "ask" on its message, so the kiosk's picker opens in Chinese too."""
    ask = {"text": "先告诉我你的出生日期吧", "language": "zh", "utter_action": "utter_ask_birth_date",
           "metadata": {"input": "date", "date_kind": "birth"}}
    status, body = post(AnsweringRasa(ask, {"text": "other", "language": "zh"}),
                        {"sender": "web-zh", "message": "有效期"})
    assert status == 200
    assert body[0]["ask"] == {"input": "date", "kind": "birth"} and "metadata" not in body[0]
    assert "ask" not in body[1]


def test_the_forms_date_questions_declare_what_they_ask():
    import yaml

    responses = yaml.safe_load((ROOT / "data/responses/dialogue.yml").read_text(encoding="utf-8"))["responses"]
    for name, kind in (("utter_ask_birth_date", "birth"), ("utter_ask_issue_date", "issue"),
                       ("utter_ask_stay_end_date", "stay")):
        assert all(v.get("metadata") == {"input": "date", "date_kind": kind} for v in responses[name]), name


def test_credentials_create_the_channel():
    channel = GuardedRestInput.from_credentials({"max_body_bytes": 1000, "max_message_chars": 50})
    assert isinstance(channel, GuardedRestInput)
    assert channel.max_body_bytes == 1000 and channel.max_message_chars == 50
    assert GuardedRestInput.from_credentials(None).max_body_bytes == MAX_BODY_BYTES


# --- masking ----------------------------------------------------------------------------


def test_my_number_is_masked_before_rasa_and_a_warning_comes_first():
    rasa = FakeRasa()
    status, body = post(rasa, {"sender": "web-2", "message": "番号は1234 5678 9018です。カードの期限は？"})
    assert status == 200
    (message,) = rasa.received
    assert message.text == f"番号は{MARKER}です。カードの期限は？"
    assert "1234" not in message.text and "9018" not in message.text
    assert texts(body)[0] == common.render("my_number_warning", "ja")
    assert texts(body)[1] == "こんにちは！マイナちゃんだよ。"
    assert VALID not in json.dumps(body, ensure_ascii=False)


def test_full_width_number_is_masked():
    rasa = FakeRasa()
    post(rasa, {"sender": "web-3", "message": "１２３４－５６７８－９０１８ をなくした"})
    assert rasa.received[0].text == f"{MARKER} をなくした"


def test_metadata_is_reduced_to_the_allow_list_and_masked():
    rasa = FakeRasa()
    post(
        rasa,
        {
            "sender": "web-4",
            "message": "hello",
            "metadata": {"language": f"en {VALID}", "note": VALID, "deep": {"x": VALID}},
        },
    )
    metadata = rasa.received[0].metadata
    assert set(metadata) == {"language"}
    assert VALID not in json.dumps(metadata)


def test_only_a_number_is_not_sent_to_rasa():
    rasa = FakeRasa()
    status, body = post(rasa, {"sender": "web-5", "message": VALID})
    assert status == 200
    assert rasa.received == []
    assert texts(body) == [common.render("my_number_warning", "ja")]


def test_english_warning_for_english_text_or_metadata():
    rasa = FakeRasa()
    _, body = post(rasa, {"sender": "web-6", "message": f"my number is {VALID}"})
    assert texts(body)[0] == common.render("my_number_warning", "en")
    _, body = post(rasa, {"sender": "web-6", "message": VALID, "metadata": {"language": "en"}})
    assert texts(body) == [common.render("my_number_warning", "en")]


# --- empty, long, silent turns ----------------------------------------------------------


@pytest.mark.parametrize("message", ["", "   ", "　\n", "\x00"])
def test_empty_message_gets_a_polite_reply_without_rasa(message):
    rasa = FakeRasa()
    status, body = post(rasa, {"sender": "web-7", "message": message})
    assert status == 200
    assert rasa.received == []
    assert body == [{"recipient_id": "web-7", "text": common.render("empty_message", "ja")}]


def test_long_message_is_cut_and_noted():
    rasa = FakeRasa()
    status, body = post(
        rasa, {"sender": "web-8", "message": "あ" * 30}, channel=GuardedRestInput(max_message_chars=10)
    )
    assert status == 200
    assert rasa.received[0].text == "あ" * 10
    assert texts(body)[0] == common.render("truncated_note", "ja", max_chars=10)
    assert "10" in texts(body)[0]


def test_default_limit_is_1000_characters():
    rasa = FakeRasa()
    _, body = post(rasa, {"sender": "web-8", "message": "あ" * 1200})
    assert len(rasa.received[0].text) == 1000
    assert "1,000" in texts(body)[0]


@pytest.mark.parametrize("rasa", [FakeRasa(reply=None), FakeRasa(fail=True)])
def test_apology_with_city_phone_when_rasa_says_nothing(rasa):
    status, body = post(rasa, {"sender": "web-9", "message": "有効期限を計算して"})
    assert status == 200
    assert len(rasa.received) == 1
    (apology,) = texts(body)
    assert str(facts.value("city.tel")) in apology
    assert str(facts.value("city.office")) in apology
    assert apology == common.render("no_response_apology", "ja")


def test_a_cancelled_turn_is_cancelled_not_answered(caplog):
    """Sanic cancels a handler on timeout or shutdown: the cancellation must propagate,
    not be swallowed into an apology for a client that is gone."""
    started = asyncio.Event()

    async def slow_rasa(message: UserMessage) -> None:
        started.set()
        await asyncio.sleep(3600)

    async def scenario() -> None:
        channel = GuardedRestInput()
        valid = channel._parse(_request({"sender": "web-c", "message": "こんにちは"}))
        task = asyncio.ensure_future(channel.handle(slow_rasa, valid))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()

    with caplog.at_level("ERROR"):
        run(scenario)
    assert "rest.message.received.timeout" in caplog.text


class _request:
    """The parts of a Sanic request that GuardedRestInput._parse reads."""

    def __init__(self, payload: Any) -> None:
        self.body = json.dumps(payload).encode()
        self.headers = {"content-length": str(len(self.body))}


def test_english_apology():
    _, body = post(FakeRasa(reply=None), {"sender": "web-9", "message": "When does my card expire?"})
    (apology,) = texts(body)
    assert str(facts.value("city.tel")) in apology and str(facts.value("city.office_en")) in apology


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"{not json", "InvalidJSON"),
        (b"", "InvalidJSON"),
        (b"\xff\xfe\x00garbage", "InvalidJSON"),
        (b"[1, 2]", "InvalidJSON"),
        (b'"just a string"', "InvalidJSON"),
        (b"[" * 5000 + b"]" * 5000, "InvalidJSON"),
        (b'{"message": "hi"}', "InvalidSender"),
        (b'{"sender": 12, "message": "hi"}', "InvalidSender"),
        (b'{"sender": "", "message": "hi"}', "InvalidSender"),
        (b'{"sender": "a\\nb", "message": "hi"}', "InvalidSender"),
        (json.dumps({"sender": "x" * 129, "message": "hi"}).encode(), "InvalidSender"),
        (b'{"sender": "web"}', "InvalidMessage"),
        (b'{"sender": "web", "message": null}', "InvalidMessage"),
        (b'{"sender": "web", "message": 123456789018}', "InvalidMessage"),
        (b'{"sender": "web", "message": ["hi"]}', "InvalidMessage"),
        (b'{"sender": "web", "message": "hi", "metadata": "en"}', "InvalidMetadata"),
        (b'{"sender": "web", "message": "hi", "metadata": [1]}', "InvalidMetadata"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_requests_get_400_with_a_small_json_body(raw, reason):
    rasa = FakeRasa()
    status, body = post(rasa, raw=raw)
    assert status == 400
    assert body["reason"] == reason and body["code"] == 400 and body["status"] == "failure"
    assert rasa.received == []


def test_sender_of_128_characters_is_fine():
    rasa = FakeRasa()
    status, _ = post(rasa, {"sender": "s" * 128, "message": "hi"})
    assert status == 200 and rasa.received[0].sender_id == "s" * 128


def test_big_body_gets_413():
    rasa = FakeRasa()
    status, body = post(rasa, {"sender": "web", "message": "あ" * (MAX_BODY_BYTES // 3 + 10)})
    assert status == 413
    assert body["reason"] == "PayloadTooLarge"
    assert rasa.received == []


def test_big_chunked_body_without_content_length_gets_413():
    async def chunks():
        yield b'{"sender": "web", "message": "'
        for _ in range(70):
            yield b"a" * 1024
        yield b'"}'

    async def go() -> Any:
        async with serve(GuardedRestInput(), FakeRasa()) as base:
            async with aiohttp.ClientSession() as session:
                async with session.post(base + URL, data=chunks()) as resp:
                    return resp.status, resp.headers.get("Content-Length")

    status, _ = run(go)
    assert status == 413


def test_declared_content_length_is_checked_before_parsing():
    class FakeRequest:
        headers = {"content-length": str(MAX_BODY_BYTES + 1)}
        body = b"{}"

    with pytest.raises(BadRequest) as error:
        GuardedRestInput()._parse(FakeRequest())
    assert error.value.status == 413


def test_unknown_input_channel_name_falls_back_to_rest():
    rasa = FakeRasa()
    post(rasa, {"sender": "web", "message": "hi", "input_channel": "kiosk"})
    post(rasa, {"sender": "web", "message": "hi", "input_channel": "bad name!\n"})
    assert [m.input_channel for m in rasa.received] == ["kiosk", "rest"]


# --- stream=true ------------------------------------------------------------------------


def _stream_lines(text: str) -> List[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_stream_keeps_working_with_warning_and_masking():
    rasa = FakeRasa()
    status, text = asyncio.run(
        _post(rasa, {"sender": "web-s", "message": f"{VALID} なくした"}, query="?stream=true")
    )
    assert status == 200
    messages = _stream_lines(text)
    assert texts(messages) == [common.render("my_number_warning", "ja"), "こんにちは！マイナちゃんだよ。"]
    assert rasa.received[0].text == f"{MARKER} なくした"


@pytest.mark.parametrize("rasa", [FakeRasa(reply=None), FakeRasa(fail=True)])
def test_stream_apologises_and_ends_when_rasa_says_nothing_or_fails(rasa):
    status, text = asyncio.run(
        asyncio.wait_for(
            _post(rasa, {"sender": "web-s", "message": "期限は？"}, query="?stream=true"), 10
        )
    )
    assert status == 200
    assert texts(_stream_lines(text)) == [common.render("no_response_apology", "ja")]


# --- socket.io uses the same guard ------------------------------------------------------


class FakeSio:
    def __init__(self) -> None:
        self.emitted: List[tuple] = []

    async def emit(self, event: str, data: Any = None, room: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, room))


def _socketio_handler(rasa: FakeRasa, **options: Any):
    channel = GuardedSocketIOInput(**options)
    channel.blueprint(rasa)
    handler = channel.sio.handlers["/"][channel.user_message_evt]
    fake = FakeSio()
    channel.sio.emit = fake.emit  # type: ignore[assignment]
    return handler, fake


def test_socketio_masks_and_warns():
    rasa = FakeRasa()
    handler, sio = _socketio_handler(rasa)
    asyncio.run(handler("sid-1", {"message": f"番号{VALID}の期限は？", "metadata": {"language": "ja", "x": VALID}}))
    (message,) = rasa.received
    assert message.text == f"番号{MARKER}の期限は？"
    assert message.metadata == {"language": "ja"}
    assert message.input_channel == "socketio"
    assert sio.emitted[0] == ("bot_uttered", {"text": common.render("my_number_warning", "ja")}, "sid-1")
    assert sio.emitted[1][1]["text"] == "こんにちは！マイナちゃんだよ。"


def test_socketio_empty_silent_and_invalid_payloads():
    rasa = FakeRasa(reply=None)
    handler, sio = _socketio_handler(rasa)
    asyncio.run(handler("sid-2", {"message": "  "}))
    assert rasa.received == []
    assert sio.emitted == [("bot_uttered", {"text": common.render("empty_message", "ja")}, "sid-2")]

    sio.emitted.clear()
    asyncio.run(handler("sid-2", {"message": "期限は？"}))
    assert sio.emitted == [
        ("bot_uttered", {"text": common.render("no_response_apology", "ja")}, "sid-2")
    ]

    sio.emitted.clear()
    for bad in (["list"], "text", {"message": 5}):
        asyncio.run(handler("sid-2", bad))
    assert sio.emitted == [] and len(rasa.received) == 1


def test_socketio_session_persistence_needs_a_valid_session_id():
    rasa = FakeRasa()
    handler, sio = _socketio_handler(rasa, session_persistence=True)
    asyncio.run(handler("sid-3", {"message": "hi"}))
    asyncio.run(handler("sid-3", {"message": "hi", "session_id": "x" * 200}))
    assert rasa.received == []
    asyncio.run(handler("sid-3", {"message": "hi", "session_id": "sess-1"}))
    assert rasa.received[0].sender_id == "sess-1"
    assert sio.emitted[-1][2] == "sess-1"


# --- nothing of the number in the logs --------------------------------------------------


def test_the_number_never_reaches_the_logs(caplog):
    caplog.set_level("DEBUG")
    rasa = FakeRasa(fail=True)  # the failure path logs too
    post(rasa, {"sender": "web-log", "message": f"1234-5678-9018 と {VALID}"})
    post(rasa, {"sender": "web-log", "message": VALID, "metadata": {"language": VALID}})
    post(rasa, raw=json.dumps({"sender": VALID * 20, "message": VALID}).encode())
    assert "9018" not in caplog.text and "5678" not in caplog.text


# --- shared helpers (maina_rasa.channels.common, also used by the LINE channel) --------


def test_channel_texts_type_no_numbers():
    """Numbers come from facts or arguments, never typed into a template."""
    for key, variants in common.CHANNEL_TEXTS.items():
        assert set(variants) == {"ja", "en"}, key
        for template in variants.values():
            assert not any(ch.isdigit() for ch in template), (key, template)


@pytest.mark.parametrize(
    "text, metadata, expected",
    [
        ("カードをなくした", None, "ja"),
        ("I lost my card", None, "en"),
        ("I lost my カード", None, "en"),  # English around one Japanese word, as the NLU reads it
        ("カードなくした", {"language": "fr"}, "ja"),
        (f"my number {MARKER}", None, "en"),
        ("", None, "ja"),
        ("12345", None, "ja"),
        ("/ask_my_expiry", None, "ja"),
        ("/ask_my_expiry", {"language": "en"}, "en"),
        ("カード", {"language": "en-US"}, "en"),
        ("card", {"language": "ja"}, "ja"),
        ("card", {"language": "fr"}, "en"),
    ],
)
def test_pick_language(text, metadata, expected):
    assert common.pick_language(text, metadata) == expected


def test_apology_without_readable_facts_still_answers(monkeypatch):
    def broken(key: str) -> Any:
        raise facts.FactsError("facts file broken")

    monkeypatch.setattr(facts, "value", broken)
    assert common.apology_text("ja") == common.render("no_response_apology_without_facts", "ja")


def test_mask_strings_keeps_structure():
    value = {"a": [VALID, {"b": f"x{VALID}"}], "n": 3, VALID: True}
    masked = common.mask_strings(value)
    assert masked == {"a": [MARKER, {"b": f"x{MARKER}"}], "n": 3, MARKER: True}


def test_prepare_user_message_contract():
    prepared = common.prepare_user_message(f"{VALID} 期限は？", {"language": "ja", "x": 1})
    assert prepared.text == f"{MARKER} 期限は？"
    assert prepared.metadata == {"language": "ja"}
    assert prepared.call_rasa and prepared.masked
    assert prepared.notices == (common.render("my_number_warning", "ja"),)
    assert prepared.after_turn(1) == ()
    assert prepared.after_turn(0) == (common.apology_text("ja"),)
    empty = common.prepare_user_message("  ")
    assert not empty.call_rasa and empty.after_turn(0) == ()
