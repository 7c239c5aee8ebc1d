"""Warnings: what the service asks the candidate to confirm, never refuses.

A warning is recorded with the dossier (the candidate's answer is a field of it) and shown to
the staff; `validate` ignores it. Today one: a postcode that is not the usual one of the
département of residence (some communes use a neighbour's postcode, CEDEX codes exist).
"""

from __future__ import annotations

from typing import Any

from shared_rules.eligibility import postcode_warning
from shared_rules.session import Session


def check_warnings(data: dict[str, Any], session: Session) -> dict[str, list[str]]:
    """Warnings by field path, from the fields of a dossier that have the right shape."""
    contact = data.get("contact") or {}
    postcode, departement = contact.get("code_postal"), contact.get("departement")
    if not postcode or not departement:
        return {}
    message = postcode_warning(postcode, departement, session)
    return {"contact.code_postal": [message]} if message else {}
