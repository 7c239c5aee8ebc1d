"""The bureau's dashboard (issue 27, `gestion.html#/tableau`): how many dossiers, by status,
speciality, département and day of creation, and how many signed confirmations are expected
and received. Counted from the summary index alone (handler.dossier.index), never by reading a
dossier: at 20,000 dossiers it reads the 32 shards, as the list does. The same figures go out
as a CSV for French Excel (`rubrique;code;libellé;nombre`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from handler.dossier import suivi
from shared_rules.dates_fr import date_courte
from shared_rules.session import Session

#: The statuses in which the bureau holds a signed confirmation (of the current version).
RECEIVED = (suivi.CONFIRMATION_RECUE, suivi.INCOMPLETE, suivi.DEFINITIVE)
#: The statuses that expect no paper: the workflow's other ends.
ENDED = (suivi.REFUSE, suivi.SANS_SUITE)


def count(entries: Iterable[Mapping[str, Any]], session: Session) -> dict[str, Any]:
    """The dashboard's figures from the index's entries (a-revoir derived as the list does)."""
    statuses: Counter[str] = Counter()
    specialities: Counter[str] = Counter()
    departements: Counter[str] = Counter()
    days: Counter[str] = Counter()
    zone = session.zone
    total = 0
    for entry in entries:
        total += 1
        statuses[suivi.etat(entry, entry["version"])] += 1
        specialities[entry["specialite"]] += 1
        departements[entry["departement"]] += 1
        created = dt.datetime.fromisoformat(entry["cree_le"]).astimezone(zone)
        days[created.date().isoformat()] += 1
    labels = {s.code: s.libelle for s in session.specialites}
    names = {d.code: d.nom for d in session.departements}
    received = sum(statuses[s] for s in RECEIVED)
    ended = sum(statuses[s] for s in ENDED)
    return {
        "total": total,
        "par_statut": [{"code": s, "libelle": suivi.ETATS[s], "nombre": statuses[s]}
                       for s in suivi.WORKFLOW],
        "par_specialite": [{"code": c, "libelle": labels.get(c, c), "nombre": n}
                           for c, n in sorted(specialities.items(), key=lambda i: (-i[1], i[0]))],
        "par_departement": [{"code": d.code, "libelle": d.nom, "nombre": departements[d.code]}
                            for d in session.departements]
        + [{"code": c, "libelle": names.get(c, c), "nombre": n}
           for c, n in sorted(departements.items()) if c not in names],
        "par_jour": [{"code": day, "libelle": date_courte(dt.date.fromisoformat(day)), "nombre": n}
                     for day, n in sorted(days.items())],
        "papiers": {"attendus": total - ended, "recus": received,
                    "en_attente": total - ended - received},
    }


#: The CSV's groups: the dashboard's key and the French name in the file's first column.
RUBRIQUES = (("par_statut", "Statut"), ("par_specialite", "Spécialité"),
             ("par_departement", "Département"), ("par_jour", "Jour de création"))
PAPIERS = (("attendus", "Confirmations signées attendues"),
           ("recus", "Confirmations signées reçues"),
           ("en_attente", "Confirmations signées encore attendues"))


def to_csv(figures: Mapping[str, Any]) -> bytes:
    """The dashboard as a CSV for French Excel (UTF-8 with BOM, `;`), the same numbers."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Rubrique", "Code", "Libellé", "Nombre"])
    writer.writerow(["Total", "", "Dossiers", figures["total"]])
    for key, name in RUBRIQUES:
        for row in figures[key]:
            writer.writerow([name, row["code"], row["libelle"], row["nombre"]])
    for key, label in PAPIERS:
        writer.writerow(["Papiers", key, label, figures["papiers"][key]])
    return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")
