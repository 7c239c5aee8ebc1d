"""The contact fields' lock after a hand-back (handler.staff.restitution, issue 25).

When the bureau gives a squatted dossier the owner's address, whoever knows the number and the
birth date (the squatter too) could otherwise put their own address back with a modification.
So the hand-back marks the dossier (`coordonnees_verrouillees`): a modification that changes any
contact field is refused until the owner opens an access link, which goes to the dossier's
address only, now theirs (handler.candidats.access_tokens lifts the lock then). Every other
field stays modifiable with the birth date, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handler.platform import messages as msg
from handler.platform.errors import ApiError

#: The record's field that holds the lock: {"le": when the bureau set it}.
CONTACT_LOCK = "coordonnees_verrouillees"


def locked(record: Mapping[str, Any]) -> bool:
    return CONTACT_LOCK in record


def lock(record: dict[str, Any], when: str) -> dict[str, Any]:
    """The record with its contact fields locked."""
    return {**record, CONTACT_LOCK: {"le": when}}


def unlock(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != CONTACT_LOCK}


def check(record: Mapping[str, Any], dossier: Mapping[str, Any]) -> None:
    """403 when `dossier` changes a locked record's contact fields."""
    if locked(record) and dossier.get("contact") != record["dossier"].get("contact"):
        raise ApiError(403, "coordonnees_verrouillees", msg.COORDONNEES_VERROUILLEES,
                       errors={"contact": [msg.COORDONNEES_VERROUILLEES_CHAMP]})
