"""Phone numbers: as typed, as stored, as read.

A number is stored compact (« 0612345678 », « +33612345678 »); « +33 (0)6 12 34 56 78 », as
many people write it, drops its bracketed trunk 0. It is read spaced in pairs, the French way
(« 06 12 34 56 78 », « +33 6 12 34 56 78 »): the review (verification.js's twin in
recapitulatif.js), the PDF, the emails and the staff's page all show it so.
"""

from __future__ import annotations

import re

#: « +33 (0)6… »: the country code, then the trunk 0 in brackets (ASCII digits and spaces only,
#: as the browser's check reads it too).
TRUNK_ZERO = re.compile(r"^( *\+[0-9]{1,3}) *\(0\)")


def without_trunk_zero(typed: str) -> str:
    return TRUNK_ZERO.sub(r"\1", typed)


def display(stored: str) -> str:
    """« 0612345678 » → « 06 12 34 56 78 »; « +33612345678 » → « +33 6 12 34 56 78 »; any
    other number as stored."""
    if re.fullmatch(r"0[0-9]{9}", stored):
        return " ".join(stored[i:i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+33[1-9][0-9]{8}", stored):
        rest = stored[4:]
        return f"+33 {stored[3]} " + " ".join(rest[i:i + 2] for i in range(0, 8, 2))
    return stored


#: What a phone number may be typed with, besides its digits and leading « + ».
_SEPARATORS = re.compile(r"[\s.\-/()]")
#: The fewest digits a search reads as (a piece of) a phone number: « 5678 », its last four.
SEARCH_DIGITS_MIN = 4


def comparable(number: str) -> str:
    """A number as the staff's search compares it: compact, a French number in its national
    form whatever its typing (« +33 (0)6 12 34 56 78 », « +33612345678 » and « 06.12.34.56.78 »
    → « 0612345678 »); another country's number keeps its « + »."""
    compact = _SEPARATORS.sub("", without_trunk_zero(number))
    if compact.startswith("0033"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"\+33[0-9]{1,9}", compact):  # a piece of one too: « +33 6 12 »
        return "0" + compact[3:]
    return compact


def search_piece(typed: str) -> str | None:
    """A search read as a phone number or a piece of one (`comparable`), or None when it can't
    be one: anything but digits, separators and a leading « + », or fewer than
    SEARCH_DIGITS_MIN digits."""
    compact = comparable(typed.strip())
    if not re.fullmatch(r"\+?[0-9]+", compact):
        return None
    digits = len(compact.lstrip("+"))
    return compact if digits >= SEARCH_DIGITS_MIN else None
