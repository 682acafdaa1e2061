"""Normalise resident text before the NLU model sees it.

Residents type the same words many ways: full-/half-width (ﾏｲﾅﾝﾊﾞｰ, ２０１９), wave dashes
(〜～~), long-vowel marks (ー－―‐), hiragana for katakana loanwords (まいなんばーかーど) and
kanji/kana variants (無くした/失くした/なくした). The model sees one canonical spelling.
The stored conversation keeps what the user typed (after the My Number guard); only the
model input is normalised.
"""
from __future__ import annotations

import re
import unicodedata

from maina.mynumber import MARKER

# The My Number guard's marker says "マイナンバー": the model must not read it as a topic.
_MARKER_NFKC = unicodedata.normalize("NFKC", MARKER)

# After NFKC: wave dashes and long-vowel look-alikes.
_WAVE = re.compile("[〜～~]")
_DASH_AFTER_KANA = re.compile(r"(?<=[ぁ-んァ-ヶ])[-‐‑–—―−－ｰ]")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")

# Canonical spellings (regex → replacement), applied in order. Kept small on purpose:
# character n-grams absorb most typos; this table fixes what n-grams cannot bridge.
_CANONICAL = [
    (re.compile(r"まいなんばー|マイナンバ(?!ー)|まいなんば|ﾏｲﾅﾝﾊﾞｰ"), "マイナンバー"),
    (re.compile(r"かーど"), "カード"),
    (re.compile(r"マイナカード|まいなかーど|マイナンバーカード|個人番号カード"), "マイナンバーカード"),
    (re.compile(r"まいな(?=ほけんしょう|保険証)"), "マイナ"),
    (re.compile(r"ほけんしょう"), "保険証"),
    (re.compile(r"無くし|失くし"), "なくし"),  # not 亡くし: a death is not a lost card
    (re.compile(r"無くな|失くな"), "なくな"),
    (re.compile(r"落とし|おとし"), "落とし"),
    (re.compile(r"ぱすわーど|パスワ-ド|ﾊﾟｽﾜｰﾄﾞ"), "パスワード"),
    (re.compile(r"あんしょうばんごう"), "暗証番号"),
    (re.compile(r"ゆうこうきげん"), "有効期限"),
    (re.compile(r"きげん"), "期限"),
    (re.compile(r"こうしん"), "更新"),
    (re.compile(r"さいはっこう|さいこうふ|再交付"), "再発行"),
    (re.compile(r"ふんしつ"), "紛失"),
    (re.compile(r"とっきゅう"), "特急"),
    (re.compile(r"てすうりょう"), "手数料"),
    (re.compile(r"しやくしょ"), "市役所"),
    (re.compile(r"こんびに|ｺﾝﾋﾞﾆ"), "コンビニ"),
    (re.compile(r"でんししょうめいしょ"), "電子証明書"),
    (re.compile(r"じゅうみんひょう"), "住民票"),
    (re.compile(r"ひっこし|引越し|引越"), "引っ越し"),
]


# Contrast and negation: 「紛失ではなく、割れた」 is about a broken card, "not lost but broken"
# too. The negated phrase (back to the previous clause boundary) is dropped, so its keyword
# cannot win. Not when it holds a digit (「2019年じゃなくて2018年」 is a date correction, read by
# the date extractor) and not for 「〜ではなくなった」 (a change, not a negation).
_NEGATED_JA = re.compile(
    r"(?:(?<=^)|(?<=[、。,.!?！？\s]))[^、。,.!?！？\s\d]{1,20}?(?:では|じゃ)なく(?:て)?(?!な)[、,]?\s*"
)
_NEGATED_EN = re.compile(r"\bnot\s+(?:a\s+|an\s+|the\s+|my\s+)?[a-z][a-z\s'-]{0,30}?\s+but\s+(?!\d)")


def drop_negated(text: str) -> str:
    """``text`` without the phrases it explicitly negates (「AではなくB」 → B)."""
    text = _NEGATED_JA.sub("", text)
    return _NEGATED_EN.sub("", text)


def normalize(text: str) -> str:
    """Canonical form of ``text`` for the NLU model (idempotent, never raises)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text.replace(MARKER, " ")).replace(_MARKER_NFKC, " ")
    text = _CONTROL.sub(" ", text)
    text = _WAVE.sub("~", text)
    text = _DASH_AFTER_KANA.sub("ー", text)
    text = text.lower()
    for pattern, replacement in _CANONICAL:
        text = pattern.sub(replacement, text)
    text = drop_negated(text)
    return _SPACES.sub(" ", text).strip()
