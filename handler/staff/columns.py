"""A dossier as one row of the staff's spreadsheet: one column per field, codes as labels.

Every label comes from the session data; names are as typed, every first name in its own
column in civil-status order. Cells are typed values (str, int, date, datetime, None): each
format (`exports`) writes them its own way and neutralises what a spreadsheet would run.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import shared_rules
from handler.dossier import recapitulatif, suivi
from handler.dossier.numero import display
from shared_rules import birth_date
from shared_rules.eps import pair_label
from shared_rules.schemas import PRENOMS_MAX
from shared_rules.session import Session
from shared_rules.warnings import subjects

OUI, NON = "oui", "non"


class Digits(str):
    """A code made of digits that must stay text in a spreadsheet (a postcode): the CSV writes
    it so that no spreadsheet reads it as a number (see exports)."""


Cell = str | int | float | dt.date | dt.datetime | None


def spaced_phone(number: str | None) -> str | None:
    """A phone number in groups, as French writes it: « 05 55 00 00 07 », « +33 5 55 00 00 07 »
    (no spreadsheet reads a number with spaces as a number, so its leading zero stays)."""
    if not number:
        return None
    if number.startswith("0") and len(number) == 10:
        return " ".join(number[i:i + 2] for i in range(0, 10, 2))
    if number.startswith("+33") and len(number) == 12:
        return "+33 " + number[3] + " " + " ".join(number[i:i + 2] for i in range(4, 12, 2))
    if number.startswith("+"):
        digits = number[1:]
        return "+" + " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    return number


@dataclass(frozen=True)
class Labels:
    """Code → label tables of a session, built once per export."""

    session: Session
    specialites: dict[str, str]
    departements: dict[str, str]
    etablissements: dict[str, str]
    formes: dict[str, str]
    #: Per speciality: its units' labels, general and professional.
    unites: dict[str, dict[str, str]]
    facultatives: dict[str, str]
    langues: dict[str, str]
    pieces: dict[str, str]

    @classmethod
    def of(cls, session: Session) -> Labels:
        return cls(
            session=session,
            specialites={s.code: s.libelle for s in session.specialites},
            departements={d.code: d.nom for d in session.departements},
            etablissements={d.etablissement.code: d.etablissement.libelle
                            for d in session.departements},
            formes={f.code: f.libelle for f in session.formes_passage},
            unites={s.code: recapitulatif.unit_labels(session, s.code)
                    for s in session.specialites},
            facultatives={u.code: u.libelle for u in session.unites_facultatives},
            langues={x.code: x.libelle for x in session.langues},
            pieces=suivi.piece_labels(session),
        )


Row = Mapping[str, Any]  # {"record": the stored dossier, "suivi": its follow-up}
Extract = Callable[[Row, Labels], Cell]


def _d(row: Row) -> dict[str, Any]:
    return dict(row["record"]["dossier"])


def _yes(value: Any) -> str:
    return OUI if value else NON


def _join(values: list[str]) -> str:
    return " ; ".join(values)


def _stamp(value: str) -> dt.datetime:
    # Stored in the session's local time with its offset: shown as that local time.
    return dt.datetime.fromisoformat(value).replace(tzinfo=None)


def _prenom(i: int) -> Extract:
    def extract(row: Row, labels: Labels) -> Cell:
        prenoms = _d(row)["etat_civil"]["prenoms"]
        return prenoms[i] if i < len(prenoms) else None
    return extract


def _unit(row: Row, labels: Labels, code: str) -> str:
    return labels.unites.get(_d(row)["specialite"], {}).get(code, code)


def _birth_date(row: Row, labels: Labels) -> Cell:
    """A date cell; text as the papers show it (« 00/00/1996 ») when they carry no day."""
    born = birth_date.parse(_d(row)["etat_civil"]["date_naissance"])
    if born is None:
        return str(_d(row)["etat_civil"]["date_naissance"])
    return born.earliest if born.complete else birth_date.display(born)


def _eps(row: Row, labels: Labels) -> Cell:
    eps = _d(row)["eps"]
    return "" if eps.get("dispense") else pair_label(eps["activites"], labels.session)


def _facultatives(row: Row, labels: Labels) -> Cell:
    out = []
    for e in _d(row).get("epreuves_facultatives", []):
        label = labels.facultatives.get(e["unite"], e["unite"])
        if e.get("langue"):
            langue = recapitulatif.langue(e["langue"], e.get("langue_autre"), labels.langues)
            label += f" : {langue}"
        out.append(label)
    return _join(out)


def _dispenses(row: Row, labels: Labels) -> Cell:
    return _join([f"{_unit(row, labels, x['unite'])} — {x['diplome']} ({x['annee']})"
                  for x in _d(row).get("dispenses", [])])


def _benefices(row: Row, labels: Labels) -> Cell:
    return _join([f"{_unit(row, labels, x['unite'])} — "
                  f"{x['note']:g}/20 ({x['annee']})".replace(".", ",")
                  for x in _d(row).get("benefices", [])])


def _pieces(row: Row, labels: Labels) -> Cell:
    return _join([p["libelle"] for p in shared_rules.required_pieces(_d(row))])


#: (header, extractor) in the spreadsheet's order.
COLUMNS: list[tuple[str, Extract]] = [
    ("Numéro d'inscription", lambda r, lb: display(r["record"]["numero"])),
    ("Statut", lambda r, lb: suivi.ETATS[suivi.etat(r["suivi"], r["record"]["version"])]),
    ("Modifié après réception de la confirmation",
     lambda r, lb: _yes(suivi.a_revoir(r["suivi"], r["record"]["version"]))),
    ("Pièces manquantes", lambda r, lb: _join([lb.pieces.get(c, c)
                                               for c in r["suivi"]["pieces_manquantes"]])),
    ("Note du bureau", lambda r, lb: r["suivi"]["note"]),
    # What the candidate was warned of and kept (shared_rules.warnings), for the bureau.
    ("Points à vérifier",
     lambda r, lb: _join(subjects(shared_rules.stored_warnings(_d(r))))),
    ("Version", lambda r, lb: int(r["record"]["version"])),
    ("Créé le", lambda r, lb: _stamp(r["record"]["cree_le"])),
    ("Modifié le", lambda r, lb: _stamp(r["record"]["modifie_le"])),
    ("Code spécialité", lambda r, lb: _d(r)["specialite"]),
    # With « autre », the label typed too (issue 26, item 3: it was in none of the columns).
    ("Spécialité", lambda r, lb: recapitulatif.specialite_libelle(
        lb.session, str(_d(r)["specialite"]), _d(r).get("specialite_autre"))),
    ("Nom de naissance", lambda r, lb: _d(r)["etat_civil"]["nom_naissance"]),
    ("Nom d'usage", lambda r, lb: _d(r)["etat_civil"].get("nom_usage")),
    *[(f"Prénom {i + 1}", _prenom(i)) for i in range(PRENOMS_MAX)],
    ("Sexe", lambda r, lb: _d(r)["etat_civil"]["sexe"]),
    ("Date de naissance", _birth_date),
    ("Commune de naissance", lambda r, lb: _d(r)["etat_civil"]["commune_naissance"]),
    ("Pays de naissance", lambda r, lb: _d(r)["etat_civil"]["pays_naissance"]),
    ("Adresse électronique", lambda r, lb: _d(r)["contact"]["email"]),
    ("Téléphone", lambda r, lb: spaced_phone(_d(r)["contact"].get("telephone"))),
    ("Adresse", lambda r, lb: _d(r)["contact"]["adresse"]),
    ("Code postal", lambda r, lb: Digits(_d(r)["contact"]["code_postal"])),
    ("Commune", lambda r, lb: _d(r)["contact"]["commune"]),
    ("Département", lambda r, lb: _d(r)["contact"]["departement"]),
    ("Établissement", lambda r, lb: lb.etablissements.get(_d(r).get("etablissement") or "",
                                                          _d(r).get("etablissement"))),
    ("Forme de passage", lambda r, lb: lb.formes.get(_d(r)["forme_passage"],
                                                     _d(r)["forme_passage"])),
    ("Unités présentées", lambda r, lb: _join([_unit(r, lb, u)
                                               for u in _d(r).get("unites_presentees", [])])),
    ("EPS : dispensé", lambda r, lb: _yes(_d(r)["eps"].get("dispense"))),
    ("EPS : activités", _eps),
    ("Langue vivante obligatoire",
     lambda r, lb: recapitulatif.langue(_d(r).get("langue_vivante"),
                                        _d(r).get("langue_vivante_autre"), lb.langues) or None),
    ("Épreuves facultatives", _facultatives),
    ("Dispenses (diplôme, année)", _dispenses),
    ("Notes conservées (note, session)", _benefices),
    ("Aménagement demandé", lambda r, lb: _yes((_d(r).get("amenagement") or {}).get("demande"))),
    ("Décision d'aménagement antérieure",
     lambda r, lb: _yes((_d(r).get("amenagement") or {}).get("decision_anterieure"))),
    ("Précisions sur l'aménagement",
     lambda r, lb: (_d(r).get("amenagement") or {}).get("precisions")),
    ("Rattrapage : année de l'échec",
     lambda r, lb: (_d(r).get("rattrapage") or {}).get("annee_echec")),
    ("Pièces à joindre", _pieces),
]
HEADERS = [header for header, _ in COLUMNS]


def _key(header: str) -> str:
    # « Code postal » → « code-postal », « EPS : dispensé » → « eps-dispense »: what the API and
    # a staff member's saved choice name a column by.
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _choices() -> dict[str, tuple[str, list[int]]]:
    # The first names, one column each, are chosen together (« Prénoms »).
    choices: dict[str, tuple[str, list[int]]] = {}
    for i, header in enumerate(HEADERS):
        key, label = ("prenoms", "Prénoms") if header.startswith("Prénom ") else (
            _key(header), header)
        if key in choices and key != "prenoms":
            raise ValueError(f"two columns share the key {key}")
        choices.setdefault(key, (label, []))[1].append(i)
    return choices


#: What a staff member chooses among, in the columns' order: key → (label, its columns' indices).
CHOICES = _choices()


def positions(keys: list[str] | None) -> list[int]:
    """The indices of the columns chosen by `keys` (in the columns' order, whatever order the
    keys come in; unknown keys ignored); every column for None."""
    if keys is None:
        return list(range(len(COLUMNS)))
    chosen = set(keys)
    return [i for key, (_, indices) in CHOICES.items() if key in chosen for i in indices]


def row(record: Mapping[str, Any], follow_up: Mapping[str, Any] | None,
        labels: Labels) -> list[Cell]:
    """One dossier's cells, in the columns' order."""
    source = {"record": record, "suivi": follow_up or suivi.initial()}
    return [extract(source, labels) for _, extract in COLUMNS]
