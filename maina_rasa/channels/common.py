"""What every マイナちゃん input channel does to a user message before Rasa sees it.

Shared by the REST, socket.io and LINE channels. One call per incoming message::

    prepared = prepare_user_message(raw_text, raw_metadata)
    for text in prepared.notices:            # warning / truncation note / empty-message reply
        send(text)
    if prepared.call_rasa:
        for part in prepared.parts:          # two questions in one message: one turn each
            await on_new_message(UserMessage(part, out, sender_id,
                                             input_channel=..., metadata=prepared.metadata))
        for text in prepared.after_turn(number_of_bot_messages_rasa_sent):
            send(text)                       # apology with the city's phone number if 0

* ``prepared.text`` has My Numbers masked, control characters removed and is cut to the
  length limit (:func:`maina.textguard.sanitize_user_text`). Build the ``UserMessage`` from
  it, never from the raw text: Rasa stores and logs the text (style.md, "Where personal data
  gets stored"). ``prepared.parts`` is that text split into its questions
  (:func:`maina.questions.split_questions`): one Rasa turn per part, in order.
* ``prepared.metadata`` keeps only :data:`METADATA_ALLOWED_KEYS` with short scalar values,
  strings masked as well; ``None`` if nothing is left.
* ``prepared.call_rasa`` is False for an empty message (the notice is the polite reply) and
  for a message that was nothing but a My Number (the notice is the warning).

All channel-level bot texts live in :data:`CHANNEL_TEXTS` (Japanese and English), with
``{group.key}`` placeholders filled from facts/facts.yml through :mod:`maina.facts`.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from maina import facts, locales
from maina.language import text_language
from maina.mynumber import MARKER, MY_NUMBER_LENGTH, mask_my_numbers
from maina.questions import split_questions
from maina.textguard import GuardResult, sanitize_user_text

logger = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

METADATA_ALLOWED_KEYS = frozenset({"language"})
MAX_METADATA_STRING = 64
MAX_SENDER_ID_LENGTH = 128

# Channel-level texts. Placeholders: {group.key} = a fact from facts/facts.yml,
# {name} without a dot = a value passed by the caller. Integers print as 1,000.
CHANNEL_TEXTS: Dict[str, Dict[str, str]] = {
    "my_number_warning": {
        "ja": (
            "マイナンバー（{my_number_digits}けたの番号）は送らないでね。"
            "チャットでは必要ないよ。番号は消しておいたよ。"
        ),
        "en": (
            "Please don't send your My Number (the {my_number_digits}-digit number). "
            "The chat never needs it, so I deleted it."
        ),
    },
    "truncated_note": {
        "ja": "メッセージが長かったので、はじめの{max_chars}文字だけ読んだよ。",
        "en": "Your message was long, so I only read the first {max_chars} characters.",
    },
    "empty_message": {
        "ja": "メッセージが空っぽみたい。知りたいことを書いて送ってね！",
        "en": "Your message looks empty. Please type your question and send it again!",
    },
    "no_response_apology": {
        "ja": (
            "ごめんね、いまうまくお返事できないみたい。"
            "少し待ってからもう一度送るか、{city.office}（{city.tel}）に電話してね。"
        ),
        "en": (
            "Sorry, I can't answer right now. Please try again in a moment, "
            "or call the {city.office_en} at {city.tel}."
        ),
    },
    # used only if the facts file cannot be read: no number typed here either
    "no_response_apology_without_facts": {
        "ja": "ごめんね、いまうまくお返事できないみたい。少し待ってからもう一度送ってね。",
        "en": "Sorry, I can't answer right now. Please try again in a moment.",
    },
    # LINE only (maina_rasa/channels/line/): a sticker, image, … in a 1:1 chat
    "line_non_text_hint": {
        "ja": "ごめんね、スタンプや画像はまだ読めないの。知りたいことを文字で送ってね！",
        "en": "Sorry, I can't read stickers or pictures yet. Please type your question!",
    },
    # LINE only: a turn that still needs more than LINE's five bubbles is cut with this
    "line_overflow_note": {
        "ja": "（長くなったので、ここまでにするね。続きは聞き直してね）",
        "en": "(That's all that fits here. Ask again for the rest.)",
    },
    # LINE only: the bubble that carries quick-reply buttons when the answer has no text
    "line_buttons_only": {
        "ja": "下のボタンからえらんでね。",
        "en": "Please choose from the buttons below.",
    },
    # 「役に立った？」 on LINE (maina_rasa/feedback.py): the two quick replies and the thanks
    "feedback_up": {"ja": "👍 役に立った", "en": "👍 Helpful"},
    "feedback_down": {"ja": "👎 いまいち", "en": "👎 Not helpful"},
    "feedback_thanks": {
        "ja": "教えてくれてありがとう！これからの答えに役立てるね。",
        "en": "Thank you! That helps me improve my answers.",
    },
}

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}")
_INPUT_CHANNEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")


def render(key: str, language: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The channel text ``key`` in ``language``, placeholders filled (facts, then values).

    Raises ``KeyError`` for an unknown text key and :class:`maina.facts.FactsError` for an
    unknown fact.
    """
    variants = CHANNEL_TEXTS[key]
    locale = locales.get(language)
    template = (locale.texts.get(key) if locale else None) or variants.get(language) \
        or variants["en" if locale else DEFAULT_LANGUAGE]
    if locale and key not in locale.texts:
        language = "en"
    values.setdefault("my_number_digits", MY_NUMBER_LENGTH)

    def fill(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name in values:
            return facts.display(values[name], language)
        if "." in name:
            facts.value(name)  # an unknown fact raises FactsError
            return facts.template_variables(language)[name]
        raise KeyError(f"channel text {key!r}: no value for {{{name}}}")

    return _PLACEHOLDER.sub(fill, template)


def pick_language(text: str, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The language of the channel's own texts: :func:`maina.language.text_language` (the
    same rule as the NLU's language detector; ``metadata["language"]`` wins when spoken)."""
    hint = metadata.get("language") if isinstance(metadata, Mapping) else None
    return text_language(text or "", hint)


def is_valid_sender_id(value: Any) -> bool:
    """A non-blank string of at most 128 printable characters."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_SENDER_ID_LENGTH
        and value.isprintable()
        and bool(value.strip())
    )


def is_valid_input_channel_name(value: Any) -> bool:
    """A short identifier such as "rest" or "kiosk" (clients may name their front end)."""
    return isinstance(value, str) and bool(_INPUT_CHANNEL_NAME.match(value))


def mask_strings(value: Any, *, max_depth: int = 8) -> Any:
    """A copy of a JSON-like value with every string masked (containers deeper than
    ``max_depth`` are dropped). For channel-built metadata that must keep its structure."""
    if isinstance(value, str):
        return mask_my_numbers(value).text
    if max_depth <= 0 and isinstance(value, (dict, list, tuple)):
        return None
    if isinstance(value, Mapping):
        return {
            mask_my_numbers(str(k)).text: mask_strings(v, max_depth=max_depth - 1)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_strings(v, max_depth=max_depth - 1) for v in value]
    return value


def sanitize_metadata(
    metadata: Any, allowed_keys: Iterable[str] = METADATA_ALLOWED_KEYS
) -> Optional[Dict[str, Any]]:
    """Only allowed keys with scalar values; strings cleaned, masked and cut to 64 chars."""
    if not isinstance(metadata, Mapping):
        return None
    allowed = frozenset(allowed_keys)
    result: Dict[str, Any] = {}
    for key, value in metadata.items():
        if key not in allowed:
            continue
        if isinstance(value, str):
            result[key] = sanitize_user_text(value, max_chars=MAX_METADATA_STRING).text
        elif value is None or isinstance(value, (bool, int, float)):
            result[key] = value
    return result or None


@dataclass(frozen=True)
class PreparedMessage:
    """A user message made safe for Rasa, plus the channel's own bot texts."""

    text: str
    metadata: Optional[Dict[str, Any]]
    language: str
    guard: GuardResult
    call_rasa: bool
    notices: Tuple[str, ...] = field(default=())

    @property
    def masked(self) -> bool:
        return self.guard.masked

    @property
    def parts(self) -> Tuple[str, ...]:
        """The questions of the text, each a Rasa turn of its own (issue 11)."""
        return tuple(split_questions(self.text)) if self.call_rasa else ()

    def after_turn(self, bot_messages_sent: int) -> Tuple[str, ...]:
        """Texts to send after Rasa's turn: the apology if Rasa said nothing at all."""
        if self.call_rasa and bot_messages_sent == 0:
            return (apology_text(self.language),)
        return ()


class SaysOnceMixin:
    """An output channel (one per incoming message) that sends each bot text once: when a
    message with two questions gets the same answer for both, the resident reads it once."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        said = self.__dict__.setdefault("_maina_said", set())
        text = message.get("text")
        if text and text in said:
            return
        if text:
            said.add(text)
        await super().send_response(recipient_id, message)  # type: ignore[misc]


def part_metadata(metadata: Optional[Dict[str, Any]], index: int, count: int
                  ) -> Optional[Dict[str, Any]]:
    """The metadata of part ``index`` (1-based) of a message split into ``count`` questions:
    later parts say so (``part``), so an opening line is said once per message."""
    if count < 2 or index < 2:
        return metadata
    return {**(metadata or {}), "part": index}


def apology_text(language: str = DEFAULT_LANGUAGE) -> str:
    """Sorry + the city office and its phone number (from facts)."""
    try:
        return render("no_response_apology", language)
    except (facts.FactsError, OSError, ValueError):
        logger.exception("channel.apology.facts_unavailable")
        return render("no_response_apology_without_facts", language)


def _has_content(text: str) -> bool:
    return bool(text.replace(MARKER, "").strip())


def prepare_user_message(
    text: Any,
    metadata: Any = None,
    *,
    allowed_metadata_keys: Iterable[str] = METADATA_ALLOWED_KEYS,
    max_chars: Optional[int] = None,
) -> PreparedMessage:
    """Sanitise and mask one incoming message; decide what the channel says itself."""
    guard = sanitize_user_text(text if isinstance(text, str) else "", max_chars=max_chars)
    clean_metadata = sanitize_metadata(metadata, allowed_metadata_keys)
    language = pick_language(guard.text, clean_metadata)

    notices = []
    if guard.empty:
        notices.append(render("empty_message", language))
    if guard.masked:
        notices.append(render("my_number_warning", language))
    if guard.truncated:
        notices.append(render("truncated_note", language, max_chars=guard.max_chars))

    call_rasa = not guard.empty and _has_content(guard.text)
    if guard.warnings:
        # flags only: never the text
        logger.info(
            "channel.message.guarded warnings=%s my_numbers=%d",
            ",".join(sorted(guard.warnings)),
            guard.my_numbers,
        )
    return PreparedMessage(
        text=guard.text,
        metadata=clean_metadata,
        language=language,
        guard=guard,
        call_rasa=call_rasa,
        notices=tuple(notices),
    )
