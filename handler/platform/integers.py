"""Integers read from text: a query string's parameters and an export's JSON filters.

One parser for all of them (issue 25): ASCII digits only, at most as many as the upper bound
has, within the documented bounds. `str.isdigit()` accepts « ² » and « ٣ », which `int()`
refuses or reads, and a page number of 5,000 digits is a conversion Python itself refuses:
each was a 500.
"""

from __future__ import annotations

import re


def parse(text: object, low: int, high: int) -> int | None:
    """The integer `text` writes, if it is `[0-9]{1,N}` (N: the digits of `high`) within
    [low, high]; None otherwise."""
    if not isinstance(text, str):
        return None
    if re.fullmatch(f"[0-9]{{1,{len(str(high))}}}", text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None


def bounds_message(low: int, high: int) -> str:
    """What to type instead, in French."""
    return f"Indiquez un nombre entier de {low} à {high}, en chiffres."
