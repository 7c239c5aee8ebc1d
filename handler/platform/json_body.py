"""The JSON bodies the app reads: nesting bounded, every key writable, for every route.

Flask's `request.get_json()` parses through `app.json`; this provider checks a body before and
while `json.loads` reads it, so that the candidates' and the staff's routes are covered alike:

- nesting deeper than MAX_DEPTH arrays or objects is refused (400 `json_trop_imbrique`) before
  parsing: Python's parser recurses, and 5,000 `[` exhausted the stack (a 500). No body of this
  API nests beyond 4 (a dossier's `dispenses.0.annee`); 32 leaves room for any client;
- an object key holding a lone surrogate (`"\\ud800"`, which no UTF-8 encoder can write) is
  refused (400 `json_cle_invalide`): such a key would reach error paths and answers.

Values holding a lone surrogate are judged on their field by the route (`shared_rules.text`):
422 with the field's path, like any other field error.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError

from handler.platform import messages as msg
from handler.platform.errors import ApiError
from shared_rules.text import is_encodable, unencodable

MAX_DEPTH = 32
#: The 400 answers to a body, as the OpenAPI documents describe them.
BAD_JSON = (f"JSON invalide (requete_invalide), imbriqué sur plus de {MAX_DEPTH} niveaux "
            "(json_trop_imbrique) ou nom de champ illisible (json_cle_invalide)")

# A JSON string (escapes included: `\"` does not end it), then anything but a bracket.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def depth(text: str, *, stop_after: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in a JSON text (broken or not), counting stopped once
    past `stop_after`; brackets inside strings don't count."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    level = deepest = 0
    for bracket in brackets:
        if bracket in "[{":
            level += 1
            if level > deepest:
                deepest = level
                if deepest > stop_after:
                    break
        else:
            level -= 1
    return deepest


def _checked_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    for key, _ in pairs:
        if not is_encodable(key):
            raise ApiError(400, "json_cle_invalide", msg.JSON_CLE_INVALIDE)
    return dict(pairs)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading only bodies nested at most MAX_DEPTH deep with writable keys."""

    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, bytes) else s
        if depth(text) > MAX_DEPTH:
            raise ApiError(400, "json_trop_imbrique",
                           msg.JSON_TROP_IMBRIQUE.format(maximum=MAX_DEPTH))
        kwargs.setdefault("object_pairs_hook", _checked_object)
        return json.loads(text, **kwargs)


def init_app(app: Flask) -> None:
    """Parse the app's JSON bodies with the checks above."""
    app.json = BoundedJSONProvider(app)


def load(schema: Schema, code: str, message: str) -> dict[str, Any]:
    """The request's JSON body by `schema`, or 422 `code` with `message` and the errors by
    field path (`demande` for the body as a whole, a lone surrogate's field named)."""
    body = request.get_json()
    if unreadable := unencodable(body, whole="demande"):
        raise ApiError(422, code, message, errors=unreadable)
    try:
        data: dict[str, Any] = schema.load(body)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {("demande" if k == "_schema" else str(k)): (
            list(v) if isinstance(v, list) else [str(v)]) for k, v in messages.items()}
        raise ApiError(422, code, message, errors=errors) from None
    return data
