"""The service's calendar clock.

Only calendar rules (is the registry open? was the dossier created after the return deadline?)
read this clock. It can be started at another instant for a demonstration or a test
(`INSCRIPTION_NOW`), after which it runs on, so that timestamps keep their order. Durations (rate
limits, expiries) use real time, never this clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from shared_rules.session import Session


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CalendarClock:
    """Real time, or real time shifted so that it read `start` when it was created."""

    def __init__(self, start: dt.datetime | None = None, *,
                 real_now: Callable[[], dt.datetime] = _real_now) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("INSCRIPTION_NOW must carry its UTC offset")
        self._real_now = real_now
        self._offset = start - real_now() if start is not None else dt.timedelta(0)
        self.simulated = start is not None

    def now(self) -> dt.datetime:
        """The current calendar instant, in UTC."""
        return self._real_now() + self._offset


class FrozenClock(CalendarClock):
    """A clock that always reads the same instant (tests of the window's edges)."""

    def __init__(self, instant: dt.datetime) -> None:
        super().__init__(instant, real_now=lambda: instant)


def timestamp(instant: dt.datetime, session: Session) -> str:
    """An instant in the session's local time, ISO-8601 with its offset."""
    return instant.astimezone(session.zone).isoformat(timespec="seconds")
