"""The day of a loss or a move as residents say it (today = 2026-11-25, a Wednesday)."""
from __future__ import annotations

import datetime as dt

import pytest

from maina import event_dates
from maina.event_dates import FUTURE, NEAR, PAST, EventDate

D = dt.date
TODAY = D(2026, 11, 25)

CASES = [
    ("今日なくした", PAST, "2026-11-25"),
    ("昨日落とした", PAST, "2026-11-24"),
    ("きのう落としちゃった", PAST, "2026-11-24"),
    ("おととい盗まれた", PAST, "2026-11-23"),
    ("3日前に盗まれた", PAST, "2026-11-22"),
    ("三日前になくした", PAST, "2026-11-22"),
    ("2週間前に割れた", PAST, "2026-11-11"),
    ("1か月前に紛失", PAST, "2026-10-25"),
    ("先週なくした", PAST, "2026-11-16/2026-11-22"),
    ("先週の金曜になくした", PAST, "2026-11-20"),
    ("先週の月曜日", PAST, "2026-11-16"),
    ("金曜日に落とした", PAST, "2026-11-20"),
    ("11月20日になくした", PAST, "2026-11-20"),
    ("１１月２０日", PAST, "2026-11-20"),
    ("12月1日になくした", PAST, "2025-12-01"),  # a loss is never in the future
    ("11/20に", PAST, "2026-11-20"),
    ("20日に壊れた", PAST, "2026-11-20"),
    ("先月", PAST, "2026-10-01/2026-10-31"),
    ("先月28日に", PAST, "2026-10-28"),
    ("2026年11月1日に紛失", PAST, "2026-11-01"),
    ("令和8年11月3日", PAST, "2026-11-03"),
    ("来週苫小牧に引っ越してくる", NEAR, "2026-11-30/2026-12-06"),
    ("来週の土曜に引っ越す", NEAR, "2026-12-05"),
    ("12月1日に引っ越す", FUTURE, "2026-12-01"),
    ("12月28日に引っ越してきた", PAST, "2025-12-28"),
    ("1月5日に引っ越す", NEAR, "2027-01-05"),
    ("明日引っ越す", NEAR, "2026-11-26"),
    ("I lost it yesterday", PAST, "2026-11-24"),
    ("it was stolen 3 days ago", PAST, "2026-11-22"),
    ("I lost it last Friday", PAST, "2026-11-20"),
    ("lost it on 20 November", PAST, "2026-11-20"),
    ("on November 3rd", PAST, "2026-11-03"),
    ("last week", PAST, "2026-11-16/2026-11-22"),
    ("I'm moving next week", NEAR, "2026-11-30/2026-12-06"),
    ("moving on 1 December 2026", NEAR, "2026-12-01"),
]


@pytest.mark.parametrize("text,where,expected", CASES)
def test_event_dates(text, where, expected):
    assert event_dates.first(text, TODAY, where).iso() == expected


@pytest.mark.parametrize("text", ["再発行はいくら？", "2月30日になくした", "平成32年1月1日", "30歳のとき", ""])
def test_no_event_date(text):
    assert event_dates.first(text, TODAY) is None


def test_offsets_point_into_the_original_text():
    text = "カードを先週の金曜になくしました"
    [mention] = event_dates.find(text, TODAY)
    assert text[mention.start:mention.end] == "先週の金曜"


def test_iso_round_trip_and_bad_slot_values():
    for value in ("2026-11-20", "2026-11-16/2026-11-22"):
        assert EventDate.from_iso(value).iso() == value
    for bad in (None, "", "yesterday", "2026-11-22/2026-11-16", "2026-02-30"):
        assert EventDate.from_iso(bad) is None


def test_place_month_day():
    assert event_dates.place_month_day(2, 29, TODAY, PAST) == D(2024, 2, 29) or \
        event_dates.place_month_day(2, 29, TODAY, PAST) is None
    assert event_dates.place_month_day(2, 30, TODAY, NEAR) is None
    assert event_dates.place_month_day(11, 25, TODAY, FUTURE) == TODAY


def test_a_day_first_date_in_vietnamese_and_a_day_that_cannot_be_a_month():
    """Resident probe: 「chuyển đến Tomakomai 20/11」 had no date; 1/12 in Vietnamese is 1 December."""
    import datetime as dt

    from maina import event_dates

    today = dt.date(2026, 11, 30)
    assert event_dates.first("tôi chuyển đến tomakomai 20/11, hạn nộp là khi nào", today).first == dt.date(2026, 11, 20)
    assert event_dates.first("toi se chuyen nha ngay 1/12", today, event_dates.FUTURE).first == dt.date(2026, 12, 1)
    assert event_dates.first("20/11に越してきた", today).first == dt.date(2026, 11, 20)
    assert event_dates.first("12/1に引っ越す", today, event_dates.FUTURE).first == dt.date(2026, 12, 1)
