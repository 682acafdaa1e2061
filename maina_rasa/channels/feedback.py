"""REST route for 「役に立った？」 (👍/👎) from the widget and the kiosk.

credentials.yml: ``maina_rasa.channels.feedback.FeedbackInput: {}``.

* ``GET  /webhooks/feedback/``        → ``{"status": "ok"}``
* ``POST /webhooks/feedback/webhook`` with ``{"sender": str, "ref": str, "value": "up"|"down"}``
  → 200 ``{"status": "stored"}`` or ``{"status": "already_stored"}`` (stored once),
  404 ``{"status": "unknown_answer"}`` (no such conversation or offered answer),
  400 for a malformed body, 413 over 4 KiB, 503 before the model is loaded.

The sender is the conversation's id (as in the REST channel); the reference is the one the
answer carried (``"feedback": {"ref": …}``). Nothing else from the body is stored. This
channel also makes the Rasa agent known to the socket.io and LINE feedback hooks
(:func:`maina_rasa.feedback.bind_app`). Logic: :mod:`maina_rasa.feedback`.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from maina_rasa import feedback
from maina_rasa.channels.common import is_valid_sender_id

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 4096
STATUS_CODES = {
    feedback.STORED: 200, feedback.DUPLICATE: 200, feedback.UNKNOWN: 404, feedback.UNAVAILABLE: 503,
}


def _bad(reason: str) -> HTTPResponse:
    return response.json({"status": "bad_request", "reason": reason}, status=400)


def parse_body(body: bytes) -> Dict[str, Any]:
    """The checked fields, or ``{"error": reason}``."""
    if len(body) > MAX_BODY_BYTES:
        return {"error": "too_large"}
    try:
        payload = json.loads(body or b"")
    except (ValueError, RecursionError):
        return {"error": "invalid_json"}
    if not isinstance(payload, dict):
        return {"error": "invalid_json"}
    sender = payload.get("sender")
    if not is_valid_sender_id(sender):
        return {"error": "invalid_sender"}
    if not isinstance(payload.get("ref"), str) or not isinstance(payload.get("value"), (str, bool)):
        return {"error": "invalid_feedback"}
    return {"sender": sender, "ref": payload["ref"], "value": payload["value"]}


class FeedbackInput(InputChannel):
    """``/webhooks/feedback/``: stores a resident's 👍/👎 for one answer."""

    @classmethod
    def name(cls) -> Text:
        return "feedback"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "FeedbackInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("maina_feedback", __name__)

        @webhook.listener("before_server_start")
        async def bind(app: Any, _: Any) -> None:
            feedback.bind_app(app)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                return response.json({"status": "bad_request", "reason": "too_large"}, status=413)
            fields = parse_body(request.body or b"")
            if "error" in fields:
                if fields["error"] == "too_large":
                    return response.json({"status": "bad_request", "reason": "too_large"}, status=413)
                return _bad(fields["error"])
            agent = getattr(request.app.ctx, "agent", None)
            result = await feedback.record(agent, fields["sender"], fields["ref"], fields["value"], "rest")
            status = result["status"]
            return response.json({"status": status}, status=STATUS_CODES.get(status, 200))

        return webhook
