"""A dossier as the bureau reads it: the candidate's own review (dossier.recapitulatif's rows,
the same as the PDF's and the email's) and, for each version, what changed since the one before,
field by field, in the same labels (« Spécialité : Maçon → Cuisine »)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handler.dossier import recapitulatif
from handler.dossier.recapitulatif import changes
from shared_rules.session import Session


def as_version(record: Mapping[str, Any], version: int) -> dict[str, Any] | None:
    """The stored record as it was at `version` (None if it never had it): the PDF of any
    version is printed from it."""
    if version == record["version"]:
        return dict(record)
    for earlier in record["historique"]:
        if earlier["version"] == version:
            return {**record, "version": version, "modifie_le": earlier["modifie_le"],
                    "dossier": earlier["dossier"]}
    return None


def review(record: Mapping[str, Any], session: Session) -> list[dict[str, Any]]:
    """The dossier's groups and rows, as « Vérifiez vos réponses » shows them."""
    return [{"titre": s.titre, "lignes": [list(row) for row in s.lignes]}
            for s in recapitulatif.sections(record, session)]


def history(record: Mapping[str, Any], session: Session) -> list[dict[str, Any]]:
    """Every version, newest first, each with its date and what changed since the one before."""
    versions = [*record["historique"], {k: record[k] for k in ("version", "modifie_le",
                                                                "dossier")}]
    out = []
    for i, version in enumerate(versions):
        previous = versions[i - 1] if i else None
        out.append({"version": version["version"], "modifie_le": version["modifie_le"],
                    "changements": changes(previous, version, session) if previous else []})
    return list(reversed(out))
