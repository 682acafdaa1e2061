"""Dates as Vietnamese residents write them, for the date parser of maina.dates (issue 15).

Vietnamese writes the day first: 15/01/1990, ngày 15 tháng 1 năm 1990, tháng 5/2019,
năm 2019; and says what a date is before it (sinh ngày …, nhận thẻ ngày …, hết hạn …). Rather
than a second parser, :data:`REWRITES` turns these forms, in a text that looks Vietnamese
(:func:`looks_vietnamese`), into the Japanese forms maina.dates already reads, with the same
offsets back to the original text: 「15/01/1990」 → 「1990年1月15日」 (never ambiguous in
Vietnamese), 「sinh」 → 「生年月日」, 「nhận thẻ」 → 「交付日」, 「3 tháng trước」 → 「3か月前」,
「lúc 30 tuổi」 → 「30歳のとき」. Diacritics are optional (ngay 15 thang 1 nam 1990).

Works on maina.dates' normalised text (NFKC, lower case). Pure functions, no Rasa.
"""
from __future__ import annotations

import re
from typing import Callable, Tuple

# A base letter and its Vietnamese accented forms (precomposed, as NFKC leaves them).
_VARIANTS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
    "d": "dđ",
}


def _fold(words: str) -> str:
    """A regex for ``words`` written with or without diacritics (``"ngay"`` matches 「ngày」)."""
    out = []
    for ch in words:
        if ch == " ":
            out.append(r"\s+")
        elif ch in _VARIANTS:
            out.append(f"[{_VARIANTS[ch]}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _any(*phrases: str) -> str:
    """Alternatives, longest first, each accent-insensitive and bounded by non-letters."""
    body = "|".join(_fold(p) for p in sorted(phrases, key=len, reverse=True))
    return rf"(?<![^\W\d_])(?:{body})(?![^\W\d_])"


_ALL_LETTERS = "".join(_VARIANTS.values())
_SIGNAL = re.compile(
    "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]|"
    + _any("ngay", "thang", "nam", "sinh", "tuoi", "nhan", "lam the", "han", "hieu luc", "cap", "truoc", "cach day")
)


def looks_vietnamese(norm: str) -> bool:
    """Vietnamese letters or date words: the rewrites apply (Japanese and English texts have none)."""
    return bool(_SIGNAL.search(norm))


_D, _M, _Y = r"(?P<d>\d{1,2})", r"(?P<m>\d{1,2})", r"(?P<y>\d{4})"
_SEP = r"\s*[./-]\s*"
_END = r"(?!\d)(?![./-]\d)"  # not inside a longer number; a full stop may follow
_DAY_WORD, _MONTH_WORD, _YEAR_WORD = _any("ngay"), _any("thang"), _any("nam")
_NUMBER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7,
                 "tam": 8, "chin": 9, "muoi": 10, "nua": 0.5}
_N = r"(?P<n>\d{1,3}|" + "|".join(_fold(w) for w in _NUMBER_WORDS) + ")"
_UNITS = {"thang": "か月", "nam": "年", "ngay": "日"}
_UNIT = "(?P<unit>" + "|".join(_fold(u) for u in _UNITS) + ")"


def _plain(word: str) -> str:
    """「tháng」 → "thang": the key of a matched word in the tables above."""
    for base, variants in _VARIANTS.items():
        for ch in variants:
            word = word.replace(ch, base)
    return re.sub(r"\s+", " ", word)


def _count(m: "re.Match[str]") -> str:
    n = m.group("n")
    if n.isdigit():
        return n
    value = _NUMBER_WORDS[_plain(n)]
    return "半" if value == 0.5 else str(value)


def _ymd(m: "re.Match[str]") -> str:
    return f"{m.group('y')}年{int(m.group('m'))}月{int(m.group('d'))}日"


_Rewrite = Tuple["re.Pattern[str]", Callable[["re.Match[str]"], str]]


def _rules() -> Tuple[_Rewrite, ...]:
    pronoun = r"(?:\s*(?:" + "|".join(_fold(p) for p in ("toi", "em", "minh", "to", "con", "chau", "be")) + r"))?"
    rules = [
        # "gia hạn" (renew) is not an expiry cue: out of the way first
        (_any("gia han"), lambda m: "更新"),
        # dates: ngày 15 tháng 1 năm 1990, 15/01/1990, tháng 5/2019, 5/2019, ngày 15/1, năm 2019
        (rf"(?:{_DAY_WORD}\s*)?(?<![\d./-]){_D}\s*{_MONTH_WORD}\s*{_M}\s*(?:{_YEAR_WORD}|,)?\s*{_Y}(?!\d)", _ymd),
        (rf"(?:{_DAY_WORD}\s*)?(?<![\d./-]){_D}{_SEP}{_M}{_SEP}{_Y}{_END}", _ymd),
        (rf"{_MONTH_WORD}\s*{_M}\s*(?:{_YEAR_WORD}|[./-])?\s*{_Y}(?!\d)",
         lambda m: f"{m.group('y')}年{int(m.group('m'))}月"),
        (rf"(?<![\d./-]){_M}\s*/\s*{_Y}{_END}", lambda m: f"{m.group('y')}年{int(m.group('m'))}月"),
        (rf"(?:{_DAY_WORD}\s*)?(?<![\d./-]){_D}\s*{_MONTH_WORD}\s*{_M}{_END}",
         lambda m: f"{int(m.group('m'))}月{int(m.group('d'))}日"),
        (rf"{_DAY_WORD}\s*{_D}{_SEP}{_M}{_END}", lambda m: f"{int(m.group('m'))}月{int(m.group('d'))}日"),
        (rf"{_YEAR_WORD}\s*{_Y}(?!\d)", lambda m: f"{m.group('y')}年"),
        (rf"{_DAY_WORD}\s*{_D}{_END}(?!\s*{_MONTH_WORD})", lambda m: f"{int(m.group('d'))}日"),
        # counted from today: 3 tháng trước, cách đây 2 năm, tháng trước, năm ngoái, hôm qua
        (rf"(?:{_any('cach day')}\s*)?{_N}\s*{_UNIT}\s*(?:{_any('truoc', 've truoc')})",
         lambda m: f"{_count(m)}{_UNITS[_plain(m.group('unit'))]}前"),
        (rf"{_any('cach day')}\s*{_N}\s*{_UNIT}", lambda m: f"{_count(m)}{_UNITS[_plain(m.group('unit'))]}前"),
        (rf"{_any('con', 'sau')}\s*{_N}\s*{_UNIT}\s*(?:{_any('nua')})?",
         lambda m: f"あと{_count(m)}{_UNITS[_plain(m.group('unit'))]}で"),
        (_any("thang truoc"), lambda m: "先月"), (_any("thang nay"), lambda m: "今月"),
        (_any("thang sau", "thang toi"), lambda m: "来月"),
        (_any("nam ngoai", "nam truoc", "nam roi"), lambda m: "去年"), (_any("nam nay"), lambda m: "今年"),
        (_any("nam sau", "nam toi"), lambda m: "来年"), (_any("hom qua"), lambda m: "昨日"),
        # ages: lúc 30 tuổi, lúc làm thẻ em 25 tuổi (at issue), năm nay 45 tuổi / tôi 45 tuổi (now)
        (rf"{_any('luc', 'khi', 'hoi')}\s*(?:{_any('lam the', 'nhan the', 'duoc cap', 'lam', 'nhan')})\s*,?"
         rf"{pronoun}\s*(?:{_any('duoc')}\s*)?(?P<n>\d{{1,3}})\s*{_any('tuoi')}", lambda m: f"{m.group('n')}歳のとき"),
        (rf"{_any('luc', 'khi', 'hoi', 'nam', 'tu khi')}{pronoun}\s*(?:{_any('duoc')}\s*)?"
         rf"(?P<n>\d{{1,3}})\s*{_any('tuoi')}", lambda m: f"{m.group('n')}歳のとき"),
        (rf"(?:{_any('nam nay', 'bay gio', 'hien tai', 'hien gio', 'nay')}{pronoun}|"
         rf"{_any('toi', 'em', 'minh', 'to')}(?:\s*{_any('nam nay', 'nay')})?)\s*(?:{_any('da', 'duoc')}\s*)?"
         rf"(?P<n>\d{{1,3}})\s*{_any('tuoi')}", lambda m: f"今{m.group('n')}歳"),
        (rf"(?P<n>\d{{1,3}})\s*{_any('tuoi')}", lambda m: f"{m.group('n')}歳"),
        # what a date is (labels read on either side of the date)
        (_any("han chung thu", "han cua chung thu", "chung thu het han", "chung thu dien tu het han",
              "han chung thu dien tu", "chung nhan dien tu het han"), lambda m: "電子証明書の有効期限"),
        (rf"{_any('visa', 'zairyu', 'the luu tru', 'the cu tru', 'the ngoai kieu', 'luu tru')}"
         rf"(?:\s+{_any('cua')}\s+\w+)?\s+{_any('het han', 'co han', 'con han', 'han')}", lambda m: "在留期限"),
        (_any("han visa", "han cua visa", "visa het han", "het han visa", "han luu tru", "thoi han luu tru",
              "het han luu tru", "han the luu tru", "the luu tru het han", "han zairyu", "zairyu het han",
              "han the ngoai kieu", "the ngoai kieu het han", "the cu tru het han", "han the cu tru",
              "visa", "zairyu"), lambda m: "在留期限"),
        (_any("het han", "han the", "han cua the", "han su dung", "thoi han", "co hieu luc den",
              "hieu luc den", "han den", "han"), lambda m: "有効期限"),
        (_any("ngay sinh", "sinh nhat", "sinh ngay", "sinh vao", "sinh", "ns", "sn", "dob"),
         lambda m: "生年月日"),
        (_any("nop don", "nop ho so", "lam don", "xin cap", "dang ky", "dang ki", "nop"), lambda m: "申請日"),
        # 「ngày cấp thẻ 01/06/2024」: the whole label, so that nothing stands between it and its date
        (_any("ngay cap the", "ngay nhan the", "ngay lam the", "ngay lay the", "duoc cap the", "ngay cap card",
              "nhan the", "nhan duoc the", "lay the", "lam the", "cap the", "duoc cap", "ngay cap", "nhan card",
              "lam card", "phat hanh", "nhan", "cap"), lambda m: "交付日"),
    ]
    return tuple((re.compile(pattern), replace) for pattern, replace in rules)


REWRITES: Tuple[_Rewrite, ...] = _rules()
