"""The site's generated content: Markdown snippets and the rules JSON, from one session's data.

A plain generation step (`python -m shared_rules render-site`), independent of MkDocs' plugin API:
the pages under `site/docs/` hold the prose and include these snippets with `pymdownx.snippets`,
so every date, list and condition a candidate reads comes from the session file, typed once.
Anything the text cannot state correctly (an unknown time zone, piece condition, dossier field…)
raises `SiteDataError`, so the build fails instead of publishing a wrong sentence.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from marshmallow import Schema, fields

from shared_rules.dates_fr import date_courte, date_heure_longue, date_longue, pluriel
from shared_rules.eligibility import last_adult_birth_date
from shared_rules.eps import pair_label
from shared_rules.export import A_CONFIRMER, export_rules
from shared_rules.pieces import (
    CONDITION_LABELS,
    ORPHELINS_JOURS,
    QUARANTAINE_JOURS,
    consigne_en_ligne,
)
from shared_rules.schemas import DOSSIER_SCHEMA
from shared_rules.session import Session
from shared_rules.window import late_return_message, late_return_start


class SiteDataError(ValueError):
    """The session data holds something the site's text cannot state."""


#: How the pages name a session's time zone; a zone missing here fails the generation.
FUSEAUX = {
    "Europe/Paris": "heure de Paris",
    "America/Cayenne": "heure de Cayenne",
    "America/Guadeloupe": "heure de la Guadeloupe",
    "America/Martinique": "heure de la Martinique",
    "Indian/Reunion": "heure de La Réunion",
    "Indian/Mayotte": "heure de Mayotte",
}

OBLIGATOIRE, FACULTATIF, SELON_SITUATION, PAR_LE_SERVICE = (
    "Obligatoire", "Facultatif", "Selon votre situation", "Renseigné par le service")

#: The dossier's fields as the personal-data page names them, with the status of the optional
#: ones. Checked against the dossier schema both ways: a field added to the schema without a
#: line here (or a line left here for a removed field) fails the generation.
CHAMPS: dict[str, tuple[str, str]] = {
    "session": ("Session d'examen", PAR_LE_SERVICE),
    "specialite": ("Spécialité de CAP présentée", OBLIGATOIRE),
    "specialite_autre": ("Intitulé de votre spécialité, si elle n'est pas dans la liste",
                         SELON_SITUATION),
    "etat_civil.nom_naissance": ("Nom de naissance", OBLIGATOIRE),
    "etat_civil.nom_usage": ("Nom d'usage", FACULTATIF),
    "etat_civil.prenoms": ("Prénoms, dans l'ordre de l'état civil", OBLIGATOIRE),
    "etat_civil.sans_prenom": ("Absence de prénom à l'état civil, si c'est votre cas",
                               SELON_SITUATION),
    "etat_civil.sexe": ("Sexe, tel qu'il figure à l'état civil", OBLIGATOIRE),
    "etat_civil.date_naissance": ("Date de naissance, telle que vos papiers la portent",
                                  OBLIGATOIRE),
    "etat_civil.commune_naissance": ("Commune de naissance", OBLIGATOIRE),
    "etat_civil.pays_naissance": ("Pays de naissance", OBLIGATOIRE),
    "contact.email": ("Adresse électronique", OBLIGATOIRE),
    "contact.telephone": ("Numéro de téléphone", FACULTATIF),
    "contact.adresse": ("Adresse postale (numéro et voie)", OBLIGATOIRE),
    "contact.code_postal": ("Code postal", OBLIGATOIRE),
    "contact.commune": ("Commune de résidence", OBLIGATOIRE),
    "contact.departement": ("Département de résidence", OBLIGATOIRE),
    "contact.confirmation_residence": (
        "Confirmation de votre département, si le code postal est d'habitude celui d'un autre",
        SELON_SITUATION),
    "etablissement": ("Établissement d'inscription, déduit de votre département", PAR_LE_SERVICE),
    "forme_passage": ("Forme de passage (globale ou progressive)", OBLIGATOIRE),
    "unites_presentees": ("Épreuves présentées à cette session, en forme progressive",
                          SELON_SITUATION),
    "eps": ("Éducation physique et sportive : dispense ou activités choisies", OBLIGATOIRE),
    "langue_vivante": ("Langue vivante obligatoire, si votre spécialité en comporte une",
                       SELON_SITUATION),
    "langue_vivante_autre": ("Nom de la langue, si elle n'est pas dans la liste",
                             SELON_SITUATION),
    "epreuves_facultatives": ("Épreuves facultatives choisies", SELON_SITUATION),
    "dispenses": ("Dispenses d'épreuves demandées : diplôme et année d'obtention",
                  SELON_SITUATION),
    "benefices": ("Notes conservées d'une session antérieure : épreuve, année et note",
                  SELON_SITUATION),
    "amenagement": ("Demande d'aménagement d'épreuves et ses précisions", SELON_SITUATION),
    "rattrapage": ("Année de la session échouée, pour une session de rattrapage",
                   SELON_SITUATION),
    "attestation_exactitude": ("Attestation que vos nom et prénoms sont saisis comme à "
                               "l'état civil", OBLIGATOIRE),
}
#: Groups of the dossier listed field by field; the others are one line each.
_GROUPES_DETAILLES = ("etat_civil", "contact")
#: What the sentences of the notice assume about the session.
_MAJORITE = 18


# -- small helpers -----------------------------------------------------------------------------

def _md(text: str) -> str:
    """Data text made inert in Markdown (and in a table cell)."""
    text = html.escape(text, quote=False)
    for char in "\\`*_[]|":
        text = text.replace(char, "\\" + char)
    return text


def a_confirmer() -> str:
    """The mark of an unconfirmed fact, styled by the site's stylesheet."""
    return f'<em class="a-confirmer">{A_CONFIRMER}</em>'


def _jour_mois_annee(day: dt.date) -> str:
    """« 18 novembre 2020 », without the weekday."""
    return date_longue(day).split(" ", 1)[1]


def _fuseau(session: Session) -> str:
    try:
        return FUSEAUX[session.fuseau_horaire]
    except KeyError:
        raise SiteDataError(
            f"{session.code}: no French name for time zone {session.fuseau_horaire!r}; "
            "add it to shared_rules.site_pages.FUSEAUX") from None


def _enumeration(items: list[str]) -> str:
    """« a, b et c »."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def _has_conflict(session: Session) -> bool:
    """The return deadline falls before the registry closes (the 18/20 November case)."""
    return late_return_start(session) < session.cloture


# -- snippets: the registry, the steps, the return ---------------------------------------------

def session_intro(session: Session) -> str:
    """One line naming the exam, the académie and the session."""
    return (f"{_md(session.examen_libelle)} ({_md(session.examen_code)}) — académie de "
            f"{_md(session.academie_libelle)} — session {_md(session.session)}.\n")


def registre(session: Session) -> str:
    """The registry's dates and its three states, with hours and time zone."""
    ouverture = date_heure_longue(session.ouverture)
    cloture = date_heure_longue(session.cloture)
    return (
        f"Le registre de pré-inscription est ouvert **du {ouverture} au {cloture}** "
        f"({_fuseau(session)}).\n\n"
        f"- **Avant le {ouverture}** : le registre n'est pas encore ouvert.\n"
        f"- **Du {ouverture} au {cloture}** : le registre est ouvert. Vous pouvez vous "
        "pré-inscrire, puis consulter ou modifier votre dossier avec votre numéro "
        "d'inscription.\n"
        f"- **À partir du {cloture}** : le registre est clos. Plus aucune pré-inscription ni "
        "modification n'est possible.\n"
    )


def retour_tardif(session: Session) -> str:
    """The notice's return deadline falling before the closing, stated plainly (or nothing)."""
    if not _has_conflict(session):
        return ""
    limite = date_longue(session.date_limite_retour)
    return (
        '!!! warning "La date limite de retour tombe avant la clôture du registre"\n\n'
        f"    La notice fixe au **{limite}** la date limite de retour de la confirmation "
        f"d'inscription, alors que le registre reste ouvert jusqu'au "
        f"**{date_heure_longue(session.cloture)}**. Pour être dans les délais, pré-inscrivez-vous "
        f"tôt : votre confirmation doit parvenir au bureau au plus tard le {limite}.\n\n"
        "    Si vous vous pré-inscrivez, ou modifiez votre dossier, à partir du "
        f"{_jour_mois_annee(session.date_limite_retour)}, le service vous avertit ainsi, sur la "
        "confirmation de cette version et dans son courriel :\n\n"
        f"    > {_md(late_return_message(session))}\n"
    )


def adresse_retour(session: Session) -> str:
    """The postal address of the return, each unconfirmed part shown « à confirmer »."""
    adresse = session.adresse
    if adresse.code_postal:
        commune = f"{_md(adresse.code_postal)} {_md(adresse.commune)}"
    else:
        commune = f"{_md(adresse.commune)} (code postal {a_confirmer()})"
    lignes = [*(_md(line) for line in adresse.lignes), commune]
    consigne = consigne_en_ligne(session)
    text = f"{_md(consigne)}\n\n" if consigne and not session.retour_papier else ""
    text += "<address>\n" + "<br>\n".join(lignes) + "\n</address>\n"
    if adresse.a_confirmer:
        text += f"\nCette adresse est {a_confirmer()} avant tout envoi.\n"
    contact = session.contact_bureau

    def known(value: str | None) -> str:
        if value is None:
            return a_confirmer()
        return f"{_md(value)} ({a_confirmer()})" if contact.a_confirmer else _md(value)

    text += (f"\nPour joindre le {_md(session.destinataire)} : téléphone "
             f"{known(contact.telephone)} ; courriel {known(contact.courriel)}.\n")
    return text


def _condition(session: Session, condition: str) -> str:
    try:
        label = CONDITION_LABELS[condition]
    except KeyError:
        raise SiteDataError(f"{session.code}: no French label for piece condition "
                            f"{condition!r}") from None
    if condition == "specialite_avec_echafaudage":
        names = [_md(s.libelle) for s in session.specialites if s.attestation_echafaudage]
        label += f" : CAP {_enumeration(names)}" if names else ""
    elif condition == "specialite_en_rattrapage":
        years = sorted({(s.rattrapage.annee_min, s.rattrapage.annee_max)
                        for s in session.specialites if s.rattrapage})
        label += "".join(f", si vous avez échoué à une session de {a} à {b}" for a, b in years)
    return label


def pieces(session: Session) -> str:
    """The pieces to enclose, as a table: what, and who must send it."""
    rows = [f"| {_md(p.libelle)} | {_condition(session, p.condition)} |" for p in session.pieces]
    return "| Pièce à joindre | Qui est concerné |\n| --- | --- |\n" + "\n".join(rows) + "\n"


def etapes(session: Session) -> str:
    """What to do, step by step, with the session's dates."""
    return (
        "1. **Pré-inscrivez-vous en ligne** pendant l'ouverture du registre, du "
        f"{date_heure_longue(session.ouverture)} au {date_heure_longue(session.cloture)}. "
        "Saisissez vos nom et tous vos prénoms exactement comme à l'état civil : le diplôme "
        "sera établi selon votre saisie. Une adresse électronique est obligatoire.\n"
        "2. **Notez votre numéro d'inscription**, affiché à la fin de la saisie : il vous "
        "permet de consulter ou de modifier votre dossier.\n"
        "3. **Imprimez votre confirmation d'inscription**, vérifiez-la et signez-la.\n"
        + _etape_retour(session)
        + "5. **Votre inscription devient alors définitive.**\n"
    )


def _etape_retour(session: Session) -> str:
    """Step 4, by the session's return mode (issue 28)."""
    limite = date_longue(session.date_limite_retour)
    consigne = consigne_en_ligne(session)
    if not session.retour_papier and consigne:
        return (f"4. **Déposez-la en ligne avec les pièces demandées** le plus rapidement "
                f"possible, et au plus tard le **{limite}**. {_md(consigne)}\n")
    return ("4. **Envoyez-la avec les pièces demandées** le plus rapidement possible, et au plus "
            f"tard le **{limite}**, au {_md(session.destinataire)} (voir l'adresse et la liste "
            "des pièces ci-dessous)." + (f" {_md(consigne)}" if consigne else "") + "\n")


# -- snippets: the notice ----------------------------------------------------------------------

def notice_majorite(session: Session) -> str:
    """Who may register: adults on the given day."""
    if session.majorite_age != _MAJORITE:
        raise SiteDataError(f"{session.code}: the notice's « majeurs » means {_MAJORITE}, "
                            f"not {session.majorite_age}")
    if session.majorite_au == dt.date(session.annee_examen, 12, 31):
        jour = "31 décembre de l'année de l'examen"
    else:
        jour = _jour_mois_annee(session.majorite_au)
    return (
        f"Seuls les candidats majeurs au {jour}, soit au "
        f"{date_courte(session.majorite_au)} — c'est-à-dire nés le "
        f"{_jour_mois_annee(last_adult_birth_date(session))} au plus tard —, sont autorisés "
        "à s'inscrire en candidat individuel.\n"
    )


def notice_registre(session: Session) -> str:
    """Notice A.1: the registry's opening and closing."""
    return (
        "Le service de pré-inscription sera ouvert "
        f"**du {date_heure_longue(session.ouverture)} au {date_heure_longue(session.cloture)}** "
        f"({_fuseau(session)}).\n"
    )


def _formes(session: Session) -> Iterator[str]:
    for forme in session.formes_passage:
        conseil = " (recommandée)" if forme.recommandee else ""
        yield f"- **{_md(forme.libelle)}**{conseil}. {_md(forme.description)}\n"


def notice_mode_operatoire(session: Session) -> str:
    """Notice A.3: the choices and screens, from the session's lists."""
    recommandee = [f for f in session.formes_passage if f.recommandee]
    lines = [
        "Lors de cette connexion, vous aurez à :\n\n",
        f"1. choisir l'examen ({_md(session.examen_code)}) ;\n",
        f"2. choisir l'académie ({_md(session.academie_code)}) ;\n",
        f"3. choisir la session ({_md(session.session)}).\n\n",
        "Des écrans informatifs guident le candidat tout au long de la saisie, notamment "
        "les suivants.\n\n",
        f"**Catégorie.** À l'écran qui demande la catégorie, saisir "
        f"« **{_md(session.categorie)}** ».\n\n",
        "**Établissement.** À l'écran qui demande l'établissement, saisir celui de votre "
        "département de résidence :\n\n",
        "| Département de résidence | Établissement à saisir |\n| --- | --- |\n",
        *(f"| {_md(d.nom)} ({_md(d.code)}) | {_md(d.etablissement.libelle)} |\n"
          for d in session.departements),
        "\n",
    ]
    if session.etablissements_refuses_aux_majeurs:
        refuses = " ou ".join(_md(e) for e in session.etablissements_refuses_aux_majeurs)
        lines.append(
            '!!! warning "Attention"\n\n'
            f"    À cette étape de l'inscription, ne pas inscrire {refuses} (sauf pour les "
            "candidats mineurs).\n\n")
    if recommandee:
        lines.append(f"**Forme de passage.** À l'écran « forme de passage », saisir de "
                     f"préférence « **{_md(recommandee[0].libelle.lower())}** ».\n\n")
    else:
        lines.append("**Forme de passage.** À l'écran « forme de passage », choisir l'une "
                     "des formes suivantes.\n\n")
    lines += [*_formes(session), "\n"]
    if session.eps_dispense_autorisee:
        lines.append(
            "**Éducation physique et sportive (EPS).** À l'écran qui porte sur le choix de "
            "l'EPS, les candidats individuels pouvant, par la réglementation, choisir de ne "
            "pas subir cette épreuve, il convient dans ce cas de saisir « **dispensé** ».\n\n")
    else:
        lines.append("**Éducation physique et sportive (EPS).** La dispense d'EPS n'est pas "
                     "possible à cette session.\n\n")
    combinaisons = session.eps_combinaisons
    cadre = (f"l'une des {len(combinaisons)} combinaisons suivantes" if len(combinaisons) > 1
             else "la combinaison suivante")
    lines += [
        "À l'écran du choix des activités d'EPS, les candidats doivent choisir 2 activités "
        f"parmi les {len(session.eps_activites)} proposées, dans le cadre de {cadre} :\n\n",
        *(f"- {_md(pair_label(c.activites, session))}\n" for c in combinaisons),
    ]
    return "".join(lines)


def notice_retour(session: Session) -> str:
    """Notice B: the return deadline, the addressee and the pieces in the notice's words."""
    return (
        "Les candidats devront éditer leur confirmation d'inscription depuis le service de "
        "pré-inscription.\n\n"
        "**Ces confirmations, après vérification, sont à retourner le plus rapidement possible "
        f"et au plus tard pour le {date_longue(session.date_limite_retour)}**, au "
        f"{_md(session.destinataire)}, accompagnées des pièces suivantes :\n\n"
        # The notice's own lines: `texte_notice` is Markdown from the data file, kept as is.
        + "".join(f"- {p.texte_notice}\n" for p in session.pieces)
        + "\nEn résumé, selon votre situation :\n\n" + pieces(session)
        + (f"\n{_md(consigne)}\n" if (consigne := consigne_en_ligne(session)) else "")
        + "\nAdresse d'envoi :\n\n" + adresse_retour(session)
        + ("\n" + retour_tardif(session) if _has_conflict(session) else "")
    )


# -- snippets: personal data -------------------------------------------------------------------

def rgpd_responsable(session: Session) -> str:
    """The controller, named from the data."""
    return f"Le responsable du traitement est le **{_md(session.responsable_traitement)}**.\n"


def rgpd_contact(session: Session) -> str:
    """How to reach the controller, or « à confirmer »."""
    if session.responsable_a_confirmer or not session.responsable_contact:
        contact = a_confirmer()
    else:
        contact = _md(session.responsable_contact)
    return f"Contact du responsable du traitement : {contact}.\n"


def rgpd_destinataires(session: Session) -> str:
    """Who receives the data."""
    return (
        f"Vos données sont destinées aux seuls agents habilités du {_md(session.destinataire)}, "
        "chargés des inscriptions à l'examen. L'hébergeur du service "
        f"({a_confirmer()}) les stocke pour le compte du responsable du traitement.\n"
    )


def rgpd_conservation(session: Session) -> str:
    """The retention period read from the data, or « à confirmer »."""
    if session.conservation_a_confirmer:
        return f"Durée de conservation : {a_confirmer()}.\n"
    return (f"Durée de conservation : {session.conservation_jours} jours "
            f"({_md(session.conservation_justification)}).\n")


def rgpd_base_legale(session: Session) -> str:
    """The processing's legal basis read from the data, or « à confirmer »."""
    if session.base_legale_a_confirmer or not session.base_legale:
        return f"Base légale du traitement : {a_confirmer()} par le responsable du traitement.\n"
    return f"Base légale du traitement : {_md(session.base_legale.rstrip('. '))}.\n"


def _schema_fields(schema: Schema, prefix: str = "") -> Iterator[tuple[str, fields.Field[Any]]]:
    for name, field in schema.fields.items():
        path = f"{prefix}{name}"
        if (not prefix and name in _GROUPES_DETAILLES and isinstance(field, fields.Nested)
                and isinstance(field.schema, Schema)):
            yield from _schema_fields(field.schema, f"{name}.")
        else:
            yield path, field


def rgpd_pieces(session: Session) -> str:
    """The pieces deposited online, where the session takes them (issue 28); else nothing."""
    if not session.retour_en_ligne:
        return ""
    return (
        "Les pièces que vous déposez en ligne (la confirmation signée, la copie de votre pièce "
        "d'identité et les autres pièces demandées) sont conservées avec votre dossier, "
        "chiffrées, et effacées avec lui. Chaque fichier est analysé par un antivirus avant "
        "que quiconque l'ouvre ; une photo est réenregistrée sans ses métadonnées (date, "
        "appareil, position GPS). Seuls vous et le bureau qui suit votre dossier pouvez les "
        "voir, par des liens valables deux minutes. Un fichier envoyé mais jamais enregistré "
        f"est effacé au bout {_de_jours(ORPHELINS_JOURS)} ; un fichier où un virus a "
        f"été trouvé est isolé, jamais ouvert, et effacé au bout {_de_jours(QUARANTAINE_JOURS)}."
        "\n")


def _de_jours(jours: int) -> str:
    """« d'un jour », « de 30 jours »."""
    return "d'un jour" if jours == 1 else f"de {pluriel(jours, 'jour')}"


def rgpd_donnees(session: Session) -> str:
    """The dossier's fields, each with whether it is mandatory (from the dossier schema)."""
    found = dict(_schema_fields(DOSSIER_SCHEMA))
    missing = sorted(set(found) - set(CHAMPS))
    stale = sorted(set(CHAMPS) - set(found))
    if missing or stale:
        raise SiteDataError(f"dossier fields without a label: {missing}; labels without a "
                            f"field: {stale} (see shared_rules.site_pages.CHAMPS)")
    rows = []
    for path, field in found.items():
        label, statut = CHAMPS[path]
        if field.required and statut not in (OBLIGATOIRE, PAR_LE_SERVICE):
            raise SiteDataError(f"{path} is required by the schema but labelled {statut!r}")
        if not field.required and statut == OBLIGATOIRE:
            raise SiteDataError(f"{path} is optional in the schema but labelled mandatory")
        rows.append(f"| {label} | {statut} |")
    return "| Donnée | Caractère |\n| --- | --- |\n" + "\n".join(rows) + "\n"


# -- writing -----------------------------------------------------------------------------------

#: Every snippet the pages may include, by file name.
SNIPPETS: dict[str, Callable[[Session], str]] = {
    "session.md": session_intro,
    "etapes.md": etapes,
    "registre.md": registre,
    "retour-tardif.md": retour_tardif,
    "adresse-retour.md": adresse_retour,
    "pieces.md": pieces,
    "notice-majorite.md": notice_majorite,
    "notice-registre.md": notice_registre,
    "notice-mode-operatoire.md": notice_mode_operatoire,
    "notice-retour.md": notice_retour,
    "rgpd-responsable.md": rgpd_responsable,
    "rgpd-contact.md": rgpd_contact,
    "rgpd-destinataires.md": rgpd_destinataires,
    "rgpd-conservation.md": rgpd_conservation,
    "rgpd-base-legale.md": rgpd_base_legale,
    "rgpd-donnees.md": rgpd_donnees,
    "rgpd-pieces.md": rgpd_pieces,
}


def render_snippets(session: Session) -> dict[str, str]:
    """Every snippet's Markdown, by file name."""
    return {name: render(session) for name, render in SNIPPETS.items()}


def render_site(session: Session, *, snippets_dir: Path, rules_path: Path) -> list[Path]:
    """Write the snippets and the rules JSON; remove stale snippets. Returns the files written."""
    rendered = render_snippets(session)  # everything first: no half-written folder on error
    rules = json.dumps(export_rules(session), ensure_ascii=False, indent=2) + "\n"
    snippets_dir.mkdir(parents=True, exist_ok=True)
    for old in snippets_dir.glob("*.md"):
        if old.name not in rendered:
            old.unlink()
    written = []
    for name, text in rendered.items():
        path = snippets_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    rules_path.parent.mkdir(parents=True, exist_ok=True)
    rules_path.write_text(rules, encoding="utf-8")
    return [*written, rules_path]
