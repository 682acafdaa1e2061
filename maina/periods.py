"""Calendar arithmetic the card rules count with: months, legal periods, birthdays and ages.

Month arithmetic is ``dateutil.relativedelta`` (installed with Rasa): adding months keeps the
day of the month and clamps it to the month's end (31 January + 1 month → 28 February).

* **Periods** (民法140条/143条): the day of the event is not counted; a period of N months ends
  on the day before the day corresponding to its first day, or on the last day of the final
  month when that month has no such day.
* **29 February birthdays**: in a common year the birthday is taken to be 28 February (the
  みなし誕生日 of statutes that count validity by birthdays, e.g. 道路交通法; no card-specific
  provision was found — confirm with the city). The *age* follows 年齢計算ニ関スル法律: one year
  older at the end of 28 February, i.e. from 1 March in a common year.
"""
from __future__ import annotations

import calendar
import datetime as _dt

from dateutil.relativedelta import relativedelta

DAY = _dt.timedelta(days=1)


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Same day-of-month ``months`` later (or earlier), clamped to the month's end (1/31 + 1 → 2/28)."""
    return day + relativedelta(months=months)


def period_end(event: _dt.date, months: int) -> _dt.date:
    """Last day of a period of ``months`` months that starts *after* ``event`` (民法140/143条).

    ``period_end(2025-03-31, 2)`` → 2025-05-31; ``period_end(2025-11-29, 3)`` → 2026-02-28
    (the period starts on 30 November; February has no 30th, so it ends on its last day).
    """
    start = event + DAY
    corresponding = start + relativedelta(months=months)
    if corresponding.day != start.day:  # no corresponding day: the month's last day (clamped)
        return corresponding
    return corresponding - DAY


def days_after(event: _dt.date, days: int) -> _dt.date:
    """The day on which ``days`` days have passed after ``event`` (民法140条: event day not counted)."""
    return event + _dt.timedelta(days=days)


def is_feb29(birth: _dt.date) -> bool:
    return birth.month == 2 and birth.day == 29


def birthday_in_year(birth: _dt.date, year: int) -> _dt.date:
    """The birthday in ``year``; 29 February becomes 28 February in common years (see module doc)."""
    if is_feb29(birth) and not calendar.isleap(year):
        return _dt.date(year, 2, 28)
    return _dt.date(year, birth.month, birth.day)


def age_on(birth: _dt.date, day: _dt.date) -> int:
    """Age on ``day`` (older from the birthday on; born 29 Feb: older from 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def day_turning(birth: _dt.date, age: int) -> _dt.date:
    """The first day on which someone born on ``birth`` is ``age`` years old (see :func:`age_on`)."""
    year = birth.year + age
    if is_feb29(birth) and not calendar.isleap(year):
        return _dt.date(year, 3, 1)
    return _dt.date(year, birth.month, birth.day)


def nth_birthday_after(birth: _dt.date, day: _dt.date, n: int) -> _dt.date:
    """The ``n``-th birthday strictly after ``day`` (a birthday on ``day`` itself does not count)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    first_year = day.year if birthday_in_year(birth, day.year) > day else day.year + 1
    return birthday_in_year(birth, first_year + n - 1)
