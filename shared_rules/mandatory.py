"""What a candidate must answer where the form asks it, read from the dossier schema.

The form marks each of its controls from this (issue 29, RGAA 11.10), and its first sentence
says « Tous les champs sont obligatoires, sauf ceux marqués « (facultatif) » »:

- a field the schema requires is « obligatoire »;
- a field the schema lets be empty is « facultatif », unless it carries
  `schemas.REQUIRED_WHEN_ASKED`: the form asks it only where a rule of the session requires it
  (the speciality's label with « autre », the year of a resit…), so asked, it is « obligatoire »;
- a yes/no box is « facultatif » (left unticked, it answers no), unless it must be true:
  « a_cocher » (the certification).

A list's items are given as `*` (`dispenses.*.annee`). The rules JSON carries the result
(`champs`); the tests check each status against `shared_rules.validate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marshmallow import Schema, fields, validate

from shared_rules.schemas import DOSSIER_SCHEMA, REQUIRED_WHEN_ASKED

OBLIGATOIRE = "obligatoire"
FACULTATIF = "facultatif"
A_COCHER = "a_cocher"


def answer_statuses(schema: Schema = DOSSIER_SCHEMA) -> dict[str, str]:
    """Every field path of the dossier with what the candidate must answer there."""
    return dict(_statuses(schema, ""))


def _statuses(schema: Schema, prefix: str) -> Iterator[tuple[str, str]]:
    for name, field in schema.fields.items():
        path = f"{prefix}{name}"
        yield path, _status(field)
        if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
            yield from _statuses(field.schema, f"{path}.")
        elif (isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)
              and isinstance(field.inner.schema, Schema)):
            yield from _statuses(field.inner.schema, f"{path}.*.")


def _status(field: fields.Field[Any]) -> str:
    if isinstance(field, fields.Boolean):
        must_be_true = any(isinstance(v, validate.Equal) and v.comparable is True
                           for v in field.validators)
        return A_COCHER if must_be_true else FACULTATIF
    if field.required or field.metadata.get(REQUIRED_WHEN_ASKED):
        return OBLIGATOIRE
    return FACULTATIF
