"""The registry's window, at its edges, in UTC on both sides of the change to winter time."""

from __future__ import annotations

import datetime as dt

import pytest

import shared_rules
from shared_rules.window import BEFORE, CLOSED, OPEN

SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None
UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("instant", "statut"), [
    # Opening: 14/10/2020 9:00 Paris is 7:00 UTC (summer time, UTC+2).
    ("2020-10-14T06:59:59", BEFORE),
    ("2020-10-14T07:00:00", OPEN),
    # 25/10/2020: clocks go back at 3:00 (1:00 UTC); the window stays open across it.
    ("2020-10-25T00:59:59", OPEN),
    ("2020-10-25T01:00:00", OPEN),
    # Closing: 20/11/2020 17:00 Paris is 16:00 UTC (winter time, UTC+1).
    ("2020-11-20T15:59:59", OPEN),
    ("2020-11-20T16:00:00", CLOSED),
    ("2021-06-01T00:00:00", CLOSED),
])
def test_window_edges_in_utc(instant: str, statut: str) -> None:
    state = shared_rules.window_state(utc(instant), SESSION)
    assert state.statut == statut
    assert state.ouvert is (statut == OPEN)


def test_the_edges_are_the_same_instants_in_any_zone() -> None:
    paris_opening = dt.datetime(2020, 10, 14, 9, 0, tzinfo=SESSION.zone)
    assert shared_rules.window_state(paris_opening, SESSION).ouvert
    assert not shared_rules.window_state(paris_opening - dt.timedelta(microseconds=1),
                                         SESSION).ouvert


def test_a_naive_instant_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="time zone"):
        shared_rules.window_state(dt.datetime(2020, 11, 1, 12), SESSION)


@pytest.mark.parametrize(("created", "late"), [
    ("2020-11-17T22:59:59", False),   # 23:59:59 on the 17th in Paris
    ("2020-11-17T23:00:00", True),    # midnight on the 18th in Paris
    ("2020-11-20T15:59:59", True),
    ("2020-10-14T07:00:00", False),
])
def test_late_return_flag_from_18_november_paris_time(created: str, late: bool) -> None:
    assert shared_rules.is_late_for_return(utc(created), SESSION) is late


def test_the_deadline_is_a_date_of_receipt_as_the_notice_says() -> None:
    """Issue 24: « au plus tard pour le mercredi 18 novembre » is received by, not sent by."""
    assert shared_rules.return_deadline(SESSION) == (
        "Elle doit parvenir au Rectorat de Limoges, Bureau DEC 4 au plus tard le mercredi 18 "
        "novembre 2020 : c'est la date de réception qui compte, postez-la plusieurs jours avant.")


def test_late_return_message_states_both_dates_plainly() -> None:
    assert shared_rules.late_return_message(SESSION) == (
        "Attention : la notice demande que la confirmation d'inscription parvienne au Rectorat au "
        "plus tard le mercredi 18 novembre 2020, alors que le service de pré-inscription reste "
        "ouvert jusqu'au vendredi 20 novembre 2020 à 17 h 00. Cette version de votre dossier a "
        "été enregistrée (pré-inscription ou modification) le 18 novembre 2020 ou après : "
        "envoyez votre confirmation signée et les pièces le plus rapidement possible, "
        "et contactez le Rectorat de Limoges, Bureau DEC 4 (téléphone : à confirmer ; courriel : "
        "à confirmer ; adresse : rue François Chénieux, Limoges, code postal à confirmer), pour "
        "savoir si elle sera acceptée."
    )
