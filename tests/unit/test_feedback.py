"""「役に立った？」: which answers ask, how the offer reaches each channel, stored once; the
REST route's input checks; the admin report's token check (in-process Sanic, fake agent).
The same through the real bot and its channels: tests/e2e/test_staff_report.py."""
from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from types import SimpleNamespace
from typing import Any, Dict, List

import aiohttp
import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AgentUttered, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from maina import feedback as pure
from maina_rasa import feedback
from maina_rasa.channels import common
from maina_rasa.channels.feedback import FeedbackInput, parse_body
from maina_rasa.channels.socketio import CountingSocketIOOutput
from maina_rasa.channels.staff import COOKIE, StaffPages, admin_token

Sanic.test_mode = True
DOMAIN = Domain.from_yaml('version: "3.1"\nintents: [greet]\n')
REF = "00000000000000aa"
TOKEN = "unit-test-admin-token-0123456789"


def run(coro):
    return asyncio.run(coro)


# -- which answers ask ------------------------------------------------------------------------

def test_answer_topic_from_metadata_or_response_name():
    assert pure.answer_topic({"utter_action": "utter_lost_card"}) == "lost"
    assert pure.answer_topic({"utter_action": "utter_lost_card", "topic": "konbini"}) == "konbini"
    assert pure.answer_topic({"utter_action": "utter_lifecycle_result"}) == "validity"
    assert pure.answer_topic({"utter_action": "utter_card_faces"}) == "card"  # no conversation topic
    for chitchat in ("utter_greet", "utter_thanks", "utter_ask_rephrase", "utter_out_of_scope",
                     "utter_ask_birth_date", "utter_followup_cost", None):
        assert pure.answer_topic({"utter_action": chitchat}) is None, chitchat
    assert pure.answer_topic({"utter_action": "utter_greet", "topic": "chitchat"}) is None


def test_should_offer_not_after_greetings_not_twice_in_a_row_not_a_rated_topic():
    assert pure.should_offer("lost", previous_offer=False)
    assert not pure.should_offer(None, previous_offer=False)
    assert not pure.should_offer("lost", previous_offer=True)
    assert not pure.should_offer("lost", previous_offer=False, rated_topics=["lost"])
    assert pure.should_offer("validity", previous_offer=False, rated_topics=["lost"])


def test_postback_data_round_trip_and_refusals():
    data = pure.postback_data("down", REF)
    assert data == f"maina_feedback:down:{REF}" and len(data) <= 300
    assert pure.parse_postback(data) == ("down", REF)
    for bad in ("/lost_card", "maina_feedback:maybe:" + REF, "maina_feedback:up:xyz", None, 3):
        assert pure.parse_postback(bad) is None
    with pytest.raises(ValueError):
        pure.postback_data("up", "not-a-ref")
    assert [pure.normalize_value(v) for v in ("up", "👎", True, "meh")] == ["up", "down", "up", None]


def _tracker(*events) -> DialogueStateTracker:
    tracker = DialogueStateTracker("t", [])
    for event in events:
        tracker.update(event)
    return tracker


def _answer(utter: str, ref: str = None) -> BotUttered:
    return BotUttered("…", metadata={"utter_action": utter, **({"feedback": ref} if ref else {})})


def test_nlg_offer_follows_the_rules():
    offer = feedback.offer_for
    assert offer({}, "utter_greet", _tracker()) is None
    assert pure.is_ref(offer({}, "utter_lost_card", _tracker(_answer("utter_greet"))))
    assert pure.is_ref(offer({"topic": "konbini"}, "utter_konbini_what", _tracker()))
    assert offer({}, "utter_reissue_fee", _tracker(_answer("utter_lost_card", REF))) is None
    rated = _tracker(_answer("utter_lost_card", REF), AgentUttered(data={"maina_feedback": {
        "ref": REF, "value": "up", "topic": "lost"}}), _answer("utter_greet"))
    assert offer({}, "utter_police_report", rated) is None  # lost again: rated already
    assert pure.is_ref(offer({}, "utter_pin_change", rated))


# -- carried to the client ---------------------------------------------------------------------

def test_rest_collector_puts_the_offer_on_the_answers_last_message():
    out = feedback.FeedbackCollectingOutputChannel()
    message = {"text": "一行目\n\n二行目", "buttons": [{"title": "a", "payload": "/a"}],
               "feedback": REF, "utter_action": "utter_lost_card"}
    run(out.send_response("s", message))
    run(out.send_response("s", {"text": "こんにちは", "utter_action": "utter_greet"}))
    assert [m.get("feedback") for m in out.messages] == [{"ref": REF}, None]
    assert out.messages[0]["buttons"] and out.messages[0]["text"] == "一行目\n\n二行目"


def test_streamed_rest_and_socketio_carry_the_offer():
    queue_out = feedback.FeedbackQueueOutputChannel()
    run(queue_out.send_response("s", {"text": "a\n\nb", "feedback": REF}))
    items = [queue_out.messages.get_nowait() for _ in range(queue_out.messages.qsize())]
    assert [i.get("feedback") for i in items] == [None, {"ref": REF}]

    emitted: List[Dict[str, Any]] = []

    class FakeSio:
        async def emit(self, event, data, room=None):
            emitted.append(data)

    sio_out = CountingSocketIOOutput(FakeSio(), "bot_uttered")
    run(sio_out.send_response("sid", {"text": "a\n\nb", "buttons": [{"title": "x", "payload": "/x"}],
                                      "feedback": REF}))
    assert [e.get("feedback") for e in emitted] == [None, {"ref": REF}]
    assert sio_out.sent == 2


def test_line_offer_becomes_two_quick_reply_postbacks_in_the_answers_language():
    messages = feedback.line_buttons([
        {"text": "まずは電話してね", "buttons": [{"title": "再発行", "payload": "/reissue_procedure"}],
         "feedback": {"ref": REF}},
        {"text": "Call the hotline first.", "feedback": {"ref": REF}},
        {"text": "こんにちは"},
    ])
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/reissue_procedure", f"maina_feedback:up:{REF}", f"maina_feedback:down:{REF}"]
    assert [b["title"] for b in messages[1]["buttons"]] == ["👍 Helpful", "👎 Not helpful"]
    assert "buttons" not in messages[2] and all("feedback" not in m for m in messages)


def test_line_offer_in_every_spoken_language_and_a_mixed_text_does_not_crash():
    """Korean once raised KeyError (the texts had only ja/en): every spoken language has them."""
    messages = feedback.line_buttons([
        {"text": "카드를 잃어버렸으면 먼저 전화하세요", "feedback": {"ref": REF}},
        {"text": "Gọi tổng đài trước nhé", "language": "vi", "feedback": {"ref": REF}},
        {"text": "マイナ card 카드 卡片 кaрта ①②③", "feedback": {"ref": REF}},
    ])
    assert [b["title"] for b in messages[0]["buttons"]] == [common.render("feedback_up", "ko"),
                                                            common.render("feedback_down", "ko")]
    assert messages[1]["buttons"][0]["title"] == common.render("feedback_up", "vi") != "👍 Helpful"
    assert len(messages[2]["buttons"]) == 2


# -- stored once ---------------------------------------------------------------------------------

def _agent_with(sender: str, *events) -> Any:
    store = InMemoryTrackerStore(DOMAIN)
    tracker = DialogueStateTracker(sender, [])
    for event in events:
        tracker.update(event)
    run(store.save(tracker))
    return SimpleNamespace(tracker_store=store, lock_store=InMemoryLockStore())


def _ratings(agent, sender) -> List[Dict[str, Any]]:
    tracker = run(agent.tracker_store.retrieve(sender))
    return [e.data["maina_feedback"] for e in tracker.events if isinstance(e, AgentUttered)]


def test_record_stores_once_with_the_answers_topic():
    agent = _agent_with("web-1", UserUttered("カードをなくした"), ActionExecuted("utter_lost_card"),
                        _answer("utter_lost_card", REF))
    assert run(feedback.record(agent, "web-1", REF, "down", "rest"))["status"] == "stored"
    assert run(feedback.record(agent, "web-1", REF, "up", "rest"))["status"] == "already_stored"
    assert run(feedback.record(agent, "web-1", "0" * 16, "up", "rest"))["status"] == "unknown_answer"
    assert run(feedback.record(agent, "nobody", REF, "up", "rest"))["status"] == "unknown_answer"
    assert run(feedback.record(agent, "web-1", REF, "maybe", "rest"))["status"] == "unknown_answer"
    assert run(feedback.record(None, "web-1", REF, "up", "rest"))["status"] == "unavailable"
    assert _ratings(agent, "web-1") == [{"ref": REF, "value": "down", "topic": "lost",
                                         "utter_action": "utter_lost_card", "channel": "rest"}]


def test_line_postback_is_stored_once_and_thanked_once():
    agent = _agent_with("line:U1", _answer("utter_lost_card", REF))
    feedback.bind_app(SimpleNamespace(ctx=SimpleNamespace(agent=agent)))
    ran = []

    async def turn():
        ran.append(1)
        return [{"text": "x", "feedback": {"ref": REF}}]

    try:
        postback = {"type": "postback", "postback": {"data": f"maina_feedback:up:{REF}"}}
        first = run(feedback.line_turn(postback, "line:U1", turn))
        again = run(feedback.line_turn(postback, "line:U1", turn))
        assert first == [{"text": common.render("feedback_thanks", "ja")}] and again == [] and not ran
        assert [r["value"] for r in _ratings(agent, "line:U1")] == ["up"]
        other = run(feedback.line_turn({"type": "postback", "postback": {"data": "/lost_card"}},
                                       "line:U1", turn))
        assert ran == [1] and other[0]["buttons"][0]["payload"] == f"maina_feedback:up:{REF}"
    finally:
        feedback.bind_app(None)


# -- HTTP: the feedback route and the admin report --------------------------------------------

def test_feedback_body_checks():
    assert parse_body(b'{"sender": "web-1", "ref": "r", "value": "up"}') == {
        "sender": "web-1", "ref": "r", "value": "up"}
    for body, error in ((b"[]", "invalid_json"), (b"{", "invalid_json"),
                        (b'{"sender": "", "ref": "r", "value": "up"}', "invalid_sender"),
                        (b'{"sender": "a", "ref": 1, "value": "up"}', "invalid_feedback"),
                        (b"x" * 5000, "too_large")):
        assert parse_body(body) == {"error": error}


@contextlib.asynccontextmanager
async def serve(channels, agent):
    from rasa.core.channels.channel import register

    app = Sanic(f"test_staff_{uuid.uuid4().hex}")
    app.ctx.agent = agent
    register(channels, app, "/webhooks/")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()
        sock.close()


def test_feedback_route_through_http():
    agent = _agent_with("web-2", _answer("utter_lost_card", REF))

    async def go():
        async with serve([FeedbackInput()], agent) as url, aiohttp.ClientSession() as http:
            statuses = []
            for body in ({"sender": "web-2", "ref": REF, "value": "up"},
                         {"sender": "web-2", "ref": REF, "value": "down"},
                         {"sender": "web-3", "ref": REF, "value": "up"}):
                async with http.post(url + "/webhooks/feedback/webhook", json=body) as r:
                    statuses.append((r.status, (await r.json())["status"]))
            async with http.post(url + "/webhooks/feedback/webhook", data=b"nope") as r:
                statuses.append((r.status, (await r.json())["status"]))
            return statuses

    assert run(go()) == [(200, "stored"), (200, "already_stored"), (404, "unknown_answer"),
                         (400, "bad_request")]
    assert len(_ratings(agent, "web-2")) == 1


def test_admin_token_setting(caplog):
    assert admin_token({}) is None
    assert admin_token({"MAINA_ADMIN_TOKEN": "short"}) is None and "shorter" in caplog.text
    assert admin_token({"MAINA_ADMIN_TOKEN": f" {TOKEN} "}) == TOKEN


def test_admin_report_needs_the_token(tmp_path, monkeypatch):
    import report_scenario

    monkeypatch.setenv("MAINA_TODAY", report_scenario.TODAY.isoformat())
    store = report_scenario.fill_store(tmp_path / "t.db")
    agent = SimpleNamespace(tracker_store=store, lock_store=InMemoryLockStore())

    async def go():
        results: Dict[str, Any] = {}
        # (with another channel: Sanic cannot route in an app without any route)
        async with serve([StaffPages(token=None), FeedbackInput()], agent) as url, \
                aiohttp.ClientSession() as http:
            async with http.get(url + "/admin/report") as r:
                results["off"] = r.status
        async with serve([StaffPages(token=TOKEN)], agent) as url:
            async with aiohttp.ClientSession() as http:
                for name, headers in (("missing", {}), ("wrong", {"Authorization": "Bearer nope"}),
                                      ("right", {"Authorization": f"Bearer {TOKEN}"})):
                    async with http.get(url + "/admin/report", headers=headers) as r:
                        results[name] = (r.status, await r.text(), dict(r.headers))
                async with http.get(url + "/admin/report.csv?days=30",
                                    headers={"Authorization": f"Bearer {TOKEN}"}) as r:
                    results["csv"] = (r.status, r.headers["Content-Type"], await r.text())
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                async with http.post(url + "/admin/login", data={"token": "wrong"}) as r:
                    results["login_wrong"] = r.status
                async with http.post(url + "/admin/login", data={"token": TOKEN},
                                     allow_redirects=False) as r:
                    results["login"] = (r.status, r.headers.get("Location"), r.headers.get("Set-Cookie"))
                async with http.get(url + "/admin/report") as r:
                    results["cookie"] = r.status
                async with http.post(url + "/admin/logout") as r:
                    results["logout"] = r.status  # back to the login form
        return results

    results = run(go())
    assert results["off"] == 404
    for name in ("missing", "wrong"):
        status, body, headers = results[name]
        assert status == 401 and 'name="token"' in body and "利用レポート" in body
        assert headers["WWW-Authenticate"].startswith("Bearer") and "駐車場" not in body
    status, body, headers = results["right"]
    assert status == 200 and "駐車場ある?" in body and "日別・チャネル別" in body
    assert headers["Cache-Control"] == "no-store"
    assert "script-src" not in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    status, content_type, text = results["csv"]
    assert status == 200 and content_type.startswith("text/csv") and "駐車場ある?" in text
    assert results["login_wrong"] == 401
    status, location, cookie = results["login"]
    assert status == 303 and location == "/admin/report"
    assert f"{COOKIE}=" in cookie and TOKEN not in cookie and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert results["cookie"] == 200 and results["logout"] == 401
