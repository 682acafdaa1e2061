"""Days as the answers name them: public holidays, periods like 12/29–1/3, weekdays, dates.

Japanese public holidays (振替休日 and 国民の休日 included) come from ``jpholiday``, a
maintained table of the 国民の祝日に関する法律 (pinned in requirements.lock), never from a list
typed here.
"""
from __future__ import annotations

import datetime as _dt
from typing import Tuple

import jpholiday

from maina.wareki import format_date_en, format_date_ja

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MonthDay = Tuple[int, int]


def is_public_holiday(day: _dt.date) -> bool:
    return bool(jpholiday.is_holiday(day))


def is_weekend_or_holiday(day: _dt.date) -> bool:
    """Saturday, Sunday or a public holiday (土日祝)."""
    return day.weekday() >= 5 or is_public_holiday(day)


def month_day(text: str) -> MonthDay:
    """``"12-29"`` → (12, 29): a day of every year, as facts write closures."""
    month, day = (int(part) for part in str(text).split("-"))
    _dt.date(2000, month, day)  # raises ValueError for 2/30, 13/1 (2000: 29 Feb exists)
    return month, day


def in_yearly_period(day: _dt.date, first: MonthDay, last: MonthDay) -> bool:
    """Is ``day`` in the period from ``first`` to ``last`` of every year (may wrap over New Year)?"""
    key = (day.month, day.day)
    if first <= last:
        return first <= key <= last
    return key >= first or key <= last


def with_weekday(day: _dt.date, lang: str = "ja") -> str:
    """「2026年（令和8年）12月16日（水）」 / "Wednesday, 16 December 2026" / a locale's form
    (locales/<code>.yml: weekday_format, weekdays)."""
    from maina import locales

    locale = locales.get(lang)
    if locale is not None:
        return locale.date_with_weekday(day)
    if lang == "en":
        return f"{WEEKDAYS_EN[day.weekday()]}, {format_date_en(day)}"
    return f"{format_date_ja(day)}（{WEEKDAYS_JA[day.weekday()]}）"


def days_until(day: _dt.date, today: _dt.date) -> int:
    """Days from ``today`` to ``day``: 0 today, negative when it has passed."""
    return (day - today).days
