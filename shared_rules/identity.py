"""One dossier per person and session.

Notice: « La réglementation n'autorise pas l'inscription à plusieurs spécialités d'un même
examen sur la même session. » A person is recognised by the session, the birth name, the first
first name and the birth date — never the email, which a candidate may change or share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from shared_rules.names import comparison_key


def identity_parts(session: str, nom_naissance: str, premier_prenom: str,
                   date_naissance: str) -> str:
    """The readable form of the key (tests and debugging only: it holds personal data)."""
    return "|".join(
        [session, comparison_key(nom_naissance), comparison_key(premier_prenom), date_naissance]
    )


def identity_key(dossier: Mapping[str, Any]) -> str:
    """A SHA-256 hex digest naming the person in this session, free of personal data in clear.

    Case, accents, hyphens, apostrophes and spaces make no difference.
    """
    etat_civil = dossier["etat_civil"]
    readable = identity_parts(
        dossier["session"], etat_civil["nom_naissance"], etat_civil["prenoms"][0],
        etat_civil["date_naissance"],
    )
    return hashlib.sha256(readable.encode("utf-8")).hexdigest()
