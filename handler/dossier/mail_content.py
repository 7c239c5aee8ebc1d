"""The emails' French text, plain and HTML: the confirmation and the number reminder.

The data come from `handler.dossier.recapitulatif`, like the PDF's, so the two never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from handler.dossier import recapitulatif
from handler.platform.mail import Courriel
from shared_rules.contact import bureau_contact
from shared_rules.dates_fr import date_heure_longue, date_longue
from shared_rules.session import Session

CREATION, MODIFICATION = "creation", "modification"

# The follow-up in the candidate's words: « mon dossier » (handler.dossier.suivi.candidate_view)
# and the emails read these, so that the page and the messages never disagree.
SUIVI_ETATS = {
    "pre-inscrit": "Pré-inscrit : nous attendons votre confirmation signée",
    "confirmation-recue": "Confirmation reçue",
    "incomplete": "Dossier incomplet : il manque {pieces}",
    "definitive": "Inscription définitive",
    "a-revoir": ("Dossier modifié depuis votre confirmation signée : nous attendons la "
                 "nouvelle confirmation"),
    "refuse": "Dossier refusé",
    "sans-suite": "Dossier classé sans suite",
}
SUIVI_A_FAIRE = {
    "pre-inscrit": (
        "Envoyez votre confirmation d'inscription signée, avec les pièces demandées, au "
        "{destinataire}. Dès sa réception, l'état de votre dossier sera indiqué sur la page "
        "« Consulter ou modifier mon dossier », jusqu'à votre inscription définitive."),
    "confirmation-recue": (
        "Le {destinataire} a reçu votre confirmation signée et examine votre dossier : vous "
        "n'avez rien à envoyer de plus pour le moment."),
    "incomplete": (
        "Envoyez les pièces manquantes, en rappelant votre numéro d'inscription, {delai}, à "
        "l'adresse suivante :"),
    "definitive": "Votre inscription est définitive : vous n'avez plus rien à envoyer.",
    "refuse": (
        "Le {destinataire}, ne peut pas retenir votre dossier, pour le motif qu'il indique. Pour "
        "toute question, contactez le {contact}, en rappelant votre numéro d'inscription."),
    "sans-suite": (
        "Le {destinataire}, a classé votre dossier sans suite, pour le motif qu'il indique : il "
        "ne sera pas traité. Pour toute question, contactez le {contact}, en rappelant votre "
        "numéro d'inscription."),
}
#: The same, where the pieces are deposited online only (issue 28): nothing goes by post.
SUIVI_A_FAIRE_EN_LIGNE = {
    "pre-inscrit": (
        "Déposez votre confirmation d'inscription signée et les pièces demandées sur la page "
        "« Consulter ou modifier mon dossier ». Chacune y est marquée acceptée ou refusée par le "
        "{destinataire}, jusqu'à votre inscription définitive."),
    "incomplete": (
        "Déposez les pièces manquantes {delai} sur la page « Consulter ou modifier mon "
        "dossier »."),
}
#: How to follow the dossier, in the confirmation email and on the confirmation page.
SUIVRE = ("Suivez l'état de votre dossier (réception de votre confirmation signée, pièces "
          "manquantes, inscription définitive) sur la page « Consulter ou modifier mon dossier », "
          "avec votre numéro d'inscription et votre date de naissance")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def suivi_etat(statut: str, pieces_manquantes: list[str]) -> str:
    """The follow-up status as the candidate reads it; `pieces_manquantes` are labels."""
    pieces = ", ".join(_lower_first(p) for p in pieces_manquantes) or "des pièces"
    return SUIVI_ETATS[statut].format(pieces=pieces)


#: While the session leaves the delay for missing pieces « à confirmer ».
DELAI_PIECES_A_CONFIRMER = "le plus rapidement possible (délai à confirmer par le bureau)"


def delai_pieces(session: Session, depuis: str | None) -> str:
    """When the missing pieces are due: the session's delay counted from the bureau's
    « incomplet » (`depuis`, when it was recorded), or as soon as possible while the session
    leaves that delay « à confirmer »."""
    jours = session.delai_pieces_manquantes.jours
    if jours is None or not depuis:
        return DELAI_PIECES_A_CONFIRMER
    due = dt.datetime.fromisoformat(depuis).date() + dt.timedelta(days=jours)
    return f"au plus tard le {date_longue(due)}"


def suivi_a_faire(statut: str, session: Session, *, depuis: str | None = None) -> str:
    """What the candidate does next, for a follow-up status (`depuis`: when the bureau found
    the dossier incomplete, for the missing pieces' deadline)."""
    texts = SUIVI_A_FAIRE
    if not session.retour_papier and statut in SUIVI_A_FAIRE_EN_LIGNE:
        texts = SUIVI_A_FAIRE_EN_LIGNE
    return texts[statut].format(destinataire=session.destinataire,
                                        delai=delai_pieces(session, depuis),
                                        contact=bureau_contact(session))


def _examen(session: Session) -> str:
    return (f"{session.examen_code} (académie de {session.academie_libelle}, session "
            f"{session.session})")


#: The pages an email sends the candidate to: « Mon dossier » to consult, modify, print or
#: follow it; the form to register.
MON_DOSSIER, FORMULAIRE = "mon-dossier.html", "formulaire.html"


def _site(site_url: str, page: str = MON_DOSSIER) -> str:
    """The end of a sentence naming the page of the site where the candidate acts: the
    address last, with no full stop after it, so that mail programs don't take the stop into
    the link (issue 29: the emails sent everyone to the home page)."""
    if not site_url:
        return "sur le site de pré-inscription."
    return f"sur le site : {urljoin(site_url, page)}"


def _steps(site_url: str, retour: recapitulatif.Retour) -> list[str]:
    """What the candidate does, the return's step by the session's mode (issue 28)."""
    last = ("Envoyez-la avec les pièces ci-dessous, le plus rapidement possible, à l'adresse "
            "suivante :")
    if retour.en_ligne_seulement and retour.en_ligne:
        last = f"{retour.en_ligne} Faites-le le plus rapidement possible {_site(site_url)}"
    return [
        "Imprimez votre confirmation d'inscription (PDF), avec votre numéro et votre date de "
        f"naissance, {_site(site_url)}",
        "Vérifiez-la : le diplôme sera établi selon votre saisie. Datez-la et signez-la.",
        last,
    ]


def _en_ligne_aussi(retour: recapitulatif.Retour) -> list[str]:
    """Where both modes are open, the online one as a note beside the address."""
    return [retour.en_ligne] if retour.en_ligne and not retour.en_ligne_seulement else []


def _closing(session: Session) -> str:
    return ("Ce message vous est envoyé automatiquement : n'y répondez pas. Pour toute question, "
            f"contactez le {bureau_contact(session)}.")


def _follows_up(vue: Mapping[str, Any] | None) -> bool:
    """Whether the bureau has acted on the dossier (its follow-up then says what to do)."""
    return vue is not None and vue["statut"] != "pre-inscrit"


def confirmation(record: Mapping[str, Any], session: Session, *, site_url: str,
                 motif: str, suivi: Mapping[str, Any] | None = None) -> Courriel:
    """The email sent when a dossier is created (motif CREATION) or modified (MODIFICATION).

    `suivi` is what the candidate sees of the bureau's follow-up (suivi.candidate_view): once
    the bureau has acted (confirmation received, incomplete, definitive), a modification's
    email gives that status and its one instruction — the missing pieces and their deadline,
    the new signed confirmation, or nothing to send — as « mon dossier » does (issue 29)."""
    numero = recapitulatif.numero(record)
    followed = motif == MODIFICATION and _follows_up(suivi)
    if motif == CREATION:
        objet = f"Votre pré-inscription au {session.examen_code} est enregistrée — n° {numero}"
        intro = f"Votre pré-inscription au {_examen(session)} est enregistrée."
    else:
        objet = f"Votre dossier de pré-inscription au {session.examen_code} a été modifié — " \
                f"n° {numero}"
        intro = (f"Votre dossier de pré-inscription au {_examen(session)} a été modifié le "
                 f"{recapitulatif.modifie_le(record)} (version {record['version']}).")
        if not followed:
            intro += " Imprimez la nouvelle confirmation : elle remplace la précédente."
    garde = ("Notez-le soigneusement : avec votre date de naissance, il vous permet de consulter "
             f"ou de modifier votre dossier jusqu'au {date_heure_longue(session.cloture)}.")
    retour = recapitulatif.retour(record, session)
    steps = _steps(site_url, retour)
    pieces = recapitulatif.pieces(record)
    pieces_title = "Pièces à joindre"
    if followed:
        assert suivi is not None
        steps = [f"État de votre dossier : {suivi['etat']}.", *suivi["a_faire"]]
        pieces = [p["libelle"] for p in suivi["pieces_manquantes"]]
        pieces_title = "Pièces manquantes"
        retour = dataclasses.replace(retour, adresse=tuple(suivi["adresse"]))
    sections = recapitulatif.sections(record, session, health_details=False)
    notes = [n for n in (retour.delai, retour.adresse_a_confirmer, retour.message_retour_tardif)
             if n] + _en_ligne_aussi(retour)
    if followed:  # the follow-up's instruction carries its own deadline
        notes = [n for n in (retour.adresse_a_confirmer,) if n and retour.adresse]
    changed = _changed(record, session) if motif == MODIFICATION else []
    changes_title = (f"Ce qui a changé depuis la version {record['version'] - 1}"
                     if changed else "")

    text = [
        "Bonjour,", "", intro, "",
        *([changes_title.upper(), *(f"- {c}" for c in changed), ""] if changed else []),
        f"Votre numéro d'inscription : {numero}", garde, "",
        "CE QU'IL VOUS RESTE À FAIRE",
        *(f"{i}. {step}" for i, step in enumerate(steps, 1)),
        *(f"   {line}" for line in retour.adresse),
        *(f"   {note}" for note in notes), "",
        *([pieces_title.upper(), *(f"- {piece}" for piece in pieces), ""] if pieces else []),
        "RÉCAPITULATIF DE VOTRE DOSSIER",
    ]
    for section in sections:
        text += ["", section.titre, *(f"- {label} : {value}" for label, value in section.lignes)]
    suivre = f"{SUIVRE} {_site(site_url)}"
    text += ["", "SUIVI DE VOTRE DOSSIER", suivre, "", _closing(session), ""]

    e = html.escape
    body = [
        "<p>Bonjour,</p>", f"<p>{e(intro)}</p>",
        *([f"<h2>{e(changes_title)}</h2>", "<ul>", *(f"<li>{e(c)}</li>" for c in changed),
           "</ul>"] if changed else []),
        f'<p>Votre numéro d\'inscription : <strong style="font-size:1.4em">{e(numero)}</strong>'
        f"<br>{e(garde)}</p>",
        "<h2>Ce qu'il vous reste à faire</h2>", "<ol>",
        *(f"<li>{e(step)}</li>" for step in steps[:-1]),
        f"<li>{e(steps[-1])}"
        + (f"<br><strong>{'<br>'.join(e(x) for x in retour.adresse)}</strong>"
           if retour.adresse else "")
        + "".join(f"<br>{e(note)}" for note in notes) + "</li>",
        "</ol>",
        *([f"<h2>{e(pieces_title)}</h2>", "<ul>", *(f"<li>{e(piece)}</li>" for piece in pieces),
           "</ul>"] if pieces else []),
        "<h2>Récapitulatif de votre dossier</h2>",
    ]
    for section in sections:
        body += [f"<h3>{e(section.titre)}</h3>", "<ul>",
                 *(f"<li>{e(label)} : <strong>{e(value)}</strong></li>"
                   for label, value in section.lignes), "</ul>"]
    body += ["<h2>Suivi de votre dossier</h2>", f"<p>{e(suivre)}</p>",
             f"<p><small>{e(_closing(session))}</small></p>"]
    return Courriel(
        destinataire=record["dossier"]["contact"]["email"],
        objet=objet,
        texte="\n".join(text),
        html=_page(objet, body, site_url=site_url),
    )


def _changed(record: Mapping[str, Any], session: Session) -> list[str]:
    """What a modification changed since the version before, row by row, as « Téléphone :
    05 55 12 34 56 → 06 12 34 56 78 » (the accommodation's « précisions » never written out)."""
    if not record.get("historique"):
        return []
    before = {**record, **record["historique"][-1]}
    return [f"{c['libelle']} : {c['avant']} → {c['apres']}"
            for c in recapitulatif.changes(before, record, session, health_details=False)]


def rappel(record: Mapping[str, Any], session: Session, *, site_url: str) -> Courriel:
    """The email that gives a candidate their number again (POST /api/dossiers/rappel)."""
    numero = recapitulatif.numero(record)
    objet = f"Votre numéro d'inscription au {session.examen_code} — n° {numero}"
    paragraphs = [
        "Bonjour,",
        f"Vous avez demandé à recevoir de nouveau votre numéro d'inscription au "
        f"{_examen(session)}.",
        f"Votre numéro d'inscription : {numero}",
        "Avec votre date de naissance, il vous permet de consulter ou de modifier votre dossier "
        f"et d'imprimer votre confirmation d'inscription {_site(site_url)}",
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre dossier n'a "
        "pas été modifié.",
        _closing(session),
    ]
    e = html.escape
    body = [f"<p>{e(p)}</p>" for p in paragraphs]
    body[2] = (f'<p>Votre numéro d\'inscription : <strong style="font-size:1.4em">{e(numero)}'
               "</strong></p>")
    return Courriel(
        destinataire=record["dossier"]["contact"]["email"],
        objet=objet,
        texte="\n\n".join(paragraphs) + "\n",
        html=_page(objet, body, site_url=site_url),
    )


def lien_acces(record: Mapping[str, Any], session: Session, *, link: str,
               minutes: int) -> Courriel:
    """The email with a one-time access link (POST /api/dossiers/lien-acces)."""
    numero = recapitulatif.numero(record)
    objet = (f"Lien d'accès à votre dossier de pré-inscription au {session.examen_code} — "
             f"n° {numero}")
    before = [
        "Bonjour,",
        f"Un lien d'accès à votre dossier de pré-inscription au {_examen(session)}, n° {numero}, "
        "a été demandé sur le site de pré-inscription.",
        "Ce lien ouvre votre dossier sans votre date de naissance, même si l'accès à ce numéro "
        "est momentanément bloqué après des essais infructueux :",
    ]
    after = [
        f"Il est valable {minutes} minutes et ne sert qu'une fois. Ne le transmettez à "
        "personne : il donne accès à votre dossier.",
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : personne d'autre "
        "que vous ne reçoit ce lien, et votre dossier n'a pas été modifié. Si ces messages se "
        f"répètent, signalez-le au {session.destinataire}.",
        _closing(session),
    ]
    e = html.escape
    body = [*(f"<p>{e(p)}</p>" for p in before),
            f'<p><a href="{e(link)}">Ouvrir mon dossier</a></p>',
            *(f"<p>{e(p)}</p>" for p in after)]
    return Courriel(
        destinataire=record["dossier"]["contact"]["email"],
        objet=objet,
        texte="\n\n".join([*before, link, *after]) + "\n",
        html=_page(objet, body, site_url=""),
    )


def _page(title: str, body: list[str], *, site_url: str) -> str:
    content = "\n".join(body)
    if site_url:
        # Every address of the site, a page's included, made a link as a whole.
        content = re.sub(re.escape(html.escape(site_url)) + r"[^\s<\"]*",
                         lambda found: f'<a href="{found[0]}">{found[0]}</a>', content)
    return ('<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head>\n"
            '<body style="font-family:sans-serif;line-height:1.4">\n'
            + content + "\n</body></html>\n")


def incomplet(record: Mapping[str, Any], session: Session, *, site_url: str,
              pieces_manquantes: list[str], note: str | None,
              depuis: str | None = None) -> Courriel:
    """The email sent when the bureau marks a dossier incomplete: what is missing, and where
    to send it (`pieces_manquantes` are labels, from the session data)."""
    numero = recapitulatif.numero(record)
    retour = recapitulatif.retour(record, session)
    objet = f"Votre dossier d'inscription au {session.examen_code} est incomplet — n° {numero}"
    intro = (f"Le {session.destinataire}, a examiné votre dossier n° {numero} d'inscription au "
             f"{_examen(session)}. "
             f"{suivi_etat('incomplete', pieces_manquantes)}.")
    demande = suivi_a_faire("incomplete", session, depuis=depuis)
    suite = ("Votre inscription ne deviendra définitive qu'une fois votre dossier complet. Vous "
             f"pouvez suivre l'état de votre dossier {_site(site_url)}")
    text = ["Bonjour,", "", intro, "", "PIÈCES MANQUANTES",
            *(f"- {piece}" for piece in pieces_manquantes)]
    if note:
        text += ["", "Précisions du bureau :", note]
    text += ["", demande, *(f"   {line}" for line in retour.adresse), "", suite, "",
             _closing(session), ""]  # online only: no address (recapitulatif.retour)
    e = html.escape
    body = [f"<p>Bonjour,</p><p>{e(intro)}</p>", "<h2>Pièces manquantes</h2>", "<ul>",
            *(f"<li>{e(piece)}</li>" for piece in pieces_manquantes), "</ul>"]
    if note:
        body.append(f"<p>Précisions du bureau :<br>{e(note)}</p>")
    body += [f"<p>{e(demande)}"
             + (f"<br><strong>{'<br>'.join(e(x) for x in retour.adresse)}</strong>"
                if retour.adresse else "") + "</p>", f"<p>{e(suite)}</p>",
             f"<p><small>{e(_closing(session))}</small></p>"]
    return Courriel(destinataire=record["dossier"]["contact"]["email"], objet=objet,
                    texte="\n".join(text), html=_page(objet, body, site_url=site_url))


#: The email each status change sends the candidate (issue 27): its subject and first
#: sentence; `incomplete` has its own (`incomplet`, with the missing pieces and where to send).
_CHANGEMENTS = {
    "confirmation-recue": (
        "Votre confirmation d'inscription au {examen} a été reçue — n° {numero}",
        "Le {destinataire}, a reçu la confirmation signée de votre dossier n° {numero} "
        "d'inscription au {session}."),
    "definitive": (
        "Votre inscription au {examen} est définitive — n° {numero}",
        "Votre inscription au {session} est définitive (dossier n° {numero})."),
    "refuse": (
        "Votre dossier d'inscription au {examen} est refusé — n° {numero}",
        "Le {destinataire}, a examiné votre dossier n° {numero} d'inscription au {session} : "
        "il ne peut pas être retenu."),
    "sans-suite": (
        "Votre dossier d'inscription au {examen} est classé sans suite — n° {numero}",
        "Le {destinataire}, a classé sans suite votre dossier n° {numero} d'inscription au "
        "{session}."),
}
#: The statuses whose change emails the candidate.
STATUTS_ANNONCES = ("incomplete", *_CHANGEMENTS)


def changement_suivi(record: Mapping[str, Any], session: Session, *, site_url: str,
                     statut: str, pieces_manquantes: list[str], note: str | None,
                     depuis: str | None = None) -> Courriel:
    """The email a follow-up change sends (statut in STATUTS_ANNONCES), in the words « mon
    dossier » uses: the status, the bureau's note or reason, what to do next."""
    if statut == "incomplete":
        return incomplet(record, session, site_url=site_url,
                         pieces_manquantes=pieces_manquantes, note=note, depuis=depuis)
    numero = recapitulatif.numero(record)
    sujet, premiere = _CHANGEMENTS[statut]
    valeurs = {"examen": session.examen_code, "numero": numero, "session": _examen(session),
               "destinataire": session.destinataire}
    objet, intro = sujet.format(**valeurs), premiere.format(**valeurs)
    etat = f"État de votre dossier : {suivi_etat(statut, [])}."
    precision = ("Motif" if statut in ("refuse", "sans-suite") else "Précisions du bureau")
    a_faire = suivi_a_faire(statut, session)
    suite = f"Vous pouvez suivre l'état de votre dossier {_site(site_url)}"
    text = ["Bonjour,", "", intro, "", etat]
    if note:
        text += ["", f"{precision} :", note]
    text += ["", a_faire, "", suite, "", _closing(session), ""]
    e = html.escape
    body = [f"<p>Bonjour,</p><p>{e(intro)}</p>", f"<p><strong>{e(etat)}</strong></p>"]
    if note:
        body.append(f"<p>{e(precision)} :<br>{e(note)}</p>")
    body += [f"<p>{e(a_faire)}</p>", f"<p>{e(suite)}</p>",
             f"<p><small>{e(_closing(session))}</small></p>"]
    return Courriel(destinataire=record["dossier"]["contact"]["email"], objet=objet,
                    texte="\n".join(text), html=_page(objet, body, site_url=site_url))


def _notice(destinataire: str, objet: str, paragraphs: list[str], *, site_url: str) -> Courriel:
    """A short email of plain paragraphs."""
    return Courriel(destinataire=destinataire, objet=objet,
                    texte="\n\n".join(paragraphs) + "\n",
                    html=_page(objet, [f"<p>{html.escape(p)}</p>" for p in paragraphs],
                               site_url=site_url))


def tentative_doublon(record: Mapping[str, Any], session: Session, *, site_url: str,
                      heures: int) -> Courriel:
    """The alert to a dossier's address: someone just tried to register (or to move their own
    dossier) under the same name, first name and birth date (handler.candidats.doublons); no
    other such alert within `heures` hours."""
    numero = recapitulatif.numero(record)
    objet = f"Tentative de pré-inscription à votre nom au {session.examen_code}"
    return _notice(record["dossier"]["contact"]["email"], objet, [
        "Bonjour,",
        f"Une pré-inscription à votre nom vient d'être tentée au {_examen(session)}. Elle a été "
        f"refusée : votre dossier n° {numero} existe déjà, et il n'a pas été modifié.",
        "Si c'est vous, il n'y a rien à faire : pour modifier votre dossier, utilisez votre "
        f"numéro d'inscription et votre date de naissance {_site(site_url)}",
        f"Si ce n'est pas vous, contactez le {session.destinataire}, en indiquant votre "
        "numéro d'inscription.",
        f"Vous ne recevrez pas d'autre message de ce type dans les {heures} heures.",
        _closing(session),
    ], site_url=site_url)


def restitution(record: Mapping[str, Any], session: Session, *, site_url: str,
                destinataire: str, liberee: bool, proprietaire: bool) -> Courriel:
    """The bureau handed a squatted dossier back to its owner (handler.staff.restitution): the
    email to the address that was on the dossier (`proprietaire` False) or to the owner's
    (`proprietaire` True). `liberee`: the identity was released (the owner registers anew);
    else the dossier's address became the owner's."""
    numero = recapitulatif.numero(record)
    objet = f"Votre pré-inscription au {session.examen_code} — intervention du bureau"
    if liberee and proprietaire:
        faits = [f"Après avoir vérifié votre identité, le {session.destinataire}, a libéré vos "
                 f"nom, prénom et date de naissance pour le {_examen(session)} : un autre dossier "
                 "les portait.",
                 "Vous pouvez maintenant déposer votre propre dossier "
                 f"{_site(site_url, FORMULAIRE)}"]
    elif liberee:
        faits = [f"Le {session.destinataire}, a constaté que le dossier n° {numero} du "
                 f"{_examen(session)} portait l'identité d'une autre personne, qui l'a "
                 "justifiée : cette identité a été libérée pour elle.",
                 f"Si ce dossier est bien le vôtre, contactez le {session.destinataire}."]
    elif proprietaire:
        faits = [f"Après avoir vérifié votre identité, le {session.destinataire}, a rattaché à "
                 f"cette adresse le dossier de pré-inscription au {_examen(session)} déposé à "
                 f"votre nom : n° {numero}.",
                 "Avec votre date de naissance, ce numéro vous permet de consulter, de corriger "
                 f"et d'imprimer votre dossier {_site(site_url)}",
                 "Vérifiez-le entièrement : il a été déposé par une autre personne.",
                 "Ses coordonnées (adresse, téléphone, courriel) ne peuvent plus être modifiées "
                 "avec la seule date de naissance. Pour les modifier, demandez un lien d'accès "
                 "par courriel sur la page « Mon dossier » : il arrive à cette adresse, et "
                 "l'ouvrir vous permet de nouveau de les modifier."]
    else:
        faits = [f"Le {session.destinataire}, a remplacé l'adresse électronique du dossier "
                 f"n° {numero} du {_examen(session)} par celle de la personne dont il porte "
                 "l'identité, qui l'a justifiée. Les messages sur ce dossier ne seront plus "
                 "envoyés à cette adresse.",
                 f"Si ce dossier est bien le vôtre, contactez le {session.destinataire}."]
    return _notice(destinataire, objet, ["Bonjour,", *faits, _closing(session)],
                   site_url=site_url)


#: What a reminder says to whoever has just posted their confirmation.
DEJA_ENVOYEE = ("Si vous l'avez déjà envoyée, vous n'avez rien à faire : sa réception sera "
                "indiquée sur la page « Consulter ou modifier mon dossier ».")


def relance(record: Mapping[str, Any], session: Session, *, site_url: str,
            nouvelle_confirmation: bool) -> Courriel:
    """The reminder to a candidate whose signed confirmation hasn't arrived as the return
    deadline nears (handler.staff.relances): the deadline, the steps, where to send, the
    pieces, as the confirmation email gives them. `nouvelle_confirmation`: the dossier was
    modified after its confirmation was received, the new one is awaited."""
    numero = recapitulatif.numero(record)
    retour = recapitulatif.retour(record, session)
    objet = (f"Rappel : votre confirmation d'inscription au {session.examen_code} est "
             f"attendue — n° {numero}")
    if nouvelle_confirmation:
        intro = (f"Le {session.destinataire}, attend la nouvelle confirmation d'inscription "
                 f"signée de votre dossier n° {numero} de pré-inscription au "
                 f"{_examen(session)} : vous avez modifié votre dossier après la réception de "
                 "la précédente, qu'elle remplace.")
    else:
        intro = (f"Le {session.destinataire}, n'a pas encore reçu la confirmation d'inscription "
                 f"signée de votre dossier n° {numero} de pré-inscription au "
                 f"{_examen(session)}.")
    steps = _steps(site_url, retour)
    # The deadline comes first, on its own: the address's own notes stay beside it.
    notes = [n for n in (retour.adresse_a_confirmer, retour.message_retour_tardif) if n] + \
        _en_ligne_aussi(retour)
    pieces = recapitulatif.pieces(record)
    text = ["Bonjour,", "", intro, "", retour.delai, "", "CE QU'IL VOUS RESTE À FAIRE",
            *(f"{i}. {step}" for i, step in enumerate(steps, 1)),
            *(f"   {line}" for line in retour.adresse),
            *(f"   {note}" for note in notes), "",
            *(["PIÈCES À JOINDRE", *(f"- {piece}" for piece in pieces), ""] if pieces else []),
            DEJA_ENVOYEE, "", _closing(session), ""]
    e = html.escape
    body = [
        "<p>Bonjour,</p>", f"<p>{e(intro)}</p>", f"<p><strong>{e(retour.delai)}</strong></p>",
        "<h2>Ce qu'il vous reste à faire</h2>", "<ol>",
        *(f"<li>{e(step)}</li>" for step in steps[:-1]),
        f"<li>{e(steps[-1])}"
        + (f"<br><strong>{'<br>'.join(e(x) for x in retour.adresse)}</strong>"
           if retour.adresse else "")
        + "".join(f"<br>{e(note)}" for note in notes) + "</li>",
        "</ol>",
        *(["<h2>Pièces à joindre</h2>", "<ul>", *(f"<li>{e(p)}</li>" for p in pieces),
           "</ul>"] if pieces else []),
        f"<p>{e(DEJA_ENVOYEE)}</p>", f"<p><small>{e(_closing(session))}</small></p>",
    ]
    return Courriel(destinataire=record["dossier"]["contact"]["email"], objet=objet,
                    texte="\n".join(text), html=_page(objet, body, site_url=site_url))


def pieces_refusees(record: Mapping[str, Any], session: Session, *, site_url: str,
                    refusees: list[tuple[str, str]]) -> Courriel:
    """The email of the pieces the bureau refused (issue 28), one for several refused
    together: each piece (its label) with the reason, and where to deposit it again."""
    numero = recapitulatif.numero(record)
    seule = len(refusees) == 1
    objet = (f"{'Une pièce' if seule else 'Des pièces'} de votre dossier d'inscription au "
             f"{session.examen_code} {'a été refusée' if seule else 'ont été refusées'} — "
             f"n° {numero}")
    intro = (f"Le {session.destinataire}, a examiné les pièces déposées en ligne pour votre "
             f"dossier n° {numero} d'inscription au {_examen(session)}. "
             + ("Cette pièce ne peut pas être acceptée :" if seule
                else "Ces pièces ne peuvent pas être acceptées :"))
    lignes = [f"{libelle} : {motif}" for libelle, motif in refusees]
    demande = ("Déposez de nouveau " + ("cette pièce" if seule else "ces pièces")
               + f", corrigée{'' if seule else 's'}, depuis la page « Consulter ou modifier mon "
               f"dossier », {_site(site_url)}")
    suite = "Votre inscription ne deviendra définitive qu'une fois votre dossier complet."
    text = ["Bonjour,", "", intro, "", *(f"- {ligne}" for ligne in lignes), "", demande, "",
            suite, "", _closing(session), ""]
    e = html.escape
    body = [f"<p>Bonjour,</p><p>{e(intro)}</p>", "<ul>",
            *(f"<li><strong>{e(libelle)}</strong> : {e(motif)}</li>"
              for libelle, motif in refusees), "</ul>",
            f"<p>{e(demande)}</p>", f"<p>{e(suite)}</p>",
            f"<p><small>{e(_closing(session))}</small></p>"]
    return Courriel(destinataire=record["dossier"]["contact"]["email"], objet=objet,
                    texte="\n".join(text), html=_page(objet, body, site_url=site_url))
