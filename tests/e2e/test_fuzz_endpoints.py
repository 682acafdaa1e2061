"""Issue 5, hostile and odd input on every public endpoint of a real bot (`lab_bot`).

The rule: a polite reply or a 4xx, never a 500, never silence, and nothing in the logs that
says a handler blew up. First the named cases (empty, whitespace, 10,000+ characters,
control characters, emoji only, <script>, SQL-looking text, mixed scripts, malformed JSON,
wrong JSON types) through REST, LINE and socket.io; then Hypothesis (derandomized, so every
run sends the same ~200 requests) against the REST webhook, the LINE webhook (bad and good
signatures) and arbitrary paths.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any, List

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import lab
from maina_rasa.channels.line.api import compute_signature

HOSTILE_TEXTS = {
    "empty": "",
    "whitespace": " \u3000\t\n ",
    "long_ascii": "card " * 2100,  # 10,500 characters
    "long_japanese": "マイナンバーカードの有効期限はいつですか" * 520,  # 10,400 characters
    "control_chars": "\x00\x01\x02\x1b[31mカード\x7f\x9b\u202e\u200bなくした\x08",
    "lone_surrogate": "カード\ud800なくした",
    "emoji_only": "😀🎉👍🏽👨‍👩‍👧🇯🇵",
    "script": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE events; -- \" OR 1=1; SELECT * FROM events WHERE '1'='1",
    "mixed_scripts": "マイナ card 카드 卡片 кaрта بطاقة कार्ड ｶｰﾄﾞ ①②③ 𠮷野家",
    "template": "{city.tel} {{7*7}} ${jndi:ldap://x} %s%s%n {0} /restart /nonexistent_intent",
    "payload_like": '/lost_card{"birth_date": "1990-01-15"}',
    "newlines_only": "\n\n\r\n\u2028\u2029",
}

MALFORMED_BODIES = {
    "empty": b"",
    "truncated": b'{"sender": "a", "message": "x"',
    "not_json": b"sender=a&message=x",
    "null": b"null",
    "array": b'[{"sender": "a", "message": "x"}]',
    "string": b'"hello"',
    "number": b"12345",
    "invalid_utf8": b'{"sender": "a", "message": "\xff\xfe"}',
    "deep": b"[" * 50000 + b"]" * 50000,
    "nan": b'{"sender": "a", "message": NaN}',
    "duplicate_keys": b'{"sender": "a", "sender": 1, "message": "x"}',
}

WRONG_TYPES = {
    "sender_int": {"sender": 1, "message": "x"},
    "sender_null": {"sender": None, "message": "x"},
    "sender_list": {"sender": ["a"], "message": "x"},
    "sender_empty": {"sender": "", "message": "x"},
    "sender_blank": {"sender": "   ", "message": "x"},
    "sender_control": {"sender": "a\x00b", "message": "x"},
    "sender_long": {"sender": "a" * 129, "message": "x"},
    "message_missing": {"sender": "a"},
    "message_int": {"sender": "a", "message": 1},
    "message_null": {"sender": "a", "message": None},
    "message_list": {"sender": "a", "message": ["x"]},
    "message_object": {"sender": "a", "message": {"text": "x"}},
    "message_bool": {"sender": "a", "message": True},
    "metadata_list": {"sender": "a", "message": "x", "metadata": [1]},
    "metadata_string": {"sender": "a", "message": "x", "metadata": "en"},
    "input_channel_object": {"sender": "a", "message": "x", "input_channel": {"x": 1}},
}


def assert_polite(status: int, answer: Any, what: str) -> None:
    """200 with at least one non-empty bot text, or a 4xx."""
    assert status < 500, f"{what}: {status} {answer!r:.300}"
    if status == 200:
        assert isinstance(answer, list) and answer, f"{what}: empty answer"
        for message in answer:
            assert isinstance(message, dict) and "recipient_id" in message, message
        assert any((m.get("text") or "").strip() for m in answer), f"{what}: {answer}"
    else:
        assert 400 <= status < 500, f"{what}: {status}"


@pytest.fixture(scope="module", autouse=True)
def clean_log(lab_bot):
    """Fails (at the end of the module) if the servers logged a crash during these tests."""
    logs = sorted(lab_bot.run_dir.glob("*.log"))
    sizes = {p: p.stat().st_size for p in logs}
    yield
    time.sleep(1.0)  # LINE events run in background tasks
    for path in logs:
        with open(path, "rb") as handle:
            handle.seek(sizes[path])
            new = handle.read().decode("utf-8", "replace")
        crashes = [line for line in new.splitlines()
                   if re.search(r"Traceback|Exception in|ERROR\s+(maina_rasa|sanic|rasa\.server)|"
                                r"processing failed|failure", line)]
        assert not crashes, f"{path.name}:\n" + "\n".join(crashes[:10])


# ------------------------------------------------------------------------------------------
# named cases


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_rest_hostile_text(lab_bot, name):
    status, answer = lab_bot.post_rest({"sender": f"fuzz-{name}", "message": HOSTILE_TEXTS[name]})
    assert_polite(status, answer, name)
    if name.startswith("long_"):
        # cut to the limit and said so, or refused as too large
        assert status == 413 or any("文字だけ読んだ" in m.get("text", "") or "first" in m.get("text", "")
                                    for m in answer), answer


def test_rest_too_large_body_is_413(lab_bot):
    status, _ = lab_bot.post_rest({"sender": "fuzz-huge", "message": "あ" * 70000})
    assert status == 413


@pytest.mark.parametrize("name", sorted(MALFORMED_BODIES))
def test_rest_malformed_json(lab_bot, name):
    status, answer = lab_bot.post_rest(MALFORMED_BODIES[name])
    assert 400 <= status < 500 or (status == 200 and name == "duplicate_keys"), (status, answer)


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_rest_wrong_json_types(lab_bot, name):
    status, answer = lab_bot.post_rest(WRONG_TYPES[name])
    if name in ("metadata_list", "metadata_string"):
        assert status == 400, answer
    elif name == "input_channel_object":  # ignored: the message is answered
        assert_polite(status, answer, name)
    else:
        assert status == 400, (status, answer)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_rest_other_methods(lab_bot, method):
    status, _, _ = lab.http(method, f"{lab_bot.url}/webhooks/rest/webhook", b"{}")
    assert 400 <= status < 500


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_line_hostile_text(lab_bot, name):
    texts = lab_bot.ask_line(HOSTILE_TEXTS[name], "U" + uuid.uuid4().hex)
    assert texts and all(t.strip() for t in texts), texts


def test_socketio_hostile_texts(lab_bot):
    names = sorted(HOSTILE_TEXTS)
    _, answers = lab_bot.ask_socketio([HOSTILE_TEXTS[n] for n in names], quiet=0.6, timeout=15)
    for name, answer in zip(names, answers):
        assert answer and all(t.strip() for t in answer), (name, answer)


def test_socketio_junk_payloads_then_a_normal_question(lab_bot):
    """Junk is ignored (logged without text); the connection still works afterwards."""
    async def run() -> List[str]:
        import socketio

        client = socketio.AsyncClient(reconnection=False)
        received: List[str] = []
        client.on("bot_uttered", lambda data: received.append(str(data.get("text", ""))))
        await client.connect(lab_bot.url, socketio_path="/socket.io", transports=["polling"])
        try:
            for junk in (None, 1, "text", ["a"], {"message": 1}, {"message": ["x"]},
                         {"message": "x", "session_id": 5}, {"message": "x", "metadata": "{bad"},
                         {"message": None}, {"message": "x" * 20000}, ("two", "args")):
                await client.emit("user_uttered", junk)
            await client.emit("user_uttered", {"message": "カードをなくした"})
            for _ in range(150):
                if any("0120" in t for t in received):
                    break
                await asyncio.sleep(0.1)
        finally:
            await client.eio.disconnect(abort=True)
        return received

    received = lab_bot.loop.run(run())
    assert any("0120" in t for t in received), received


@pytest.mark.parametrize("name", sorted(MALFORMED_BODIES))
def test_line_malformed_bodies_with_good_signature(lab_bot, name):
    status, _ = lab_bot.post_line(MALFORMED_BODIES[name])
    assert status in (400, 413), status


@pytest.mark.parametrize("body", [
    {"destination": 1, "events": []},
    {"events": {}},
    {"events": [1, "a", None]},
    {"destination": "U", "events": [{}]},
    {"destination": "U", "events": [{"type": "message", "message": "x", "source": "y"}]},
    {"destination": "U", "events": [{"type": "message", "source": {"type": "user", "userId": 5},
                                     "message": {"type": "text", "text": ["x"]}}]},
    {"destination": "U", "events": [{"type": "postback", "source": {"type": "user", "userId": "U1"},
                                     "postback": {"data": {"x": 1}}, "replyToken": 7}]},
    {"destination": "U", "events": [{"type": "unfollow", "source": {"type": "group"}}]},
])
def test_line_wrong_types_with_good_signature(lab_bot, body):
    status, _ = lab_bot.post_line(json.dumps(body).encode())
    assert status in (200, 400), status


@pytest.mark.parametrize("signature", [None, "", "abc", "x" * 1000, "sign-of-other-secret"])
def test_line_bad_signature_is_401(lab_bot, signature):
    body = json.dumps({"destination": "U", "events": []}).encode()
    if signature == "sign-of-other-secret":
        signature = compute_signature("another-secret", body)
    status, _ = lab_bot.post_line(body, signature=signature)
    assert status == 401


@pytest.mark.parametrize("path", ["/", "/webhooks/rest/", "/webhooks/line/", "/chat/", "/kiosk/",
                                  "/static/maina/config.json", "/socket.io/?EIO=4&transport=polling"])
def test_public_get_endpoints_answer(lab_bot, path):
    status, _, _ = lab.http("GET", lab_bot.url + path)
    assert status == 200, (path, status)


# ------------------------------------------------------------------------------------------
# Hypothesis

FUZZ = settings(
    deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
texts = st.text(max_size=300) | st.sampled_from(sorted(HOSTILE_TEXTS.values()))
good_senders = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=40,
).filter(lambda s: s.strip() and s.isprintable())
senders = good_senders | json_values
metadata = st.dictionaries(st.sampled_from(["language", "note", "customData"]), json_values, max_size=3)
good_rest = st.fixed_dictionaries(
    {"sender": good_senders, "message": texts},
    optional={"metadata": metadata, "input_channel": st.text(max_size=20)},
)
# about half well-formed (they reach Rasa), the rest bent in every way
rest_payloads = st.one_of(
    good_rest,
    good_rest,
    st.fixed_dictionaries({"sender": senders, "message": texts | json_values},
                          optional={"metadata": json_values, "input_channel": json_values}),
    json_values,
)
content_types = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "text/plain", "", "multipart/form-data",
    "application/x-www-form-urlencoded", "application/json; charset=latin-1",
])
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=30)


@settings(FUZZ, max_examples=90)
@given(payload=rest_payloads, content_type=content_types, extra=header_text, stream=st.booleans())
def test_fuzz_rest_json(lab_bot, payload, content_type, extra, stream):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    headers = {"X-Fuzz": extra}
    if content_type:
        headers["Content-Type"] = content_type
    url = f"{lab_bot.url}/webhooks/rest/webhook" + ("?stream=true" if stream else "")
    status, _, raw = lab.http("POST", url, body, headers)
    event(f"status {status}")
    assert status < 500, (status, raw[:200])
    if status == 200 and not stream:
        answer = json.loads(raw)
        assert_polite(status, answer, repr(payload)[:80])
    if status == 200 and stream:
        lines = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
        assert lines and any((m.get("text") or "").strip() for m in lines), raw[:200]


@settings(FUZZ, max_examples=30)
@given(body=st.binary(max_size=2000))
def test_fuzz_rest_bytes(lab_bot, body):
    status, _ = lab_bot.post_rest(body)
    assert status < 500


@settings(FUZZ, max_examples=30)
@given(body=st.binary(max_size=500) | json_values.map(lambda v: json.dumps(v).encode()),
       signature=st.none() | header_text)
def test_fuzz_line_bad_signature(lab_bot, body, signature):
    status, _ = lab_bot.post_line(body, signature=signature)
    assert status == 401


line_user = st.just("U" + "f" * 32) | st.text(max_size=40)
line_sources = st.one_of(
    st.fixed_dictionaries({"type": st.just("user"), "userId": line_user}),
    st.fixed_dictionaries({"type": st.sampled_from(["group", "room"]), "groupId": st.text(max_size=10),
                           "roomId": st.text(max_size=10), "userId": line_user}),
    json_values,
)
tokens = st.builds(lambda: uuid.uuid4().hex)
good_line_event = st.fixed_dictionaries({
    "type": st.sampled_from(["message", "message", "postback", "follow", "unfollow", "join"]),
    "mode": st.sampled_from(["active", "active", "standby"]),
    "timestamp": st.integers(min_value=0),
    "source": line_sources,
    "replyToken": tokens,
    "webhookEventId": tokens,
    "message": st.fixed_dictionaries({
        "type": st.sampled_from(["text", "text", "sticker", "image", "video"]),
        "id": st.text(max_size=20), "text": texts}),
    "postback": st.fixed_dictionaries({"data": texts}),
})
bent_line_event = st.fixed_dictionaries({
    "type": json_values, "mode": json_values, "source": json_values, "replyToken": json_values,
    "webhookEventId": json_values, "message": json_values, "postback": json_values,
})
line_events = st.one_of(
    good_line_event, good_line_event, bent_line_event,
    st.dictionaries(st.text(max_size=12), json_values, max_size=5),
)


@settings(FUZZ, max_examples=50)
@given(body=st.one_of(
    st.fixed_dictionaries({"destination": st.text(max_size=40),
                           "events": st.lists(line_events, max_size=3)}),
    st.fixed_dictionaries({"destination": st.text(max_size=40),
                           "events": st.lists(line_events, max_size=3)}),
    st.fixed_dictionaries({"destination": json_values, "events": json_values}),
    json_values,
))
def test_fuzz_line_good_signature(lab_bot, body):
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    status, answer = lab_bot.post_line(raw)
    event(f"status {status}")
    assert status in (200, 400), (status, answer[:200])


def test_line_fuzz_left_no_broken_replies(lab_bot):
    """After the fuzz: every reply the bot sent LINE was valid for LINE's schema, and the
    channel still answers a normal message."""
    texts = lab_bot.ask_line("カードをなくした", "U" + uuid.uuid4().hex)
    assert any("0120" in t for t in texts)
    bad = [(c.path, c.schema_errors[:3]) for c in lab_bot.line.calls if c.schema_errors]
    assert not bad, bad


@settings(FUZZ, max_examples=30)
@given(path=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), max_size=60),
       method=st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT"]))
def test_fuzz_paths(lab_bot, path, method):
    from urllib.parse import quote

    url = lab_bot.url + "/" + quote(path, safe="/?=&%")
    status, _, _ = lab.http(method, url, b"{}" if method in ("POST", "PUT") else None)
    assert status < 500, (method, path, status)
