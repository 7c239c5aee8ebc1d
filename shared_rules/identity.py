"""One dossier per person and session, without refusing homonyms.

Notice: « La réglementation n'autorise pas l'inscription à plusieurs spécialités d'un même
examen sur la même session. » So one person holds one dossier per session. Who is « one
person »? Issue 24: two people can share a birth name, a first first name and a birth date
(1 January is the conventional birth date of many people born abroad: « Ahmadi Mohammad » and
« Ahmadi Mohammad Reza », both born 01/01/1996, are two people), and one person may type their
first names in another order. So the key compares what tells two people apart:

- the person (`person_key`): the session, the birth name, **all** the first names as a set
  (their order doesn't make another person), the birth date as the papers show it, and the
  birthplace (commune and country). Two dossiers with the same person key are the same person:
  the second is refused (409 `deja_inscrit`), as before.
- the homonym group (`homonym_group`): the session, the birth name and the birth date. Two
  dossiers of one group but of different people are both registered, and the bureau sees them
  flagged « homonyme possible » (the staff list counts the index's groups). « J'ai perdu mon
  numéro » looks a person up by group, then by first name.

Every part is compared by `names.comparison_key` (case, accents, hyphens, apostrophes and
spaces make no difference); never the email, which a candidate may change or share.

`identity_key` is `<group>/<person>`, two SHA-256 hex digests: the identity claims are stored
under it (`identites/<session>/<group>/<person>.json`), so that the claims of one group lie under
one prefix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from shared_rules.names import comparison_key


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def group_parts(session: str, nom_naissance: str, date_naissance: str) -> list[str]:
    """The readable form of the homonym group (tests and debugging only: personal data)."""
    return [session, comparison_key(nom_naissance), date_naissance]


def person_parts(session: str, etat_civil: Mapping[str, Any]) -> list[str]:
    """The readable form of the person key (tests and debugging only: personal data)."""
    prenoms = sorted({comparison_key(p) for p in etat_civil.get("prenoms") or ()})
    return [*group_parts(session, etat_civil["nom_naissance"], etat_civil["date_naissance"]),
            ",".join(prenoms), comparison_key(etat_civil["commune_naissance"]),
            comparison_key(etat_civil["pays_naissance"])]


def homonym_group(session: str, nom_naissance: str, date_naissance: str) -> str:
    """A SHA-256 hex digest naming everyone of this birth name and birth date in the session."""
    return _digest(group_parts(session, nom_naissance, date_naissance))


def identity_key(dossier: Mapping[str, Any]) -> str:
    """`<homonym group>/<person>`: two SHA-256 hex digests, free of personal data in clear."""
    etat_civil = dossier["etat_civil"]
    group = homonym_group(dossier["session"], etat_civil["nom_naissance"],
                          etat_civil["date_naissance"])
    return f"{group}/{_digest(person_parts(dossier['session'], etat_civil))}"


def group_of(identity: str) -> str:
    """The homonym group of an identity key (an older, single-digest key is its own group)."""
    return identity.split("/", 1)[0]


def same_first_name(typed: str | None, prenoms: Iterable[str]) -> bool:
    """Whether a first name typed (« J'ai perdu mon numéro ») is one of a dossier's first names,
    as the key compares them; no name typed matches a person who has none."""
    keys = {comparison_key(p) for p in prenoms}
    return not keys if not typed else comparison_key(typed) in keys
