"""Reminders (issue 27): an email to each candidate whose signed confirmation hasn't arrived as
the return deadline (the session's `date_limite_retour`) nears.

Who: the dossiers that await a signed confirmation, found in the summary index
(handler.dossier.index) without reading every dossier — `pre-inscrit`, and `a-revoir` (received
or made definitive, then modified: a new confirmation is awaited, and the email says so). Not
`incomplete`: the bureau holds its confirmation, and the missing pieces have their own deadline,
counted from the « incomplet » email that listed them (for Limoges 2021 that delay is still « à
confirmer »: there is no date to count back from). Each dossier is read again just before its
email (the index may be a minute behind): one no longer awaiting is left out.

When, in the session's local days (Europe/Paris):
- the daily job (handler.lambda_function.send_reminders, at HEURE_AUTOMATIQUE), during the
  window — from RELANCE_JOURS days before the deadline to the deadline itself — gives each
  awaiting dossier one automatic reminder: on the window's first day, or on the first run
  after it became awaiting (a new dossier, a modification after reception, a return to
  « pré-inscrit »);
- the bureau's button (POST /api/staff/relances, role `gestion`), any day until the deadline,
  reminds every awaiting dossier not reminded that day.
After the deadline nothing is sent: the job does nothing and the button is refused; the
dossiers still awaiting are the list's « Pré-inscrit ».

Never twice the same day: before its email, each reminder claims
`relances/<session>/<jour>/<numero>.json` with IfNoneMatch, whoever sends it (the job, two
staff members pressing at once, a retry); the loser counts it « déjà relancé aujourd'hui ». The
record then says how the email went (`envoye`, `echec` with SES's error code; `en-cours`
meanwhile), how many attempts, when, and who asked (`automatique` or the staff member): no
address, no name. A failure also leaves a marker, `relances/<session>/a-renvoyer/<numero>.json`:
the hourly mail retry (handler.notifications) sends it again, under the day's claim (IfMatch on
the failed record, SCHEDULED_ATTEMPTS a day), or under a new day's claim once that day is over,
until it goes, the dossier no longer awaits, or the deadline passes. A send cut short between
its claim and its outcome (the function stopped while SES hung) stays `en-cours` and is not
sent again that day: it may have gone, and a second email the same day is what this module
promises never to send; the bureau's button sends it the next day.

The records are erased with the dossier (handler.staff.erasure calls `erase`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from handler.dossier import mail_content, suivi
from handler.dossier.courriels import ABANDONNE, ECHEC, ENVOYE, Notifier
from handler.dossier.index import SummaryIndex
from handler.platform.mail import Courriel, MailError
from handler.platform.storage import RELANCES, DossierStore, WriteConflict
from shared_rules.dates_fr import date_longue
from shared_rules.session import Session

log = logging.getLogger(__name__)

#: The statuses whose dossier awaits a signed confirmation.
AWAITING = (suivi.PRE_INSCRIT, suivi.A_REVOIR)
#: The local hour of the daily job (infra/template.yaml's schedule; a test compares them).
HEURE_AUTOMATIQUE = 8
EN_COURS = "en-cours"
#: Who asked for an automatic reminder (the record's `par`).
AUTOMATIQUE = "automatique"
MARKERS = "a-renvoyer/"
#: Outcomes of one reminder besides ENVOYE and ECHEC: claimed by someone else today, or the
#: dossier no longer awaits (its paper arrived, it was erased).
DEJA, PLUS_ATTENDU = "deja", "plus-attendu"
#: Seconds kept free at the end of a run for its answer.
MARGIN = 1.5
#: How long the button's run sends (the API's function stops at 10 s): the page asks again
#: while some are left (`restants`). About 40 reminders a run, one after another: SES's
#: sending rate (14 a second on a new production account) is never the limit.
API_SECONDS = 7.0

TimeLeft = Callable[[], float]


@dataclass(frozen=True)
class Window:
    """The automatic reminders' days, local dates, both included; `fin` is the deadline."""

    debut: dt.date
    fin: dt.date

    def automatic(self, day: dt.date) -> bool:
        return self.debut <= day <= self.fin

    def days_until(self, day: dt.date) -> list[dt.date]:
        """The window's days up to `day` included."""
        last = min(day, self.fin)
        return [self.debut + dt.timedelta(days=i) for i in range((last - self.debut).days + 1)]


def window(session: Session, jours: int) -> Window:
    """The window of RELANCE_JOURS = `jours` days before the session's return deadline."""
    return Window(session.date_limite_retour - dt.timedelta(days=jours),
                  session.date_limite_retour)


def day_prefix(session: str, day: dt.date) -> str:
    return f"{RELANCES}{session}/{day.isoformat()}/"


def day_key(session: str, day: dt.date, numero: str) -> str:
    return f"{day_prefix(session, day)}{numero}.json"


def marker_key(session: str, numero: str) -> str:
    return f"{RELANCES}{session}/{MARKERS}{numero}.json"


def _numero(key: str) -> str:
    return key.rsplit("/", 1)[1].removesuffix(".json")


def no_time_limit() -> float:
    return float("inf")


def seconds_from_now(seconds: float) -> TimeLeft:
    """A run's time left, `seconds` from now."""
    end = time.monotonic() + seconds
    return lambda: end - time.monotonic()


class Reminders:
    """The reminders of one session: who gets one, sending them, retrying the failed ones."""

    def __init__(self, notifier: Notifier, *, jours: int) -> None:
        self.notifier = notifier
        self.store: DossierStore = notifier.store
        self.session: Session = notifier.session
        self.window = window(self.session, jours)
        self.jours = jours

    def today(self) -> dt.date:
        """The calendar clock's local day (the demonstration's in a local run)."""
        return self.notifier.now().astimezone(self.session.zone).date()

    # -- who ------------------------------------------------------------------------------------
    def awaiting(self) -> dict[str, str]:
        """The dossiers awaiting a signed confirmation, by number: their status, from the
        summary index alone."""
        entries = SummaryIndex(self.store, self.session.code).entries()
        found = {e["numero"]: suivi.etat(e, e["version"]) for e in entries}
        return {numero: etat for numero, etat in sorted(found.items()) if etat in AWAITING}

    def reminded(self, days: Iterable[dt.date]) -> set[str]:
        """The numbers with a reminder record on one of these days (one LIST per day)."""
        return {_numero(key) for day in days
                for key in self.store.keys(day_prefix(self.session.code, day))}

    def chosen(self, day: dt.date, *, automatic: bool) -> tuple[list[str], int]:
        """Whom a run on `day` reminds, and how many awaiting dossiers were reminded that day
        already: the job reminds the awaiting dossiers with no reminder since the window
        opened, the button those not reminded that day. Nobody after the deadline."""
        if day > self.window.fin or (automatic and not self.window.automatic(day)):
            return [], 0
        awaiting = self.awaiting()
        today = self.reminded([day])
        done = today
        if automatic:
            done = done | self.reminded(d for d in self.window.days_until(day) if d != day)
        return ([numero for numero in awaiting if numero not in done],
                len(today.intersection(awaiting)))

    # -- preview --------------------------------------------------------------------------------
    def preview(self) -> dict[str, Any]:
        """What the button would do now, the window, and one example of the email."""
        day = self.today()
        awaiting = self.awaiting()
        today = self.reminded([day])
        chosen = [n for n in awaiting if n not in today] if day <= self.window.fin else []
        automatic = []
        if self.window.automatic(day):
            done = self.reminded(self.window.days_until(day))
            automatic = [n for n in chosen if n not in done]
        exemple = None
        for numero in chosen[:5]:  # the first still there (one may be erased meanwhile)
            stored = self.store.dossier(numero)
            if stored is not None:
                courriel = self._email(stored.body, awaiting[numero])
                exemple = {"objet": courriel.objet, "texte": courriel.texte}
                break
        return {
            "aujourdhui": day.isoformat(),
            "date_limite": self.window.fin.isoformat(),
            "date_limite_libelle": date_longue(self.window.fin),
            "jours": self.jours,
            "fenetre": {"debut": self.window.debut.isoformat(), "fin": self.window.fin.isoformat(),
                        "debut_libelle": date_longue(self.window.debut),
                        "fin_libelle": date_longue(self.window.fin)},
            "heure_automatique": HEURE_AUTOMATIQUE,
            "envoi_possible": day <= self.window.fin and self.notifier.enabled,
            "courriels_actifs": self.notifier.enabled,
            "terminees": day > self.window.fin,
            "en_attente": len(awaiting),
            "a_relancer": len(chosen),
            "a_relancer_automatiquement": len(automatic),
            "deja_relances_aujourdhui": len(today),
            "exemple": exemple,
        }

    # -- sending --------------------------------------------------------------------------------
    def send(self, *, automatic: bool, par: str,
             time_left: TimeLeft = no_time_limit) -> dict[str, int]:
        """Remind the dossiers a run chooses today, while time is left; the counts: sent,
        already reminded today, failed, no longer awaiting, and left for lack of time."""
        counts = {"envoyes": 0, "deja_relances": 0, "echecs": 0, "plus_attendus": 0,
                  "restants": 0}
        if not self.notifier.enabled:
            return counts
        day = self.today()
        chosen, counts["deja_relances"] = self.chosen(day, automatic=automatic)
        names = {ENVOYE: "envoyes", DEJA: "deja_relances", ECHEC: "echecs",
                 PLUS_ATTENDU: "plus_attendus"}
        for done, numero in enumerate(chosen):
            if time_left() < MARGIN:
                counts["restants"] = len(chosen) - done
                break
            counts[names[self._remind(numero, day, par=par)]] += 1
        return counts

    def retry(self, *, max_attempts: int | None) -> dict[str, int]:
        """Send the failed reminders again (the hourly mail retry); counts by resulting status,
        as the other emails' retry. `max_attempts`: a reminder tried that many times today is
        left (`abandonne`); None forces."""
        counts = {ENVOYE: 0, ECHEC: 0, ABANDONNE: 0}
        if not self.notifier.enabled:
            return counts
        day = self.today()
        prefix = f"{RELANCES}{self.session.code}/{MARKERS}"
        for key in list(self.store.keys(prefix)):
            numero = _numero(key)
            if day > self.window.fin:
                self.store.delete(key)  # nothing after the deadline
                continue
            outcome = self._remind(numero, day, par=AUTOMATIQUE, again=True,
                                   max_attempts=max_attempts)
            if outcome in (ENVOYE, ECHEC, ABANDONNE):
                counts[outcome] += 1
            if outcome == PLUS_ATTENDU or outcome == ENVOYE or (
                    outcome == DEJA and self._status(day, numero) == ENVOYE):
                self.store.delete(key)
        return counts

    def _status(self, day: dt.date, numero: str) -> str | None:
        stored = self.store.read(day_key(self.session.code, day, numero))
        return None if stored is None else str(stored.body["statut"])

    def _email(self, record: Mapping[str, Any], etat: str) -> Courriel:
        return mail_content.relance(record, self.session, site_url=self.notifier.site_url,
                                    nouvelle_confirmation=etat == suivi.A_REVOIR)

    def _state(self, statut: str, attempts: int, par: str,
               erreur: str | None = None) -> dict[str, Any]:
        return {"statut": statut, "tentatives": attempts, "erreur": erreur, "par": par,
                "dernier_essai": self.notifier.now().astimezone(dt.UTC).isoformat(
                    timespec="seconds")}

    def _claim(self, key: str, *, par: str, again: bool,
               max_attempts: int | None) -> tuple[str, int] | str:
        """Claim the day's reminder of one dossier: (the record's ETag, the attempt), or why
        not (DEJA, ABANDONNE). `again` (the retry) takes over the day's failed record."""
        try:
            return self.store.write(key, self._state(EN_COURS, 1, par), if_none_match=True), 1
        except WriteConflict:
            if not again:
                return DEJA
        existing = self.store.read(key)
        if existing is None or existing.body["statut"] != ECHEC:
            return DEJA
        attempts = int(existing.body["tentatives"]) + 1
        if max_attempts is not None and attempts > max_attempts:
            return ABANDONNE
        try:
            etag = self.store.write(key, self._state(EN_COURS, attempts, existing.body["par"]),
                                    if_match=existing.etag)
        except WriteConflict:
            return DEJA  # another retry took it
        return etag, attempts

    def _remind(self, numero: str, day: dt.date, *, par: str, again: bool = False,
                max_attempts: int | None = None) -> str:
        """Remind one dossier on `day`, at most once that day; the outcome."""
        assert self.notifier.sender is not None
        stored = self.store.dossier(numero)
        if stored is None:
            return PLUS_ATTENDU  # erased, or being erased
        etat = suivi.etat(suivi.current(self.store, numero), stored.body["version"])
        if etat not in AWAITING:
            return PLUS_ATTENDU
        key = day_key(self.session.code, day, numero)
        claimed = self._claim(key, par=par, again=again, max_attempts=max_attempts)
        if isinstance(claimed, str):
            return claimed
        etag, attempts = claimed
        error = None
        try:
            self.notifier.sender.send(self._email(stored.body, etat))
            statut = ENVOYE
        except MailError as exc:
            statut, error = ECHEC, exc.reason
            # The reason is an error code: no address, no name, no number.
            log.warning("reminder email failed: %s (attempt %d)", exc.reason, attempts)
        try:
            self.store.write(key, self._state(statut, attempts, par, error), if_match=etag)
            if statut == ECHEC:
                self.store.write(marker_key(self.session.code, numero),
                                 {"numero": numero, "jour": day.isoformat()})
        except (WriteConflict, ClientError, BotoCoreError) as exc:
            # The email went (or not): the claim stands, so no second one goes today.
            log.warning("reminder status not recorded: %s", type(exc).__name__)
        if self.store.dossier(numero) is None:
            # Erased as this email went: the erasure's sweep may have passed already.
            erase(self.store, self.session.code, numero)
        return statut


def erase(store: DossierStore, session: str, numero: str) -> int:
    """Erase a dossier's reminder records and marker, every version; the number deleted (one
    LIST of the days, then one per day that has reminders)."""
    deleted = store.erase(marker_key(session, numero))
    for folder in store.folders(f"{RELANCES}{session}/"):
        if not folder.endswith(f"/{MARKERS}"):
            deleted += store.erase(f"{folder}{numero}.json")
    return deleted
