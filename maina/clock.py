"""The one source of "today" and "now" for the whole project.

Code never reads the wall clock directly; it calls :func:`today` (dates) or :func:`now` (the
time of day, e.g. whether a hotline is open). Tests and demo servers pin them:

* ``MAINA_TODAY=YYYY-MM-DD`` pins the date; the time of day still runs.
* ``MAINA_NOW=YYYY-MM-DDTHH:MM`` pins the moment (Japan time). With both set they must name
  the same day.
"""
from __future__ import annotations

import datetime as _dt
import os

ENV_VAR = "MAINA_TODAY"
NOW_ENV_VAR = "MAINA_NOW"
# Japan Standard Time: a city office's "today" does not follow the server's time zone.
JST = _dt.timezone(_dt.timedelta(hours=9), "JST")


def _pinned_day() -> _dt.date | None:
    pinned = os.environ.get(ENV_VAR, "").strip()
    if not pinned:
        return None
    try:
        return _dt.date.fromisoformat(pinned)
    except ValueError as exc:
        raise ValueError(f"{ENV_VAR} must be YYYY-MM-DD, got {pinned!r}") from exc


def _pinned_moment() -> _dt.datetime | None:
    pinned = os.environ.get(NOW_ENV_VAR, "").strip()
    if not pinned:
        return None
    try:
        moment = _dt.datetime.fromisoformat(pinned)
    except ValueError as exc:
        raise ValueError(f"{NOW_ENV_VAR} must be YYYY-MM-DDTHH:MM, got {pinned!r}") from exc
    moment = moment.replace(tzinfo=JST) if moment.tzinfo is None else moment.astimezone(JST)
    day = _pinned_day()
    if day is not None and day != moment.date():
        raise ValueError(f"{NOW_ENV_VAR}={pinned} and {ENV_VAR}={day} name different days")
    return moment


def now() -> _dt.datetime:
    """The current moment in Japan (timezone-aware, JST), or the one pinned by ``MAINA_NOW``.

    With only ``MAINA_TODAY`` set, the pinned day at the current Japan time of day.
    """
    moment = _pinned_moment()
    if moment is not None:
        return moment
    wall = _dt.datetime.now(JST)
    day = _pinned_day()
    return wall if day is None else _dt.datetime.combine(day, wall.timetz())


def today() -> _dt.date:
    """Return today's date in Japan, or the date pinned by ``MAINA_TODAY`` / ``MAINA_NOW``."""
    day = _pinned_day()
    if day is not None:
        _pinned_moment()  # a MAINA_NOW naming another day is a mistake: say so
        return day
    return now().date()
