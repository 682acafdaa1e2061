"""When something happened or will happen: the day of a loss, of a move, as residents say it.

「昨日」「3日前」「先週の金曜」「11月20日」「来週」, "yesterday", "last Friday", "20 November",
"next week". A full date with its year (西暦, 和暦, English) is read by :mod:`maina.dates`;
this module adds what that parser leaves open on purpose (it is a birth/issue date parser):
days relative to today, and month/day without a year, which only the event's direction can
place in a year (a loss is in the past; a move is near today, before or after).

An :class:`EventDate` is one day or a period (「先週」 = Monday to Sunday of last week).
Pure functions; ``today`` is always passed in.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Tuple

from maina import dates, dates_vi
from maina.periods import add_months

# Where a date without a year goes: not after today / not before today / closest to today.
PAST, FUTURE, NEAR = "past", "future", "near"
_DAY = _dt.timedelta(days=1)
_WEEKDAY_JA = {ch: i for i, ch in enumerate("月火水木金土日")}
_WEEKDAY_EN = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MONTH_EN = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTH_EN.update({name[:3]: number for name, number in list(_MONTH_EN.items())})


@dataclass(frozen=True)
class EventDate:
    """One day (``first == last``) or a period of days the resident named."""

    first: _dt.date
    last: _dt.date

    @property
    def exact(self) -> bool:
        return self.first == self.last

    def iso(self) -> str:
        """``2026-11-20``, or ``2026-11-16/2026-11-22`` for a period (ISO 8601 interval)."""
        return self.first.isoformat() if self.exact else f"{self.first.isoformat()}/{self.last.isoformat()}"

    @classmethod
    def from_iso(cls, text: Optional[str]) -> Optional["EventDate"]:
        """The inverse of :meth:`iso`; None for anything else (a slot value is never trusted)."""
        try:
            first, _, last = str(text or "").partition("/")
            start = _dt.date.fromisoformat(first)
            end = _dt.date.fromisoformat(last) if last else start
        except ValueError:
            return None
        return cls(start, end) if start <= end else None

    @classmethod
    def day(cls, day: _dt.date) -> "EventDate":
        return cls(day, day)


@dataclass(frozen=True)
class EventMention:
    start: int  # offsets into the text as given
    end: int
    when: EventDate


def _normalised(text: str) -> str:
    """NFKC and lower case character by character, keeping offsets (「１１月」 → "11月")."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch).lower()
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _number(token: str) -> Optional[int]:
    return dates.parse_number(token)


_NUM = r"(\d{1,3}|[一二三四五六七八九十]{1,3})"
_WD_JA = r"([月火水木金土日])曜(?:日)?"
_WD_EN = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH_NAMES = r"(january|february|march|april|may|june|july|august|september|october|november|december|" \
               r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"

# (pattern, kind). Longer phrases first: 「先週の金曜」 before 「先週」.
_PATTERNS: List[Tuple["re.Pattern[str]", str]] = [(re.compile(p), kind) for p, kind in [
    (r"(先週|今週|来週|再来週)の?" + _WD_JA, "week_weekday_ja"),
    (r"(先月|今月|来月)の?" + _NUM + r"日", "month_day_rel_ja"),
    (r"(?<![\d月])" + r"(\d{1,2}|[一二三四五六七八九十]{1,3})月" + _NUM + r"日", "month_day_ja"),
    (r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])", "month_day_slash"),
    (r"(先週|今週|来週|再来週)", "week_ja"),
    (r"(先月|今月|来月)", "month_ja"),
    (r"(一昨日|おととい|おとつい)", "day_-2"),
    (r"(昨日|きのう|さくじつ)", "day_-1"),
    (r"(今日|本日|きょう)", "day_0"),
    (r"(明後日|あさって)", "day_2"),
    (r"(明日|あした|あす)(?!以降)", "day_1"),
    (_NUM + r"日(前|後)", "days_offset_ja"),
    (_NUM + r"(?:週間)(前|後)", "weeks_offset_ja"),
    (_NUM + r"(?:か|ヶ|カ|ケ|ヵ|ヵ)?月(前|後)", "months_offset_ja"),
    (r"(?<![\d月])" + _NUM + r"日(?:に|の|ごろ|頃|くらい|ぐらい)", "day_only_ja"),
    (_WD_JA + r"(?:に|の|ごろ|頃)", "weekday_ja"),
    # English
    (r"\bthe day before yesterday\b", "day_-2"),
    (r"\byesterday\b", "day_-1"),
    (r"\btoday\b", "day_0"),
    (r"\bthe day after tomorrow\b", "day_2"),
    (r"\btomorrow\b", "day_1"),
    (r"\b(\d{1,3}) days? (ago|later|from now)\b", "days_offset_en"),
    (r"\b(\d{1,2}) weeks? (ago|later|from now)\b", "weeks_offset_en"),
    (r"\b(last|this|next) " + _WD_EN + r"\b", "week_weekday_en"),
    (r"\b(last|this|next) week\b", "week_en"),
    (r"\b(last|this|next) month\b", "month_en"),
    (r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?" + _MONTH_NAMES + r"\b(?!\s*,?\s*\d{4})", "day_month_en"),
    (r"\b" + _MONTH_NAMES + r" (\d{1,2})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{4})", "month_day_en"),
    (r"\bon " + _WD_EN + r"\b", "weekday_en"),
]]


def _week_start(day: _dt.date, weeks: int) -> _dt.date:
    return day - _dt.timedelta(days=day.weekday()) + _dt.timedelta(weeks=weeks)


def _month_span(today: _dt.date, months: int) -> EventDate:
    index = today.year * 12 + today.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return EventDate(_dt.date(year, month, 1), _dt.date(year, month, calendar.monthrange(year, month)[1]))


def place_month_day(month: int, day: int, today: _dt.date, where: str) -> Optional[_dt.date]:
    """The year of 「11月20日」: the latest one not after today (``PAST``), the earliest not
    before today (``FUTURE``) or the closest to today (``NEAR``; a tie goes to the future).
    None for a day that does not exist (2月30日)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(_dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if where == PAST:
        past = [c for c in candidates if c <= today]
        return max(past) if past else None
    if where == FUTURE:
        future = [c for c in candidates if c >= today]
        return min(future) if future else None
    return min(candidates, key=lambda c: (abs((c - today).days), c < today))


_WEEKS_JA = {"先週": -1, "今週": 0, "来週": 1, "再来週": 2}
_MONTHS_JA = {"先月": -1, "今月": 0, "来月": 1}
_REL_EN = {"last": -1, "this": 0, "next": 1}


def _read(kind: str, m: "re.Match[str]", today: _dt.date, where: str) -> Optional[EventDate]:
    g = m.groups()
    if kind.startswith("day_") and kind[4:].lstrip("-").isdigit():
        return EventDate.day(today + _dt.timedelta(days=int(kind[4:])))
    if kind == "week_weekday_ja":
        return EventDate.day(_week_start(today, _WEEKS_JA[g[0]]) + _dt.timedelta(days=_WEEKDAY_JA[g[1]]))
    if kind == "week_weekday_en":
        return EventDate.day(_week_start(today, _REL_EN[g[0]]) + _dt.timedelta(days=_WEEKDAY_EN[g[1]]))
    if kind in ("week_ja", "week_en"):
        start = _week_start(today, _WEEKS_JA[g[0]] if kind == "week_ja" else _REL_EN[g[0]])
        return EventDate(start, start + _dt.timedelta(days=6))
    if kind in ("month_ja", "month_en"):
        return _month_span(today, _MONTHS_JA[g[0]] if kind == "month_ja" else _REL_EN[g[0]])
    if kind == "month_day_rel_ja":
        span, number = _month_span(today, _MONTHS_JA[g[0]]), _number(g[1])
        try:
            return EventDate.day(span.first.replace(day=number)) if number else None
        except ValueError:
            return None
    if kind in ("month_day_ja", "month_day_slash", "day_month_slash", "day_month_en", "month_day_en"):
        if kind == "day_month_en":
            month, number = _MONTH_EN[g[1]], int(g[0])
        elif kind == "day_month_slash" or (kind == "month_day_slash" and int(g[0]) > 12 >= int(g[1])):
            month, number = int(g[1]), int(g[0])  # 20/11: only a day can be 20
        elif kind == "month_day_en":
            month, number = _MONTH_EN[g[0]], int(g[1])
        else:
            month, number = _number(g[0]), _number(g[1])
        if not month or not number or not 1 <= month <= 12:
            return None
        placed = place_month_day(month, number, today, where)
        return EventDate.day(placed) if placed else None
    if kind == "day_only_ja":
        number = _number(g[0])
        if not number:
            return None
        for months in {PAST: (0, -1), FUTURE: (0, 1)}.get(where, (0, -1, 1)):
            try:
                day = _month_span(today, months).first.replace(day=number)
            except ValueError:
                continue
            if (where == PAST and day > today) or (where == FUTURE and day < today):
                continue
            return EventDate.day(day)
        return None
    if kind in ("days_offset_ja", "weeks_offset_ja", "days_offset_en", "weeks_offset_en"):
        count = _number(g[0])
        if count is None:
            return None
        sign = -1 if g[1] in ("前", "ago") else 1
        unit = 7 if kind.startswith("weeks") else 1
        return EventDate.day(today + _dt.timedelta(days=sign * unit * count))
    if kind == "months_offset_ja":
        count = _number(g[0])
        return EventDate.day(add_months(today, (-1 if g[1] == "前" else 1) * count)) if count else None
    if kind in ("weekday_ja", "weekday_en"):
        target = _WEEKDAY_JA[g[0]] if kind == "weekday_ja" else _WEEKDAY_EN[g[0]]
        back, ahead = (today.weekday() - target) % 7, (target - today.weekday()) % 7
        if where == PAST or (where == NEAR and back < ahead):
            return EventDate.day(today - _dt.timedelta(days=back))
        return EventDate.day(today + _dt.timedelta(days=ahead))
    return None


def find(text: str, today: _dt.date, where: str = PAST) -> List[EventMention]:
    """Every event date in ``text``, in order. ``where`` places dates without a year."""
    found: List[EventMention] = []
    taken: List[Tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for mention in dates.extract_dates(text, today):
        if getattr(mention, "relative", False) and not mention.ok:
            continue  # 「先月」「1か月前」…: read below, with the day when there is one
        if mention.ok and mention.year is not None:
            found.append(EventMention(mention.start, mention.end, EventDate.day(mention.value)))
            taken.append((mention.start, mention.end))
        elif mention.year is not None and mention.month is not None and mention.day is None \
                and mention.error == dates.ERROR_INCOMPLETE:  # 「2026年10月」「先月」: the month
            last = calendar.monthrange(mention.year, mention.month)[1]
            found.append(EventMention(mention.start, mention.end, EventDate(
                _dt.date(mention.year, mention.month, 1), _dt.date(mention.year, mention.month, last))))
            taken.append((mention.start, mention.end))
        elif mention.year is not None:  # a year that is wrong (平成32年…): not ours to guess
            taken.append((mention.start, mention.end))
    norm = _normalised(text)
    day_first = dates_vi.looks_vietnamese(norm)  # Vietnamese writes 1/12 for 1 December
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(norm):
            if not free(m.start(), m.end()):
                continue
            when = _read("day_month_slash" if day_first and kind == "month_day_slash" else kind,
                         m, today, where)
            taken.append((m.start(), m.end()))
            if when is not None:
                found.append(EventMention(m.start(), m.end(), when))
    return sorted(found, key=lambda f: f.start)


def first(text: str, today: _dt.date, where: str = PAST) -> Optional[EventDate]:
    """The first event date in ``text`` (None without one)."""
    mentions = find(text, today, where)
    return mentions[0].when if mentions else None
