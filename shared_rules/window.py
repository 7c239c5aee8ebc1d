"""The registry's opening window, and the notice's conflict about the return deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared_rules import messages as msg
from shared_rules.contact import bureau_contact
from shared_rules.dates_fr import date_heure_longue, date_longue
from shared_rules.session import Session

BEFORE, OPEN, CLOSED = "avant-ouverture", "ouvert", "clos"


@dataclass(frozen=True)
class WindowState:
    """Whether the registry accepts dossiers at one instant."""

    statut: str
    ouverture: dt.datetime
    cloture: dt.datetime

    @property
    def ouvert(self) -> bool:
        return self.statut == OPEN


def _require_aware(instant: dt.datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("an instant must carry its time zone")


def window_state(instant: dt.datetime, session: Session) -> WindowState:
    """Open from the opening instant inclusive, closed from the closing instant inclusive."""
    _require_aware(instant)
    if instant < session.ouverture:
        statut = BEFORE
    elif instant < session.cloture:
        statut = OPEN
    else:
        statut = CLOSED
    return WindowState(statut, session.ouverture, session.cloture)


def late_return_start(session: Session) -> dt.datetime:
    """Midnight, local time, on the day the confirmation is due."""
    return dt.datetime.combine(session.date_limite_retour, dt.time(0), tzinfo=session.zone)


def is_late_for_return(version_at: dt.datetime, session: Session) -> bool:
    """True for a version of a dossier (its creation, or a modification: pass the instant of the
    version being shown or printed) recorded on or after the return deadline's day (local
    time), while the registry is still open: the notice's 18/20 November conflict. A new
    signed version made on the 19th can only reach the bureau late, whenever the dossier was
    created."""
    _require_aware(version_at)
    return version_at >= late_return_start(session)


def return_deadline(session: Session) -> str:
    """« Elle doit parvenir au Rectorat de Limoges, Bureau DEC 4 au plus tard le mercredi 18
    novembre 2020 : … »: the deadline as the site, the PDF and the emails say it (received by,
    as the notice's « au plus tard pour le »)."""
    return msg.DELAI_RETOUR.format(destinataire=session.destinataire,
                                   date_limite=date_longue(session.date_limite_retour))


def late_return_message(session: Session) -> str:
    """The one French message the site, the PDF and the email show for that conflict."""
    return msg.CONFLIT_DATE_RETOUR.format(
        date_limite=date_longue(session.date_limite_retour),
        date_limite_courte=date_longue(session.date_limite_retour).split(" ", 1)[1],
        cloture=date_heure_longue(session.cloture),
        destinataire=bureau_contact(session),
    )
