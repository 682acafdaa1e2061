"""Japanese era (和暦) table and date formatting.

Only the modern eras are covered (明治 to 令和). Each era starts on the day of the change of era
in the Gregorian calendar and ends the day before the next one starts:

* 明治 1868-10-23 (改元の詔; 明治元年 was backdated to the start of the lunar year, but dates before
  the Gregorian calendar was adopted on 明治6年1月1日 = 1873-01-01 are out of scope anyway)
* 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01

The first year of an era is written 元年 (令和元年), never 1年.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Optional, Tuple

from maina.partial import PartialDate


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    romaji: str  # Reiwa
    letter: str  # R (the usual one-letter abbreviation on forms: R1.7.1)
    start: _dt.date  # first day of the era
    end: Optional[_dt.date]  # last day of the era (None: current era)

    def contains(self, day: _dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def western_year(self, era_year: int) -> int:
        """The Gregorian year of ``era_year`` of this era (元年 = 1)."""
        return self.start.year + era_year - 1

    @property
    def last_year(self) -> Optional[int]:
        """The last era year that exists (平成 → 31), None for the current era."""
        return None if self.end is None else self.end.year - self.start.year + 1


ERAS: Tuple[Era, ...] = (
    Era("明治", "Meiji", "M", _dt.date(1868, 10, 23), _dt.date(1912, 7, 29)),
    Era("大正", "Taisho", "T", _dt.date(1912, 7, 30), _dt.date(1926, 12, 24)),
    Era("昭和", "Showa", "S", _dt.date(1926, 12, 25), _dt.date(1989, 1, 7)),
    Era("平成", "Heisei", "H", _dt.date(1989, 1, 8), _dt.date(2019, 4, 30)),
    Era("令和", "Reiwa", "R", _dt.date(2019, 5, 1), None),
)

ERA_BY_NAME = {era.name: era for era in ERAS}
ERA_BY_LETTER = {era.letter: era for era in ERAS}
# single-kanji abbreviations seen on forms (平2.4.1); only used before digits
ERA_BY_KANJI_ABBREV = {era.name[0]: era for era in ERAS}

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def era_of(day: _dt.date) -> Optional[Era]:
    """The era ``day`` falls in, or None before 明治."""
    for era in reversed(ERAS):
        if day >= era.start:
            return era
    return None


def to_wareki(day: _dt.date) -> Tuple[str, int]:
    """``date(2019, 7, 1)`` → ``("令和", 1)``. Raises ValueError before 明治 (1868-10-23)."""
    era = era_of(day)
    if era is None:
        raise ValueError(f"{day.isoformat()} is before the 明治 era")
    return era.name, day.year - era.start.year + 1


def era_year_ja(era: str, year: int) -> str:
    """``("令和", 1)`` → ``"令和元年"``; ``("平成", 2)`` → ``"平成2年"``."""
    return f"{era}{'元' if year == 1 else year}年"


def format_date_ja(day: _dt.date) -> str:
    """``date(2029, 1, 15)`` → ``"2029年（令和11年）1月15日"`` (元年 for the first year).

    Dates before 明治 are written without the era part.
    """
    try:
        era, year = to_wareki(day)
    except ValueError:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.year}年（{era_year_ja(era, year)}）{day.month}月{day.day}日"


def format_date_en(day: _dt.date) -> str:
    """``date(2029, 1, 15)`` → ``"15 January 2029"``."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def format_partial_ja(date: PartialDate) -> str:
    """What is known of a date: 「2019年（令和元年）5月」, 「1990年（平成2年）」, 「9月3日」."""
    if date.complete:
        return format_date_ja(date.date)
    if date.year is None:
        return f"{date.month}月{date.day}日" if date.day else f"{date.month}月"
    first, last = date.first_day(), date.last_day()
    eras = []
    for day in (first, last):
        try:
            era, year = to_wareki(day)
        except ValueError:
            continue
        if era_year_ja(era, year) not in eras:
            eras.append(era_year_ja(era, year))
    era_part = f"（{'・'.join(eras)}）" if eras else ""
    return f"{date.year}年{era_part}" + (f"{date.month}月" if date.month else "")


def format_partial_en(date: PartialDate) -> str:
    """What is known of a date: "May 2019", "1990", "3 September"."""
    if date.complete:
        return format_date_en(date.date)
    if date.year is None:
        return f"{date.day} {MONTHS_EN[date.month - 1]}" if date.day else MONTHS_EN[date.month - 1]
    return f"{MONTHS_EN[date.month - 1]} {date.year}" if date.month else str(date.year)
