"""Whom to call right now: the number that answers this resident's matter at this moment.

Data in facts/facts.yml: ``contact_routes`` (which number serves which matter and caller) and
``contact_hours`` (when each line answers). The moment comes from maina.clock.now() (Japan
time); public holidays from maina.days (jpholiday).

* **Matters**: ``suspend`` (a lost or stolen card to stop now: the suspension line, open 24
  hours, 365 days), ``card`` / ``system`` (questions about the card / the My Number system:
  the call centre's hours, closed 12/29–1/3), ``counter`` (what only the city office does:
  re-issue, PIN reset, moving; its counter hours).
* **Callers**: ``hearing`` (cannot phone: the fax number, any time), ``ip_phone`` (an IP phone
  that cannot reach 0120 numbers: the 050 numbers), ``foreign`` (the foreign-language line).
* A line is open from its opening minute up to, not including, its closing minute
  (9:29 closed, 9:30 open; 20:00 closed on weekdays, 17:30 on weekends and holidays).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from maina import days, facts

MATTERS = ("suspend", "card", "system", "counter")
# What a call is about, by the topic in play (maina/conversation.yml): a lost card is stopped
# now; what only the city office does goes to its counter; the rest to the call centre.
SUSPEND_TOPICS = frozenset({"lost"})
COUNTER_TOPICS = frozenset({"reissue", "damaged", "express", "moving", "abroad", "apply", "children",
                            "renewal", "certificate", "pin", "proxy", "card_return", "deceased", "city",
                            "notification_card"})
CALLERS = ("hearing", "ip_phone", "foreign")
LOOK_AHEAD_DAYS = 14  # the longest closure (year end plus a weekend) is far shorter

Hours = Tuple[_dt.time, _dt.time]


def parse_time(text: str) -> _dt.time:
    """``"9:30"`` → 09:30 (facts write hours as H:MM)."""
    hours, minutes = str(text).split(":")
    return _dt.time(int(hours), int(minutes))


def _hours(pair) -> Optional[Hours]:
    if not pair:
        return None
    opens, closes = (parse_time(p) for p in pair)
    if not opens < closes:
        raise facts.FactsError(f"contact_hours: {pair} opens after it closes")
    return opens, closes


@dataclass(frozen=True)
class Schedule:
    """When one line answers (one entry of facts ``contact_hours``)."""

    always: bool = False
    weekday: Optional[Hours] = None
    weekend_holiday: Optional[Hours] = None
    closed: Optional[Tuple[days.MonthDay, days.MonthDay]] = None  # a yearly closure

    def hours_on(self, day: _dt.date) -> Optional[Hours]:
        """Opening and closing time on ``day``; None when closed all day."""
        if self.closed is not None and days.in_yearly_period(day, *self.closed):
            return None
        return self.weekend_holiday if days.is_weekend_or_holiday(day) else self.weekday


def schedule(line: str) -> Schedule:
    entry: Mapping = facts.value("contact_hours")[line]
    if entry.get("always"):
        return Schedule(always=True)
    closed = entry.get("closed")
    return Schedule(
        weekday=_hours(entry.get("weekday")),
        weekend_holiday=_hours(entry.get("weekend_holiday")),
        closed=(days.month_day(closed[0]), days.month_day(closed[1])) if closed else None,
    )


@dataclass(frozen=True)
class LineState:
    open_now: bool
    closes: Optional[_dt.time] = None  # today's closing time, when open now and not always open
    next_open: Optional[_dt.datetime] = None  # when closed: the next opening


def state(line: str, moment: _dt.datetime) -> LineState:
    """Is ``line`` answering at ``moment`` (Japan time), until when, or from when?"""
    plan = schedule(line)
    if plan.always:
        return LineState(True)
    today = moment.date()
    hours = plan.hours_on(today)
    if hours is not None and hours[0] <= moment.time() < hours[1]:
        return LineState(True, closes=hours[1])
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = today + _dt.timedelta(days=offset)
        hours = plan.hours_on(day)
        if hours is not None and (offset > 0 or moment.time() < hours[0]):
            return LineState(False, next_open=_dt.datetime.combine(day, hours[0], tzinfo=moment.tzinfo))
    return LineState(False)


@dataclass(frozen=True)
class Route:
    """The answer: ``code`` names the response ``utter_call_now_<code>``; ``number`` and
    ``suspend_number`` are fact keys (the number to call; the 24-hour line for this caller,
    said when the number is closed)."""

    code: str  # suspend | open | closed | fax | counter_open | counter_closed | counter_fax
    matter: str
    number: str
    suspend_number: str
    line: LineState


def number_for(matter: str, caller: Optional[str]) -> str:
    """The fact key of the number for this matter and caller (facts ``contact_routes``)."""
    entry = facts.value("contact_routes")[matter]
    if caller and entry.get(caller):
        return entry[caller]
    return entry["number"]


def matter_for(topic: Optional[str], wants_to_stop: bool = False, city_office: bool = False) -> str:
    """The matter of 「今電話つながる？」: stopping a card (said, or the topic is a lost card),
    the city counter (named, or a counter topic), or else the call centre."""
    if wants_to_stop or (topic in SUSPEND_TOPICS and not city_office):
        return "suspend"
    if city_office or topic in COUNTER_TOPICS:
        return "counter"
    return "card"


def route(matter: str, caller: Optional[str], moment: _dt.datetime) -> Route:
    """Whom to call about ``matter`` (MATTERS) for ``caller`` (CALLERS or None) at ``moment``."""
    if matter not in MATTERS:
        raise ValueError(f"unknown matter {matter!r}; expected one of {MATTERS}")
    if caller is not None and caller not in CALLERS:
        raise ValueError(f"unknown caller {caller!r}; expected one of {CALLERS}")
    line_name = facts.value("contact_routes")[matter]["line"]
    line = state(line_name, moment)
    number = number_for(matter, caller)
    suspend_number = number_for("suspend", caller)
    if caller == "hearing":
        code = "counter_fax" if matter == "counter" else "fax"
    elif matter == "suspend":
        code = "suspend"
    elif matter == "counter":
        code = "counter_open" if line.open_now else "counter_closed"
    else:
        code = "open" if line.open_now else "closed"
    return Route(code, matter, number, suspend_number, line)
