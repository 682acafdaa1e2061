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
    (re.compile(r"マイナカード|まいなかーど|まいなカード|マイナンバーカード|個人番号カード"), "マイナンバーカード"),
    (re.compile(r"まいな(?=ほけんしょう|保険証)"), "マイナ"),
    (re.compile(r"まいなぽーたる"), "マイナポータル"),
    (re.compile(r"まいなぽいんと"), "マイナポイント"),
    # 「マイナ落とした」: マイナ alone is the card (not マイナンバー, マイナポータル/ポイント,
    # マイナ保険証, マイナちゃん, マイナス, マイナー)
    (re.compile(r"マイナ(?![ンポ保ちカスー])"), "マイナンバーカード"),
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
    (re.compile(r"いんかん(?:とうろく)?しょうめい(?:しょ)?"), "印鑑証明"),
    (re.compile(r"こせきとうほん|こせきしょうほん"), "戸籍謄本"),
    (re.compile(r"かぜいしょうめい(?:しょ)?"), "課税証明書"),
    (re.compile(r"再[効校行降]付"), "再発行"),
    # 「見つからないまま」 is a card still lost, not a found one
    (re.compile(r"(?:見|み)つから(?:ない|なく|ず|ん)|(?:見|み)つかって(?:い)?ない"
                r"|見当たらない|みあたらない"), "なくした"),
]


# Contrast and negation: 「紛失ではなく、割れた」 is about a broken card, "not lost but broken"
# too. The negated phrase (back to the previous clause boundary) is dropped, so its keyword
# cannot win. Not when it holds a digit (「2019年じゃなくて2018年」 is a date correction, read by
# the date extractor) and not for 「〜ではなくなった」 (a change, not a negation).
_NEGATED_JA = re.compile(
    r"(?:(?<=^)|(?<=[、。,.!?！？\s]))[^、。,.!?！？\s\d]{1,20}?(?:では|じゃ)なく(?:て)?(?!な)[、,]?\s*"
)
_NEGATED_EN = re.compile(r"\bnot\s+(?:a\s+|an\s+|the\s+|my\s+)?[a-z][a-z\s'-]{0,30}?\s+but\s+(?!\d)")


# A reply that starts with the contrast: 「じゃなくて戸籍謄本」 (after 「住民票は？」).
_LEADING_CONTRAST = re.compile(r"^\s*(?:いや|いえ)?[、,]?\s*(?:では|じゃ)なく(?:て)?[、,]?\s*(?!な)")
# A message typed in half-width katakana only (an old phone: ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ ﾌﾝｼﾂ ﾄﾞｳｽﾙ) is read
# as hiragana, which the canonical spellings and the training data cover; loanwords come back
# through the table (まいなんばー → マイナンバー, かーど → カード, こんびに → コンビニ).
# Full-width katakana alone is usually a loanword (マイナポータル) and stays.
_HALF_WIDTH_KANA = re.compile("[\uff66-\uff9d]")
_HIRAGANA_OR_KANJI = re.compile("[\u3041-\u3096\u3400-\u4dbf\u4e00-\u9fff]")


def katakana_only_to_hiragana(raw: str, text: str) -> str:
    """``text`` (NFKC of ``raw``) in hiragana when ``raw`` was half-width katakana only."""
    if not _HALF_WIDTH_KANA.search(raw) or _HIRAGANA_OR_KANJI.search(raw):
        return text
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def drop_negated(text: str) -> str:
    """``text`` without the phrases it explicitly negates (「AではなくB」 → B)."""
    text = _LEADING_CONTRAST.sub("", text)
    text = _NEGATED_JA.sub("", text)
    return _NEGATED_EN.sub("", text)


# --- Korean (ko, issue 15) ----------------------------------------------------------------------
# Korean residents write the same words many ways: with or without spaces (카드 잃어버렸어요 /
# 카드잃어버렸어요), Japanese terms in Korean letters (시야쿠쇼, 호켄쇼, 자이류카드, 콘비니) or in
# Japanese (住民票, 在留カード), slang (비번, 어케) and typos (잃어버렷어요, 일어버렸어요). In a message
# with Hangul, one spelling each (joined: 마이넘버카드, 재류카드); 「A가 아니라 B」 ("not A but B")
# keeps B, like the Japanese contrast above. Spaces stay: the character n-grams of words measured
# better with them (quick CV 52.4% vs 50.7% for Korean with all spaces between syllables dropped).
_HANGUL = re.compile("[\uac00-\ud7a3]")
_CANONICAL_KO = [
    (re.compile(r"マイナンバーカード|마이\s*넘버\s*카드|마이\s*남[바버]\s*카드|마이\s*넘바\s*카드|마이나\s*카드|"
                r"마넘\s*카드|개인\s*번호\s*카드|my\s*number\s*card|mynumber\s*card"), "마이넘버카드"),
    (re.compile(r"マイナンバー|마이\s*넘버|마이\s*남[바버]|마이\s*넘바|my\s*number|mynumber"), "마이넘버"),
    (re.compile(r"マイナ保険証|마이나\s*(?:호켄쇼|보험증)"), "마이나보험증"),
    (re.compile(r"保険証|호켄쇼|호켄죠"), "보험증"),
    (re.compile(r"在留カード|자이류\s*카드|잔류\s*카드|체류\s*카드|재류\s*카드"), "재류카드"),
    (re.compile(r"住民票|쥬민\s*[표효]|주민\s*효|주민표"), "주민표"),
    (re.compile(r"戸籍|코세키|고세키"), "호적"),
    (re.compile(r"市役所|시야쿠쇼|시약쇼|구청|시\s*청"), "시청"),
    (re.compile(r"コンビニ|콘비니|콤비니|편의점"), "편의점"),
    (re.compile(r"暗証番号|비번|비밀\s*번호|암증\s*번호|암호|패스워드|핀\s*번호|\bpin\b"), "비밀번호"),
    (re.compile(r"再発行|재발행|재교부|재\s*발급"), "재발급"),
    (re.compile(r"電子証明書|전자\s*증명서"), "전자증명서"),
    (re.compile(r"有効期限|유효\s*기[간한]"), "유효기간"),
    (re.compile(r"[잃일]어버[렷렸]"), "잃어버렸"),
    (re.compile(r"[잃일]어버림"), "잃어버림"),
    (re.compile(r"[잃일]어\s*버[리린]"), lambda m: "잃어버" + m.group(0)[-1]),
    (re.compile(r"어[케캐]|어떻케"), "어떻게"),
    (re.compile(r"얼마임|얼마에요"), "얼마예요"),
    (re.compile(r"(?:[\u3160\u315c\u1172\u116e]){2,}|(?:[\u314b\u314e\u110f\u1112]){2,}"), " "),  # ㅠㅠ ㅋㅋ ㅎㅎ
]
_NEGATED_KO = re.compile(r"(?:^|(?<=[,.!?]))[^,.!?\d]{1,30}?(?<!만)(?<!만 )(?<!뿐)(?:이|가)?\s*아니(?:라|고)[,\s]*")


def normalize_korean(text: str) -> str:
    """A Korean message (NFKC, lower case) in its canonical spelling; other text unchanged."""
    if not _HANGUL.search(text):
        return text
    for pattern, replacement in _CANONICAL_KO:
        text = pattern.sub(replacement, text)
    if text.strip().endswith(("아니라", "아니고")):
        return text  # nothing follows the contrast: keep what was said
    return _NEGATED_KO.sub("", text)
# --- end of the Korean block ---------------------------------------------------------------------


def normalize(text: str) -> str:
    """Canonical form of ``text`` for the NLU model (idempotent, never raises)."""
    if not text:
        return ""
    raw = text
    text = unicodedata.normalize("NFKC", text.replace(MARKER, " ")).replace(_MARKER_NFKC, " ")
    text = _CONTROL.sub(" ", text)
    text = _WAVE.sub("~", text)
    text = _DASH_AFTER_KANA.sub("ー", text)
    text = katakana_only_to_hiragana(raw, text.lower())
    for pattern, replacement in _CANONICAL:
        text = pattern.sub(replacement, text)
    text = normalize_korean(text)  # Korean block
    text = drop_negated(text)
    return _SPACES.sub(" ", text).strip()
