"""Registration numbers: short, unambiguous, hard to guess, with a check character.

Eight random Crockford base-32 symbols (40 bits) and one check symbol, shown as « 7K3M-Q9PA-R ».
The check symbol makes the weighted sum Σ αⁱ·dᵢ over GF(32) zero (α a primitive element), so any
single wrong symbol and any swap of two neighbours, the check symbol included, is caught: a
substitution adds αⁱ·e ≠ 0, a swap adds αⁱ·(1+α)·(dᵢ+dᵢ₊₁) ≠ 0.
Input is accepted in any case, with spaces or dashes, and Crockford's look-alikes (O → 0,
I and L → 1).

A printed confirmation carries its dossier version too, as a paper reference « 7K3M-Q9PA-R-V3 »
(under its barcode): the bureau records the reception of the version it holds (issue 26). The
number stays nine symbols, so the « V » and digits after it can't be part of it.
"""

from __future__ import annotations

import re
import secrets
from typing import NamedTuple

from handler.platform import integers
from handler.platform import messages as msg

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 8
LENGTH = RANDOM_SYMBOLS + 1
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—]+")

# GF(32) with the primitive polynomial x⁵ + x² + 1.
_EXP = [0] * 62
_LOG = [0] * 32
_x = 1
for _i in range(31):
    _EXP[_i] = _EXP[_i + 31] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0b100000:
        _x ^= 0b100101


def _multiply(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _weighted_sum(values: list[int]) -> int:
    total = 0
    for position, value in enumerate(values):
        total ^= _multiply(_EXP[position % 31], value)
    return total


def _check_value(values: list[int]) -> int:
    # Solve Σ αⁱ·dᵢ + αⁿ·c = 0 for c (addition is XOR in GF(2⁵)).
    partial = _weighted_sum(values)
    weight = _EXP[len(values) % 31]
    return _multiply(partial, _EXP[(31 - _LOG[weight]) % 31])


def new_numero() -> str:
    """A fresh random number in canonical form (9 symbols, no dash)."""
    values = [secrets.randbelow(32) for _ in range(RANDOM_SYMBOLS)]
    return "".join(ALPHABET[v] for v in [*values, _check_value(values)])


def canonical(text: str) -> str | None:
    """The canonical form of a typed number, or None when it is not a valid number."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = typed_part(text)
    if len(compact) != LENGTH or any(c not in _VALUES for c in compact):
        return None
    values = [_VALUES[c] for c in compact]
    return compact if _weighted_sum(values) == 0 else None


def flaw(text: str) -> str | None:
    """What keeps a typed text from being a number, in French (its length, a character no
    number has, or its check character: a typing error, which tells nothing about which numbers
    exist), or None for a valid number."""
    if not isinstance(text, str) or len(text) > 40:
        return msg.NUMERO_LONGUEUR.format(longueur="plus de 40")
    compact = typed_part(text)
    # Each character as typed (« u », not « U »), once, in the order typed.
    unknown = dict.fromkeys(c for c in _SEPARATORS.sub("", text)
                            if c.upper().translate(_LOOK_ALIKES) not in _VALUES)
    if unknown:
        return msg.NUMERO_CARACTERES.format(caracteres=", ".join(f"« {c} »" for c in unknown))
    if len(compact) != LENGTH:
        return msg.NUMERO_LONGUEUR.format(longueur=len(compact))
    return None if canonical(compact) else msg.NUMERO_CONTROLE


def typed_part(text: str) -> str:
    """A piece of a number as a person types it, in the canonical symbols: separators gone,
    upper case, O read as 0, I and L as 1 (« 7k3m-q9pa » → « 7K3MQ9PA »). For searching a
    number by its beginning; `canonical` checks a whole one."""
    return _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)


#: The highest dossier version a paper reference or a request may name.
VERSION_MAX = 9999


class PaperReference(NamedTuple):
    """A number read from a paper, with the dossier version printed on it when it has one."""

    numero: str
    version: int | None


def reference(numero: str, version: int) -> str:
    """« 7K3M-Q9PA-R-V3 »: a confirmation's number and its dossier version, as its barcode
    carries them (Code 39: digits, capitals and dashes only)."""
    return f"{display(numero)}-V{version}"


def paper_reference(text: str) -> PaperReference | None:
    """A number, or a paper reference, as scanned or typed (« 7k3m q9pa r v3 », O for 0…), or
    None when it is neither."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    compact = typed_part(text)
    numero = canonical(compact[:LENGTH])
    rest = compact[LENGTH:]
    if numero is None:
        return None
    if not rest:
        return PaperReference(numero, None)
    version = integers.parse(rest[1:], 1, VERSION_MAX) if rest[0] == "V" else None
    return None if version is None else PaperReference(numero, version)


def display(numero: str) -> str:
    """« 7K3M-Q9PA-R »: groups a person can copy by hand."""
    return f"{numero[:4]}-{numero[4:8]}-{numero[8:]}"
