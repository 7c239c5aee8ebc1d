"""The rules of the notice, in one place: the handler, the site and the tests all ask here.

It imports nothing of the handler (a contract in pyproject.toml, checked by `make lint`).

Public API:
    validate(dossier) -> {field.path: [messages]}     empty when the dossier is valid
    load(dossier) -> clean dossier                     raises InvalidDossier(errors)
    required_pieces(dossier) -> [{code, libelle}]      the pieces to enclose
    identity_key(dossier) -> str                       one dossier per person and session
    window_state(instant, session) -> WindowState      the registry's state at an instant
    get_session(code) -> Session | None                a session's data
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError

from shared_rules import francais, messages
from shared_rules.contact import bureau_contact
from shared_rules.eligibility import establishment_for, is_adult_in_time, last_adult_birth_date
from shared_rules.eps import check_eps_choice, is_allowed_pair
from shared_rules.identity import identity_key
from shared_rules.pieces import pieces_for
from shared_rules.registry import DEFAULT_REGISTRY, SessionRegistry
from shared_rules.rules import check_rules
from shared_rules.schemas import DOSSIER_SCHEMA
from shared_rules.session import Session, SessionDataError
from shared_rules.text import unencodable
from shared_rules.warnings import check_warnings, in_scope
from shared_rules.window import (
    WindowState,
    is_late_for_return,
    late_return_message,
    return_deadline,
    window_state,
)

__all__ = [
    "francais",  # imported for its effect: marshmallow's messages in French
    "InvalidDossier", "Session", "SessionDataError", "SessionRegistry", "WindowState",
    "bureau_contact",
    "check_eps_choice", "establishment_for", "get_session", "identity_key", "is_adult_in_time",
    "is_allowed_pair", "is_late_for_return", "last_adult_birth_date", "late_return_message",
    "load", "required_pieces", "return_deadline", "stored_warnings", "validate", "warnings",
    "window_state",
]


class InvalidDossier(ValueError):
    """A dossier that breaks the rules; `errors` maps field paths to French messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(f"{len(errors)} invalid field(s): {', '.join(sorted(errors))}")
        self.errors = errors


def get_session(code: str, *, registry: SessionRegistry = DEFAULT_REGISTRY) -> Session | None:
    """The session with this code, or None."""
    return registry.get(code)


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested errors as {"etat_civil.prenoms.0": [...]}."""
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            if key == "_schema":  # a whole group of the wrong type: reported on the group
                path = prefix or "dossier"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub_path, messages_ in _flatten(value, path).items():
                flat.setdefault(sub_path, []).extend(messages_)
        return flat
    if isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        return {prefix: list(errors)}
    return {prefix: [str(errors)]}


#: Lists of groups whose items are judged one by one: an item's field that failed its shape
#: check doesn't stop the rules on the item's other fields and on the other items.
ITEM_LISTS = ("dispenses", "benefices", "epreuves_facultatives")


def _broken(errors: Mapping[str, list[str]], dossier: Mapping[str, Any],
            data: Mapping[str, Any]) -> set[str]:
    """The top-level fields that failed their shape check, for the rules to leave alone. A list
    of ITEM_LISTS counts only when the list itself or one of its items is unreadable (not an
    object, or not one readable field): then the items' positions can't be trusted."""
    broken = set()
    for path in errors:
        top, *rest = path.split(".")
        if top in ITEM_LISTS and len(rest) >= 2:
            items, read = dossier.get(top), data.get(top)
            if (isinstance(items, list) and isinstance(read, list) and len(read) == len(items)
                    and all(read)):
                continue
        broken.add(top)
    return broken


def load(dossier: Any, *, registry: SessionRegistry = DEFAULT_REGISTRY) -> dict[str, Any]:
    """The dossier cleaned (names folded, establishment derived), or InvalidDossier."""
    if not isinstance(dossier, Mapping):
        raise InvalidDossier({"dossier": [messages.OBJET_ATTENDU]})
    if unreadable := unencodable(dossier):  # nothing past here may meet a lone surrogate
        raise InvalidDossier(unreadable)
    try:
        data: dict[str, Any] = DOSSIER_SCHEMA.load(dossier)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        data = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        errors = _flatten(exc.messages)
    session = registry.get(data["session"]) if "session" in data else None
    if session is None:
        if "session" in data:
            errors["session"] = [messages.SESSION_INCONNUE]
        raise InvalidDossier(errors)
    broken = _broken(errors, dossier, data)
    for path, messages_ in check_rules(data, session, broken=broken).items():
        if path not in errors:  # a field that failed its shape check keeps that message alone
            errors[path] = messages_
    if errors:
        raise InvalidDossier(errors)
    etablissement = establishment_for(data["contact"]["departement"], session)
    assert etablissement is not None  # checked by the rules
    data["etablissement"] = etablissement.code
    return data


def validate(dossier: Any, *, registry: SessionRegistry = DEFAULT_REGISTRY) -> dict[str, list[str]]:
    """Errors by dotted field path, empty when the dossier is valid.

    Judges the dossier's content alone: whether the registry is open is `window_state`'s
    business, applied by the handler to the current instant.
    """
    try:
        load(dossier, registry=registry)
    except InvalidDossier as exc:
        return exc.errors
    return {}


def warnings(dossier: Any, *,
             registry: SessionRegistry = DEFAULT_REGISTRY) -> dict[str, list[str]]:
    """What the candidate is asked to check, by field path (never a refusal: `validate` does
    not report it). Judged on the fields that have the right shape: none on a field, or a list,
    whose shape is wrong (its positions can't be trusted); empty when nothing applies. Whether
    the candidate confirmed the postcode's is the dossier's own `contact.confirmation_residence`;
    any other is kept by submitting the answer."""
    if not isinstance(dossier, Mapping) or unencodable(dossier):
        return {}
    try:
        data: dict[str, Any] = DOSSIER_SCHEMA.load(dossier)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        data = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        errors = _flatten(exc.messages)
    session = registry.get(data["session"]) if "session" in data else None
    if session is None:
        return {}
    return {path: found for path, found in check_warnings(data, session).items()
            if not any(in_scope(error, path) for error in errors)}


def stored_warnings(dossier: Mapping[str, Any], *,
                    registry: SessionRegistry = DEFAULT_REGISTRY) -> dict[str, list[str]]:
    """`warnings` of a dossier `load` has cleaned already (a stored one): judged as it is, not
    loaded through the schema again (half a millisecond saved on each submission's two)."""
    session = registry.get(str(dossier.get("session")))
    return check_warnings(dict(dossier), session) if session is not None else {}


def required_pieces(dossier: Mapping[str, Any], *,
                    registry: SessionRegistry = DEFAULT_REGISTRY) -> list[dict[str, str]]:
    """The pieces this dossier must enclose with its confirmation, each with code and label."""
    session = registry.get(str(dossier.get("session")))
    if session is None:
        raise KeyError(f"unknown session {dossier.get('session')!r}")
    return pieces_for(dossier, session)
