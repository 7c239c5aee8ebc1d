"""marshmallow's own messages never reach a candidate or a staff member in English."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields, validate

import shared_rules
from shared_rules import francais
from tests.factories import make_dossier, with_changes
from tests.shared_rules.test_properties import JSON, PATHS

ENGLISH = re.compile(r"\b(Not a valid|Missing data|Must be|Field may|Invalid|Unknown field|"
                     r"Longer than|Shorter than|Length must|greater than|less than|One or more)\b")


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), JSON)
def test_any_value_in_any_field_is_refused_in_french(path: str, value: Any) -> None:
    errors = shared_rules.validate(with_changes(make_dossier(), {path: value}))
    english = [m for m in _messages(errors) if ENGLISH.search(m)]
    assert english == [], (path, value, english)


def test_every_default_message_is_translated() -> None:
    for cls in francais.FIELD_MESSAGES:
        for key, message in cls.default_error_messages.items():
            assert not ENGLISH.search(message), (cls.__name__, key, message)
    for validator in (validate.OneOf, validate.ContainsOnly, validate.NoneOf, validate.Equal,
                      validate.Regexp, validate.Predicate, validate.Email, validate.URL):
        assert not ENGLISH.search(validator.default_message), validator
    assert not ENGLISH.search(str(validate.Length(max=3).message_max))
    assert validate.Range(min=1).error is None
    assert "supérieure ou égale à" in validate.Range(min=1).message_min
    assert fields.Integer().error_messages["required"] == shared_rules.messages.OBLIGATOIRE
