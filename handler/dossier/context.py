"""The app's parts for the request being served: one place that knows where they are kept.

create_app() puts them in `app.extensions`; views ask here instead of reaching in themselves.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from handler.dossier.courriels import Notifier
from handler.platform.clock import CalendarClock
from handler.platform.storage import DossierStore
from shared_rules.session import Session


def session() -> Session:
    """The session this deployment serves."""
    found: Session = current_app.extensions["inscription_session"]
    return found


def store() -> DossierStore:
    """The dossiers' object store."""
    found: DossierStore = current_app.extensions["dossier_store"]
    return found


def notifier() -> Notifier:
    """The candidates' emails."""
    found: Notifier = current_app.extensions["notifier"]
    return found


def clock() -> CalendarClock:
    """The calendar clock (real, or simulated in dev and test)."""
    found: CalendarClock = current_app.extensions["calendar_clock"]
    return found


def now() -> dt.datetime:
    """The calendar clock's reading: for calendar rules only, never for durations."""
    return clock().now()
