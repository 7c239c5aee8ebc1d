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
