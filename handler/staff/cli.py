"""`python -m handler.staff`: the staff's tool for operators with AWS credentials.

    python -m handler.staff list [--specialite CODE…] [--departement 87] [--statut …] [-q TEXTE]
    python -m handler.staff show 7K3M-Q9PA-R
    python -m handler.staff export --format csv|xlsx|zip --out FICHIER [filtres de list]
    python -m handler.staff rebuild-index
    python -m handler.staff restitution 7K3M-Q9PA-R --action liberer|remplacer-courriel \
        --courriel ADRESSE [--auteur NOM]
    python -m handler.staff effacer 7K3M-Q9PA-R [--confirmer 7K3M-Q9PA-R] [--auteur NOM]
    python -m handler.staff relances [--envoyer]

It reads the bucket the handler uses, with the same configuration (DOSSIERS_BUCKET,
INSCRIPTION_SESSION, AWS_REGION, boto3's own AWS_ENDPOINT_URL_S3 and credentials) and the same
storage code; an export is written straight to the local file, streamed, with a progress bar
on stderr. Access is the operator's IAM identity (CloudTrail records it), not a staff token;
`restitution` (handler.staff.restitution) records `--auteur` (by default the system user) in the
audit, and emails through the handler's own configuration (MAIL_FROM, SITE_URL). `effacer`
(handler.staff.erasure) asks for the number to be typed again, or takes it from `--confirmer`.
`relances` (handler.staff.relances) prints how many candidates the reminders concern today;
`--envoyer` sends the day's automatic reminders as the daily job does, and prints the counts.

Missing credentials, an unknown bucket, an unreachable endpoint, or an endpoint that is no S3
store (the web service's address, issue 26) end the command with one French line saying what to
do (exit status 2), never a traceback: every command first asks the bucket itself (HeadBucket).
`export` refuses a folder that doesn't exist and asks before replacing a file (`--force` not to
ask).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from marshmallow import ValidationError, validate
from werkzeug.datastructures import MultiDict

import shared_rules
from handler.dossier import suivi
from handler.dossier.courriels import Notifier
from handler.dossier.index import SummaryIndex
from handler.dossier.numero import canonical, display
from handler.platform.clock import CalendarClock
from handler.platform.config import load_config
from handler.platform.errors import ApiError
from handler.platform.mail import make_sender
from handler.platform.storage import DossierStore
from handler.staff import erasure, exports, listing, relances, restitution
from handler.staff import messages as msg
from handler.staff.progress import ProgressBar
from handler.staff.row_cache import RowCache
from shared_rules.dates_fr import date_longue
from shared_rules.session import Session

WORKERS = 32


def _store(settings: dict[str, Any]) -> DossierStore:
    import boto3
    from botocore.config import Config

    client = boto3.client("s3", region_name=settings["AWS_REGION"], config=Config(
        retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=WORKERS + 4))
    return DossierStore(client, settings["DOSSIERS_BUCKET"])


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filtres (comme la liste de l'espace gestionnaire)")
    for name in ("specialite", "departement", "statut"):
        group.add_argument(f"--{name}", action="append", default=[], metavar="CODE")
    for name in ("cree-du", "cree-au", "modifie-du", "modifie-au"):
        group.add_argument(f"--{name}", metavar="AAAA-MM-JJ")
    group.add_argument("-q", "--recherche", metavar="TEXTE", help="nom, prénom ou numéro")
    group.add_argument("--tri", default="cree_le", help="ex. nom, -modifie_le")


def _query(args: argparse.Namespace, session: Session, *, paged: bool) -> listing.Query:
    raw: MultiDict[str, str] = MultiDict()
    for name in ("specialite", "departement", "statut"):
        for value in getattr(args, name):
            raw.add(name, value)
    for name in ("cree_du", "cree_au", "modifie_du", "modifie_au"):
        if getattr(args, name):
            raw.add(name, getattr(args, name))
    if args.recherche:
        raw.add("q", args.recherche)
    raw.add("tri", args.tri)
    if paged:
        raw.add("page", str(args.page))
        raw.add("par_page", str(args.par_page))
    return listing.parse_query(raw, session)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m handler.staff",
                                     description="Les dossiers, pour les gestionnaires.")
    commands = parser.add_subparsers(dest="commande", required=True)
    lister = commands.add_parser("list", help="lister les dossiers (filtres, tri, pages)")
    _add_filters(lister)
    lister.add_argument("--page", type=int, default=1)
    lister.add_argument("--par-page", type=int, default=50)
    lister.add_argument("--json", action="store_true", help="la page en JSON")
    show = commands.add_parser("show", help="un dossier, ses versions et son suivi, en JSON")
    show.add_argument("numero")
    export = commands.add_parser("export", help="exporter la liste filtrée dans un fichier")
    export.add_argument("--format", required=True, choices=sorted(exports.FORMATS))
    export.add_argument("--out", required=True, type=Path, metavar="FICHIER")
    export.add_argument("--force", action="store_true",
                        help="remplacer le fichier s'il existe, sans le demander")
    _add_filters(export)
    commands.add_parser("rebuild-index",
                        help="reconstruire l'index des dossiers et les lignes d'export")
    rendre = commands.add_parser(
        "restitution", help="rendre un dossier usurpé à la personne dont il porte l'identité, "
                            "après vérification de celle-ci")
    rendre.add_argument("numero")
    rendre.add_argument("--action", required=True, choices=restitution.MODES,
                        help="liberer : libérer l'identité ; remplacer-courriel : donner au "
                             "dossier l'adresse de la personne")
    rendre.add_argument("--courriel", required=True, metavar="ADRESSE",
                        help="l'adresse de la personne dont l'identité a été vérifiée")
    rendre.add_argument("--auteur", default=getpass.getuser(),
                        help="le nom inscrit au journal (par défaut l'utilisateur du système)")
    effacer = commands.add_parser(
        "effacer", help="effacer un dossier, toutes ses versions et ce qui s'y rattache (RGPD)")
    effacer.add_argument("numero")
    effacer.add_argument("--confirmer", metavar="NUMERO",
                         help="le numéro recopié (sans lui, la commande le demande)")
    effacer.add_argument("--auteur", default=getpass.getuser(),
                         help="le nom inscrit au journal (par défaut l'utilisateur du système)")
    relancer = commands.add_parser(
        "relances", help="les relances des candidats dont la confirmation signée n'est pas "
                         "arrivée : combien aujourd'hui, ou l'envoi (--envoyer)")
    relancer.add_argument("--envoyer", action="store_true",
                          help="envoyer les relances automatiques du jour, comme la tâche "
                               "quotidienne")
    return parser


def _table(page: dict[str, Any], out: TextIO) -> None:
    out.write(f"{page['total']} dossier(s) — page {page['page']}/{page['pages']}\n")
    for d in page["dossiers"]:
        flag = " [modifié après confirmation]" if d["a_revoir"] else ""
        out.write(f"{d['numero']}  {d['nom_naissance']} {' '.join(d['prenoms'])}  "
                  f"{d['specialite_libelle']}  {d['departement']}  {d['statut_libelle']}  "
                  f"{d['modifie_le'][:16].replace('T', ' ')}{flag}\n")


def storage_fault(exc: Exception, settings: dict[str, Any]) -> str:
    """One French line saying what went wrong with the bucket and what to do."""
    bucket = settings["DOSSIERS_BUCKET"]
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ("Identifiants AWS introuvables : définissez AWS_PROFILE (ou AWS_ACCESS_KEY_ID et "
                "AWS_SECRET_ACCESS_KEY), puis relancez la commande.")
    if isinstance(exc, NoRegionError):
        return "Région AWS inconnue : définissez AWS_REGION, puis relancez la commande."
    if isinstance(exc, EndpointConnectionError):
        return (f"Le service de stockage ne répond pas ({exc.kwargs.get('endpoint_url', '?')}) : "
                "vérifiez la connexion et AWS_ENDPOINT_URL_S3, puis relancez la commande.")
    code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
    if code in ("NoSuchBucket", "404"):
        # 404 without S3's own code: the endpoint may be the web service, not the store.
        endpoint = (os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
                    or "d'AWS")
        return (f"Le compartiment « {bucket} » n'existe pas à l'adresse de stockage {endpoint} : "
                "vérifiez DOSSIERS_BUCKET, et AWS_ENDPOINT_URL_S3 (l'adresse du stockage S3, pas "
                "celle du site), puis relancez la commande.")
    if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                "ExpiredToken"):
        return (f"Accès refusé au compartiment « {bucket} » ({code}) : vérifiez vos identifiants "
                "AWS et leurs droits, puis relancez la commande.")
    return (f"Le stockage a refusé la demande ({code or type(exc).__name__}) : réessayez dans "
            "un instant ; si cela dure, vérifiez DOSSIERS_BUCKET et vos identifiants AWS.")


def run(argv: Sequence[str] | None = None, *, store: DossierStore | None = None,
        out: TextIO | None = None, err: TextIO | None = None,
        notifier: Notifier | None = None, ask: Any = None) -> int:
    """The command; its exit status. `store` and `notifier` replace the ones built from the
    environment; `ask` the prompt (`input`) that asks for a confirmation."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    # It serves no browser: production's SITE_URL is not required here (issue 25, item 8).
    settings = load_config(needs_site_url=False)
    try:
        return _run(args, settings, store=store, out=out, err=err, notifier=notifier,
                    ask=ask or input)
    except (ClientError, NoCredentialsError, PartialCredentialsError, NoRegionError,
            EndpointConnectionError) as exc:
        err.write(storage_fault(exc, settings) + "\n")
        return 2


def _run(args: argparse.Namespace, settings: dict[str, Any], *, store: DossierStore | None,
         out: TextIO, err: TextIO, notifier: Notifier | None, ask: Any) -> int:
    session = shared_rules.get_session(settings["INSCRIPTION_SESSION"])
    if session is None:
        err.write(f"Session inconnue : {settings['INSCRIPTION_SESSION']}\n")
        return 2
    store = store or _store(settings)
    # The bucket itself first: an endpoint that is no S3 store (the web service's address)
    # answered every listing with nothing, and `list` printed « 0 dossier(s) » (issue 26).
    store.client.head_bucket(Bucket=store.bucket)
    index = SummaryIndex(store, session.code, workers=WORKERS)
    try:
        if args.commande == "list":
            query = _query(args, session, paged=True)
            page = listing.page(listing.select(index.entries(), query), query, session)
            if args.json:
                out.write(json.dumps(page, ensure_ascii=False, indent=2) + "\n")
            else:
                _table(page, out)
        elif args.commande == "show":
            return _show(store, args.numero, out, err)
        elif args.commande == "effacer":
            return _erase(store, session, args, CalendarClock(settings["INSCRIPTION_NOW"]).now,
                          settings["AUDIT_HMAC_KEY"], ask, out, err)
        elif args.commande == "relances":
            notifier = notifier or Notifier(
                store, make_sender(settings), session=session, site_url=settings["SITE_URL"],
                clock=CalendarClock(settings["INSCRIPTION_NOW"]).now)
            return _reminders(relances.Reminders(notifier, jours=settings["RELANCE_JOURS"]),
                              send=args.envoyer, out=out)
        elif args.commande == "restitution":
            notifier = notifier or Notifier(store, make_sender(settings), session=session,
                                            site_url=settings["SITE_URL"])
            now = CalendarClock(settings["INSCRIPTION_NOW"]).now()
            return _hand_back(store, notifier, session, args, now, settings["AUDIT_HMAC_KEY"],
                              out, err)
        elif args.commande == "export":
            if (refus := _destination(args, ask)) is not None:
                err.write(refus + "\n")
                return 2
            query = _query(args, session, paged=False)
            selection = listing.select(index.entries(), query)
            numeros = [e["numero"] for e in selection]
            followed = {e["numero"] for e in selection if e["revision"] > 0}
            bar = ProgressBar(len(numeros), label=f"Export {args.format}", stream=err)
            with args.out.open("wb") as file:
                count = exports.export(store, session, numeros, args.format, file,
                                       progress=bar, workers=WORKERS, followed=followed)
            bar.close()
            err.write(f"{count} dossier(s) exporté(s) dans {args.out}\n")
        else:
            bar = ProgressBar(0, label="Index", stream=err)

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar(done)
            count = index.rebuild(progress=progress, pieces=session.retour_en_ligne)
            bar.close()
            err.write(f"Index reconstruit : {count} dossier(s).\n")
            rows = RowCache(store, session, workers=WORKERS).refresh()
            err.write(f"Lignes d'export refaites : {rows}.\n")
    except ApiError as exc:
        err.write(exc.message + "\n")
        for field, messages in exc.errors.items():
            err.write(f"  {field} : {' '.join(messages)}\n")
        return 2
    return 0


def _reminders(reminders: relances.Reminders, *, send: bool, out: TextIO) -> int:
    """The reminders' figures, or the day's automatic reminders sent and their counts; exit
    status 1 when an email failed (the hourly retry sends it again)."""
    if send:
        counts = reminders.send(automatic=True, par=relances.AUTOMATIQUE)
        out.write(msg.RELANCES_ENVOYEES.format(**counts) + "\n")
        return 1 if counts["echecs"] else 0
    apercu = reminders.preview()
    fenetre = apercu["fenetre"]
    out.write(msg.RELANCES_APERCU.format(
        aujourdhui=date_longue(dt.date.fromisoformat(apercu["aujourdhui"])),
        en_attente=apercu["en_attente"], a_relancer=apercu["a_relancer"],
        automatiques=apercu["a_relancer_automatiquement"],
        deja=apercu["deja_relances_aujourdhui"]) + "\n")
    out.write(msg.RELANCES_FENETRE.format(heure=apercu["heure_automatique"],
                                          debut=fenetre["debut_libelle"],
                                          fin=fenetre["fin_libelle"], jours=apercu["jours"])
              + "\n")
    return 0


def _destination(args: argparse.Namespace, ask: Any) -> str | None:
    """Why the export's file can't be written (a French line), or None: its folder must exist,
    and an existing file is replaced only if the operator says so (or `--force`)."""
    target: Path = args.out
    if not target.parent.is_dir():
        return (f"Le dossier « {target.parent} » n'existe pas : créez-le, ou choisissez un autre "
                "chemin avec --out. Rien n'a été exporté.")
    if target.is_dir():
        return f"« {target} » est un dossier : indiquez un nom de fichier avec --out."
    if target.exists() and not args.force:
        try:
            answer = ask(f"Le fichier « {target} » existe déjà : le remplacer ? (o/N) ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("o", "oui"):
            return "Fichier existant gardé : rien n'a été exporté (--force pour le remplacer)."
    return None


def _show(store: DossierStore, typed: str, out: TextIO, err: TextIO) -> int:
    numero = canonical(typed)
    stored = store.dossier(numero) if numero else None
    if numero is None or stored is None:
        err.write("Aucun dossier ne porte ce numéro.\n")
        return 1
    follow_up = suivi.current(store, numero)
    shown = {**stored.body, "numero": display(numero), "suivi": follow_up,
             "a_revoir": suivi.a_revoir(follow_up, stored.body["version"])}
    out.write(json.dumps(shown, ensure_ascii=False, indent=2) + "\n")
    return 0


def _hand_back(store: DossierStore, notifier: Notifier, session: Session,
               args: argparse.Namespace, now: dt.datetime, audit_secret: str, out: TextIO,
               err: TextIO) -> int:
    numero = canonical(args.numero)
    try:
        validate.Email()(args.courriel)
    except ValidationError:
        err.write("Adresse électronique invalide.\n")
        return 2
    audit = restitution.hand_back(
        store, notifier, numero, session=session, mode=args.action, courriel=args.courriel,
        auteur=args.auteur, now=now, audit_secret=audit_secret) if numero else None
    if audit is None:
        err.write("Aucun dossier ne porte ce numéro.\n")
        return 1
    fait = ("identité libérée" if args.action == restitution.LIBERER
            else "adresse du dossier remplacée")
    out.write(f"Restitution faite ({fait}), journalisée. {_emails_said(audit['courriels'])}\n")
    return 0


_WHO = {"ancienne_adresse": "l'ancienne adresse du dossier",
        "proprietaire": "l'adresse de la personne"}
_HOW = {restitution.ENVOYE: "prévenue par courriel",
        restitution.ECHEC: "pas prévenue, le courriel a échoué (prévenez-la vous-même)",
        restitution.DESACTIVE: "pas prévenue, aucun courriel ne part faute de MAIL_FROM "
                               "(prévenez-la vous-même)"}


def _emails_said(courriels: dict[str, str]) -> str:
    """What the hand-back emailed, in words (issue 26: without MAIL_FROM nobody was told,
    while the output let it be believed)."""
    return "Courriels — " + " ; ".join(f"{_WHO.get(qui, qui)} : {_HOW.get(statut, statut)}"
                                       for qui, statut in courriels.items()) + "."


def _erase(store: DossierStore, session: Session, args: argparse.Namespace,
           clock: Any, audit_secret: str, ask: Any, out: TextIO, err: TextIO) -> int:
    numero = canonical(args.numero)
    # Even one marked by an erasure that stopped midway: asking again finishes it.
    stored = store.dossier_even_erasing(numero) if numero else None
    if numero is None or stored is None:
        err.write("Aucun dossier ne porte ce numéro : il a peut-être déjà été effacé.\n")
        return 1
    etat_civil = stored.body["dossier"]["etat_civil"]
    typed = args.confirmer
    if typed is None:
        err.write(f"Effacer le dossier {display(numero)} ({etat_civil['nom_naissance']} "
                  f"{' '.join(etat_civil['prenoms'])}) : {msg.EFFACEMENT_CONSEQUENCES}\n")
        try:
            typed = ask("Recopiez le numéro d'inscription pour confirmer : ")
        except EOFError:
            typed = ""
    if canonical(typed or "") != numero:
        err.write("Numéro recopié différent : rien n'a été effacé.\n")
        return 2
    audit = erasure.erase(store, numero, session=session.code, auteur=args.auteur, clock=clock,
                          audit_secret=audit_secret)
    if audit is None:
        err.write("Aucun dossier ne porte ce numéro : il a peut-être déjà été effacé.\n")
        return 1
    out.write(f"Dossier {display(numero)} effacé ({audit['versions_supprimees']} objet(s) "
              "supprimé(s)), effacement journalisé.\n")
    return 0
