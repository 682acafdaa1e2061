"""One Rasa turn as LINE messages: at most five, within LINE's limits, buttons as quick replies.

No Rasa imports. ``build_line_messages`` turns the bot messages of one turn (the dicts a
``CollectingOutputChannel`` gathers) into at most five LINE message objects, with the turn's
buttons as quick reply buttons on the last message; ``split_text`` and ``fit_messages`` do
the cutting and merging. The two texts the channel adds itself (the overflow note and the
text under buttons-only answers) are channel texts in both languages
(:data:`maina_rasa.channels.common.CHANNEL_TEXTS`).

Limits (LINE Messaging API reference; the ones marked *spec* are also in
LINE's OpenAPI file messaging-api.yml, checked by tests/unit/line_openapi.py):

==============================  =====  =============================================
messages per reply/push call        5  *spec* ReplyMessageRequest.messages.maxItems
text message length              5000  "Max character limit: 5000"
quick reply buttons                13  *spec* QuickReply.items.maxItems
action label                       20  "Max character limit: 20"
postback displayText              300  required for quick reply buttons
postback data                     300  *spec* PostbackAction.data.maxLength
URI action uri                   1000
==============================  =====  =============================================

LINE counts characters as UTF-16 code units (an emoji outside the BMP counts
2), so lengths here are measured that way, which is never less than Python's
``len``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from maina_rasa.channels import common

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_POSTBACK_DATA = 300
MAX_URI = 1000

ELLIPSIS = "…"


# --------------------------------------------------------------------------
# Lengths and text splitting


def _width(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the way LINE counts characters."""
    return sum(_width(c) for c in text)


def cut_utf16(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that is at most ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += _width(char)
        if used > limit:
            return text[:index]
    return text


def shorten(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """``text`` if it fits in ``limit`` units, else a prefix ending in ``marker``."""
    if utf16_len(text) <= limit:
        return text
    return cut_utf16(text, max(0, limit - utf16_len(marker))).rstrip() + marker


_SOFT_BREAKS = ("。", "！", "？", "!", "?", "、", " ", "　")


def _hard_split(line: str, limit: int) -> List[str]:
    """Splits one over-long line, preferring a sentence end in the second half."""
    pieces = []
    while utf16_len(line) > limit:
        head = cut_utf16(line, limit)
        best = max(head.rfind(mark) for mark in _SOFT_BREAKS)
        if best >= len(head) // 2:
            head = head[: best + 1]
        pieces.append(head)
        line = line[len(head):]
    if line:
        pieces.append(line)
    return pieces


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Splits ``text`` into parts of at most ``limit`` units, at line boundaries.

    Lines are kept whole where possible; a single line longer than the limit is
    cut (at a sentence end when there is one in the second half). Empty or
    whitespace-only parts are dropped; nothing else is lost.
    """
    if not text or not text.strip():
        return []
    if utf16_len(text) <= limit:
        return [text]
    parts: List[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        for piece in _hard_split(line, limit):
            if current and utf16_len(current) + utf16_len(piece) > limit:
                parts.append(current)
                current = ""
            current += piece
    if current:
        parts.append(current)
    cleaned = [part.strip("\r\n") for part in parts]
    return [part for part in cleaned if part.strip()]


# --------------------------------------------------------------------------
# Rasa bot messages → LINE message objects


def text_message(text: str) -> Dict[str, Any]:
    return {"type": "text", "text": text}


def _is_plain_text(message: Mapping[str, Any]) -> bool:
    return message.get("type") == "text" and set(message) <= {"type", "text"}


def _button_title(button: Mapping[str, Any], fallback: str) -> str:
    title = button.get("title")
    title = str(title).strip() if title is not None else ""
    return title or fallback


def button_to_action(button: Mapping[str, Any]) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """Maps one Rasa button to (LINE action, None) or (None, text line) or (None, None).

    * ``/intent`` payloads (and any other text) → postback action, data = the
      payload, displayText = the title (what the user appears to say);
    * ``http(s)://`` payloads or a ``url`` key → URI action;
    * ``tel:`` payloads → not a button: a text line ``title: number``, which LINE
      turns into a tappable phone number itself.
    Buttons that cannot be represented (empty payload, data over 300) → (None, None).
    """
    payload = button.get("payload")
    payload = str(payload).strip() if payload is not None else ""
    url = str(button.get("url") or "").strip()
    if payload.lower().startswith("tel:") or url.lower().startswith("tel:"):
        number = (payload or url)[4:].strip()
        title = _button_title(button, number)
        return None, (f"{title}: {number}" if title != number else number)
    target = url or payload
    if target.lower().startswith(("https://", "http://")):
        if utf16_len(target) > MAX_URI:
            return None, None
        label = shorten(_button_title(button, target), MAX_LABEL)
        return {"type": "uri", "label": label, "uri": target}, None
    if not payload or utf16_len(payload) > MAX_POSTBACK_DATA:
        return None, None
    title = _button_title(button, payload.lstrip("/").strip() or payload)
    return (
        {
            "type": "postback",
            "label": shorten(title, MAX_LABEL),
            "data": payload,
            "displayText": shorten(title, MAX_DISPLAY_TEXT),
        },
        None,
    )


def _custom_line_messages(custom: Any) -> List[Dict[str, Any]]:
    """LINE message objects given as ``custom: {line: {...} or [...]}`` in a response."""
    if not isinstance(custom, Mapping):
        return []
    line = custom.get("line")
    items = line if isinstance(line, list) else [line]
    return [dict(item) for item in items if isinstance(item, Mapping) and item.get("type")]


@dataclass
class BuildReport:
    """What ``build_line_messages`` had to change to fit LINE's limits (counts only)."""

    merged: int = 0
    dropped_messages: int = 0
    dropped_buttons: int = 0
    split_texts: int = 0
    skipped: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.merged or self.dropped_messages or self.dropped_buttons
            or self.split_texts or self.skipped
        )


def build_line_messages(
    bot_messages: Iterable[Mapping[str, Any]],
    max_messages: int = MAX_MESSAGES,
    report: Optional[BuildReport] = None,
    language: str = common.DEFAULT_LANGUAGE,
) -> List[Dict[str, Any]]:
    """Converts one turn's bot messages (Rasa dicts) into ≤ ``max_messages`` LINE messages.

    The channel's own texts (overflow note, text under buttons only) are in ``language``.

    Recognised keys: ``text``, ``buttons``/``quick_replies``, ``image``
    (an https URL becomes an image message), ``attachment`` (as text) and
    ``custom: {line: ...}`` (LINE message objects passed through). Other custom
    payloads are skipped rather than shown to the user as JSON.
    """
    report = report if report is not None else BuildReport()
    bubbles: List[Dict[str, Any]] = []
    actions: List[Dict[str, Any]] = []
    seen_actions = set()

    for message in bot_messages:
        text = message.get("text")
        text = str(text) if text is not None else ""
        extra_lines: List[str] = []
        for button in list(message.get("buttons") or []) + list(message.get("quick_replies") or []):
            if not isinstance(button, Mapping):
                continue
            action, line = button_to_action(button)
            if line:
                extra_lines.append(line)
            if action is None:
                if not line:
                    report.skipped.append("button")
                continue
            key = (action["type"], action.get("data") or action.get("uri"))
            if key not in seen_actions:
                seen_actions.add(key)
                actions.append(action)
        if extra_lines:
            text = "\n".join([text.rstrip()] + extra_lines) if text.strip() else "\n".join(extra_lines)
        parts = split_text(text)
        if len(parts) > 1:
            report.split_texts += 1
        bubbles.extend(text_message(part) for part in parts)

        image = message.get("image")
        if image:
            image = str(image)
            if image.startswith("https://") and utf16_len(image) <= 2000:
                bubbles.append(
                    {"type": "image", "originalContentUrl": image, "previewImageUrl": image}
                )
            else:
                bubbles.append(text_message(shorten(image, MAX_TEXT)))
        attachment = message.get("attachment")
        if isinstance(attachment, str) and attachment.strip():
            bubbles.extend(text_message(part) for part in split_text(attachment))
        if "custom" in message:
            passed = _custom_line_messages(message.get("custom"))
            if not passed:
                report.skipped.append("custom")
            bubbles.extend(passed)

    bubbles = fit_messages(bubbles, max_messages, report, language)

    if len(actions) > MAX_QUICK_REPLY_ITEMS:
        report.dropped_buttons += len(actions) - MAX_QUICK_REPLY_ITEMS
        actions = actions[:MAX_QUICK_REPLY_ITEMS]
    if actions:
        if not bubbles:
            bubbles.append(text_message(common.render("line_buttons_only", language)))
        bubbles[-1] = dict(bubbles[-1])
        bubbles[-1]["quickReply"] = {
            "items": [{"type": "action", "action": action} for action in actions]
        }
    return bubbles


def fit_messages(
    messages: List[Dict[str, Any]],
    max_messages: int = MAX_MESSAGES,
    report: Optional[BuildReport] = None,
    language: str = common.DEFAULT_LANGUAGE,
) -> List[Dict[str, Any]]:
    """Reduces a list of LINE messages to at most ``max_messages``.

    First merges neighbouring plain text messages (joined by a blank line,
    smallest pair first, never above the text limit); if that is not enough,
    keeps the first messages and ends the last kept one with the channel text
    ``line_overflow_note``.
    """
    report = report if report is not None else BuildReport()
    messages = [dict(m) for m in messages]
    while len(messages) > max_messages:
        best: Optional[Tuple[int, int]] = None
        for index in range(len(messages) - 1):
            first, second = messages[index], messages[index + 1]
            if not (_is_plain_text(first) and _is_plain_text(second)):
                continue
            size = utf16_len(first["text"]) + 2 + utf16_len(second["text"])
            if size <= MAX_TEXT and (best is None or size < best[1]):
                best = (index, size)
        if best is None:
            break
        index = best[0]
        merged = messages[index]["text"] + "\n\n" + messages[index + 1]["text"]
        messages[index : index + 2] = [text_message(merged)]
        report.merged += 1

    if len(messages) > max_messages:
        note = common.render("line_overflow_note", language)
        report.dropped_messages += len(messages) - max_messages
        messages = messages[:max_messages]
        last = messages[-1]
        if _is_plain_text(last):
            room = MAX_TEXT - utf16_len(note) - 1
            messages[-1] = text_message(shorten(last["text"], room) + "\n" + note)
        else:
            report.dropped_messages += 1
            messages[-1] = text_message(note)
    return messages
