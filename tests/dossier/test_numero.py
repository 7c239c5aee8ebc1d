"""Registration numbers: copyable by hand, unguessable, and a check symbol that catches typos."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from handler.dossier.numero import ALPHABET, LENGTH, RANDOM_SYMBOLS, canonical, display, new_numero


def test_a_number_is_nine_unambiguous_symbols_shown_in_groups() -> None:
    numero = new_numero()
    assert len(numero) == LENGTH == 9
    assert set(numero) <= set(ALPHABET)
    assert not set(numero) & set("ILOU")
    assert display(numero) == f"{numero[:4]}-{numero[4:8]}-{numero[8]}"
    assert RANDOM_SYMBOLS * math.log2(len(ALPHABET)) >= 40


def test_typed_forms_are_accepted() -> None:
    numero = new_numero()
    shown = display(numero)
    for typed in (shown, shown.lower(), shown.replace("-", " "), f"  {numero} ",
                  shown.replace("0", "O").replace("1", "l")):
        assert canonical(typed) == numero


@settings(max_examples=60)
@given(st.data())
def test_every_single_wrong_symbol_is_caught(data: st.DataObject) -> None:
    numero = new_numero()
    for position in range(LENGTH):
        for symbol in ALPHABET:
            if symbol != numero[position]:
                assert canonical(numero[:position] + symbol + numero[position + 1:]) is None


@settings(max_examples=200)
@given(st.data())
def test_every_swap_of_two_neighbours_is_caught(data: st.DataObject) -> None:
    numero = new_numero()
    for i in range(LENGTH - 1):
        if numero[i] != numero[i + 1]:
            swapped = numero[:i] + numero[i + 1] + numero[i] + numero[i + 2:]
            assert canonical(swapped) is None


def test_garbage_is_not_a_number() -> None:
    for text in ("", "ABC", "A" * 200, "../../etc", "7K3M-Q9PA-R!", None):
        assert canonical(text) is None  # type: ignore[arg-type]


def test_numbers_do_not_repeat() -> None:
    assert len({new_numero() for _ in range(5000)}) == 5000
