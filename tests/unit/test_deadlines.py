"""Deadlines of a move as dates (today = 2026-11-25, a Wednesday). Written out by hand:
moving in on D → 転入届 by D + 14, continued use by D + 90 (転入届 on the day of the move);
moving out with the planned move-out day D → the new city's 転入届 by D + 30 at the latest."""
from __future__ import annotations

import datetime as dt

import pytest

from maina.deadlines import answer, move_in_deadlines, question
from maina.event_dates import EventDate

D = dt.date
TODAY = D(2026, 11, 25)


def test_move_in_deadlines():
    moved = move_in_deadlines(moved_in=D(2026, 4, 1), planned_move_out=D(2026, 3, 10), notified=D(2026, 4, 5))
    # 14 days after moving in: 2026-04-15; 30 days after the planned move-out: 2026-04-09 → earlier wins
    assert moved.move_in_notice_by == D(2026, 4, 9)
    assert moved.continue_use_by == D(2026, 7, 4)  # 90 days after 2026-04-05
    assert move_in_deadlines().move_in_notice_by is None


# (direction, moved, question, code, notice_by, continue_by, latest_by, days_left)
CASES = [
    ("in", EventDate.day(D(2026, 12, 1)), None, "move_in", D(2026, 12, 15), D(2027, 3, 1), None, 20),
    ("in", EventDate.day(D(2026, 11, 20)), None, "move_in", D(2026, 12, 4), D(2027, 2, 18), None, 9),
    ("in", EventDate.day(D(2026, 11, 11)), None, "move_in_last_day", TODAY, D(2027, 2, 9), None, 0),
    ("in", EventDate.day(D(2026, 11, 10)), None, "move_in_passed", D(2026, 11, 24), D(2027, 2, 8), None, -1),
    # 「来週」: 30 November – 6 December → 14 December at the earliest, 20 December at the latest
    ("in", EventDate(D(2026, 11, 30), D(2026, 12, 6)), None, "move_in_period", D(2026, 12, 14), D(2027, 2, 28),
     None, 19),
    # 「先週」 (16–22 November): 30 November – 6 December, all still ahead
    ("in", EventDate(D(2026, 11, 16), D(2026, 11, 22)), None, "move_in_period", D(2026, 11, 30), D(2027, 2, 14),
     None, 5),
    # moving out on 1 December: by 31 December at the latest (15 December if living there from the 1st)
    ("out", EventDate.day(D(2026, 12, 1)), None, "move_out", D(2026, 12, 15), None, D(2026, 12, 31), 36),
    ("out", EventDate.day(D(2026, 10, 20)), None, "move_out_passed", D(2026, 11, 3), None, D(2026, 11, 19), -6),
    ("within", EventDate.day(D(2026, 12, 1)), None, "move_within", None, None, None, None),
]


@pytest.mark.parametrize("direction,moved,asked,code,notice_by,continue_by,latest_by,days_left", CASES)
def test_move_deadlines(direction, moved, asked, code, notice_by, continue_by, latest_by, days_left):
    assert question(direction, moved, TODAY) == asked
    got = answer(direction, moved, TODAY)
    assert (got.code, got.notice_by, got.continue_by, got.latest_by, got.days_left) == \
        (code, notice_by, continue_by, latest_by, days_left)


def test_a_period_gives_both_ends():
    got = answer("in", EventDate(D(2026, 11, 30), D(2026, 12, 6)), TODAY)
    assert got.notice_by_last == D(2026, 12, 20)


def test_questions_only_when_the_dates_depend_on_them():
    assert question("in", None, TODAY) == "date"
    assert question(None, EventDate.day(D(2026, 12, 1)), TODAY) == "direction"
    # 9–15 November: 23 November has passed, 29 November has not → which day?
    assert question("in", EventDate(D(2026, 11, 9), D(2026, 11, 15)), TODAY) == "date"
