"""Dates and times written the French way (« mercredi 18 novembre 2020 à 9 h 00 »).

A small table rather than the system locale: Lambda images carry no French locale.
"""

from __future__ import annotations

import datetime as dt

_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre")


def date_longue(day: dt.date) -> str:
    """« mercredi 18 novembre 2020 » (« 1er » for the first of the month)."""
    quantieme = "1er" if day.day == 1 else str(day.day)
    return f"{_JOURS[day.weekday()]} {quantieme} {_MOIS[day.month - 1]} {day.year}"


def heure(moment: dt.datetime | dt.time) -> str:
    """« 9 h 00 », « 17 h 00 »."""
    return f"{moment.hour} h {moment.minute:02d}"


def date_heure_longue(moment: dt.datetime) -> str:
    """« mercredi 14 octobre 2020 à 9 h 00 » (in the datetime's own time zone)."""
    return f"{date_longue(moment.date())} à {heure(moment)}"


def date_courte(day: dt.date) -> str:
    """« 18/11/2020 »."""
    return day.strftime("%d/%m/%Y")


def pluriel(nombre: int, mot: str) -> str:
    """« 1 minute », « 5 minutes »: a count and its noun, in the right number."""
    return f"{nombre} {mot}" if nombre < 2 else f"{nombre} {mot}s"


def attente(seconds: int) -> str:
    """A wait in French: minutes up to an hour and a half, hours beyond (« 5 minutes »)."""
    if seconds <= 90 * 60:
        return pluriel(max(1, -(-seconds // 60)), "minute")
    return pluriel(-(-seconds // 3600), "heure")
