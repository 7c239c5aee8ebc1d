"""« Mon dossier » in Chromium shows the bureau's follow-up: a dossier the bureau set to
« incomplet » (through the staff API, with the local run's script token) tells the candidate
what is missing, the bureau's note and where to send it, in the words of the email; axe checks
the state at both widths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from handler.staff.auth import DEMO_STAFF_TOKEN
from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat, Identite, dossier_valide, nom_unique, texte
from tests.site.test_lien_acces import api

Ouvrir = Callable[..., Candidat]
ADRESSE = "Rectorat de Limoges Bureau DEC 4"


def staff(site_url: str, chemin: str, corps: Any) -> tuple[int, dict[str, Any]]:
    return api(site_url, "staff/" + chemin, corps=corps,
               entetes={"Authorization": f"Bearer {DEMO_STAFF_TOKEN}"})


@pytest.mark.parametrize("largeur", WIDTHS.values(), ids=WIDTHS.keys())
def test_an_incomplete_dossier_shows_what_is_missing_and_what_to_do(
    candidat: Ouvrir, site_url: str, largeur: int,
) -> None:
    nom = nom_unique("Suivi")
    statut, cree = api(site_url, "dossiers", corps=dossier_valide(nom))
    assert statut == 201
    numero = cree["numero"]
    statut, change = staff(site_url, f"dossiers/{numero}/suivi", {
        "statut": "incomplete", "version": 1, "revision": 0,
        "pieces_manquantes": ["attestation-echafaudage"], "note": "Attestation illisible"})
    assert statut == 200, change

    c = candidat(largeur, page="mon-dossier.html")
    c.ouvrir_dossier(numero, Identite(nom, ["Marie-Ève"]))
    bloc = c.page.locator("#consultation [data-role='suivi']")
    bloc.wait_for()
    assert texte(bloc) == (
        "État de votre dossier "
        "Dossier incomplet : il manque l'attestation de formation au montage, à l'utilisation "
        "et au démontage des échafaudages de pied "
        "Pièces manquantes : L'attestation de formation au montage, à l'utilisation et au "
        "démontage des échafaudages de pied "
        "Précisions du bureau : « Attestation illisible » "
        "Envoyez les pièces manquantes, en rappelant votre numéro d'inscription, le plus "
        "rapidement possible (délai à confirmer par le bureau), à l'adresse suivante : "
        + " ".join(cree_adresse(site_url, numero)))
    assert ADRESSE in texte(bloc)
    # The old promise « votre inscription deviendra alors définitive » is no longer made, nor
    # « reprint and send everything by 18 November » (issue 29, item 4: one instruction).
    assert not c.page.locator("#consultation [data-role='fin-retour']").is_visible()
    retour = c.page.locator("#consultation .retour")
    assert "Envoyez le tout" not in texte(retour) and "Joignez-y" not in texte(retour)
    assert c.page.get_by_role("button", name="Télécharger ma confirmation (PDF)").is_visible()
    c.etat("suivi-incomplet")
    assert c.problemes == []


def cree_adresse(site_url: str, numero: str) -> list[str]:
    """The return address as the API gives it to the candidate (session data)."""
    statut, corps = api(site_url, f"dossiers/{numero}", entetes={"X-Date-Naissance": "1998-05-17"})
    assert statut == 200
    return list(corps["suivi"]["adresse"])


def test_a_pre_registered_dossier_says_what_to_send_and_where_to_follow_it(
    candidat: Ouvrir, site_url: str,
) -> None:
    nom = nom_unique("Confirme")
    statut, cree = api(site_url, "dossiers", corps=dossier_valide(nom))
    assert statut == 201
    c = candidat(WIDTHS["telephone"], page="mon-dossier.html")
    c.ouvrir_dossier(cree["numero"], Identite(nom, ["Marie-Ève"]))
    bloc = c.page.locator("#consultation [data-role='suivi']")
    bloc.wait_for()
    assert texte(bloc).startswith(
        "État de votre dossier Pré-inscrit : nous attendons votre confirmation signée "
        "Envoyez votre confirmation d'inscription signée")
    assert "« Consulter ou modifier mon dossier »" in texte(bloc)
    assert c.problemes == []


def test_saving_an_unchanged_dossier_says_nothing_changed(
    candidat: Ouvrir, site_url: str,
) -> None:
    """Issue 17: no new version, no email, and the page says so."""
    nom = nom_unique("Inchange")
    statut, cree = api(site_url, "dossiers", corps=dossier_valide(nom))
    assert statut == 201
    c = candidat(WIDTHS["ordinateur"], page="mon-dossier.html")
    c.ouvrir_dossier(cree["numero"], Identite(nom, ["Marie-Ève"]))
    c.page.locator("#consultation:not([hidden])").wait_for()
    c.page.get_by_role("button", name="Modifier : téléphone").click()
    c.page.get_by_role("button", name="Revenir à la vérification").click()
    c.page.locator("#etape-verification:not([hidden])").wait_for()
    c.page.get_by_label("Je certifie").check()
    c.page.get_by_role("button", name="Enregistrer mes modifications").click()
    message = c.page.locator("#consultation-message:not([hidden])")
    message.wait_for()
    assert texte(message) == "Aucune modification : votre dossier est inchangé."
    assert texte(c.page.locator("#consultation-version")).startswith("Version 1")
    assert not c.page.locator("#consultation #courriel").is_visible()
    assert c.problemes == []
