"""A stored dossier as the candidate reads it back: labelled rows, grouped as on the form.

The confirmation PDF and the confirmation email both print this, so that they can never disagree.
Every label of a code (speciality, unit, EPS activity, language, département…) is read from the
session data; names are printed exactly as typed, every first name in civil-status order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import shared_rules
from handler.dossier.numero import display
from shared_rules import birth_date, telephone
from shared_rules.dates_fr import date_heure_longue, date_longue
from shared_rules.eps import pair_label
from shared_rules.export import A_CONFIRMER
from shared_rules.messages import LANGUE_AUTRE_LIBELLE
from shared_rules.pieces import consigne_en_ligne
from shared_rules.session import Session
from shared_rules.unconfirmed import LANGUE_AUTRE

SEXES = {"F": "Féminin", "M": "Masculin"}
NON_RENSEIGNE = "non renseigné"
#: The first names' row of a person who has none (« Je n'ai pas de prénom à l'état civil »).
SANS_PRENOM = "aucun (pas de prénom à l'état civil)"


@dataclass(frozen=True)
class Section:
    """One group of the form: a title and its (label, value) rows."""

    titre: str
    lignes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Retour:
    """Where and by when the signed confirmation goes, with the late-return warning if due."""

    destinataire: str
    adresse: tuple[str, ...]
    adresse_a_confirmer: str | None
    date_limite: str
    #: « Elle doit parvenir … au plus tard le … »: the deadline, received by (the notice).
    delai: str
    message_retour_tardif: str | None
    #: Where the pieces may be deposited online (issue 28): what to do, else None.
    en_ligne: str | None = None
    #: Online only: nothing goes by post (`adresse` is then empty).
    en_ligne_seulement: bool = False


def _note(value: float) -> str:
    return f"{value:g}".replace(".", ",") + "/20"


def _labels(items: Any) -> dict[str, str]:
    return {item.code: item.libelle for item in items}


def _join(values: list[str]) -> str:
    return " ; ".join(values) if values else "aucune"


def prenoms(etat_civil: Mapping[str, Any]) -> str:
    """Every first name in civil-status order, or what says the person has none."""
    return ", ".join(etat_civil["prenoms"]) if etat_civil["prenoms"] else SANS_PRENOM


def date_naissance(etat_civil: Mapping[str, Any]) -> str:
    """« 17/05/1998 », « 00/00/1996 (jour et mois inconnus) »: as the papers show it."""
    born = birth_date.parse(etat_civil["date_naissance"])
    return birth_date.display_with_parts(born) if born else str(etat_civil["date_naissance"])


def langue(code: str | None, libelle: str | None, langues: Mapping[str, str]) -> str:
    """A language's label; « Autre langue : Arabe » for one typed by hand."""
    if code == LANGUE_AUTRE:
        return f"{LANGUE_AUTRE_LIBELLE} : {libelle or ''}"
    return langues.get(code or "", code or "")


def specialite_libelle(session: Session, code: str, typed: str | None) -> str:
    """The speciality's label; with « Ma spécialité n'est pas dans la liste », the label the
    candidate typed after it (the review, the PDF, the staff's list and exports)."""
    specialite = session.specialite(code)
    if specialite is None:
        return code
    return f"{specialite.libelle} : {typed or ''}" if specialite.autre else specialite.libelle


def unit_labels(session: Session, specialite_code: str) -> dict[str, str]:
    """Every unit's label in this speciality: the general units and its professional ones (and
    another speciality's, which an unconfirmed list may let a dossier name)."""
    return {**_labels(session.unites_professionnelles),
            **_labels(session.unites_de(session.specialite(specialite_code)))}


#: What an email says instead of the accommodation's « précisions » (issue 29): they may concern
#: the candidate's health, which an email must not carry in clear.
PRECISIONS_NON_REPRISES = ("précisions enregistrées, non reprises dans ce courriel car elles "
                           "peuvent concerner votre santé : consultez-les sur « Mon dossier »")


def sections(record: Mapping[str, Any], session: Session, *,
             health_details: bool = True) -> list[Section]:
    """The dossier's data in the form's groups, every code replaced by its label.
    `health_details=False` (an email): the accommodation's « précisions » are not written out."""
    d = record["dossier"]
    ec, contact = d["etat_civil"], d["contact"]
    specialite = session.specialite(d["specialite"])
    departement = session.departement(contact["departement"])
    etablissements = {dep.etablissement.code: dep.etablissement.libelle
                      for dep in session.departements}
    unites = unit_labels(session, d["specialite"])
    facultatives = _labels(session.unites_facultatives)
    langues = _labels(session.langues)
    formes = _labels(session.formes_passage)

    examen = [
        ("Examen", f"{session.examen_libelle} ({session.examen_code})"),
        ("Spécialité", specialite_libelle(session, d["specialite"], d.get("specialite_autre"))),
        ("Session", session.session),
        ("Catégorie", session.categorie),
    ]
    etat_civil = [
        ("Nom de naissance", ec["nom_naissance"]),
        ("Nom d'usage", ec.get("nom_usage") or NON_RENSEIGNE),
        ("Prénoms (dans l'ordre de l'état civil)", prenoms(ec)),
        ("Sexe", SEXES.get(ec["sexe"], ec["sexe"])),
        ("Date de naissance", date_naissance(ec)),
        ("Commune de naissance", ec["commune_naissance"]),
        ("Pays de naissance", ec["pays_naissance"]),
    ]
    coordonnees = [
        ("Adresse", contact["adresse"]),
        ("Code postal et commune", f"{contact['code_postal']} {contact['commune']}"),
        ("Département", (f"{departement.nom} ({departement.code})" if departement
                         else contact["departement"])),
        ("Adresse électronique", contact["email"]),
        ("Téléphone", telephone.display(contact["telephone"]) if contact.get("telephone")
         else NON_RENSEIGNE),
    ]
    inscription = [
        ("Établissement", etablissements.get(d.get("etablissement") or "",
                                             d.get("etablissement") or "")),
        ("Forme de passage", formes.get(d["forme_passage"], d["forme_passage"])),
    ]
    if d["forme_passage"] == "progressive":
        inscription.append(("Unités présentées à cette session",
                            _join([unites.get(u, u) for u in d.get("unites_presentees", [])])))
    eps = d["eps"]
    inscription.append(("Éducation physique et sportive",
                        "Dispensé(e)" if eps.get("dispense")
                        else pair_label(eps["activites"], session)))
    if d.get("langue_vivante") or (specialite and specialite.langue_vivante_obligatoire):
        code = d.get("langue_vivante")
        inscription.append(("Langue vivante obligatoire",
                            langue(code, d.get("langue_vivante_autre"), langues) if code
                            else NON_RENSEIGNE))

    options = []
    for epreuve in d.get("epreuves_facultatives", []):
        label = facultatives.get(epreuve["unite"], epreuve["unite"])
        if epreuve.get("langue"):
            label += f" : {langue(epreuve['langue'], epreuve.get('langue_autre'), langues)}"
        options.append(label)
    dispenses = [f"{unites.get(x['unite'], x['unite'])} — {x['diplome']} ({x['annee']})"
                 for x in d.get("dispenses", [])]
    benefices = [f"{unites.get(x['unite'], x['unite'])} — {_note(x['note'])} ({x['annee']})"
                 for x in d.get("benefices", [])]
    choix = [
        ("Épreuves facultatives", _join(options)),
        ("Dispenses d'épreuves (diplôme, année)", _join(dispenses)),
        ("Notes conservées (note, session)", _join(benefices)),
    ]
    amenagement = d.get("amenagement") or {}
    if amenagement.get("demande"):
        texte = "Demandé"
        texte += (" ; décision d'aménagement obtenue à une session antérieure"
                  if amenagement.get("decision_anterieure") else "")
        if amenagement.get("precisions"):
            texte += (f" ; précisions : {amenagement['precisions']}" if health_details
                      else f" ; {PRECISIONS_NON_REPRISES}")
    else:
        texte = "Non demandé"
    choix.append(("Aménagement d'épreuves", texte))
    if d.get("rattrapage"):
        choix.append(("Session de rattrapage : année de l'échec",
                      str(d["rattrapage"]["annee_echec"])))

    return [
        Section("Examen", tuple(examen)),
        Section("État civil", tuple(etat_civil)),
        Section("Coordonnées", tuple(coordonnees)),
        Section("Inscription", tuple(inscription)),
        Section("Options, dispenses et aménagements", tuple(choix)),
    ]


def pieces(record: Mapping[str, Any]) -> list[str]:
    """The labels of the pieces this dossier must enclose (shared_rules decides which)."""
    return [piece["libelle"] for piece in shared_rules.required_pieces(record["dossier"])]


def retour(record: Mapping[str, Any], session: Session) -> Retour:
    """The return of the signed confirmation: address, deadline and, when due, the warning."""
    adresse = session.adresse
    commune = (f"{adresse.code_postal} {adresse.commune}" if adresse.code_postal
               else f"{adresse.commune} (code postal « {A_CONFIRMER} »)")
    late = shared_rules.is_late_for_return(dt.datetime.fromisoformat(record["modifie_le"]), session)
    by_post = session.retour_papier
    return Retour(
        destinataire=session.destinataire,
        adresse=(*adresse.lignes, commune) if by_post else (),
        adresse_a_confirmer=(
            f"Cette adresse est « {A_CONFIRMER} » : avant votre envoi, vérifiez-la sur le site "
            "du rectorat ou auprès de ses services." if adresse.a_confirmer and by_post
            else None),
        en_ligne=consigne_en_ligne(session),
        en_ligne_seulement=not by_post,
        date_limite=date_longue(session.date_limite_retour),
        delai=shared_rules.return_deadline(session),
        message_retour_tardif=shared_rules.late_return_message(session) if late else None,
    )


def numero(record: Mapping[str, Any]) -> str:
    """The registration number as the candidate copies it (« 7K3M-Q9PA-R »)."""
    return display(record["numero"])


def modifie_le(record: Mapping[str, Any]) -> str:
    """« lundi 2 novembre 2020 à 10 h 00 »: the last modification, in the session's time."""
    return date_heure_longue(dt.datetime.fromisoformat(record["modifie_le"]))


#: A row one version has and the other hasn't.
ABSENT = "—"


def _rows(record: Mapping[str, Any], session: Session, *,
          health_details: bool = True) -> dict[tuple[str, str], str]:
    rows: dict[tuple[str, str], str] = {}
    for section in sections(record, session, health_details=health_details):
        for label, value in section.lignes:
            key = (section.titre, label)
            rows[key] = f"{rows[key]} ; {value}" if key in rows else value
    return rows


def changes(before: Mapping[str, Any], after: Mapping[str, Any], session: Session, *,
            health_details: bool = True) -> list[dict[str, str]]:
    """Each row that differs from one version to the next: group, label, before, after (the
    bureau's history of versions, and the modification email). `health_details=False`: a row
    whose only change is the accommodation's « précisions » is still listed, its values told
    without them."""
    old, new = _rows(before, session), _rows(after, session)
    if not health_details:
        shown_old = _rows(before, session, health_details=False)
        shown_new = _rows(after, session, health_details=False)
    else:
        shown_old, shown_new = old, new
    keys = list(old) + [k for k in new if k not in old]
    return [{"groupe": titre, "libelle": label,
             "avant": shown_old.get((titre, label), ABSENT),
             "apres": shown_new.get((titre, label), ABSENT)}
            for titre, label in keys if old.get((titre, label)) != new.get((titre, label))]
