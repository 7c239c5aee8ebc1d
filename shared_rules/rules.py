"""The session's rules, applied to a dossier whose fields each have the right shape.

Each check reports errors on the field the candidate must change (dotted path, list indices as
numbers), never on the dossier as a whole. A check whose inputs failed the shape check is
skipped: the candidate first fixes that field.

A rule here refuses only what the notice forbids (or a text the session data names, or a
dossier that contradicts itself); whatever else the service doubts is a warning
(`shared_rules.warnings`), never a refusal. README, « The rules », lists every refusal with its
source.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shared_rules import birth_date
from shared_rules import messages as msg
from shared_rules.dates_fr import date_courte
from shared_rules.eligibility import (
    establishment_for,
    is_distance_learning,
    last_adult_birth_date,
    names_establishment,
)
from shared_rules.eps import check_eps_choice
from shared_rules.session import Session, Specialite
from shared_rules.unconfirmed import (
    LANGUE_AUTRE,
    JudgedSpecialite,
    for_judging,
    languages_for_judging,
    may_sit_language,
)

Errors = Iterator[tuple[str, str]]


def check_rules(data: dict[str, Any], session: Session, *,
                broken: set[str]) -> dict[str, list[str]]:
    """Errors by field path; `broken` holds the top-level fields that failed the shape check."""
    errors: dict[str, list[str]] = {}

    def report(found: Errors) -> None:
        for path, message in found:
            errors.setdefault(path, []).append(message)

    specialite = session.specialite(data["specialite"]) if "specialite" in data else None
    if "specialite" in data and specialite is None:
        report(iter([("specialite", msg.SPECIALITE_INCONNUE)]))
    if specialite is not None and "specialite_autre" not in broken:
        report(_specialite_autre(data, specialite))
    report(_etat_civil(data.get("etat_civil", {}), session))
    report(_contact_and_establishment(data, session))
    if "eps" in data and "eps" not in broken and "dispense" in data["eps"]:
        report(_eps(data, session, _sitting(data, broken)))
    if specialite is not None:
        judged = for_judging(specialite, session)
        if not broken & {"forme_passage", "unites_presentees"}:
            report(_forme_passage(data, session, judged))
        sitting = _sitting(data, broken)
        if not broken & {"langue_vivante", "langue_vivante_autre", "epreuves_facultatives"}:
            report(_langues(data, session, judged, sitting))
        if not broken & {"dispenses", "benefices"}:
            report(_dispenses_benefices(data, session, judged, sitting))
        if "rattrapage" not in broken:
            report(_rattrapage(data, specialite, session))
    if "amenagement" not in broken:
        report(_amenagement(data.get("amenagement") or {}))
    return errors


def _specialite_autre(data: dict[str, Any], specialite: Specialite) -> Errors:
    """« Ma spécialité n'est pas dans la liste »: the label typed by hand, then, and only then."""
    libelle = data.get("specialite_autre")
    if specialite.autre and not libelle:
        yield "specialite_autre", msg.SPECIALITE_AUTRE_OBLIGATOIRE
    elif not specialite.autre and libelle:
        yield "specialite_autre", msg.SPECIALITE_AUTRE_INUTILE


class _Sitting:
    """Which units the dossier says are sat this session, and which are not sat at all: the
    inputs of the contradiction checks (README, « Contradictions »). A part of the dossier that
    failed its shape check says nothing."""

    def __init__(self, data: dict[str, Any], broken: set[str]) -> None:
        units = ([] if broken & {"forme_passage", "unites_presentees"}
                 else data.get("unites_presentees") or [])
        #: The units listed in progressive form, or None (global form: every unit).
        self.listed: set[str] | None = (
            set(units) if data.get("forme_passage") == "progressive" and units else None)
        exempted = [] if broken & {"dispenses", "benefices"} else data.get("dispenses", [])
        kept = [] if broken & {"dispenses", "benefices"} else data.get("benefices", [])
        self.exempted = {d.get("unite") for d in exempted}
        self.kept = {b.get("unite") for b in kept}

    def listed_out(self, unit: str) -> bool:
        """True when progressive form lists units and this one is not among them."""
        return self.listed is not None and unit not in self.listed

    def kept_instead(self, unit: str) -> bool:
        """True when a grade is kept for this unit and it is not listed as sat."""
        return unit in self.kept and not (self.listed is not None and unit in self.listed)


def _sitting(data: dict[str, Any], broken: set[str]) -> _Sitting:
    return _Sitting(data, broken)


def _eps(data: dict[str, Any], session: Session, sitting: _Sitting) -> Errors:
    """The EPS choice, unless EPS is not sat: a kept grade, or progressive form without it."""
    dispense, activites = data["eps"]["dispense"], data["eps"].get("activites", [])
    if sitting.kept_instead("eps"):
        if dispense:
            yield "eps.dispense", msg.EPS_DISPENSE_ET_NOTE
        elif activites:
            yield "eps.activites", msg.EPS_ACTIVITES_ET_NOTE
        return
    if sitting.listed_out("eps") and not dispense:
        if activites:
            yield "eps.activites", msg.EPS_NON_PRESENTEE
        return
    for path, messages in check_eps_choice(dispense, activites, session).items():
        yield from ((path, m) for m in messages)


def _etat_civil(etat_civil: dict[str, Any], session: Session) -> Errors:
    """Notice: « Seuls les candidats majeurs au 31/12/2021 ». A birth date whose papers carry no
    day (or no month) is refused only when even its earliest possible day is too late; one
    that may be either is a warning (shared_rules.warnings)."""
    born = birth_date.parse(etat_civil.get("date_naissance"))
    if born is not None and born.earliest > last_adult_birth_date(session):
        yield "etat_civil.date_naissance", msg.MINEUR.format(
            date=date_courte(session.majorite_au),
            date_limite=date_courte(last_adult_birth_date(session)),
        )


def _contact_and_establishment(data: dict[str, Any], session: Session) -> Errors:
    contact = data.get("contact", {})
    departement = contact.get("departement")
    if departement is None:
        return
    expected = establishment_for(departement, session)
    if expected is None:
        names = ", ".join(f"{d.nom} ({d.code})" for d in session.departements)
        yield "contact.departement", msg.DEPARTEMENT_HORS_ACADEMIE.format(
            academie=session.academie_libelle, departements=names)
        return
    # A postcode that is not the département's usual one is a warning, never a refusal
    # (shared_rules.warnings): some communes use a neighbour's postcode, CEDEX codes exist.
    given = data.get("etablissement")
    # The notice's own words (« Individuels Haute-Vienne ») name it as well as its code.
    if given is not None and not names_establishment(given, expected):
        message = (msg.ETABLISSEMENT_CNED if is_distance_learning(given, session)
                   else msg.ETABLISSEMENT_DIFFERENT)
        yield "etablissement", message.format(attendu=expected.libelle)


def _applicable_units(codes: tuple[str, ...] | list[str], session: Session,
                      judged: JudgedSpecialite, *, professional: bool) -> set[str]:
    """Units a candidate in this speciality may name: those of the general `codes` (the
    language unless confirmed absent) and, if `professional`, its professional units as a rule
    may read them (shared_rules.unconfirmed)."""
    return {
        code for code in codes
        if (unit := session.unite(code)) is not None
        and (not unit.seulement_si_obligatoire or may_sit_language(judged))
    } | (set(judged.unites_professionnelles) if professional else set())


def _duplicates(path: str, codes: list[str]) -> Errors:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            yield f"{path}.{i}", msg.UNITE_EN_DOUBLE
        seen.add(code)


def _forme_passage(data: dict[str, Any], session: Session, judged: JudgedSpecialite) -> Errors:
    forme = data.get("forme_passage")
    if forme is None:
        return
    if forme not in {f.code for f in session.formes_passage}:
        yield "forme_passage", msg.FORME_CHOIX
        return
    units = data.get("unites_presentees", [])
    if forme == "globale":
        if units:
            yield "unites_presentees", msg.UNITES_GLOBALE
        return
    if not units:
        yield "unites_presentees", msg.UNITES_PROGRESSIVE
        return
    allowed = _applicable_units([u.code for u in session.unites], session, judged,
                                professional=True)
    for i, code in enumerate(units):
        if code not in allowed:
            yield f"unites_presentees.{i}", msg.UNITE_INCONNUE
    yield from _duplicates("unites_presentees", units)


def _langue_autre(path: str, code: str | None, libelle: str | None,
                  known: frozenset[str] | None) -> Errors:
    """A language « autre » takes its label typed by hand, and only it does; it is offered only
    while the session's list is unconfirmed (a confirmed list names every language)."""
    if code == LANGUE_AUTRE and known is not None:
        yield path, msg.LANGUE_INCONNUE
    elif code == LANGUE_AUTRE and not libelle:
        yield f"{path}_autre", msg.LANGUE_AUTRE_OBLIGATOIRE
    elif code != LANGUE_AUTRE and libelle:
        yield f"{path}_autre", msg.LANGUE_AUTRE_INUTILE


def _langues(data: dict[str, Any], session: Session, judged: JudgedSpecialite,
             sitting: _Sitting) -> Errors:
    known = languages_for_judging(session)

    def unknown(code: str) -> bool:
        return known is not None and code not in known

    obligatoire = data.get("langue_vivante")
    if judged.langue_vivante_obligatoire is True and obligatoire is None:
        yield "langue_vivante", msg.LANGUE_OBLIGATOIRE
    elif judged.langue_vivante_obligatoire is False and obligatoire is not None:
        yield "langue_vivante", msg.LANGUE_SANS_EPREUVE
    elif obligatoire is not None and unknown(obligatoire):
        yield "langue_vivante", msg.LANGUE_INCONNUE
    elif obligatoire is not None and ("langue-vivante" in sitting.exempted
                                      or sitting.kept_instead("langue-vivante")):
        yield "langue_vivante", msg.LANGUE_NON_PASSEE
    elif obligatoire is not None and sitting.listed_out("langue-vivante"):
        yield "langue_vivante", msg.LANGUE_NON_PRESENTEE
    else:
        yield from _langue_autre("langue_vivante", obligatoire, data.get("langue_vivante_autre"),
                                 known)
    facultatives = {u.code: u for u in session.unites_facultatives}
    epreuves = data.get("epreuves_facultatives", [])
    for i, epreuve in enumerate(epreuves):
        path = f"epreuves_facultatives.{i}"
        unit = facultatives.get(epreuve.get("unite", ""))
        if unit is None:
            yield f"{path}.unite", msg.UNITE_INCONNUE
            continue
        if unit.code not in judged.unites_facultatives:
            yield f"{path}.unite", msg.FACULTATIVE_FERMEE
            continue
        langue, libelle = epreuve.get("langue"), epreuve.get("langue_autre")
        if unit.avec_langue and langue is None:
            yield f"{path}.langue", msg.FACULTATIVE_LANGUE_OBLIGATOIRE
        elif unit.avec_langue and unknown(langue):
            yield f"{path}.langue", msg.LANGUE_INCONNUE
        elif not unit.avec_langue and langue is not None:
            yield f"{path}.langue", msg.FACULTATIVE_SANS_LANGUE
        elif not unit.avec_langue and libelle:
            yield f"{path}.langue_autre", msg.LANGUE_AUTRE_INUTILE
        elif unit.avec_langue:
            # The same language as the compulsory unit's is a warning: no source forbids it.
            yield from _langue_autre(f"{path}.langue", langue, libelle, known)
    yield from ((f"{p}.unite", m) for p, m in
                _duplicates("epreuves_facultatives", [e.get("unite", "") for e in epreuves]))


def _dispenses_benefices(data: dict[str, Any], session: Session, judged: JudgedSpecialite,
                         sitting: _Sitting) -> Errors:
    dispenses = data.get("dispenses", [])
    allowed = _applicable_units(session.dispenses_unites, session, judged,
                                professional=session.dispenses_unites_professionnelles)
    latest_diploma = session.annee_examen - 1
    born = _birth_year(data, session)
    for i, dispense in enumerate(dispenses):
        unite, annee = dispense.get("unite"), dispense.get("annee")
        if unite == "langue-vivante" and not may_sit_language(judged):
            yield f"dispenses.{i}.unite", msg.DISPENSE_LANGUE_SANS_EPREUVE
        elif unite is not None and unite not in allowed:
            yield f"dispenses.{i}.unite", msg.DISPENSE_UNITE
        elif unite is not None and sitting.listed is not None and unite in sitting.listed:
            yield f"dispenses.{i}.unite", msg.DISPENSE_ET_PRESENTEE
        if annee is not None and not 1000 <= annee <= 9999:
            yield f"dispenses.{i}.annee", msg.ANNEE_ATTENDUE
        elif annee is not None and annee > latest_diploma:
            # Notice: « candidats déjà titulaires d'un diplôme ».
            yield f"dispenses.{i}.annee", msg.DISPENSE_ANNEE.format(annee_max=latest_diploma)
        elif annee is not None and born is not None and annee < born:
            yield f"dispenses.{i}.annee", msg.DIPLOME_AVANT_NAISSANCE.format(
                annee=annee, naissance=born)
    yield from ((f"{p}.unite", m) for p, m in
                _duplicates("dispenses", [d.get("unite", "") for d in dispenses]))

    exempted = {d.get("unite") for d in dispenses}
    benefices = data.get("benefices", [])
    allowed = _applicable_units(session.benefices_unites, session, judged,
                                professional=session.benefices_unites_professionnelles)
    for i, benefice in enumerate(benefices):
        unite, annee, note = benefice.get("unite"), benefice.get("annee"), benefice.get("note")
        if unite is not None and unite not in allowed:
            yield f"benefices.{i}.unite", msg.BENEFICE_UNITE
        elif unite in exempted:
            yield f"benefices.{i}.unite", msg.BENEFICE_DEJA_DISPENSE
        elif unite is not None and sitting.listed is not None and unite in sitting.listed:
            yield f"benefices.{i}.unite", msg.BENEFICE_ET_PRESENTEE
        in_time = session.benefices_annee_min <= (annee or 0) <= session.benefices_annee_max
        if annee is not None and not in_time:
            yield f"benefices.{i}.annee", msg.BENEFICE_ANNEE.format(
                annee_min=session.benefices_annee_min, annee_max=session.benefices_annee_max)
        if note is not None and not 0 <= note <= 20:
            yield f"benefices.{i}.note", msg.NOTE_HORS_BAREME
        elif note is not None and note < session.benefices_note_minimale:
            yield f"benefices.{i}.note", msg.BENEFICE_NOTE.format(
                note_minimale=f"{session.benefices_note_minimale:g}")
    yield from ((f"{p}.unite", m) for p, m in
                _duplicates("benefices", [b.get("unite", "") for b in benefices]))


def _birth_year(data: dict[str, Any], session: Session) -> int | None:
    """The candidate's birth year, or None (no readable birth date, or one the majority rule
    refuses: the candidate first fixes that date)."""
    born = birth_date.parse((data.get("etat_civil") or {}).get("date_naissance"))
    if born is None or born.earliest > last_adult_birth_date(session):
        return None
    return born.year


def _rattrapage(data: dict[str, Any], specialite: Specialite, session: Session) -> Errors:
    given = data.get("rattrapage")
    rule = specialite.rattrapage
    if rule is None:
        if given is not None:
            yield "rattrapage", msg.RATTRAPAGE_INUTILE
        return
    if given is None:
        yield "rattrapage.annee_echec", msg.RATTRAPAGE_OBLIGATOIRE.format(
            annee_min=rule.annee_min, annee_max=rule.annee_max)
    elif "annee_echec" in given and not rule.annee_min <= given["annee_echec"] <= rule.annee_max:
        successeur = session.specialite(rule.successeur) if rule.successeur else None
        if given["annee_echec"] < rule.annee_min and successeur is not None:
            # Failed before the resit's years: its successor diploma is the way (reference).
            yield "rattrapage.annee_echec", msg.RATTRAPAGE_SUCCESSEUR.format(
                annee_min=rule.annee_min, annee_max=rule.annee_max,
                successeur=successeur.libelle)
        else:
            yield "rattrapage.annee_echec", msg.RATTRAPAGE_ANNEE.format(
                annee_min=rule.annee_min, annee_max=rule.annee_max)


def _amenagement(amenagement: dict[str, Any]) -> Errors:
    if amenagement.get("decision_anterieure") and not amenagement.get("demande"):
        yield "amenagement.decision_anterieure", msg.AMENAGEMENT_DECISION_SANS_DEMANDE
