"""A stand-in for Rasa in the browser tests: the real WebPages channel + a canned REST webhook.

    .venv/bin/python tests/e2e/fake_bot.py --port 5099     # then open http://127.0.0.1:5099/chat/

WebPages is mounted exactly as Rasa mounts input channels (rasa.core.channels.channel.register
with route "/webhooks/"); POST /webhooks/rest/webhook answers a few canned replies in the
shape Rasa's REST channel uses ([{"recipient_id", "text"?, "buttons"?, "language"}]), each
message with the conversation's language as the real bot decides it (roughly): the language
menu's /switch_language payload, else Japanese for Japanese script, else the page's hint.
No model, no training.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rasa.core.channels.channel import register  # noqa: E402
from rasa.server import configure_cors  # noqa: E402
from sanic import Sanic  # noqa: E402
from sanic.request import Request  # noqa: E402
from sanic.response import HTTPResponse, json as json_response  # noqa: E402

from maina import facts  # noqa: E402
from maina_rasa.channels.web import WebPages  # noqa: E402

FEEDBACK_REF = "00000000000000f1"
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
SWITCH = re.compile(r"^/switch_language(\{.*\})$")
KANA = re.compile("[\u3041-\u30ff]")
SWITCHED = {"ja": "日本語で答えるね！", "en": "OK, I'll answer in English!",
            "zh": "好的，我用中文回答哦！", "vi": "Được rồi, mình sẽ trả lời bằng tiếng Việt nhé!",
            "ko": "좋아요, 한국어로 대답할게요!"}


def _reply(sender: str, text: str, buttons: List[Dict[str, str]] | None = None) -> Dict[str, Any]:
    message: Dict[str, Any] = {"recipient_id": sender, "text": text}
    if buttons:
        message["buttons"] = buttons
    return message


class CannedBot:
    """Canned answers; remembers per sender which date it asked for (birth, then issue)."""

    def __init__(self) -> None:
        self.asked: Dict[str, str] = {}
        self.birth: Dict[str, str] = {}

    def language(self, text: str, hint: str) -> str:
        switch = SWITCH.match(text)
        if switch:
            return str(json.loads(switch.group(1)).get("language") or "ja")
        if not DATE.search(text) and KANA.search(text):
            return "ja"
        return hint

    def answer(self, sender: str, text: str, language: str) -> List[Dict[str, Any]]:
        if SWITCH.match(text):
            return [_reply(sender, SWITCHED.get(language, SWITCHED["en"]))]
        if language == "zh" and text == "/lost_card":
            free_dial = facts.value("hotline.free_dial")
            return [_reply(sender, f"首先请马上打个人编号综合免费电话 {free_dial}，让他们停用卡的功能吧！",
                           [{"title": "补办手续", "payload": "/reissue_procedure"}])]
        en = language == "en"
        free_dial, tel, office = (
            facts.value("hotline.free_dial"),
            facts.value("city.tel"),
            facts.value("city.office_en" if en else "city.office"),
        )
        if text in ("/lost_card", "カードをなくしました", "なくした・盗まれた"):
            body = (
                f"Call the free dial {free_dial} (menu 2) right away to stop your card."
                if en
                else f"たいへん！すぐにマイナンバー総合フリーダイヤル {free_dial}（音声ガイダンス2番）"
                "に電話して、カードを止めてね。"
            )
            return [
                _reply(
                    sender,
                    body,
                    [
                        {"title": "Re-issue" if en else "再発行の手続き", "payload": "/reissue_how"},
                        {"title": "Police report" if en else "警察への届出", "payload": "/police_report"},
                    ],
                )
            ]
        if text == "/reissue_how":
            return [
                _reply(
                    sender,
                    "再発行は市役所の窓口で申請するよ。手数料は1,000円。\n"
                    "くわしくは https://www.city.tomakomai.hokkaido.jp/ を見てね。",
                )
            ]
        if text == "/police_report":
            answer = _reply(sender, "警察に遺失届を出して、受理番号をメモしておいてね。")
            answer["feedback"] = {"ref": FEEDBACK_REF}  # 「役に立った？」 (maina_rasa/feedback.py)
            return [answer]
        if text == "/contact_city":
            return [_reply(sender, f"{office}\n電話 {tel}")]
        if text == "/ask_my_expiry":
            self.asked[sender] = "birth"
            return [_reply(sender, "有効期限を計算するね。生年月日を教えてね。")]
        match = DATE.search(text)
        if match and self.asked.get(sender) == "birth":
            self.birth[sender] = match.group(0)
            self.asked[sender] = "issue"
            return [_reply(sender, "ありがとう。カードを受け取った日（交付日）はいつ？")]
        if match and self.asked.get(sender) == "issue":
            self.asked.pop(sender, None)
            return [
                _reply(
                    sender,
                    f"（テスト用の答え）生年月日 {self.birth.get(sender)}、交付日 {match.group(0)} を受け取ったよ。",
                )
            ]
        if text == "/pin_overview":
            return [_reply(sender, "暗証番号は4種類あるよ。")]
        # Anything else is echoed back (the browser tests check that it is shown as text).
        return [_reply(sender, f"ごめんね、「{text}」はわからなかったよ。")]


def create_app(name: str = "maina_fake_bot", delay: float = 0.3, cors: str = "*") -> Sanic:
    app = Sanic(name)
    bot = CannedBot()
    app.ctx.received = []
    configure_cors(app, cors)  # as `rasa run --cors` does (the fake allows any origin)

    register([WebPages()], app, "/webhooks/")  # the way Rasa mounts input channels

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        body = request.json or {}
        sender, text = str(body.get("sender", "default")), str(body.get("message", ""))
        language = bot.language(text, ((body.get("metadata") or {}).get("language")) or "ja")
        app.ctx.received.append(body)
        await asyncio.sleep(delay)  # long enough to see the typing indicator
        return json_response([{**m, "language": language} for m in bot.answer(sender, text, language)])

    @app.post("/webhooks/feedback/webhook")
    async def rated(request: Request) -> HTTPResponse:
        body = request.json or {}
        app.ctx.received.append({"feedback": body})
        known = body.get("ref") == FEEDBACK_REF and body.get("value") in ("up", "down")
        return json_response({"status": "stored" if known else "unknown_answer"},
                             status=200 if known else 404)

    @app.get("/")
    async def hello(request: Request) -> HTTPResponse:
        return HTTPResponse("Hello from the fake Rasa (maina tests)", content_type="text/plain")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each reply")
    parser.add_argument("--cors", default="*", help='allowed origins, as `rasa run --cors` ("" = none)')
    args = parser.parse_args()
    create_app(delay=args.delay, cors=args.cors).run(host=args.host, port=args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
