"""What the staff report may show of a resident's message.

The channels already replaced every My Number with ［マイナンバー削除］ before Rasa stored
the text. The report masks again (defence in depth, and for rows written before the guard),
and more, because a report is read by people who do not need the details:

* a My Number in any spelling (:func:`maina.mynumber.mask_my_numbers`) → ［マイナンバー削除］;
* a LINE user, group or room id (``U``/``C``/``R`` + 32 hex digits) → ［ID］;
* an e-mail address → ［メール］; a web address → ［URL］;
* every other digit (phone numbers, birthdays, card dates, addresses) → ○, so that
  「1990年1月15日生まれ」 and 「1985年7月3日生まれ」 read and group as one question.

Names and addresses written in words cannot be found reliably and are not masked: the
report says so on its first screen.
"""
from __future__ import annotations

import re
import unicodedata

from maina.mynumber import MARKER, mask_my_numbers

LINE_ID_MARK = "［ID］"
EMAIL_MARK = "［メール］"
URL_MARK = "［URL］"
DIGIT_MARK = "○"
MAX_SHOWN = 200

_LINE_ID = re.compile(r"(?<![0-9A-Za-z])[UCR][0-9a-f]{32}(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def mask_text(text: str, max_chars: int = MAX_SHOWN) -> str:
    """``text`` as the report may show it (masked, one line, at most ``max_chars``)."""
    if not text:
        return ""
    masked = mask_my_numbers(text).text
    # NFKC: full-width digits and letters become ASCII, so the patterns below see them.
    masked = unicodedata.normalize("NFKC", masked.replace(MARKER, "\ue000")).replace("\ue000", MARKER)
    masked = _LINE_ID.sub(LINE_ID_MARK, masked)
    masked = _EMAIL.sub(EMAIL_MARK, masked)
    masked = _URL.sub(URL_MARK, masked)
    masked = "".join(DIGIT_MARK if ch.isdigit() else ch for ch in masked)
    masked = _CONTROL.sub(" ", masked)
    masked = " ".join(masked.split())
    if len(masked) > max_chars:
        masked = masked[: max_chars - 1] + "…"
    return masked
