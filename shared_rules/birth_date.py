"""Birth dates as people's papers show them, day or month unknown included.

Some people born abroad carry papers with no day, or no day and no month, of birth (a titre de
séjour printed « 00/00/1996 »; reference sheet, « Names and birth dates as people's papers show
them »). The notice forbids nothing of the kind, so the dossier records what the papers say, in
ISO 8601's reduced precision: `1996-05-17` (complete), `1996-05` (no day), `1996` (no day and no
month). Every rule reads a birth date through this module, never with `date.fromisoformat`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

#: The three written forms, for the server and the browser alike (ECMAScript reads it the same
#: way; `[0-9]`, not Python's `\d`, which matches other scripts' digits too). A date that
#: matches must also exist in the calendar.
PATTERN_JS = r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$"
PATTERN = re.compile(PATTERN_JS)


@dataclass(frozen=True)
class BirthDate:
    """A birth date; `month` and `day` are None where the papers carry none."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def complete(self) -> bool:
        return self.day is not None

    @property
    def earliest(self) -> dt.date:
        """The first day the person may have been born."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day the person may have been born."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        """The dossier's form: `1996-05-17`, `1996-05` or `1996`."""
        parts = [f"{self.year:04d}"]
        parts += [f"{self.month:02d}"] if self.month else []
        parts += [f"{self.day:02d}"] if self.day else []
        return "-".join(parts)


def parse(text: object) -> BirthDate | None:
    """The birth date written `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, or None (not one of these
    forms, or a date that doesn't exist: 30 February, month 13, year 0)."""
    if not isinstance(text, str):
        return None
    found = PATTERN.fullmatch(text)
    if found is None:
        return None
    year, month, day = (int(part) if part else None for part in found.groups())
    assert year is not None
    if month == 0 or day == 0:  # « 00 » is how papers print an unknown part: left out here
        return None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return BirthDate(year, month, day)


def display(born: BirthDate) -> str:
    """As French papers print it, unknown parts as 00: « 17/05/1998 », « 00/05/1996 »,
    « 00/00/1996 »."""
    return f"{born.day or 0:02d}/{born.month or 0:02d}/{born.year:04d}"


def unknown_parts(born: BirthDate) -> str | None:
    """« jour inconnu », « jour et mois inconnus », or None for a complete date."""
    if born.day is not None:
        return None
    return "jour inconnu" if born.month is not None else "jour et mois inconnus"


def display_with_parts(born: BirthDate) -> str:
    """« 17/05/1998 », « 00/00/1996 (jour et mois inconnus) »: what recaps print."""
    missing = unknown_parts(born)
    return display(born) + (f" ({missing})" if missing else "")
