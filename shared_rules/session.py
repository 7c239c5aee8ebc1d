"""A session's data file, loaded into typed, immutable objects.

A session (one exam, one académie, one sitting) is described by one YAML file in a sessions
folder, named after its code. Adding a session or an académie is adding a file: no code change.
The file is checked strictly on load (unknown keys, wrong types, dangling codes) so that a typo
fails loudly at start-up rather than mis-judging a candidate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

PACKAGE_SESSIONS_DIR = Path(__file__).parent / "sessions"
#: The session the local run and the command line use when none is named.
DEFAULT_SESSION_CODE = "cap-limoges-2021-06"
#: The oldest birth year a dossier may give (schemas.DATE_NAISSANCE_MIN's year).
PREMIERE_ANNEE_NAISSANCE = 1900


class SessionDataError(ValueError):
    """A session data file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Etablissement:
    code: str
    libelle: str


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    etablissement: Etablissement
    #: « de la Corrèze », « en Corrèze »: the name in the messages (defaults say « département »).
    de: str = ""
    en: str = ""


@dataclass(frozen=True)
class FormePassage:
    code: str
    libelle: str
    recommandee: bool
    description: str


@dataclass(frozen=True)
class Activite:
    code: str
    libelle: str


@dataclass(frozen=True)
class Combinaison:
    activites: tuple[str, str]
    texte_notice: str
    #: What the candidate reads; None: composed from the activities' labels.
    libelle: str | None = None


@dataclass(frozen=True)
class Unite:
    code: str
    libelle: str
    generale: bool
    seulement_si_obligatoire: bool


@dataclass(frozen=True)
class UniteFacultative:
    code: str
    libelle: str
    avec_langue: bool


@dataclass(frozen=True)
class Langue:
    code: str
    libelle: str


@dataclass(frozen=True)
class Rattrapage:
    """A resit speciality, open only to candidates who failed it between two years;
    `successeur`: the code of the speciality that replaced it, for those who failed earlier."""

    annee_min: int
    annee_max: int
    successeur: str | None = None


@dataclass(frozen=True)
class Specialite:
    code: str
    libelle: str
    langue_vivante_obligatoire: bool
    unites_facultatives: tuple[str, ...]
    attestation_echafaudage: bool
    rattrapage: Rattrapage | None
    code_diplome: str | None
    a_confirmer: tuple[str, ...]
    source: str
    #: Whether the speciality is examined in the académie at this session.
    ouverte_academie: bool = True
    #: The « Ma spécialité n'est pas dans la liste » entry: the candidate writes the label.
    autre: bool = False
    #: Its professional units (EP1…): its own list, or specialite_par_defaut's.
    unites_professionnelles: tuple[Unite, ...] = ()

    def confirme(self, fait: str) -> bool:
        """True when the fact `fait` of this speciality is not marked à confirmer."""
        return fait not in self.a_confirmer


@dataclass(frozen=True)
class Piece:
    code: str
    condition: str
    libelle: str
    texte_notice: str


@dataclass(frozen=True)
class Adresse:
    lignes: tuple[str, ...]
    code_postal: str | None
    commune: str
    source: str
    a_confirmer: bool


@dataclass(frozen=True)
class ContactBureau:
    """How to reach the bureau: phone and email, None while unknown."""

    telephone: str | None
    courriel: str | None
    source: str
    a_confirmer: bool


@dataclass(frozen=True)
class DelaiPiecesManquantes:
    """How many days a candidate has to send the pieces the bureau found missing, counted from
    its « dossier incomplet » message; None while the Rectorat hasn't set it (« à confirmer »)."""

    jours: int | None
    source: str
    a_confirmer: bool


#: How the signed confirmation and the pieces come back to the bureau (issue 28): by post (the
#: notice of 2020), uploaded on « mon dossier », or either.
RETOUR_PAPIER, RETOUR_EN_LIGNE = "papier", "en_ligne"
RETOUR_MODES = (RETOUR_PAPIER, RETOUR_EN_LIGNE)


@dataclass(frozen=True)
class Session:
    """Every fact of one session's notice that a program uses."""

    code: str
    examen_code: str
    examen_libelle: str
    academie_code: str
    academie_libelle: str
    session: str
    annee_examen: int
    categorie: str
    fuseau_horaire: str
    ouverture_locale: dt.datetime
    cloture_locale: dt.datetime
    date_limite_retour: dt.date
    destinataire: str
    adresse: Adresse
    contact_bureau: ContactBureau
    delai_pieces_manquantes: DelaiPiecesManquantes
    majorite_age: int
    majorite_au: dt.date
    departements: tuple[Departement, ...]
    #: Neighbouring départements outside the académie: (code, « de la Charente »).
    departements_voisins: tuple[tuple[str, str], ...]
    etablissements_refuses_aux_majeurs: tuple[str, ...]
    formes_passage: tuple[FormePassage, ...]
    eps_dispense_autorisee: bool
    eps_activites: tuple[Activite, ...]
    eps_combinaisons: tuple[Combinaison, ...]
    #: The general units, common to every speciality.
    unites: tuple[Unite, ...]
    unites_facultatives: tuple[UniteFacultative, ...]
    langues: tuple[Langue, ...]
    langues_a_confirmer: bool
    langues_source: str
    dispenses_unites: tuple[str, ...]
    dispenses_age_minimum: int
    benefices_unites: tuple[str, ...]
    benefices_annee_min: int
    benefices_annee_max: int
    benefices_note_minimale: float
    specialites: tuple[Specialite, ...]
    pieces: tuple[Piece, ...]
    responsable_traitement: str
    responsable_contact: str | None
    responsable_a_confirmer: bool
    conservation_jours: int
    conservation_justification: str
    conservation_a_confirmer: bool
    base_legale: str | None
    base_legale_a_confirmer: bool
    #: What happens after an accommodation request, its source, and whether it is unconfirmed.
    amenagement_suite: tuple[str, ...] = ()
    amenagement_source: str = ""
    amenagement_a_confirmer: bool = False
    #: Whether every professional unit of the speciality may be exempted / kept.
    dispenses_unites_professionnelles: bool = False
    benefices_unites_professionnelles: bool = False
    #: How the confirmation and the pieces come back (RETOUR_MODES), in the file's order.
    retour_modes: tuple[str, ...] = (RETOUR_PAPIER,)

    @property
    def retour_en_ligne(self) -> bool:
        """The candidates may upload the signed confirmation and the pieces."""
        return RETOUR_EN_LIGNE in self.retour_modes

    @property
    def retour_papier(self) -> bool:
        """The candidates may post the signed confirmation and the pieces."""
        return RETOUR_PAPIER in self.retour_modes

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.fuseau_horaire)

    @property
    def ouverture(self) -> dt.datetime:
        """The registry's opening, an aware datetime (inclusive)."""
        return self.ouverture_locale.replace(tzinfo=self.zone)

    @property
    def cloture(self) -> dt.datetime:
        """The registry's closing, an aware datetime (closed from this instant on)."""
        return self.cloture_locale.replace(tzinfo=self.zone)

    @cached_property
    def _specialites(self) -> dict[str, Specialite]:
        return {s.code: s for s in self.specialites}

    @cached_property
    def _departements(self) -> dict[str, Departement]:
        return {d.code: d for d in self.departements}

    def specialite(self, code: str) -> Specialite | None:
        """The speciality with this code, or None."""
        return self._specialites.get(code)

    def departement(self, code: str) -> Departement | None:
        """The département of residence with this code, or None."""
        return self._departements.get(code)

    def unite(self, code: str) -> Unite | None:
        """The general unit with this code, or None."""
        return next((u for u in self.unites if u.code == code), None)

    def unites_de(self, specialite: Specialite | None) -> tuple[Unite, ...]:
        """The units of a speciality: the general ones, then its professional ones."""
        return self.unites + (specialite.unites_professionnelles if specialite else ())

    @cached_property
    def unites_professionnelles(self) -> tuple[Unite, ...]:
        """Every professional unit of every speciality, each code once (the first's label)."""
        found: dict[str, Unite] = {}
        for specialite in self.specialites:
            for unite in specialite.unites_professionnelles:
                found.setdefault(unite.code, unite)
        return tuple(found.values())

    def facts_to_confirm(self) -> list[str]:
        """Facts candidates rely on that are still unconfirmed (production refuses to start)."""
        missing = []
        if self.adresse.a_confirmer:
            missing.append("retour_confirmation.adresse")
        if self.contact_bureau.a_confirmer:
            missing.append("retour_confirmation.contact_bureau")
        if self.responsable_a_confirmer:
            missing.append("donnees_personnelles.responsable_traitement")
        if self.conservation_a_confirmer:
            missing.append("donnees_personnelles.conservation")
        if self.base_legale_a_confirmer:
            missing.append("donnees_personnelles.base_legale")
        return missing


# -- the file's schema --------------------------------------------------------------------------

_CODE = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]*$"))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class _Libelle(_Strict):
    code = fields.String(required=True)
    libelle = fields.String(required=True)


class _Departement(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^(\d{2}|2A|2B|\d{3})$"))
    nom = fields.String(required=True)
    etablissement = fields.Nested(_Libelle, required=True)
    de = fields.String()
    en = fields.String()


class _Voisin(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^(\d{2}|2A|2B|\d{3})$"))
    de = fields.String(required=True)


class _Forme(_Strict):
    code = fields.String(required=True, validate=validate.OneOf(["globale", "progressive"]))
    libelle = fields.String(required=True)
    recommandee = fields.Boolean(required=True)
    description = fields.String(required=True)


class _Combinaison(_Strict):
    activites = fields.List(fields.String(), required=True, validate=validate.Length(equal=2))
    texte_notice = fields.String(required=True)
    libelle = fields.String()


class _Eps(_Strict):
    dispense_autorisee = fields.Boolean(required=True)
    activites = fields.List(fields.Nested(_Libelle), required=True)
    combinaisons = fields.List(fields.Nested(_Combinaison), required=True)


class _Unite(_Strict):
    code = fields.String(required=True)
    libelle = fields.String(required=True)
    generale = fields.Boolean(required=True)
    seulement_si_obligatoire = fields.Boolean(load_default=False)


class _UniteFacultative(_Strict):
    code = fields.String(required=True)
    libelle = fields.String(required=True)
    avec_langue = fields.Boolean(required=True)


class _Langues(_Strict):
    liste = fields.List(fields.Nested(_Libelle), required=True)
    source = fields.String(required=True)
    a_confirmer = fields.Boolean(required=True)


class _Rattrapage(_Strict):
    annee_min = fields.Integer(required=True)
    annee_max = fields.Integer(required=True)
    successeur = fields.String()




class _SpecialiteDefaut(_Strict):
    langue_vivante_obligatoire = fields.Boolean(required=True)
    unites_facultatives = fields.List(fields.String(), required=True)
    attestation_echafaudage = fields.Boolean(required=True)
    rattrapage = fields.Nested(_Rattrapage, allow_none=True, required=True)
    code_diplome = fields.String(allow_none=True, required=True)
    ouverte_academie = fields.Boolean(load_default=True)
    unites_professionnelles = fields.List(fields.Nested(_Libelle), required=True,
                                          validate=validate.Length(min=1))
    a_confirmer = fields.List(fields.String(), required=True)


class _Specialite(_Strict):
    code = _CODE
    libelle = fields.String(required=True)
    source = fields.String(required=True)
    # Optional: each one overrides specialite_par_defaut.
    langue_vivante_obligatoire = fields.Boolean()
    unites_facultatives = fields.List(fields.String())
    attestation_echafaudage = fields.Boolean()
    rattrapage = fields.Nested(_Rattrapage, allow_none=True)
    code_diplome = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{8}$"))
    ouverte_academie = fields.Boolean()
    autre = fields.Boolean()
    #: Its own professional units (else specialite_par_defaut's).
    unites_professionnelles = fields.List(fields.Nested(_Libelle),
                                          validate=validate.Length(min=1))
    a_confirmer = fields.List(fields.String())
    #: Facts of specialite_par_defaut.a_confirmer that a source confirms for this speciality.
    confirmes = fields.List(fields.String())


class _Piece(_Strict):
    code = _CODE
    condition = fields.String(required=True)
    libelle = fields.String(required=True)
    texte_notice = fields.String(required=True)


class _Adresse(_Strict):
    lignes = fields.List(fields.String(), required=True)
    code_postal = fields.String(allow_none=True, required=True)
    commune = fields.String(required=True)
    source = fields.String(required=True)
    a_confirmer = fields.Boolean(required=True)


class _ContactBureau(_Strict):
    telephone = fields.String(allow_none=True, required=True)
    courriel = fields.String(allow_none=True, required=True)
    source = fields.String(required=True)
    a_confirmer = fields.Boolean(required=True)

    @validates_schema
    def _confirmed_means_known(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["a_confirmer"] and not (data["telephone"] or data["courriel"]):
            raise ValidationError("a confirmed contact needs a phone or an email", "telephone")


class _DelaiPiecesManquantes(_Strict):
    jours = fields.Integer(allow_none=True, required=True, validate=validate.Range(min=1, max=90))
    source = fields.String(required=True)
    a_confirmer = fields.Boolean(required=True)

    @validates_schema
    def _confirmed_means_known(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["a_confirmer"] and data["jours"] is None:
            raise ValidationError("a confirmed deadline needs its number of days", "jours")


class _Retour(_Strict):
    date_limite = fields.Date(required=True)
    modes = fields.List(fields.String(validate=validate.OneOf(RETOUR_MODES)), required=True,
                        validate=validate.Length(min=1))

    @validates_schema
    def _each_mode_once(self, data: dict[str, Any], **kwargs: Any) -> None:
        if len(set(data["modes"])) != len(data["modes"]):
            raise ValidationError("each mode once", "modes")
    destinataire = fields.String(required=True)
    adresse = fields.Nested(_Adresse, required=True)
    contact_bureau = fields.Nested(_ContactBureau, required=True)
    pieces_manquantes = fields.Nested(_DelaiPiecesManquantes, required=True)


class _Registre(_Strict):
    ouverture = fields.NaiveDateTime(required=True)
    cloture = fields.NaiveDateTime(required=True)


class _Majorite(_Strict):
    age = fields.Integer(required=True)
    au = fields.Date(required=True)


class _Dispenses(_Strict):
    unites = fields.List(fields.String(), required=True)
    #: Every professional unit of the speciality too (its own regulation says which).
    unites_professionnelles = fields.Boolean(load_default=False)
    age_minimum_obtention = fields.Integer(required=True, validate=validate.Range(min=1))


class _Benefices(_Strict):
    unites = fields.List(fields.String(), required=True)
    unites_professionnelles = fields.Boolean(load_default=False)
    annee_min = fields.Integer(required=True)
    annee_max = fields.Integer(required=True)
    note_minimale = fields.Float(required=True)
    source = fields.String(required=True)


class _Responsable(_Strict):
    nom = fields.String(required=True)
    contact = fields.String(allow_none=True, required=True)
    a_confirmer = fields.Boolean(required=True)


class _Conservation(_Strict):
    jours = fields.Integer(required=True, validate=validate.Range(min=1))
    justification = fields.String(required=True)
    a_confirmer = fields.Boolean(required=True)


class _BaseLegale(_Strict):
    texte = fields.String(allow_none=True, required=True)
    a_confirmer = fields.Boolean(required=True)

    @validates_schema
    def _confirmed_means_stated(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["a_confirmer"] and not (data["texte"] or "").strip():
            raise ValidationError("a confirmed legal basis needs its text", "texte")


class _DonneesPersonnelles(_Strict):
    responsable_traitement = fields.Nested(_Responsable, required=True)
    conservation = fields.Nested(_Conservation, required=True)
    base_legale = fields.Nested(_BaseLegale, required=True)


class _Amenagement(_Strict):
    suite = fields.List(fields.String(), required=True)
    source = fields.String(required=True)
    a_confirmer = fields.Boolean(required=True)


class _SessionFile(_Strict):
    code = _CODE
    examen = fields.Nested(_Libelle, required=True)
    academie = fields.Nested(_Libelle, required=True)
    session = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$"))
    annee_examen = fields.Integer(required=True)
    categorie = fields.String(required=True)
    fuseau_horaire = fields.String(required=True)
    registre = fields.Nested(_Registre, required=True)
    retour_confirmation = fields.Nested(_Retour, required=True)
    majorite = fields.Nested(_Majorite, required=True)
    departements = fields.List(fields.Nested(_Departement), required=True)
    departements_voisins = fields.List(fields.Nested(_Voisin), load_default=list)
    etablissements_refuses_aux_majeurs = fields.List(fields.String(), required=True)
    formes_passage = fields.List(fields.Nested(_Forme), required=True)
    eps = fields.Nested(_Eps, required=True)
    unites = fields.List(fields.Nested(_Unite), required=True)
    unites_facultatives = fields.List(fields.Nested(_UniteFacultative), required=True)
    langues_vivantes = fields.Nested(_Langues, required=True)
    dispenses = fields.Nested(_Dispenses, required=True)
    benefices = fields.Nested(_Benefices, required=True)
    specialite_par_defaut = fields.Nested(_SpecialiteDefaut, required=True)
    specialites = fields.List(fields.Nested(_Specialite), required=True)
    pieces = fields.List(fields.Nested(_Piece), required=True)
    donnees_personnelles = fields.Nested(_DonneesPersonnelles, required=True)
    amenagement = fields.Nested(_Amenagement, load_default=lambda: {
        "suite": [], "source": "", "a_confirmer": False})

    @post_load
    def _build(self, data: dict[str, Any], **kwargs: Any) -> Session:
        return _build_session(data)


def _build_session(d: dict[str, Any]) -> Session:
    defaut = d["specialite_par_defaut"]
    specialites = []
    for raw in d["specialites"]:
        merged = {**defaut, **raw}
        ratt = merged["rattrapage"]
        specialites.append(
            Specialite(
                code=merged["code"],
                libelle=merged["libelle"],
                langue_vivante_obligatoire=merged["langue_vivante_obligatoire"],
                unites_facultatives=tuple(merged["unites_facultatives"]),
                attestation_echafaudage=merged["attestation_echafaudage"],
                rattrapage=Rattrapage(**ratt) if ratt else None,
                code_diplome=merged["code_diplome"],
                a_confirmer=tuple(
                    f for f in dict.fromkeys([*defaut["a_confirmer"], *raw.get("a_confirmer", [])])
                    if f not in raw.get("confirmes", [])
                ),
                source=merged["source"],
                ouverte_academie=merged["ouverte_academie"],
                autre=merged.get("autre", False),
                unites_professionnelles=tuple(
                    Unite(x["code"], x["libelle"], generale=False, seulement_si_obligatoire=False)
                    for x in merged["unites_professionnelles"]),
            )
        )
    retour, adresse = d["retour_confirmation"], d["retour_confirmation"]["adresse"]
    perso = d["donnees_personnelles"]
    return Session(
        code=d["code"],
        examen_code=d["examen"]["code"],
        examen_libelle=d["examen"]["libelle"],
        academie_code=d["academie"]["code"],
        academie_libelle=d["academie"]["libelle"],
        session=d["session"],
        annee_examen=d["annee_examen"],
        categorie=d["categorie"],
        fuseau_horaire=d["fuseau_horaire"],
        ouverture_locale=d["registre"]["ouverture"],
        cloture_locale=d["registre"]["cloture"],
        date_limite_retour=retour["date_limite"],
        retour_modes=tuple(retour["modes"]),
        destinataire=retour["destinataire"],
        adresse=Adresse(
            lignes=tuple(adresse["lignes"]),
            code_postal=adresse["code_postal"],
            commune=adresse["commune"],
            source=adresse["source"],
            a_confirmer=adresse["a_confirmer"],
        ),
        contact_bureau=ContactBureau(**retour["contact_bureau"]),
        delai_pieces_manquantes=DelaiPiecesManquantes(**retour["pieces_manquantes"]),
        majorite_age=d["majorite"]["age"],
        majorite_au=d["majorite"]["au"],
        departements=tuple(
            Departement(x["code"], x["nom"], Etablissement(**x["etablissement"]),
                        de=x.get("de", f"du département {x['nom']}"),
                        en=x.get("en", f"dans le département {x['nom']}"))
            for x in d["departements"]
        ),
        departements_voisins=tuple((x["code"], x["de"]) for x in d["departements_voisins"]),
        etablissements_refuses_aux_majeurs=tuple(d["etablissements_refuses_aux_majeurs"]),
        formes_passage=tuple(FormePassage(**x) for x in d["formes_passage"]),
        eps_dispense_autorisee=d["eps"]["dispense_autorisee"],
        eps_activites=tuple(Activite(**x) for x in d["eps"]["activites"]),
        eps_combinaisons=tuple(
            Combinaison((x["activites"][0], x["activites"][1]), x["texte_notice"],
                        x.get("libelle"))
            for x in d["eps"]["combinaisons"]
        ),
        unites=tuple(Unite(**x) for x in d["unites"]),
        unites_facultatives=tuple(UniteFacultative(**x) for x in d["unites_facultatives"]),
        langues=tuple(Langue(**x) for x in d["langues_vivantes"]["liste"]),
        langues_a_confirmer=d["langues_vivantes"]["a_confirmer"],
        langues_source=d["langues_vivantes"]["source"],
        dispenses_unites=tuple(d["dispenses"]["unites"]),
        dispenses_unites_professionnelles=d["dispenses"]["unites_professionnelles"],
        benefices_unites_professionnelles=d["benefices"]["unites_professionnelles"],

        dispenses_age_minimum=d["dispenses"]["age_minimum_obtention"],
        benefices_unites=tuple(d["benefices"]["unites"]),
        benefices_annee_min=d["benefices"]["annee_min"],
        benefices_annee_max=d["benefices"]["annee_max"],
        benefices_note_minimale=d["benefices"]["note_minimale"],
        specialites=tuple(specialites),
        pieces=tuple(Piece(**x) for x in d["pieces"]),
        responsable_traitement=perso["responsable_traitement"]["nom"],
        responsable_contact=perso["responsable_traitement"]["contact"],
        responsable_a_confirmer=perso["responsable_traitement"]["a_confirmer"],
        conservation_jours=perso["conservation"]["jours"],
        conservation_justification=perso["conservation"]["justification"],
        conservation_a_confirmer=perso["conservation"]["a_confirmer"],
        base_legale=perso["base_legale"]["texte"],
        base_legale_a_confirmer=perso["base_legale"]["a_confirmer"],
        amenagement_suite=tuple(d["amenagement"]["suite"]),
        amenagement_source=d["amenagement"]["source"],
        amenagement_a_confirmer=d["amenagement"]["a_confirmer"],
    )


def _check_consistency(s: Session, *, conditions: Iterable[str]) -> list[str]:
    """Cross-references inside one file: every code used is defined somewhere."""
    problems: list[str] = []
    activites = {a.code for a in s.eps_activites}
    unites = {u.code for u in s.unites}
    facultatives = {u.code for u in s.unites_facultatives}
    known_conditions = set(conditions)
    for c in s.eps_combinaisons:
        problems += [f"eps.combinaisons: unknown activity {a!r}" for a in c.activites
                     if a not in activites]
    pairs = [frozenset(c.activites) for c in s.eps_combinaisons]
    if len(set(pairs)) != len(pairs) or any(len(p) != 2 for p in pairs):
        problems.append("eps.combinaisons: each pair must be two distinct activities, once")
    for label, codes in (("dispenses", s.dispenses_unites), ("benefices", s.benefices_unites)):
        problems += [f"{label}.unites: unknown unit {u!r}" for u in codes if u not in unites]
    facts = {f.name for f in dataclasses.fields(Specialite)} - {"code", "source", "a_confirmer"}
    specialites = {sp.code for sp in s.specialites}
    for sp in s.specialites:
        own = [u.code for u in sp.unites_professionnelles]
        if len(set(own)) != len(own) or set(own) & unites:
            problems.append(f"specialites.{sp.code}: professional unit codes must be unique "
                            "and differ from the general units'")
        if sp.rattrapage and sp.rattrapage.successeur not in (None, *specialites):
            problems.append(f"specialites.{sp.code}: unknown successor "
                            f"{sp.rattrapage.successeur!r}")
        problems += [f"specialites.{sp.code}: unknown optional unit {u!r}"
                     for u in sp.unites_facultatives if u not in facultatives]
        problems += [f"specialites.{sp.code}: a_confirmer names an unknown fact {f!r}"
                     for f in sp.a_confirmer if f not in facts]
    if sum(sp.autre for sp in s.specialites) > 1:
        problems.append("specialites: at most one « autre » entry")
    for p in s.pieces:
        if p.condition not in known_conditions:
            problems.append(f"pieces.{p.code}: unknown condition {p.condition!r}")
    for label, items in (
        ("specialites", [x.code for x in s.specialites]),
        ("departements", [x.code for x in s.departements]),
        ("pieces", [x.code for x in s.pieces]),
        ("unites", [x.code for x in s.unites]),
    ):
        if len(set(items)) != len(items):
            problems.append(f"{label}: duplicate codes")
    if sum(f.recommandee for f in s.formes_passage) > 1:
        problems.append("formes_passage: at most one is recommended")
    if not s.ouverture_locale < s.cloture_locale:
        problems.append("registre: ouverture must come before cloture")
    try:
        ZoneInfo(s.fuseau_horaire)
    except (KeyError, ValueError):
        problems.append(f"fuseau_horaire: unknown time zone {s.fuseau_horaire!r}")
    return problems


def load_session_file(path: Path, *, conditions: Iterable[str]) -> Session:
    """Load and check one session data file; `conditions` are the names of the pieces'
    conditions the data may use (shared_rules.pieces.CONDITIONS, passed by the registry)."""
    try:
        # libyaml's parser when PyYAML has it (its wheels do): the same safe constructor, a
        # tenth of the pure-Python parser's time at the Lambda's cold start (issue 18).
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        session: Session = _SessionFile().load(raw)
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise SessionDataError(f"{path.name}: {exc}") from exc
    if session.code != path.stem:
        raise SessionDataError(f"{path.name}: code {session.code!r} differs from the file name")
    problems = _check_consistency(session, conditions=conditions)
    if problems:
        raise SessionDataError(f"{path.name}: " + "; ".join(problems))
    return session
