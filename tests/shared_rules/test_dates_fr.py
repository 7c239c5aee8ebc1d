"""French durations: the plural is right (« 5 minutes », never « minute(s) »)."""

from __future__ import annotations

import pytest

from handler.platform import messages
from shared_rules.dates_fr import attente


@pytest.mark.parametrize(("seconds", "text"), [
    (1, "1 minute"), (60, "1 minute"), (61, "2 minutes"), (300, "5 minutes"),
    (90 * 60, "90 minutes"), (90 * 60 + 1, "2 heures"), (24 * 3600, "24 heures")])
def test_a_wait_is_said_with_its_plural(seconds: int, text: str) -> None:
    assert attente(seconds) == text


def test_no_candidate_message_writes_a_plural_in_brackets() -> None:
    texts = [v for v in vars(messages).values() if isinstance(v, str)]
    assert [t for t in texts if "(s)" in t] == []
