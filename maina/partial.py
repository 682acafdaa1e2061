"""Dates known only in part: 「令和元年5月」 (year and month), 「平成2年」 (year), 「誕生日は9月3日」.

The calculator keeps what a resident said and asks only for what is missing, so a date travels
through the conversation (Rasa slots) as text:

==============  =====================  =====================================
slot text       what is known          example
==============  =====================  =====================================
``2019-05-15``  the day                2019年5月15日
``2019-05``     year and month         令和元年5月に作った
``2019``        the year               平成2年生まれ, 2年前に作った
``--09-03``     month and day          誕生日は9月3日
==============  =====================  =====================================
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass, replace
from typing import List, Optional

_SLOT = re.compile(
    r"^(?:(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"|--(?P<md_month>\d{2})-(?P<md_day>\d{2}))$"
)


@dataclass(frozen=True)
class PartialDate:
    """A date with any of its parts unknown (None). Parts that are set are in range."""

    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None

    @classmethod
    def of(cls, day: _dt.date) -> "PartialDate":
        return cls(day.year, day.month, day.day)

    @classmethod
    def from_slot(cls, text: object) -> Optional["PartialDate"]:
        """Parse a slot value (see the module table); None for anything else or an impossible day."""
        if not isinstance(text, str):
            return None
        m = _SLOT.match(text.strip())
        if m is None:
            return None
        if m.group("md_month"):
            found = cls(None, int(m.group("md_month")), int(m.group("md_day")))
        else:
            found = cls(*(int(g) if g else None for g in (m.group("year"), m.group("month"), m.group("day"))))
        return found if found.valid else None

    @property
    def valid(self) -> bool:
        if self.month is not None and not 1 <= self.month <= 12:
            return False
        if self.day is not None:
            if self.month is None:
                return False
            # 29 February is possible when the year is unknown
            last = calendar.monthrange(self.year or 2000, self.month)[1]
            if not 1 <= self.day <= last:
                return False
        return self.year is not None or self.month is not None

    @property
    def complete(self) -> bool:
        return None not in (self.year, self.month, self.day)

    @property
    def date(self) -> Optional[_dt.date]:
        return _dt.date(self.year, self.month, self.day) if self.complete else None

    @property
    def missing(self) -> str:
        """What is still unknown: "" (nothing), "day", "month_day", "year" or "date"."""
        if self.complete:
            return ""
        if self.year is None:
            return "year" if self.month is not None and self.day is not None else "date"
        return "day" if self.month is not None else "month_day"

    def to_slot(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_day(self) -> Optional[_dt.date]:
        """The earliest day this date can be (None without a year)."""
        if self.year is None:
            return None
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> Optional[_dt.date]:
        """The latest day this date can be (None without a year)."""
        if self.year is None:
            return None
        month = self.month or 12
        return _dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def days(self, lo: Optional[_dt.date] = None, hi: Optional[_dt.date] = None) -> List[_dt.date]:
        """Every day this date can be, within [lo, hi] when given (empty without a year)."""
        first, last = self.first_day(), self.last_day()
        if first is None or last is None:
            return []
        first, last = max(first, lo or first), min(last, hi or last)
        return [first + _dt.timedelta(days=i) for i in range((last - first).days + 1)]

    def updated(self, newer: "PartialDate") -> "PartialDate":
        """This date with the parts ``newer`` gives replaced, the rest kept: 「2019年5月」 + 「15日」.
        Check ``valid`` on the result (「2019年2月」 + 「30日」 is not)."""
        return replace(self, **{k: v for k, v in vars(newer).items() if v is not None})
