"""The one clock: MAINA_TODAY pins the day, MAINA_NOW the moment (Japan time)."""
from __future__ import annotations

import datetime as dt

import pytest

from maina import clock


@pytest.fixture(autouse=True)
def unpinned(monkeypatch):
    monkeypatch.delenv("MAINA_TODAY", raising=False)
    monkeypatch.delenv("MAINA_NOW", raising=False)


def test_now_is_pinned_in_japan_time(monkeypatch):
    monkeypatch.setenv("MAINA_NOW", "2026-12-31T21:00")
    assert clock.now() == dt.datetime(2026, 12, 31, 21, 0, tzinfo=clock.JST)
    assert clock.today() == dt.date(2026, 12, 31)


def test_a_moment_in_another_zone_is_converted(monkeypatch):
    monkeypatch.setenv("MAINA_NOW", "2026-12-31T13:00+00:00")
    assert clock.now().hour == 22 and clock.now().tzinfo == clock.JST


def test_today_alone_keeps_the_time_running(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")
    assert clock.now().date() == dt.date(2026, 11, 25) and clock.now().tzinfo is not None
    assert clock.today() == dt.date(2026, 11, 25)


def test_both_pinned_must_agree(monkeypatch):
    monkeypatch.setenv("MAINA_TODAY", "2026-11-25")
    monkeypatch.setenv("MAINA_NOW", "2026-11-25T10:00")
    assert clock.today() == dt.date(2026, 11, 25)
    monkeypatch.setenv("MAINA_NOW", "2026-11-26T10:00")
    with pytest.raises(ValueError):
        clock.today()
    with pytest.raises(ValueError):
        clock.now()


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T10:00", "21:00"])
def test_a_bad_moment_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("MAINA_NOW", value)
    with pytest.raises(ValueError, match="MAINA_NOW"):
        clock.now()


def test_unpinned_is_the_wall_clock_in_japan():
    assert clock.now().utcoffset() == dt.timedelta(hours=9)
