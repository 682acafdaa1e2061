"""Issue 16 against the real bot: 「役に立った？」 through REST, socket.io and a LINE postback
(each stored once), retention at start-up (old conversations gone, recent kept, counts kept),
and /admin/report behind MAINA_ADMIN_TOKEN.

One bot of its own (ports 5225/5275 + MAINA_TEST_PORT_OFFSET), started on a tracker store
that already holds the scripted conversations of tests/unit/report_scenario.py, dated
relative to today; LINE talks to the fake LINE API (tests/unit/fake_line_server.py).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import lab
from conftest import PORT_OFFSET

pytest.importorskip("rasa")
import report_scenario as sc  # noqa: E402  (tests/unit, on sys.path through lab)

from maina.clock import JST  # noqa: E402

RASA_PORT, ACTION_PORT = 5225 + PORT_OFFSET, 5275 + PORT_OFFSET
ADMIN_TOKEN = "e2e-admin-token-" + "7" * 16
TODAY = dt.datetime.now(JST).date()  # the bot's "today": the live turns fall on it


@pytest.fixture(scope="module")
def staff_bot(managed_bots, background_loop):
    from fake_line_server import FakeLineServer

    data = Path(tempfile.mkdtemp(prefix="maina-e2e-staff-"))
    sc.fill_store(data / "tracker.db", TODAY).engine.dispose()
    line = background_loop.run(FakeLineServer(token=lab.LINE_TOKEN).start())
    try:
        bot = managed_bots(RASA_PORT, ACTION_PORT, {
            "MAINA_TODAY": TODAY.isoformat(),
            "MAINA_ADMIN_TOKEN": ADMIN_TOKEN,
            "MAINA_TRACKER_URL": f"sqlite:///{data}/tracker.db",
            "MAINA_TRACKER_DB": str(data / "tracker.db"),
            "LINE_CHANNEL_SECRET": lab.LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": lab.LINE_TOKEN,
            "LINE_API_BASE_URL": line.base_url,
        })
        bot.line = line
        yield bot
    finally:
        background_loop.run(line.stop())


def ratings(bot, sender: str) -> List[Dict[str, Any]]:
    return [e["data"]["maina_feedback"] for e in bot.tracker_events(sender) if e["_type"] == "agent"]


def offer_of(messages: List[Dict[str, Any]]) -> str:
    refs = [m["feedback"]["ref"] for m in messages if isinstance(m.get("feedback"), dict)]
    assert len(refs) == 1, messages
    return refs[0]


def post_feedback(bot, body: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    status, _, raw = lab.http("POST", f"{bot.url}/webhooks/feedback/webhook",
                              json.dumps(body).encode(), {"Content-Type": "application/json"})
    return status, json.loads(raw)


def test_retention_at_start_up_deleted_old_kept_recent_and_counts(staff_bot):
    db = staff_bot.tracker_db
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and staff_bot.tracker_events(sc.OLD_WIDGET):
        time.sleep(0.5)
    assert staff_bot.tracker_events(sc.OLD_WIDGET) == []
    line_events = staff_bot.tracker_events(sc.LINE_SENDER)
    assert [e.get("text") for e in line_events if e.get("event") == "user"][0].startswith("市役所")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        kept = dict(((d, c, m), n) for d, c, m, n in connection.execute(
            "SELECT day, channel, metric, count FROM maina_report_counts WHERE key = ''"))
    old_line, old_widget = TODAY - sc.OLD_LINE_AGE, TODAY - sc.OLD_WIDGET_AGE
    assert kept[(old_line.isoformat(), "line", "conversations")] == 1
    assert kept[(old_widget.isoformat(), "widget", "messages")] == 1


def test_feedback_through_rest_is_stored_once(staff_bot):
    sender = "web-" + uuid.uuid4().hex
    hello = staff_bot.ask("こんにちは", sender)
    assert all("feedback" not in m for m in hello)  # not after greetings
    ref = offer_of(staff_bot.ask("マイナンバーカードをなくしました", sender))
    follow = staff_bot.ask("再発行の手数料はいくらですか", sender)
    assert all("feedback" not in m for m in follow)  # not twice in a row
    assert post_feedback(staff_bot, {"sender": sender, "ref": ref, "value": "down"}) == (
        200, {"status": "stored"})
    assert post_feedback(staff_bot, {"sender": sender, "ref": ref, "value": "up"}) == (
        200, {"status": "already_stored"})
    assert post_feedback(staff_bot, {"sender": "web-nobody", "ref": ref, "value": "up"})[0] == 404
    assert [(r["value"], r["topic"]) for r in ratings(staff_bot, sender)] == [("down", "lost")]
    # the next question is answered as if nothing happened
    assert "1,000" in staff_bot.text("再発行の手数料はいくらですか", sender)


async def _socketio(url: str) -> Tuple[str, List[Dict[str, Any]], List[Any]]:
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    received: List[Dict[str, Any]] = []
    client.on("bot_uttered", lambda data: received.append(data))
    await client.connect(url, socketio_path="/socket.io", transports=["polling"], wait_timeout=10)
    acks = []
    try:
        sid = client.get_sid("/")
        await client.emit("user_uttered", {"message": "カードをなくしました", "session_id": sid})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("feedback" in m for m in received):
            await asyncio.sleep(0.1)
        ref = offer_of(received)
        for value in ("up", "down"):
            acks.append(await client.call("maina_feedback", {"ref": ref, "value": value}, timeout=10))
    finally:
        await lab.close_socketio(client)
    return sid, received, acks


def test_feedback_through_socketio_is_stored_once(staff_bot, background_loop):
    sid, received, acks = background_loop.run(_socketio(staff_bot.url), 90)
    assert acks == [{"status": "stored"}, {"status": "already_stored"}]
    assert [r["value"] for r in ratings(staff_bot, sid)] == ["up"]


def _line_reply(bot, event: Dict[str, Any], token: str, timeout: float = 30) -> Any:
    body = json.dumps({"destination": lab.LINE_DESTINATION, "events": [event]}).encode()
    assert bot.post_line(body)[0] == 200
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in list(bot.line.replies):
            if isinstance(call.json, dict) and call.json.get("replyToken") == token and call.status:
                assert call.status == 200, call.schema_errors
                return call.json["messages"]
        time.sleep(0.1)
    return None


def test_feedback_through_a_line_postback_is_stored_once(staff_bot):
    user = "U" + uuid.uuid4().hex
    token = uuid.uuid4().hex
    messages = _line_reply(staff_bot, staff_bot.line_text_event("カードをなくしました", user, token), token)
    items = messages[-1]["quickReply"]["items"]
    data = [i["action"]["data"] for i in items if i["action"].get("data", "").startswith("maina_feedback:")]
    assert [d.split(":")[1] for d in data] == ["up", "down"]
    replies = []
    for _ in range(2):  # pressed twice (two webhook events)
        token = uuid.uuid4().hex
        event = {"type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
                 "source": {"type": "user", "userId": user}, "replyToken": token,
                 "webhookEventId": "01" + uuid.uuid4().hex.upper()[:24],
                 "deliveryContext": {"isRedelivery": False}, "postback": {"data": data[0]}}
        replies.append(_line_reply(staff_bot, event, token, timeout=8))
    assert replies[0] and "ありがとう" in replies[0][0]["text"] and replies[1] is None
    assert [r["value"] for r in ratings(staff_bot, "line:" + user)] == ["up"]


def test_admin_report_refuses_missing_or_wrong_token_and_shows_the_report(staff_bot):
    url = f"{staff_bot.url}/admin/report"
    assert lab.http("GET", url)[0] == 401
    assert lab.http("GET", url, headers={"Authorization": "Bearer wrong-token-0000000"})[0] == 401
    status, headers, body = lab.http("GET", url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    page = body.decode()
    assert status == 200 and "駐車場ある?" in page and "日別・チャネル別" in page
    assert page.count('<img src="data:image/png;base64,') >= 4
    status, _, raw = lab.http("GET", f"{url}.csv", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    text = raw.decode("utf-8-sig")
    assert status == 200 and "駐車場ある?" in text
    for shown in (page, text):
        assert sc.LINE_USER not in shown and "line:U" not in shown
    assert "1234-5678-9012" not in page
