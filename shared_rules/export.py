"""The rules as JSON, for the site's form and its client-side checks.

The browser reads this export rather than its own copy of any list or date, so the two can never
disagree; the server remains the one judge (it runs `shared_rules.validate`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from shared_rules import birth_date, messages, schemas, telephone, text
from shared_rules.contact import bureau_contact
from shared_rules.dates_fr import date_heure_longue, date_longue
from shared_rules.eligibility import last_adult_birth_date
from shared_rules.eps import pair_label
from shared_rules.libelles import MIN_KEY
from shared_rules.mandatory import answer_statuses
from shared_rules.names import NAME_PATTERN_JS, USUAL_NAME_PATTERN_JS
from shared_rules.pieces import CONDITION_LABELS
from shared_rules.session import PREMIERE_ANNEE_NAISSANCE, Session
from shared_rules.unconfirmed import LANGUE_AUTRE, for_judging, languages_for_judging
from shared_rules.warnings import SUBJECTS
from shared_rules.window import late_return_message, late_return_start, return_deadline

A_CONFIRMER = "à confirmer"

# The place-name rule of `schemas.Lieu` for the browser (ECMAScript, flag `u`): at least one
# letter. Checked against the server's on a corpus (tests/shared_rules/test_export_motifs.py).
LIEU_PATTERN_JS = r"\p{L}"


def _ecmascript(pattern: str) -> str:
    r"""A pattern of the schemas as ECMAScript (flag `u`) reads it the same way: Python's `\d`
    is any Unicode decimal digit, ECMAScript's only 0-9."""
    return pattern.replace(r"\d", r"\p{Nd}")


def _plain(obj: Any) -> Any:
    return dataclasses.asdict(obj)


def export_rules(session: Session) -> dict[str, Any]:
    """Every rule and fact the site needs, JSON-ready."""
    return {
        "format": 1,
        "code": session.code,
        "examen": {"code": session.examen_code, "libelle": session.examen_libelle},
        "academie": {"code": session.academie_code, "libelle": session.academie_libelle},
        "session": session.session,
        "annee_examen": session.annee_examen,
        "categorie": session.categorie,
        "fuseau_horaire": session.fuseau_horaire,
        "registre": {
            "ouverture": session.ouverture.isoformat(),
            "cloture": session.cloture.isoformat(),
            "ouverture_texte": date_heure_longue(session.ouverture),
            "cloture_texte": date_heure_longue(session.cloture),
        },
        "retour_confirmation": {
            "date_limite": session.date_limite_retour.isoformat(),
            "date_limite_texte": date_longue(session.date_limite_retour),
            # The deadline in the one sentence every output says it with (received by).
            "delai_texte": return_deadline(session),
            "destinataire": session.destinataire,
            "contact_bureau": _plain(session.contact_bureau),
            # What every message that sends people to the bureau says after « contactez le ».
            "contact_bureau_texte": bureau_contact(session),
            "adresse": _plain(session.adresse),
            "retour_tardif_des": late_return_start(session).isoformat(),
            "message_retour_tardif": late_return_message(session),
        },
        "majorite": {
            "age": session.majorite_age,
            "au": session.majorite_au.isoformat(),
            "date_naissance_max": last_adult_birth_date(session).isoformat(),
        },
        "departements": [_plain(d) for d in session.departements],
        "departements_voisins": [{"code": c, "de": de} for c, de in session.departements_voisins],
        "etablissements_refuses_aux_majeurs": list(session.etablissements_refuses_aux_majeurs),
        "formes_passage": [_plain(f) for f in session.formes_passage],
        "eps": {
            "dispense_autorisee": session.eps_dispense_autorisee,
            "activites": [_plain(a) for a in session.eps_activites],
            "combinaisons": [
                {"activites": list(c.activites), "texte_notice": c.texte_notice,
                 "libelle": pair_label(c.activites, session)}
                for c in session.eps_combinaisons
            ],
        },
        "unites": [_plain(u) for u in session.unites],
        "unites_facultatives": [_plain(u) for u in session.unites_facultatives],
        "langues_vivantes": {
            "liste": [_plain(lang) for lang in session.langues],
            "a_confirmer": session.langues_a_confirmer,
            "source": session.langues_source,
            # shared_rules.unconfirmed: the codes a rule holds a choice to, null while unconfirmed.
            "pour_juger": (None if (known := languages_for_judging(session)) is None
                           else sorted(known)),
            # « Autre langue », with its label typed: offered while the list is unconfirmed.
            "autre": {"code": LANGUE_AUTRE, "libelle": messages.LANGUE_AUTRE_LIBELLE},
        },
        "dispenses": {"unites": list(session.dispenses_unites),
                      "unites_professionnelles": session.dispenses_unites_professionnelles,
                      "age_minimum": session.dispenses_age_minimum,
                      "annee_max": session.annee_examen - 1},
        "benefices": {"unites": list(session.benefices_unites),
                      "unites_professionnelles": session.benefices_unites_professionnelles,
                      "annee_min": session.benefices_annee_min,
                      "annee_max": session.benefices_annee_max,
                      "note_minimale": session.benefices_note_minimale},
        # `pour_juger`: the facts as a refusing rule reads them (shared_rules.unconfirmed).
        "specialites": [{**_plain(s), "pour_juger": _plain(for_judging(s, session))}
                        for s in session.specialites],
        "pieces": [
            {**_plain(p), "condition_libelle": CONDITION_LABELS[p.condition]}
            for p in session.pieces
        ],
        "amenagement": {"suite": list(session.amenagement_suite),
                        "source": session.amenagement_source,
                        "a_confirmer": session.amenagement_a_confirmer},
        "donnees_personnelles": {
            "responsable_traitement": {
                "nom": session.responsable_traitement,
                "contact": session.responsable_contact,
                "a_confirmer": session.responsable_a_confirmer,
            },
            "conservation": {
                "jours": session.conservation_jours,
                "justification": session.conservation_justification,
                "a_confirmer": session.conservation_a_confirmer,
            },
        },
        "limites": {
            "nom": schemas.NOM_MAX,
            "lieu": schemas.LIEU_MAX,
            "adresse": schemas.ADRESSE_MAX,
            "email": schemas.EMAIL_MAX,
            "diplome": schemas.DIPLOME_MAX,
            "specialite_autre": schemas.SPECIALITE_AUTRE_MAX,
            "precisions": schemas.PRECISIONS_MAX,
            "langue_autre": schemas.LANGUE_AUTRE_MAX,
            "prenoms": schemas.PRENOMS_MAX,
            "liste": schemas.LISTE_MAX,
            "date_naissance_min": schemas.DATE_NAISSANCE_MIN.isoformat(),
            "annee_naissance_min": PREMIERE_ANNEE_NAISSANCE,
            # shared_rules.libelles: the shortest listed label looked for in a typed one.
            "libelle_cle_min": MIN_KEY,
            "code": schemas.CODE_MAX,
        },
        # ECMAScript patterns (flag `u`) of the browser's checks, each the server's own rule.
        "motifs": {
            "nom": NAME_PATTERN_JS,
            "nom_usuel": USUAL_NAME_PATTERN_JS,
            "lieu": LIEU_PATTERN_JS,
            "date_naissance": birth_date.PATTERN_JS,
            "code_postal": _ecmascript(schemas._CODE_POSTAL.pattern),
            "telephone": _ecmascript(schemas._TELEPHONE.pattern),
            "telephone_zero_national": _ecmascript(telephone.TRUNK_ZERO.pattern),
            "departement": _ecmascript(schemas._DEPARTEMENT.pattern),
            "caracteres_interdits": text.UNSTORABLE_JS,
        },
        # shared_rules.mandatory: what the candidate must answer, by field path (items as `*`),
        # where the form asks it: « obligatoire », « facultatif » or « a_cocher ».
        "champs": answer_statuses(),
        # shared_rules.warnings.SUBJECTS: what each warning is about, for the bureau.
        "sujets_avertissements": SUBJECTS,
        "messages": {
            name: value for name, value in vars(messages).items()
            if name.isupper() and isinstance(value, str)
        },
        "a_confirmer": A_CONFIRMER,
    }
