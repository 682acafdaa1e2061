"""Deadlines of a move, as dates: by when the card's procedures must be done.

Guidebook p.15 (facts ``card.move_in_*``): after moving into a city, the 転入届 must be made
within 14 days of starting to live there *and* within 30 days of the planned move-out date
(転出予定日) given to the old city; the card's continued use (継続利用) is registered with the
転入届 or within 90 days of it. Missing either makes the card lapse. Days are counted per
民法140条 (the day of the event is not counted: moved in on 1 April → until 15 April).

* moving **in** on day D: 転入届 by D + 14; continued use by 90 days after the 転入届
  (D + 90 when made on the day of the move).
* moving **out** with the planned move-out day D: the new city's 転入届 by D + 30 at the
  latest, and within 14 days of moving in there (D + 14 when moving in on D).

The express-issue limit after a loss (30 days) is in maina.fees.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from maina import case as cases
from maina import days, facts
from maina.event_dates import EventDate
from maina.periods import days_after


@dataclass(frozen=True)
class MoveInDeadlines:
    move_in_notice_by: Optional[_dt.date]  # 転入届: min(moved_in + 14, planned move-out + 30)
    continue_use_by: Optional[_dt.date]  # 継続利用: move-in notification + 90 days
    params: Mapping[str, Any] = field(default_factory=dict)


def move_in_deadlines(
    *,
    moved_in: Optional[_dt.date] = None,
    planned_move_out: Optional[_dt.date] = None,
    notified: Optional[_dt.date] = None,
) -> MoveInDeadlines:
    """Deadlines that keep the card alive after moving in from another city (guidebook p.15).

    The move-in notice must be within 14 days of moving in *and* within 30 days of the planned
    move-out date; the continue-use procedure within 90 days of the move-in notification; missing
    either makes the card lapse. Days are counted per 民法140条 (the event day is not counted).
    """
    after_moving = int(facts.value("card.move_in_after_moving_days"))
    after_moveout = int(facts.value("card.move_in_after_moveout_days"))
    continue_days = int(facts.value("card.move_in_continue_days"))
    limits = [d for d in (
        days_after(moved_in, after_moving) if moved_in else None,
        days_after(planned_move_out, after_moveout) if planned_move_out else None,
    ) if d is not None]
    return MoveInDeadlines(
        move_in_notice_by=min(limits) if limits else None,
        continue_use_by=days_after(notified, continue_days) if notified else None,
        params={"after_moving_days": after_moving, "after_moveout_days": after_moveout,
                "continue_days": continue_days},
    )


@dataclass(frozen=True)
class MoveAnswer:
    """``code`` names the response ``utter_deadline_<code>``.

    ``notice_by``: the 転入届 deadline for the day given (for a period: its first day, the
    safe one; ``notice_by_last`` for its last day); ``continue_by``: the continued-use
    deadline when the 転入届 is made on the day of the move; ``latest_by``: moving out, the
    new city's 転入届 at the latest (planned move-out + 30). ``days_left`` counts from today
    to the deadline the answer is about (moving in: ``notice_by``; out: ``latest_by``).
    """

    code: str
    moved: Optional[EventDate] = None
    notice_by: Optional[_dt.date] = None
    notice_by_last: Optional[_dt.date] = None
    continue_by: Optional[_dt.date] = None
    latest_by: Optional[_dt.date] = None
    days_left: Optional[int] = None


ASK_DIRECTION, ASK_DATE = "direction", "date"


def question(direction: Optional[str], moved: Optional[EventDate], today: _dt.date) -> Optional[str]:
    """What to ask first: the day of the move (also when a period such as 「先週」 has days on
    both sides of the deadline), then in or out of the city (the deadlines differ)."""
    if moved is None:
        return ASK_DATE
    if direction not in (cases.MOVE_IN, cases.MOVE_OUT, cases.MOVE_WITHIN):
        return ASK_DIRECTION
    if not moved.exact and direction == cases.MOVE_IN:
        early = answer(direction, EventDate.day(moved.first), today)
        late = answer(direction, EventDate.day(moved.last), today)
        if (early.days_left < 0) != (late.days_left < 0):
            return ASK_DATE
    return None


def answer(direction: Optional[str], moved: EventDate, today: _dt.date) -> MoveAnswer:
    """The dates for a move on ``moved`` (a day, or a period such as 「来週」)."""
    if direction == cases.MOVE_WITHIN:
        return MoveAnswer("move_within", moved)
    if direction == cases.MOVE_OUT:
        first = move_in_deadlines(moved_in=moved.first, planned_move_out=moved.first)
        latest = move_in_deadlines(planned_move_out=moved.first).move_in_notice_by
        left = days.days_until(latest, today)
        return MoveAnswer("move_out_passed" if left < 0 else "move_out", moved,
                          notice_by=first.move_in_notice_by, latest_by=latest, days_left=left)
    early = move_in_deadlines(moved_in=moved.first, notified=moved.first)
    late = move_in_deadlines(moved_in=moved.last, notified=moved.last)
    left = days.days_until(early.move_in_notice_by, today)
    if not moved.exact and days.days_until(late.move_in_notice_by, today) >= 0:
        code = "move_in_period"
    elif left < 0:
        code = "move_in_passed"
    elif left == 0:
        code = "move_in_last_day"
    else:
        code = "move_in"
    return MoveAnswer(code, moved, notice_by=early.move_in_notice_by,
                      notice_by_last=late.move_in_notice_by if not moved.exact else None,
                      continue_by=early.continue_use_by, days_left=left)
