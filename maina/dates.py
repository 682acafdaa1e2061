"""Find dates in Japanese or English user text and tell what each date is about.

``extract_dates(text, today)`` returns one :class:`DateMention` per date-like expression, with its
character offsets in the *original* text, the parsed date, an error code when the expression is
not a usable date, and the role the user gave it (birth, issue, ...) from cue words nearby.

Design notes (see docs/date-parser.md for the full rules and the library comparison):

* Own small parser, no third-party library: every format we need is a handful of regular
  expressions over an NFKC-normalised, lower-cased copy of the text; offsets are mapped back.
* ``value`` is set only for a complete, valid date (``error`` is None). When the expression names
  a real day but is still wrong (``era_out_of_range``: 平成31年5月1日; ``future``), that day is in
  ``candidates`` so the bot can ask "2019年（令和元年）5月1日のこと？"; ``ambiguous_date``
  (03/04/2019) lists both readings there.
* The function never raises; text without dates gives ``[]``.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

from dateutil.relativedelta import relativedelta

from maina import dates_vi, wareki
from maina.partial import PartialDate

# ---------------------------------------------------------------------------------------------
# Public data

ROLES = ("birth", "issue", "application", "stay_end", "card_expiry", "cert_expiry")

ERROR_INVALID_DATE = "invalid_date"  # no such day: 2月30日, 13月1日, 平成0年
ERROR_ERA_OUT_OF_RANGE = "era_out_of_range"  # 平成31年5月1日, 平成32年, 令和元年4月30日 (candidates set)
ERROR_FUTURE = "future"  # a birth/issue/application date after today (candidates set)
ERROR_INCOMPLETE = "incomplete_date"  # year+month or month+day only (value None)
ERROR_AMBIGUOUS = "ambiguous_date"  # 03/04/2019: day/month order unknown (candidates set)
ERROR_OUT_OF_RANGE = "out_of_range"  # a year before 1868 or far in the future (value None)

ERROR_CODES = (
    ERROR_INVALID_DATE,
    ERROR_ERA_OUT_OF_RANGE,
    ERROR_FUTURE,
    ERROR_INCOMPLETE,
    ERROR_AMBIGUOUS,
    ERROR_OUT_OF_RANGE,
)

# roles for which a date after today is impossible
_PAST_ROLES = frozenset({"birth", "issue", "application"})
MIN_YEAR = 1868
MAX_YEARS_AHEAD = 100


@dataclass(frozen=True)
class DateMention:
    """One date-like expression found in user text.

    ``start``/``end`` are offsets into the text given to :func:`extract_dates` (``text[start:end]``
    is the expression as the user wrote it). ``year``/``month``/``day`` are what was read (Western
    year); parts that were not written are None. ``era``/``era_year`` are set for 和暦 input.
    """

    start: int
    end: int
    text: str
    value: Optional[_dt.date]
    error: Optional[str]
    role: Optional[str]
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    era: Optional[str] = None
    era_year: Optional[int] = None
    candidates: Tuple[_dt.date, ...] = ()
    on_birthday: bool = False  # 「誕生日の平成29年6月15日に」: the day is a birthday (not the birth date)
    relative: bool = False  # counted back from today: 「3か月前」, "5 months ago", 「先月」
    carried_year: bool = False  # 「2022年1月に申請して2月20日に受け取り」: the year comes from the earlier date

    @property
    def ok(self) -> bool:
        """True when the mention is a complete, valid date the bot may compute with."""
        return self.error is None and self.value is not None

    @property
    def suggestion(self) -> Optional[_dt.date]:
        """The one day the user probably meant when the mention is not ok (平成32年1月1日 →
        2020-01-01), else None."""
        return self.candidates[0] if not self.ok and len(self.candidates) == 1 else None

    @property
    def partial(self) -> Optional[PartialDate]:
        """What the mention tells of the date when it is a real date or one known only in part
        (「令和元年5月」, 「平成2年」, 「9月3日」); None for impossible or unreadable dates."""
        if self.ok:
            return PartialDate.of(self.value)
        if self.error != ERROR_INCOMPLETE:
            return None
        found = PartialDate(self.year, self.month, self.day)
        return found if found.valid and (found.year is not None or found.day is not None) else None


# ---------------------------------------------------------------------------------------------
# Normalisation with an offset map

_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe63"}
_SOUND_MARKS = "\uff9e\uff9f\u3099\u309a"


class _Normalised:
    """NFKC + lower-case copy of a text, with each character's span in the original.

    Dates typed in kana are rewritten to the kanji/digit forms the patterns read, with the
    rewritten characters spanning the original kana (see :data:`_KANA_REWRITES`).
    """

    __slots__ = ("text", "starts", "ends")

    def __init__(self, original: str) -> None:
        chars: List[str] = []
        starts: List[int] = []
        ends: List[int] = []
        i, n = 0, len(original)
        while i < n:
            j = i + 1
            # keep a base character together with its combining marks (ｶﾞ → ガ)
            while j < n and (unicodedata.combining(original[j]) or original[j] in _SOUND_MARKS):
                j += 1
            piece = unicodedata.normalize("NFKC", original[i:j]).lower().translate(_DASHES)
            for ch in piece:
                chars.append(ch)
                starts.append(i)
                ends.append(j)
            i = j
        # the long-vowel mark typed as a dash between digits: 2019ー03ー10
        for k in range(1, len(chars) - 1):
            if chars[k] == "ー" and chars[k - 1].isdigit() and chars[k + 1].isdigit():
                chars[k] = "-"
        self.text = "".join(chars)
        self.starts = starts
        self.ends = ends
        if _HAS_KANA.search(self.text):
            for pattern, replace in _KANA_REWRITES:
                self._rewrite(pattern, replace)
        for pattern, replace in ZH_REWRITES:
            self._rewrite(pattern, replace)
        if dates_vi.looks_vietnamese(self.text):  # issue 15: Vietnamese forms, see maina/dates_vi.py
            for pattern, replace in dates_vi.REWRITES:
                self._rewrite(pattern, replace)
        if _HAS_HANGUL.search(self.text):  # Korean block below
            for pattern, replace in _KOREAN_REWRITES:
                self._rewrite(pattern, replace)

    def _rewrite(self, pattern: "re.Pattern[str]", replace: "Callable[[re.Match[str]], str]") -> None:
        """Replace every match; the new characters all span the original text of the match."""
        chars: List[str] = []
        starts: List[int] = []
        ends: List[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            if m.end() == m.start():
                continue
            chars.extend(self.text[pos:m.start()])
            starts.extend(self.starts[pos:m.start()])
            ends.extend(self.ends[pos:m.start()])
            new = replace(m)
            chars.extend(new)
            starts.extend([self.starts[m.start()]] * len(new))
            ends.extend([self.ends[m.end() - 1]] * len(new))
            pos = m.end()
        if pos == 0:
            return
        chars.extend(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        self.text, self.starts, self.ends = "".join(chars), starts, ends

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """Map a normalised [start, end) back to the original text."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


# ---------------------------------------------------------------------------------------------
# Dates typed in kana: 「しょうわ22ねん 3がつ3にち」, 「れいわがんねん ごがつ ついたち」

_HAS_KANA = re.compile("[ぁ-んァ-ヶ]")
_KANA_ERAS = {"めいじ": "明治", "たいしょう": "大正", "しょうわ": "昭和", "へいせい": "平成", "れいわ": "令和",
              "メイジ": "明治", "タイショウ": "大正", "ショウワ": "昭和", "ヘイセイ": "平成", "レイワ": "令和"}
# number words as read before a counter (さんがつ, にじゅういちにち, はっさい) → kanji numerals
_KANA_NUMBER_WORDS = {
    "いち": "一", "いっ": "一", "に": "二", "さん": "三", "よん": "四", "よ": "四", "し": "四", "ご": "五",
    "ろく": "六", "ろっ": "六", "なな": "七", "しち": "七", "はち": "八", "はっ": "八", "きゅう": "九", "く": "九",
    "じゅう": "十", "じゅっ": "十", "じっ": "十", "ひゃく": "百", "びゃく": "百", "ぴゃく": "百", "せん": "千",
    "ぜん": "千", "れい": "〇", "ぜろ": "〇",
}
_KANA_NUMBER = "(?:" + "|".join(sorted(_KANA_NUMBER_WORDS, key=len, reverse=True)) + ")+"
_KANA_NUMBER_PART = re.compile("|".join(sorted(_KANA_NUMBER_WORDS, key=len, reverse=True)))
# the days of the month with their own reading, only right after a month (5月ついたち)
_KANA_DAYS = {"ついたち": 1, "ふつか": 2, "みっか": 3, "よっか": 4, "いつか": 5, "むいか": 6, "なのか": 7,
              "なぬか": 7, "ようか": 8, "ここのか": 9, "とおか": 10, "じゅうよっか": 14, "はつか": 20,
              "にじゅうよっか": 24}
_KANA_COUNTERS = {"ねん": "年", "がつ": "月", "にち": "日", "さい": "歳", "かげつ": "か月", "かげつかん": "か月間"}
_NUMBER_BEFORE = r"(?<=[0-9〇一二三四五六七八九十百千元])"
# words that tell what a date is, in kana (the cue patterns are written in kanji)
_KANA_WORDS = {"きげん": "期限", "ゆうこう": "有効", "こうふ": "交付", "はっこう": "発行", "しんせい": "申請",
               "たんじょうび": "誕生日", "ざいりゅう": "在留", "うけと": "受け取",
               "さくせい": "作成", "しゅとく": "取得",
               "まえ": "前", "せんげつ": "先月", "こんげつ": "今月", "きょねん": "去年", "おととし": "一昨年",
               "ことし": "今年", "きのう": "昨日", "おととい": "一昨日", "らいげつ": "来月", "らいねん": "来年",
               "あした": "明日"}


def _kana_number(m: "re.Match[str]") -> str:
    digits = "".join(_KANA_NUMBER_WORDS[p] for p in _KANA_NUMBER_PART.findall(m.group("n")))
    return digits + _KANA_COUNTERS[m.group("c")]


_KANA_DAY_WORDS = "|".join(sorted(_KANA_DAYS, key=len, reverse=True))
_KANA_COUNTER_WORDS = r"(?P<c>かげつかん|かげつ|ねん|がつ(?!く[っらりるれろ])|にち|さい)"
_KANA_REWRITES: Tuple[Tuple["re.Pattern[str]", "Callable[[re.Match[str]], str]"], ...] = (
    (re.compile("|".join(_KANA_ERAS)), lambda m: _KANA_ERAS[m.group(0)]),
    (re.compile(r"(?<=[治正和成])\s*がんねん"), lambda m: "元年"),
    (re.compile("|".join(sorted(_KANA_WORDS, key=len, reverse=True))), lambda m: _KANA_WORDS[m.group(0)]),
    (re.compile(rf"(?<![ぁ-ん])(?P<n>{_KANA_NUMBER}){_KANA_COUNTER_WORDS}"), _kana_number),
    (re.compile(_NUMBER_BEFORE + r"\s*" + _KANA_COUNTER_WORDS), lambda m: _KANA_COUNTERS[m.group("c")]),
    (re.compile(rf"(?<=月)(?P<s>\s*)(?P<d>{_KANA_DAY_WORDS})"),
     lambda m: f"{m.group('s')}{_KANA_DAYS[m.group('d')]}日"),
)


# ---------------------------------------------------------------------------------------------
# Korean (ko, issue 15): dates as Korean residents write them — 「1990년 1월 15일」, 「90년생」,
# 「2019. 7. 1.」 (read as it is), 「3개월 전」, 「작년」, 「30살 때 만들었어요」 — rewritten, like the kana
# above, to the forms the patterns read, so every rule of this module (roles, carried years,
# errors, ages) applies unchanged. Korean word order puts the verb after the date, as Japanese.
# A two-digit year counts only before a month or 생 (「90년 1월」, 「05년생」): 00–49 → 2000s,
# 50–99 → 1900s; 「10년」 alone is a duration, never a year.

_HAS_HANGUL = re.compile("[\uac00-\ud7a3]")
_KO_WORDS = {  # a space in a key matches any spacing, none included
    # relative dates
    "재작년": "一昨年", "작년": "去年", "지난 해": "去年", "올해": "今年", "금년": "今年", "내년": "来年",
    "지지난 달": "先々月", "지난 달": "先月", "저번 달": "先月", "이번 달": "今月", "다음 달": "来月",
    "그저께": "一昨日", "어제": "昨日", "내일": "明日", "지금은": "今", "지금": "今", "현재": "現在",
    # Japanese eras, as Koreans spell them
    "쇼와": "昭和", "헤이세이": "平成", "레이와": "令和", "원년": "元年",
    # what a date is (the longest first; the Japanese cue words of _cues() take over)
    "생년 월일": "生年月日", "생일": "誕生日", "태어났": "生まれ", "태어난": "生まれ", "태어남": "生まれ",
    "출생": "生まれ",
    "발급일": "交付日", "교부일": "交付日", "발행일": "交付日", "수령일": "交付日",
    "받은 날": "受け取った日", "만든 날": "作った日",
    "발급": "交付", "교부": "交付", "발행": "交付", "수령": "交付",
    "받았": "受け取っ", "받은": "受け取っ", "받음": "受け取っ", "만들었": "作っ", "만든": "作っ",
    "신청일": "申請日", "신청": "申請",
    "재류 기간 만료일": "在留期間の満了日", "체류 기간 만료일": "在留期間の満了日",
    "재류 기간": "在留期間", "체류 기간": "在留期間", "재류 기한": "在留期限", "체류 기한": "在留期限",
    "재류 카드 유효 기간": "在留カードの有効期限", "재류 카드 기한": "在留カードの期限",
    "비자 만료일": "ビザの期限", "비자 기한": "ビザの期限", "비자 유효 기간": "ビザの有効期限",
    "비자가 만료": "ビザが切れ", "비자 만료": "ビザが切れ",
    "전자 증명서 유효 기간": "電子証明書の有効期限", "전자 증명서 만료일": "電子証明書の有効期限",
    "전자 증명서 기한": "電子証明書の期限", "증명서 유효 기간": "証明書の有効期限",
    "카드 유효 기간": "カードの有効期限", "카드 만료일": "カードの有効期限", "카드 기한": "カードの期限",
    "유효 기간": "有効期限", "유효 기한": "有効期限", "만료일": "有効期限",
}
_KO_WORDS_SPACELESS = {key.replace(" ", ""): value for key, value in _KO_WORDS.items()}
# 「만료돼요」「끝나요」 (ends): the stay's end after a word about the stay, else the card's
_KO_STAY_BEFORE = re.compile(r"在留|ビザ|비자")
_KO_SENTENCE = re.compile(r"[.!?。！？\n]")


def _ko_ends(m: "re.Match[str]") -> str:
    before = _KO_SENTENCE.split(m.string[max(0, m.start() - 40):m.start()])[-1]
    return "満了" if _KO_STAY_BEFORE.search(before) else "期限切れ"


def _ko_year(m: "re.Match[str]") -> str:
    yy = int(m.group("yy"))
    if _KO_AFTER_ERA.search(m.string, 0, m.start()):  # 「헤이세이 2년」: an era year
        return f"{yy}年"
    return f"{2000 + yy if yy <= 49 else 1900 + yy}年"


_KO_AFTER_ERA = re.compile(rf"(?:{'|'.join(era.name for era in wareki.ERAS)})\s*$")
_KO_UNIT = r"(?<=[年月日])"
_KOREAN_REWRITES: Tuple[Tuple["re.Pattern[str]", "Callable[[re.Match[str]], str]"], ...] = (
    # spaces inside a word are optional (the NLU normaliser drops them between Hangul syllables)
    (re.compile("|".join(w.replace(" ", r"\s*") for w in sorted(_KO_WORDS, key=len, reverse=True))),
     lambda m: _KO_WORDS_SPACELESS[re.sub(r"\s+", "", m.group(0))]),
    (re.compile(r"만료(?:돼|됐|되|된|됨|까지)?|끝나|끝났|끝난"), _ko_ends),
    # 「2019. 7. 1.」: the final dot is part of the date, not the end of a sentence
    (re.compile(r"(?<![\d.])(?P<y>\d{4})\s*\.\s*(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})(?!\d)\.?"),
     lambda m: f"{m.group('y')}年{m.group('m')}月{m.group('d')}日"),
    (re.compile(r"(?<![\d.])(?P<yy>\d{2})\s*년\s*(?=\d{1,2}\s*월|생)"), _ko_year),
    (re.compile(r"(?<=\d)\s*년"), lambda m: "年"),
    (re.compile(r"(?<=\d)\s*(?:개월|달)"), lambda m: "か月"),
    (re.compile(r"(?<=\d)\s*월"), lambda m: "月"),
    (re.compile(r"(?<=\d)\s*일"), lambda m: "日"),
    (re.compile(r"(?<=\d)\s*(?:살|세)"), lambda m: "歳"),
    (re.compile(r"(?<=[年日])\s*생(?![활각산명])"), lambda m: "生まれ"),
    (re.compile(_KO_UNIT + r"\s*(?:쯤|정도|가량|경)"), lambda m: "くらい"),
    (re.compile(r"(?<=[年月日い])\s*전"), lambda m: "前"),
    (re.compile(r"(?<=前)\s*부터"), lambda m: "から"),
    (re.compile(r"(?<=前)\s*까지"), lambda m: "まで"),
    (re.compile(r"(?<=前)\s*이내"), lambda m: "以内"),
    (re.compile(r"(?<=歳)\s*(?:때|적|무렵|쯤에|에)"), lambda m: "のとき"),
    (re.compile(r"(?<=[年月日歳])\s*(?:이었어요|였어요|이에요|예요|이요|입니다|이야|인 것 같아요|일 거예요|요)"),
     lambda m: "です"),
    (re.compile(_KO_UNIT + r"\s*까지"), lambda m: "まで"),
    (re.compile(_KO_UNIT + r"\s*에(?![가-힣])"), lambda m: "に"),
)


# ---------------------------------------------------------------------------------------------
# Numbers

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KNUM = "[〇零一二三四五六七八九十百千]{1,7}"


def parse_number(token: str) -> Optional[int]:
    """'12' → 12, '十二' → 12, '二〇一九' → 2019, '千九百八十八' → 1988; None if not a number."""
    token = token.strip()
    if not token:
        return None
    if token.isascii() and token.isdigit():
        return int(token)
    if any(ch in _KANJI_UNITS for ch in token):
        total, current = 0, None
        for ch in token:
            if ch in _KANJI_DIGITS:
                if current is not None:  # two digits in a row inside an additive number
                    return None
                current = _KANJI_DIGITS[ch]
            elif ch in _KANJI_UNITS:
                total += (1 if current is None else current) * _KANJI_UNITS[ch]
                current = None
            else:
                return None
        return total + (current or 0)
    digits = []
    for ch in token:
        if ch not in _KANJI_DIGITS:
            return None
        digits.append(str(_KANJI_DIGITS[ch]))
    return int("".join(digits))


# ---------------------------------------------------------------------------------------------
# Patterns (applied to the normalised, lower-cased text)

_ERA_NAMES = "|".join(era.name for era in wareki.ERAS)
_ERA_KANJI1 = "".join(wareki.ERA_BY_KANJI_ABBREV)
_ERA_LETTERS = "".join(era.letter.lower() for era in wareki.ERAS)

_YEAR_JA = (
    rf"(?:(?P<era>{_ERA_NAMES})\s*(?P<eyear>元|\d{{1,2}}|{_KNUM})"
    rf"|(?<![a-z])(?P<eletter>[{_ERA_LETTERS}])\s*(?P<lyear>元|\d{{1,2}})"
    rf"|(?P<wyear>(?<!\d)\d{{4}}|[〇零一二三四五六七八九]{{4}}|二?千[〇零一二三四五六七八九十百]{{0,6}}))"
)
_RE_JA = re.compile(
    rf"(?:{_YEAR_JA}\s*年\s*(?:の\s*)?)?"
    rf"(?<!\d)(?P<month>\d{{1,2}}|{_KNUM})\s*月\s*"
    rf"(?:(?P<day>\d{{1,2}}|{_KNUM})\s*日)?"
)
# a year alone (平成2年生まれ, 2019年に作った): kept only when a role cue says what it is
_RE_YEAR_ONLY = re.compile(
    rf"(?:(?P<era>{_ERA_NAMES})\s*(?P<eyear>元|\d{{1,2}}|{_KNUM})"
    rf"|(?<![a-z])(?P<eletter>[{_ERA_LETTERS}])\s*(?P<lyear>元|\d{{1,2}})"
    r"|(?P<wyear>(?<!\d)\d{4}|[〇零一二三四五六七八九]{4}))\s*年(?!\s*(?:度|間|代|前|後|目|以|ぶり|振り|半))"
)
_RE_ERA_NUMERIC = re.compile(
    rf"(?:(?P<era>{_ERA_NAMES}|[{_ERA_KANJI1}])|(?<![a-z])(?P<eletter>[{_ERA_LETTERS}]))"
    r"\s*(?P<eyear>元|\d{1,2})\s*(?P<sep>[./-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})"
    r"(?!\d)(?![./-]\d)"
)
_RE_YMD = re.compile(
    r"(?<![\d.])(?P<year>\d{4})\s*(?P<sep>[./-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})"
    r"(?!\d)(?![./-]\d)"
)
_RE_DMY_NUMERIC = re.compile(
    r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?![\d])(?![./-]\d)"
)
_MONTH_WORDS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MON = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_RE_EN_DMY = re.compile(
    rf"(?<![\w])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s/-]*(?P<mon>{_MON})(?![a-z])\.?"
    r"(?:,?[\s/-]*(?P<year>\d{4})(?!\d))?"
)
_RE_EN_MDY = re.compile(
    rf"(?<![a-z])(?P<mon>{_MON})(?![a-z])\.?\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d])"
    r"(?:,?\s*(?P<year>\d{4})(?!\d))?"
)
_RE_EN_MY = re.compile(rf"(?<![a-z])(?P<mon>{_MON})(?![a-z])\.?,?\s+(?P<year>\d{{4}})(?!\d)")
# the year first, as a card's date reads in order: "2027 July", "2027, jul. 5" ("1990, may I ask" is no date)
_RE_EN_YMD = re.compile(
    rf"(?<![\d./-])(?P<year>\d{{4}})\s*,?\s*(?P<mon>{_MON})(?![a-z])(?!(?<=may)\s+[a-z])\.?"
    r"(?:\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d))?"
)
# year and month in digits: 2027/7, 2027-07 (never 2027.7, a number; never a phone number)
_RE_YM_NUMERIC = re.compile(
    r"(?<![\d./-])(?P<year>\d{4})\s*[/-]\s*(?P<month>\d{1,2})(?![\d])(?!\s*[./-]\s*\d)")


# ---------------------------------------------------------------------------------------------
# Role cues

_AFTER, _BEFORE, _BOTH = "after", "before", "both"
_ON_BIRTHDAY = "on_birthday"  # not a role: marks a date that falls on a birthday


# ---- Chinese (zh) -------------------------------------------------------------------------
# Chinese writes dates as Japanese does (1990年1月15日) or with 号 for the day (1月15号), ages
# with 岁, months counted with 个月 (5个月前), and says what a date is with its own words.
# The rewrites turn the Chinese forms into the ones the patterns read (the new characters span
# the original text); the cues give the roles. Chinese puts the verb after the date
# (1990年1月15日出生, 2019年7月1日领的卡): verbs are cues after the date, nouns (出生日期,
# 领卡日期, 有效期) on either side, 「办卡是…」 before it.
ZH_REWRITES: Tuple[Tuple["re.Pattern[str]", "Callable[[re.Match[str]], str]"], ...] = (
    (re.compile(rf"(?<=月)(\s*)(\d{{1,2}}|{_KNUM})\s*[号號]"), lambda m: f"{m.group(1)}{m.group(2)}日"),
    (re.compile(rf"(\d{{1,3}}|{_KNUM})\s*[岁歲]\s*(?:的)?\s*(时候|時候|时|那年)?"),
     lambda m: f"{m.group(1)}歳" + ("のとき" if m.group(2) else "")),
    (re.compile(r"(?<=\d)\s*[个個]\s*月"), lambda m: "か月"),
    (re.compile(r"(?<=\d)\s*天\s*前"), lambda m: "日前"),
    (re.compile(r"上上[个個]月"), lambda m: "先々月"),
    (re.compile(r"上[个個]月"), lambda m: "先月"),
    (re.compile(r"这[个個]月|這[個个]月|本月"), lambda m: "今月"),
    (re.compile(r"现在|現在"), lambda m: "現在"),
)
ZH_CUES: List[Tuple[str, str, str]] = [
    (r"出生日期|出生年月日|生日|出生是|生日是", "birth", _BOTH),
    (r"出生于|出生在|生于", "birth", _BEFORE),
    (r"出生|出世|生的", "birth", _AFTER),
    (r"发卡日期|发卡日|领卡日期|领卡日|领取日期|领取日|办卡日期|办卡时间|领卡时间|交付日期|交付日|发行日期|签发日期",
     "issue", _BOTH),
    (r"办卡是|领卡是|拿卡是|领的卡是|办的卡是|卡是在", "issue", _BEFORE),
    (r"领的卡|领卡|领取|领到|拿到|拿的卡|拿卡|办的卡|办卡|办的|办了|做的卡|做的|发的卡|发卡|发的|签发|到手",
     "issue", _AFTER),
    (r"申请日期|申请日|申请时间|申请是", "application", _BOTH),
    (r"申请的|申请了|申请|提交", "application", _AFTER),
    (r"在留期限|在留期间|在留期間|在留卡到期|在留卡的有效期|在留卡有效期|在留卡的期限|签证到期|签证的有效期|签证有效期|"
     r"签证期限|签证过期|居留卡到期", "stay_end", _BOTH),
    (r"电子证明书的有效期|电子证明书有效期|证明书的有效期|证书的有效期|证书有效期|证书到期|证明书到期|证书过期|"
     r"证明书过期", "cert_expiry", _BOTH),
    (r"卡的有效期|有效期至|有效期到|有效期限|有效期|到期日|截止日期", "card_expiry", _BOTH),
    (r"到期|过期|失效", "card_expiry", _AFTER),
]
# ---- end Chinese --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    pattern: "re.Pattern[str]"
    role: str
    direction: str  # where the cue may stand relative to the date it describes
    english: bool = False
    max_distance: int = 40


def _cues() -> Tuple[_Cue, ...]:
    ja = [
        # labels (nouns): before the date (交付日は2019年…) or after it (…が誕生日)
        # 「誕生日の平成29年6月15日に発行」「平成29年6月15日、ちょうど誕生日に」: a day that is a
        # birthday, not the birth date; the role comes from the other cues
        (r"(?:お)?誕生日(?:当日)?(?:の|である|と同じ日の?)(?!日付|年月日)", _ON_BIRTHDAY, _BEFORE),
        (r"(?:お)?誕生日(?:当日)?に(?!生まれ)", _ON_BIRTHDAY, _AFTER),
        (r"生年月日|誕生日|お誕生日|生まれは|生まれた日|出生日", "birth", _BOTH),
        (r"交付日|発行日|交付年月日|作った日|作成日|受け取った日|受取日|取得日", "issue", _BOTH),
        (r"申請日|申請受付日|申請した日|申込日|申し込んだ日", "application", _BOTH),
        # past-tense verb + の/日 + は/が works as a label: 作ったのは2019年…, 生まれたのは…
        (r"(?:作っ|作成し|つくっ|受け取っ|もらっ|貰っ|取得し|交付され|発行され|交付し|発行し|届い)た(?:の|日)(?:は|が)",
         "issue", _BOTH),
        (r"(?:申請した|申し込んだ|申込んだ)(?:の|日)(?:は|が)", "application", _BOTH),
        (r"生まれたの(?:は|が)|産まれたの(?:は|が)", "birth", _BOTH),
        (r"在留カードの有効期限|在留カードの期限|在留期限|在留期間|在留期間の満了日|満了日|ビザの期限|ビザの有効期限",
         "stay_end", _BOTH),
        # 「ビザは2027年8月31日まで」「在留カードは…まで」: the card or visa as the subject is its end
        (r"(?:ビザ|在留カード)(?:は|が)", "stay_end", _BEFORE),
        (r"電子証明書の有効期限|電子証明書の期限|証明書の有効期限|証明書の期限", "cert_expiry", _BOTH),
        (r"カードの有効期限|カードの期限|有効期限|有効期間|期限", "card_expiry", _BOTH),
        # verbs and verb stems: they follow the date (1990年1月1日生まれ, 2019年3月10日に作った)
        (r"生まれ|産まれ|うまれ|誕生", "birth", _AFTER),
        (r"交付|発行|作っ|作り|作ら|作成|つくっ|つくり|受け取|受取|もらっ|もらい|貰っ|貰い|取得|手に入れ|届い|ゲット",
         "issue", _AFTER),
        (r"申請|申し込|申込", "application", _AFTER),
        (r"満了|在留期間が切れ|在留期限が切れ|ビザが切れ", "stay_end", _AFTER),
        (r"まで有効|で期限切れ|に期限切れ|期限が切れ|期限切れ|"
         r"[切き]れ(?:た|て|ちゃ|そう|る|ます)", "card_expiry", _AFTER),
        (r"(?:電子)?証明書(?:の(?:有効)?期限)?(?:が|は)?切れ", "cert_expiry", _AFTER),
    ]
    en = [
        (r"\bdate of birth\b|\bborn\b|\bbirthday\b|\bbirth\b|\bdob\b|\bd\.o\.b\b", "birth"),
        (r"\bperiod of stay\b|\b(?:stay|visa|residence card|residence permit|status of residence)"
         r"\s+(?:is\s+|was\s+)?(?:valid\s+)?(?:until|till|ends?|ended|expire[sd]?|expiry|expiration|runs out|ran out)\b"
         r"|\b(?:visa|residence card) is valid\b"
         r"|\bvisa expir\w*",
         "stay_end"),
        (r"\b(?:electronic )?certificates?\s+(?:expires?|expiry|expiration|is valid|valid until)\b",
         "cert_expiry"),
        (r"\bexpire[sd]?\b|\bexpiry\b|\bexpiration\b|\bvalid until\b|\bvalid till\b|\bran out\b", "card_expiry"),
        (r"\bapplied\b|\bapplication\b|\bapply\b|\bsubmitted\b", "application"),
        (r"\bgot\b|\bget\b|\bissued?\b|\breceived\b|\bpicked (?:it )?up\b|\bcollected\b"
         r"|\bobtained\b|\bmade\b|\bcreated\b",
         "issue"),
    ]
    ja += ZH_CUES
    # longest alternative first, so that 在留期間の満了日 is one cue rather than 在留期間 + 満了日
    cues = [_Cue(re.compile(p if "(" in p else "|".join(sorted(p.split("|"), key=len, reverse=True))), role, d)
            for p, role, d in ja]
    cues.append(_Cue(re.compile(r"生(?![活徒産命涯])"), "birth", _AFTER, max_distance=0))  # 1990年1月1日生
    cues += [_Cue(re.compile(p), role, _BOTH, english=True) for p, role in en]
    cues.append(_Cue(re.compile(r"\bon (?:my|his|her|their) birthday\b"), _ON_BIRTHDAY, _BOTH, english=True))
    return tuple(cues)


_CUES = _cues()
_RE_BARE_ANSWER = re.compile(
    r"^[\s、。,.!?！？]*(?:です|でした|だよ|だった|頃|ごろ|くらい|ぐらい|かな|だと思う|と思う|in|around)*[\s、。,.!?！？]*$"
)
_SENTENCE_END = re.compile(r"[。！？!?\n\r]|\.(?=\s|$)")
# cost added to a cue's distance: Japanese predicates follow the date, English ones precede it
_PENALTY_JA_LABEL_AFTER = 2
_PENALTY_EN_AFTER = 12
_ON_BIRTHDAY_DISTANCE = 8  # 「平成29年6月15日、ちょうど誕生日に」


@dataclass(frozen=True)
class _CueHit:
    start: int
    end: int
    cue: _Cue


def _find_cues(norm: str) -> List[_CueHit]:
    hits = [_CueHit(m.start(), m.end(), cue) for cue in _CUES for m in cue.pattern.finditer(norm)]
    # drop hits contained in a longer hit (在留カードの有効期限 beats 有効期限)
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: List[_CueHit] = []
    reach: Tuple[int, int] = (-1, -1)  # span of the kept hit that reaches furthest right
    for hit in hits:
        if hit.end <= reach[1] and (hit.start, hit.end) != reach:
            continue  # inside a longer cue that starts at or before it
        kept.append(hit)
        if hit.end > reach[1]:
            reach = (hit.start, hit.end)
    return kept


def _role_for(start: int, end: int, lo: int, hi: int, hits: Sequence[_CueHit]) -> Tuple[Optional[str], bool]:
    """The role whose cue is nearest to the date span [start, end) within [lo, hi), and whether
    the date is said to fall on a birthday (「誕生日の…」, 「…、ちょうど誕生日に」)."""
    best: Optional[Tuple[int, int, str]] = None
    on_birthday = False
    for hit in hits:
        if hit.end <= start and hit.start >= lo:  # cue before the date
            if hit.cue.direction == _AFTER:
                continue
            distance = start - hit.end
            cost = distance
            order = 0
        elif hit.start >= end and hit.end <= hi:  # cue after the date
            if hit.cue.direction == _BEFORE:
                continue
            distance = hit.start - end
            if hit.cue.english:
                cost = distance + _PENALTY_EN_AFTER
            elif hit.cue.direction == _BOTH:
                cost = distance + _PENALTY_JA_LABEL_AFTER
            else:
                cost = distance
            order = 1
        else:
            continue
        if distance > hit.cue.max_distance:
            continue
        if hit.cue.role == _ON_BIRTHDAY:
            on_birthday = on_birthday or distance <= _ON_BIRTHDAY_DISTANCE
            continue
        key = (cost, order, hit.cue.role)
        if best is None or key < best:
            best = key
    return (None if best is None else best[2]), on_birthday


# ---------------------------------------------------------------------------------------------
# Extraction


@dataclass
class _Raw:
    start: int  # normalised offsets
    end: int
    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    era: Optional[wareki.Era] = None
    era_year: Optional[int] = None
    swap: Optional[Tuple[int, int]] = None  # (a, b) of an a/b/yyyy date whose order is unknown
    bad_number: bool = False
    year_only: bool = False
    bare_month: bool = False  # 「5月に受け取った」: kept only when an earlier date gives the year
    relative: bool = False
    carried: bool = False


def _era_year(token: Optional[str]) -> Optional[int]:
    if token is None:
        return None
    return 1 if token == "元" else parse_number(token)


def _from_ja(m: "re.Match[str]") -> Optional[_Raw]:
    raw = _Raw(m.start(), m.end())
    raw.month = parse_number(m.group("month"))
    raw.day = parse_number(m.group("day")) if m.group("day") else None
    if m.group("era"):
        raw.era = wareki.ERA_BY_NAME[m.group("era")]
        raw.era_year = _era_year(m.group("eyear"))
    elif m.group("eletter"):
        raw.era = wareki.ERA_BY_LETTER[m.group("eletter").upper()]
        raw.era_year = _era_year(m.group("lyear"))
    elif m.group("wyear"):
        raw.year = parse_number(m.group("wyear"))
        raw.bad_number = raw.year is None
    has_year = raw.era is not None or raw.year is not None or raw.bad_number
    if raw.month is None:
        return None
    raw.bare_month = not has_year and raw.day is None  # a bare "3月" needs a year from elsewhere
    return raw


def _from_year_only(m: "re.Match[str]") -> _Raw:
    raw = _Raw(m.start(), m.end(), year_only=True)
    if m.group("era"):
        raw.era = wareki.ERA_BY_NAME[m.group("era")]
        raw.era_year = _era_year(m.group("eyear"))
    elif m.group("eletter"):
        raw.era = wareki.ERA_BY_LETTER[m.group("eletter").upper()]
        raw.era_year = _era_year(m.group("lyear"))
    else:
        raw.year = parse_number(m.group("wyear"))
        raw.bad_number = raw.year is None
    return raw


def _from_era_numeric(m: "re.Match[str]") -> _Raw:
    name = m.group("era")
    if name:
        era = wareki.ERA_BY_NAME.get(name) or wareki.ERA_BY_KANJI_ABBREV[name]
    else:
        era = wareki.ERA_BY_LETTER[m.group("eletter").upper()]
    return _Raw(m.start(), m.end(), month=int(m.group("month")), day=int(m.group("day")),
                era=era, era_year=_era_year(m.group("eyear")))


def _from_ymd(m: "re.Match[str]") -> Optional[_Raw]:
    year = int(m.group("year"))
    if not MIN_YEAR <= year <= 2199:
        return None  # 0144-32-6492 and the like are not dates
    return _Raw(m.start(), m.end(), year=year, month=int(m.group("month")), day=int(m.group("day")))


def _from_ym_numeric(m: "re.Match[str]") -> Optional[_Raw]:
    year, month = int(m.group("year")), int(m.group("month"))
    if not MIN_YEAR <= year <= 2199 or not 1 <= month <= 12:
        return None
    return _Raw(m.start(), m.end(), year=year, month=month)


def _from_dmy_numeric(m: "re.Match[str]") -> Optional[_Raw]:
    year = int(m.group("year"))
    if not MIN_YEAR <= year <= 2199:
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    raw = _Raw(m.start(), m.end(), year=year)
    if a > 12 >= b:
        raw.day, raw.month = a, b
    elif b > 12 >= a:
        raw.month, raw.day = a, b
    elif a == b:
        raw.month = raw.day = a
    else:
        raw.swap = (a, b)
    return raw


def _from_english(m: "re.Match[str]") -> _Raw:
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if groups.get("day") else None
    return _Raw(m.start(), m.end(), year=year, month=_MONTH_WORDS[groups["mon"].rstrip(".")], day=day)


_EXTRACTORS = (
    (_RE_JA, _from_ja),
    (_RE_ERA_NUMERIC, _from_era_numeric),
    (_RE_YMD, _from_ymd),
    (_RE_DMY_NUMERIC, _from_dmy_numeric),
    (_RE_EN_DMY, _from_english),
    (_RE_EN_MDY, _from_english),
    (_RE_EN_MY, _from_english),
    (_RE_EN_YMD, _from_english),
    (_RE_YM_NUMERIC, _from_ym_numeric),
    (_RE_YEAR_ONLY, _from_year_only),
)


# Dates counted from today: back (「3か月前」「先月」 "5 months ago") or ahead (「来月」「あと2か月で」
# "in 2 months", for expiry dates). 「期限の3か月前から」「3か月前になったら」 count from another date
# or into the future: not dates.
_REL_UNITS = r"か月|ヶ月|カ月|ケ月|箇月|ヵ月|ヶ月間|か月間|年|日"
_RE_REL_JA = re.compile(
    rf"(?<![\d.])(?P<n>\d{{1,3}}|{_KNUM}|半)\s*(?P<unit>{_REL_UNITS})\s*(?:くらい|ぐらい|ほど|ちょっと|ちょい)?\s*前"
    r"(?!\s*(?:から|まで|以内|になったら|になる|になれ|に(?:通知|案内|お知らせ)))"
)
_RE_REL_JA_AHEAD = re.compile(
    rf"あと\s*(?P<n>\d{{1,3}}|{_KNUM}|半)\s*(?P<unit>{_REL_UNITS})\s*(?:くらい|ぐらい|ほど|ちょっと|ちょい)?\s*で")
_RE_REL_JA_WORD = re.compile(r"先々月|先月|今月|再来月|来月|(?:一昨年|去年|昨年|今年|来年)(?!度)|一昨日|昨日|明日")
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "half a": 0.5}
_RE_REL_EN = re.compile(
    r"\b(?:(?P<n>\d{1,3}|" + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True)) +
    r")\s+(?P<unit>months?|years?|days?)\s+ago\b|\bin\s+(?P<ahead>\d{1,3}|" +
    "|".join(sorted(_EN_NUMBERS, key=len, reverse=True)) + r")\s+(?P<ahead_unit>months?|years?|days?)\b|"
    r"(?P<word>last month|last year|this month|this year|next month|next year|the day before yesterday|"
    r"yesterday|tomorrow))"
)
_REL_WORDS = {"先々月": ("months", 2), "先月": ("months", 1), "今月": ("months", 0), "一昨年": ("years", 2),
              "去年": ("years", 1), "昨年": ("years", 1), "今年": ("years", 0), "一昨日": ("days", 2),
              "昨日": ("days", 1), "last month": ("months", 1), "this month": ("months", 0),
              "last year": ("years", 1), "this year": ("years", 0), "yesterday": ("days", 1),
              "the day before yesterday": ("days", 2), "再来月": ("months", -2), "来月": ("months", -1),
              "来年": ("years", -1), "明日": ("days", -1), "next month": ("months", -1),
              "next year": ("years", -1), "tomorrow": ("days", -1)}


def _counted_back(start: int, end: int, unit: str, n: float, today: _dt.date) -> Optional[_Raw]:
    """The day, month or year ``n`` units before today (after it when negative), as known as the
    unit allows."""
    raw = _Raw(start, end, relative=True)
    if unit == "days":
        day = today - _dt.timedelta(days=int(n))
        raw.year, raw.month, raw.day = day.year, day.month, day.day
    elif unit == "months" or n != int(n):  # 半年前 / half a year ago: 6 months
        months = int(n * 12) if unit == "years" else int(n)
        day = today - relativedelta(months=months)
        raw.year, raw.month = day.year, day.month
    else:
        raw.year, raw.year_only = today.year - int(n), True
    return raw


def _relative(norm: str, today: _dt.date) -> List[_Raw]:
    found: List[_Raw] = []
    for pattern, sign in ((_RE_REL_JA, 1), (_RE_REL_JA_AHEAD, -1)):
        for m in pattern.finditer(norm):
            if norm[:m.start()].rstrip().endswith("の"):
                continue  # 期限の3か月前: counted from another date
            n = 0.5 if m.group("n") == "半" else parse_number(m.group("n"))
            unit = "years" if m.group("unit") == "年" else "days" if m.group("unit") == "日" else "months"
            if n is not None and n <= 100:
                found.append(_counted_back(m.start(), m.end(), unit, sign * n, today))
    for m in _RE_REL_JA_WORD.finditer(norm):
        found.append(_counted_back(m.start(), m.end(), *_REL_WORDS[m.group(0)], today))
    for m in _RE_REL_EN.finditer(norm):
        if m.group("word"):
            found.append(_counted_back(m.start(), m.end(), *_REL_WORDS[m.group("word")], today))
            continue
        if m.group("ahead"):
            n = _EN_NUMBERS.get(m.group("ahead")) or int(m.group("ahead"))
            found.append(_counted_back(m.start(), m.end(), m.group("ahead_unit").rstrip("s") + "s", -n, today))
            continue
        n = _EN_NUMBERS.get(m.group("n")) or int(m.group("n"))
        found.append(_counted_back(m.start(), m.end(), m.group("unit").rstrip("s") + "s", n, today))
    return found


def _candidates(norm: str, today: _dt.date) -> List[_Raw]:
    found: List[_Raw] = _relative(norm, today)
    for pattern, build in _EXTRACTORS:
        for m in pattern.finditer(norm):
            try:
                raw = build(m)
            except (KeyError, ValueError, TypeError):
                raw = None
            if raw is not None:
                found.append(raw)
    # longest first, then leftmost; keep non-overlapping
    found.sort(key=lambda r: (-(r.end - r.start), r.start))
    chosen: List[_Raw] = []
    for raw in found:
        if all(raw.end <= c.start or raw.start >= c.end for c in chosen):
            chosen.append(raw)
    chosen.sort(key=lambda r: r.start)
    return chosen


def _safe_date(year: Optional[int], month: Optional[int], day: Optional[int]) -> Optional[_dt.date]:
    if year is None or month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


_Evaluation = Tuple[Optional[_dt.date], Optional[str], Optional[int], Tuple[_dt.date, ...]]


def _evaluate(raw: _Raw, today: _dt.date) -> _Evaluation:
    """(value, error, western year, candidates) for one raw mention (role-independent part)."""
    year = raw.year
    if raw.bad_number:
        return None, ERROR_INVALID_DATE, None, ()
    if raw.era is not None:
        if raw.era_year is None or raw.era_year < 1:
            return None, ERROR_INVALID_DATE, None, ()
        year = raw.era.western_year(raw.era_year)
    if raw.swap is not None:
        a, b = raw.swap
        options = tuple(d for d in (_safe_date(year, a, b), _safe_date(year, b, a)) if d is not None)
        return None, ERROR_AMBIGUOUS, year, options
    if year is not None and not MIN_YEAR <= year <= today.year + MAX_YEARS_AHEAD:
        return None, ERROR_OUT_OF_RANGE, year, ()
    if raw.era is not None and raw.era.last_year is not None and raw.era_year > raw.era.last_year and raw.day is None:
        return None, ERROR_ERA_OUT_OF_RANGE, year, ()  # 平成32年 without a full date
    if raw.month is not None and not 1 <= raw.month <= 12:
        return None, ERROR_INVALID_DATE, year, ()
    if raw.day is not None and not 1 <= raw.day <= 31:
        return None, ERROR_INVALID_DATE, year, ()
    if year is None or raw.day is None:
        if year is None and raw.month is not None and raw.day is not None:
            # 2月30日 without a year: impossible in every year → invalid, else incomplete
            if _safe_date(2000, raw.month, raw.day) is None:
                return None, ERROR_INVALID_DATE, None, ()
        return None, ERROR_INCOMPLETE, year, ()
    value = _safe_date(year, raw.month, raw.day)
    if value is None:
        return None, ERROR_INVALID_DATE, year, ()
    if raw.era is not None and not raw.era.contains(value):
        return None, ERROR_ERA_OUT_OF_RANGE, year, (value,)
    return value, None, year, ()


def _bounds(norm: str, spans: Sequence[Tuple[int, int]], index: int) -> Tuple[int, int]:
    start, end = spans[index]
    lo = spans[index - 1][1] if index > 0 else 0
    hi = spans[index + 1][0] if index + 1 < len(spans) else len(norm)
    for m in _SENTENCE_END.finditer(norm, lo, start):
        lo = m.end()
    m = _SENTENCE_END.search(norm, end, hi)
    if m is not None:
        hi = m.start()
    return lo, hi


def extract_dates(text: str, today: _dt.date) -> List[DateMention]:
    """All date mentions in ``text``, in order. Never raises; ``[]`` when there are none.

    Supported: 2019年3月10日, 2019/3/10, 2019-03-10, 2019.3.10, 昭和/平成/令和 with 元年, S58.1.2 /
    H2/4/1 / R1.7.1 (any case), 平2.4.1, full-width digits, kanji numerals (令和元年七月一日,
    二〇一九年三月十日), English (15 January 1990, January 15, 1990, 15 Jan 1990, 15/01/1990).
    Year+month or month+day alone give ``incomplete_date``; so does a year alone (平成2年生まれ),
    reported only when a role cue names it.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        normalised = _Normalised(text)
        norm = normalised.text
        raws = _candidates(norm, today)
        if not raws:
            return []
        hits = _find_cues(norm)
        spans = [(r.start, r.end) for r in raws]
        found: List[Tuple[_Raw, Optional[str], bool]] = []
        for index, raw in enumerate(raws):
            lo, hi = _bounds(norm, spans, index)
            role, on_birthday = _role_for(raw.start, raw.end, lo, hi, hits)
            _carry_year(raw, role, found, today)
            if raw.bare_month and (not raw.carried or role is None):
                continue  # "3月" alone says too little
            if raw.year_only and role is None and not _RE_BARE_ANSWER.match(norm[:raw.start] + norm[raw.end:]):
                continue  # "2019年" inside a sentence is too vague without a cue; as a whole answer it is kept
            found.append((raw, role, on_birthday))
        mentions: List[DateMention] = []
        for raw, role, on_birthday in found:
            value, error, year, candidates = _evaluate(raw, today)
            if error is None and value is not None and value > today and role in _PAST_ROLES:
                value, error, candidates = None, ERROR_FUTURE, (value,)
            start, end = normalised.span(raw.start, raw.end)
            mentions.append(DateMention(
                start=start, end=end, text=text[start:end], value=value, error=error, role=role,
                year=year, month=raw.month, day=raw.day,
                era=raw.era.name if raw.era else None, era_year=raw.era_year,
                candidates=candidates, on_birthday=on_birthday, relative=raw.relative, carried_year=raw.carried,
            ))
        return mentions
    except Exception:  # pragma: no cover - last-resort guard: user text must never crash a turn
        return []


def _carry_year(raw: _Raw, role: Optional[str], before: Sequence[Tuple[_Raw, Optional[str], bool]],
                today: _dt.date) -> None:
    """Give a month-day (or a bare month) without a year the year of the nearest earlier date in
    the message: 「2022年1月に申請して2月20日に受け取りました」 → 2022-02-20.

    Birth dates neither give nor take a year (「1990年1月15日生まれで、3月10日に作った」 is not
    1990-03-10, and 「2018年に作った。誕生日は9月3日」 is not born in 2018). A card received in an
    earlier month than the application is the next year's (「11月に申請して2月に受け取った」).
    """
    if raw.year is not None or raw.era is not None or raw.bad_number or raw.month is None or role == "birth":
        return
    for source, source_role, _ in reversed(before):
        if source_role == "birth" or source.month is None or source.year_only:
            continue
        year = _evaluate(source, today)[2]
        if year is None:
            continue
        if source_role == "application" and role in ("issue", None) and \
                (raw.month, raw.day or 1) < (source.month, source.day or 1):
            year += 1
        raw.year, raw.carried = year, True
        return


# ---------------------------------------------------------------------------------------------
# Ages: at issue (「30歳のときに作った」, "when I was 30") and now (「今45歳」, "I'm 45")

_AGE_N = rf"(?:(?<![\d])(?P<n>\d{{1,3}}|{_KNUM})\s*(?:歳|才|さい)|(?P<hatachi>はたち|二十歳))"
_NOW_JA = r"(?:今|いま|現在|今年|もう)\s*(?:は|で)?\s*"
_RE_AGE_JA = (
    re.compile(rf"{_AGE_N}\s*(?:の\s*)?(?:とき|時|頃|ころ|ごろ|誕生日|で(?!す)|になって)"),
    re.compile(rf"(?:作っ|つくっ|受け取っ|もらっ|取得し|発行され|交付され|申請し)た(?:の|とき|時|頃|ころ)"
               rf"(?:は|が|に|って)?[、,\s]*(?:たしか|確か|まだ|ちょうど)?\s*{_AGE_N}"),
    re.compile(rf"当時\s*(?:は)?\s*{_AGE_N}"),
)
_RE_AGE_NOW_JA = (
    re.compile(rf"{_NOW_JA}{_AGE_N}"),
    re.compile(rf"{_AGE_N}\s*(?:です|だよ|だけど|ですが|になりました|になった)"),
)
_RE_AGE_EN = (
    re.compile(r"\b(?:when i was|when i turned|at (?:the )?age (?:of )?|aged)\s*(?P<n>\d{1,3})(?!\d)"),
    re.compile(r"\b(?:i|he|she|my (?:son|daughter|kid|child)) was\s+(?P<n>\d{1,3})(?:\s+years?\s+old)?\s+when\b"),
    re.compile(r"\b(?:got|made|received|issued|applied for|picked (?:it )?up)\b[^.!?]{0,40}?\bat\s+(?P<n>\d{1,2})"
               r"(?:\s+years?\s+old)?\b(?!\s*(?:am|pm|o'?clock|:|%|\.\d))"),
)
_RE_AGE_NOW_EN = (
    re.compile(r"\bi(?:'m| am)\s+(?P<n>\d{1,3})(?:\s+years?\s+old)?\b(?!\s+(?:when|at|in))"),
    re.compile(r"\b(?P<n>\d{1,3})\s+years?\s+old\b(?!\s+when)"),
)
MAX_AGE = 130


def _first_age(
    norm: str, patterns: Sequence["re.Pattern[str]"], skip: Sequence[Tuple[int, int]] = ()
) -> Optional[Tuple[int, int, int]]:
    """(start, end, age) of the earliest match of any pattern, outside the ``skip`` spans."""
    found: List[Tuple[int, int, int]] = []
    for pattern in patterns:
        for m in pattern.finditer(norm):
            if any(a < m.end() and m.start() < b for a, b in skip):
                continue
            groups = m.groupdict()
            n = 20 if groups.get("hatachi") else parse_number(groups.get("n") or "")
            if n is not None and 0 <= n <= MAX_AGE:
                found.append((m.start(), m.end(), n))
                break
    return min(found) if found else None


def _now_spans(norm: str) -> List[Tuple[int, int]]:
    """Where the text says a current age with 今/現在 (「今30歳で、…」 is not 30 at issue)."""
    return [(m.start(), m.end()) for m in _RE_AGE_NOW_JA[0].finditer(norm)]


def extract_age_at_issue(text: str) -> Optional[int]:
    """The age the user says they were when the card was made, or None.

    「30歳のときに作った」「三十歳の時」「はたちで作った」「作ったのは17歳の頃」「当時19歳」
    「18歳の誕生日に作った」 → 30/30/20/17/19/18; "when I was 30", "at the age of 30",
    "I was 17 when I got it", "got it at 19" → 30/30/17/19. A current age (「30歳です」,
    「今30歳で」) is not an age at issue.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        norm = _Normalised(text).text
        found = _first_age(norm, _RE_AGE_JA + _RE_AGE_EN, skip=_now_spans(norm))
        return None if found is None else found[2]
    except Exception:  # pragma: no cover - never crash on user text
        return None


def extract_current_age(text: str) -> Optional[int]:
    """The age the user says they are now: 「今45歳です」「45さいです」, "I'm 45", "45 years old"."""
    if not isinstance(text, str) or not text:
        return None
    try:
        norm = _Normalised(text).text
        at_issue = _first_age(norm, _RE_AGE_JA + _RE_AGE_EN, skip=_now_spans(norm))
        skip = [(at_issue[0], at_issue[1])] if at_issue else []
        found = _first_age(norm, _RE_AGE_NOW_JA + _RE_AGE_NOW_EN, skip=skip)
        return None if found is None else found[2]
    except Exception:  # pragma: no cover - never crash on user text
        return None


def tells_date(text: str, today: _dt.date) -> bool:
    """Whether ``text`` tells a date or an age the calculator reads: anything
    :func:`extract_dates` finds (kana dates, 「5か月前」, dates known in part or impossible ones
    included) or an age at issue or now. The one test of "this message has a date"."""
    return bool(extract_dates(text, today)) or extract_age_at_issue(text) is not None or \
        extract_current_age(text) is not None


# Answers to 「何日？」: 「15日」「15日です」「じゅうごにち」「十五日」, "15", "the 15th"
_RE_DAY_ANSWER = re.compile(
    rf"^\s*(?:えっと|えーと|たしか|確か|it was|it's|on)?[\s、,]*(?:the\s+)?(?P<n>\d{{1,2}}|{_KNUM})\s*"
    r"(?:日|st|nd|rd|th)?\s*(?:です|でした|だよ|だった|かな|だと思う|ごろ|頃|くらい)?"
    r"(?:\s*(?:に|で)?\s*(?:受け取|もらっ|もらい|作っ|作り|交付|発行|生まれ|申請|切れ|満了)\D*)?[\s。.!！?？]*$"
)


def parse_day_answer(text: str) -> Optional[int]:
    """The day of the month when ``text`` is just that (the answer to 「何日？」), else None."""
    if not isinstance(text, str) or not text or len(text) > 40:
        return None
    m = _RE_DAY_ANSWER.match(_Normalised(text).text)
    if m is None:
        return None
    day = parse_number(m.group("n"))
    return day if day is not None and 1 <= day <= 31 else None


# ---------------------------------------------------------------------------------------------
# Consistency of birth / issue / application dates

CONSISTENCY_CODES = (
    "birth_in_future",
    "birth_too_early",
    "issue_in_future",
    "issue_before_card_launch",
    "issue_before_birth",
    "application_in_future",
    "application_after_issue",
    "application_before_birth",
)


def check_consistency(
    birth: Optional[_dt.date],
    issue: Optional[_dt.date],
    today: _dt.date,
    *,
    application: Optional[_dt.date] = None,
) -> List[str]:
    """Error codes for dates that cannot be right (empty list: consistent). Unknown dates are None.

    * ``birth_in_future`` / ``issue_in_future`` / ``application_in_future``: after ``today``
    * ``birth_too_early``: before 1868 (no living resident)
    * ``issue_before_card_launch``: before facts ``card.launch_date`` (2016-01-01)
    * ``issue_before_birth``, ``application_before_birth``, ``application_after_issue``
    """
    from maina import facts  # local import: facts loading is not needed for pure parsing

    launch = facts.value("card.launch_date")
    errors: List[str] = []
    if birth is not None:
        if birth > today:
            errors.append("birth_in_future")
        if birth.year < MIN_YEAR:
            errors.append("birth_too_early")
    if issue is not None:
        if issue > today:
            errors.append("issue_in_future")
        if issue < launch:
            errors.append("issue_before_card_launch")
        if birth is not None and issue < birth:
            errors.append("issue_before_birth")
    if application is not None:
        if application > today:
            errors.append("application_in_future")
        if issue is not None and application > issue:
            errors.append("application_after_issue")
        if birth is not None and application < birth:
            errors.append("application_before_birth")
    return errors
