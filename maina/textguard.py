"""Sanitise a user's chat text before it reaches Rasa (pure function, no Rasa imports).

:func:`sanitize_user_text` is what every input channel runs on the raw text, in this order:

1. control characters: newlines, tabs and other line/paragraph separators become one space
   each; other C0/C1 controls, lone surrogates (they make UTF-8 encoding fail later) and
   invisible format characters (zero-width space, BOM, bidi overrides; ZWJ is kept for
   emoji sequences) are removed;
2. My Numbers are masked (:func:`maina.mynumber.mask_my_numbers`) — *before* truncating,
   so that a cut can never leave part of a number behind;
3. leading/trailing whitespace is stripped, and the text is cut to at most ``max_chars``
   characters (default 1000, env ``MAINA_MAX_MESSAGE_CHARS``); a cut never splits a marker;
4. empty or whitespace-only text is flagged.

Channels read the flags from :attr:`GuardResult.warnings` (see maina_rasa.channels.common).
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from typing import FrozenSet, Optional, Tuple

from maina.mynumber import MARKER, mask_my_numbers

DEFAULT_MAX_CHARS = 1000
MAX_CHARS_ENV = "MAINA_MAX_MESSAGE_CHARS"

WARN_EMPTY = "empty"
WARN_TRUNCATED = "truncated"
WARN_MY_NUMBER = "my_number"
WARN_CONTROL_CHARS = "control_chars"

_AS_SPACE = frozenset("\n\r\t\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029")
_KEEP_FORMAT = frozenset("\u200d")  # zero-width joiner: emoji sequences


@dataclass(frozen=True)
class GuardResult:
    """The cleaned text and what was done to it.

    ``warnings`` ⊆ {"empty", "truncated", "my_number", "control_chars"};
    ``my_numbers`` is how many My Numbers were masked; ``original_length`` the length of
    the input in characters.
    """

    text: str
    warnings: FrozenSet[str]
    my_numbers: int = 0
    original_length: int = 0
    max_chars: int = DEFAULT_MAX_CHARS

    @property
    def empty(self) -> bool:
        return WARN_EMPTY in self.warnings

    @property
    def truncated(self) -> bool:
        return WARN_TRUNCATED in self.warnings

    @property
    def masked(self) -> bool:
        return WARN_MY_NUMBER in self.warnings


def max_message_chars(default: int = DEFAULT_MAX_CHARS) -> int:
    """The configured limit: ``$MAINA_MAX_MESSAGE_CHARS`` if it is a positive integer."""
    raw = os.environ.get(MAX_CHARS_ENV, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default


def _strip_control_chars(text: str) -> Tuple[str, int]:
    out = []
    removed = 0
    for ch in text:
        if ch in _AS_SPACE:
            out.append(" ")
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or (category == "Cf" and ch not in _KEEP_FORMAT):
            removed += 1
            continue
        out.append(ch)
    return "".join(out), removed


def strip_control_chars(text: str) -> str:
    """Line breaks/tabs → space; other controls, surrogates and format chars removed."""
    return _strip_control_chars(text)[0]


def _cut(text: str, limit: int) -> str:
    """``text[:limit]``, moved back to before a marker if the cut would split one."""
    cut = text[:limit]
    start = text.find(MARKER, max(0, limit - len(MARKER) + 1))
    if start != -1 and start < limit:
        cut = text[:start]
    return cut.rstrip()


def sanitize_user_text(text: Optional[str], max_chars: Optional[int] = None) -> GuardResult:
    """Clean one user message; see the module docstring for the steps."""
    limit = max_chars if max_chars and max_chars > 0 else max_message_chars()
    raw = text if isinstance(text, str) else ""
    warnings = set()

    cleaned, removed = _strip_control_chars(raw)
    if removed:
        warnings.add(WARN_CONTROL_CHARS)

    masked = mask_my_numbers(cleaned)
    if masked.found:
        warnings.add(WARN_MY_NUMBER)

    result = masked.text.strip()
    if len(result) > limit:
        result = _cut(result, limit)
        warnings.add(WARN_TRUNCATED)

    if not result.strip():
        result = ""
        warnings.add(WARN_EMPTY)

    return GuardResult(
        text=result,
        warnings=frozenset(warnings),
        my_numbers=masked.found,
        original_length=len(raw),
        max_chars=limit,
    )
