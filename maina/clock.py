"""The one source of "today" for the whole project.

Code never reads the wall clock directly; it calls :func:`today`. Tests and demo servers set
``MAINA_TODAY=YYYY-MM-DD`` to pin the date.
"""
from __future__ import annotations

import datetime as _dt
import os

ENV_VAR = "MAINA_TODAY"
# Japan Standard Time: a city office's "today" does not follow the server's time zone.
JST = _dt.timezone(_dt.timedelta(hours=9), "JST")


def today() -> _dt.date:
    """Return today's date in Japan, or the date pinned by ``MAINA_TODAY``."""
    pinned = os.environ.get(ENV_VAR, "").strip()
    if pinned:
        try:
            return _dt.date.fromisoformat(pinned)
        except ValueError as exc:
            raise ValueError(f"{ENV_VAR} must be YYYY-MM-DD, got {pinned!r}") from exc
    return _dt.datetime.now(JST).date()
