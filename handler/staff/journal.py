"""The audit log as the `administration` role reads it on the staff page (issue 27): the
erasures and hand-backs of one local day (`audit/<utc-day>/…`, written by erasure and
restitution), newest first.

A record keeps no number, only its keyed fingerprint (erasure.fingerprint, AUDIT_HMAC_KEY): the
page can ask whether a number it types appears in the day's records (`numero`), never list the
numbers themselves. Without a key nothing can be matched, and the answer says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from handler.platform.fetch import fetch_ordered
from handler.platform.storage import DossierStore
from handler.staff import erasure

#: The most records one day's answer holds (the bureau erases and hands back a few a day).
JOURNAL_MAX = 500
#: What a record shows (never the staff's own logs, which CloudWatch keeps).
_SHOWN = ("action", "mode", "auteur", "le", "termine_le", "statut", "courriels",
          "versions_supprimees", "versions_index_supprimees", "exports_supprimes")


def day(store: DossierStore, jour: dt.date, zone: dt.tzinfo, *, numero: str | None = None,
        secret: str = "") -> dict[str, Any]:
    """The records of local day `jour` (in `zone`), newest first, each with `concerne` when a
    number was asked and a key is configured."""
    # A local day spans two UTC days' folders: both are read, then filtered.
    keys = [key for utc_day in (jour - dt.timedelta(days=1), jour, jour + dt.timedelta(days=1))
            for key in store.keys(f"{erasure.AUDIT}{utc_day:%Y-%m-%d}/")]
    wanted = erasure.fingerprint(numero, secret) if numero else None
    records = []
    for stored in fetch_ordered(store.read, keys):
        if stored is None:
            continue
        body = stored.body
        moment = dt.datetime.fromisoformat(body["le"]).astimezone(zone)
        if moment.date() != jour:
            continue
        shown = {k: body[k] for k in _SHOWN if k in body}
        if wanted is not None:
            shown["concerne"] = body.get("empreinte_numero") == wanted
        records.append(shown)
    records.sort(key=lambda r: r["le"], reverse=True)
    return {"jour": jour.isoformat(), "nombre": len(records),
            "enregistrements": records[:JOURNAL_MAX],
            "recherche_possible": bool(secret)}
