"""Issue 24 in Chromium: real people the notice allows get through the form as they would type
their dossier — Enter in « Précisions », no first name, a birth date with no day and no month
(and « mon dossier » opened with it), a language outside the list, kept grades per
professional unit, a name the service doubts (a warning shown once, then kept)."""

from __future__ import annotations

from collections.abc import Callable

import shared_rules
from shared_rules import messages
from shared_rules.session import DEFAULT_SESSION_CODE
from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat, dossier_valide, nom_unique, texte

Ouvrir = Callable[..., Candidat]


def _verifier(c: Candidat) -> None:
    c.vers_la_verification()


def test_enter_in_the_precisions_is_kept_and_passes_the_step(candidat: Ouvrir) -> None:
    """Item 1: « Tiers temps.⏎Salle au rez-de-chaussée » and « > 80 % » were refused."""
    c = candidat(WIDTHS["telephone"])
    page = c.page
    c.reprendre(dossier_valide(nom_unique("Entree")), "dispenses")  # then EPS, languages
    page.get_by_label("Je demande un aménagement des conditions d'examen").check()
    precisions = page.get_by_label("Précisions sur votre demande (facultatif)")
    precisions.click()
    page.keyboard.type("Tiers temps.")
    page.keyboard.press("Enter")
    page.keyboard.type("Salle au rez-de-chaussée, taux d'incapacité > 80 %")
    _verifier(c)
    valeur = c.page.locator("#recapitulatif .recap__valeur--lignes")
    assert valeur.inner_text().endswith(
        "précisions : Tiers temps.\nSalle au rez-de-chaussée, taux d'incapacité > 80 %")
    c.etat("8-precisions-sur-deux-lignes")
    assert c.problemes == []


def test_a_person_with_no_first_name_and_papers_without_day_or_month_registers(
        candidat: Ouvrir, site_url: str) -> None:
    """Items 5 and 6, then « mon dossier » opened with 00 00 1996 (how the papers print it)."""
    c = candidat(WIDTHS["telephone"])
    page = c.page
    nom = nom_unique("Sukarno")
    c.reprendre(dossier_valide(nom), "etat-civil")
    page.get_by_label("Je n'ai pas de prénom à l'état civil").check()
    assert page.locator("#liste-prenoms").is_hidden()
    page.get_by_label("Mes papiers ne portent pas le jour, ou ni le jour ni le mois, de ma "
                      "naissance").check()
    c.continuer()  # the question is not answered yet
    assert c.message_du_champ("etat_civil.date_naissance") == (
        "Erreur : Indiquez ce que portent vos papiers : le mois et l'année, ou l'année seulement.")
    page.get_by_label("L'année seulement (par exemple 00/00/1996)").check()
    assert page.get_by_label("Jour", exact=True).is_hidden()
    assert page.get_by_label("Mois", exact=True).is_hidden()
    page.get_by_label("Année", exact=True).fill("1996")
    c.etat("2-etat-civil-sans-prenom-annee-seule")
    c.continuer()
    # Warnings, never refusals: shown once beside the fields, the next click goes on.
    resume = page.locator("#resume-avertissements")
    resume.wait_for()
    assert messages.SANS_PRENOM in texte(resume)
    assert messages.DATE_NAISSANCE_SANS_JOUR_NI_MOIS in texte(resume)
    c.etat("2-etat-civil-avertissements")
    c.continuer()
    assert c.etape() == "Étape 3 sur 8 : Vos coordonnées et votre établissement"
    for _ in range(5):
        c.continuer()
    page.locator("#etape-verification:not([hidden])").wait_for()
    recap = texte(page.locator("#recapitulatif"))
    assert "aucun (pas de prénom à l'état civil)" in recap
    assert "00/00/1996 (jour et mois inconnus)" in recap
    assert messages.SANS_PRENOM in texte(page.locator("#recapitulatif-avertissements"))
    page.get_by_label("Je certifie").check()
    c.envoyer()
    page.locator("#confirmation:not([hidden])").wait_for()
    numero = texte(page.locator("#numero"))

    c.ouvrir("mon-dossier.html")
    acces = page.locator("#acces")
    acces.get_by_label("Numéro d'inscription").fill(numero)
    acces.get_by_label("Jour", exact=True).fill("00")
    acces.get_by_label("Mois", exact=True).fill("00")
    acces.get_by_label("Année", exact=True).fill("1996")
    acces.get_by_role("button", name="Ouvrir mon dossier").click()
    page.locator("#consultation:not([hidden])").wait_for()
    recapitulatif = texte(page.locator("#consultation-recapitulatif"))
    assert "00/00/1996 (jour et mois inconnus)" in recapitulatif
    # Modifying it keeps the answers: the box ticked, the year alone.
    page.locator("#consultation-recapitulatif").get_by_role(
        "button", name="Modifier : date de naissance").click()
    assert page.get_by_label("Je n'ai pas de prénom à l'état civil").is_checked()
    assert page.get_by_label("L'année seulement (par exemple 00/00/1996)").is_checked()
    assert c.problemes == []


def test_a_language_outside_the_list_and_kept_professional_grades(candidat: Ouvrir) -> None:
    """Items 3 and 8: « Autre langue » with its name; EP1 and EP3 kept, one line each."""
    c = candidat(WIDTHS["ordinateur"])
    page = c.page
    c.reprendre(dossier_valide(nom_unique("Langue"), specialite="cuisine",
                               epreuves_facultatives=[]), "dispenses")
    assert c.etape() == "Étape 5 sur 8 : Dispenses, notes conservées et aménagement"
    assert "à confirmer" in texte(page.locator("#unites-professionnelles-a-confirmer"))
    for rang, (unite, note) in enumerate((("EP1", "13"), ("EP3", "11,5")), start=1):
        page.get_by_role("button", name="Ajouter une note conservée").click()
        ligne = page.locator('[data-ligne="benefice"]').nth(rang - 1)
        ligne.get_by_label("Épreuve", exact=True).select_option(
            label=f"Épreuve professionnelle {unite} (UP{unite[2]})")
        ligne.get_by_label("Session où vous avez obtenu cette note").select_option("2019")
        ligne.get_by_label("Note sur 20").fill(note)
    c.etat("5-notes-professionnelles")
    c.continuer()
    assert c.etape() == "Étape 6 sur 8 : Éducation physique et sportive (EPS)"
    c.continuer()
    assert c.etape() == "Étape 7 sur 8 : Langue vivante et épreuves facultatives"
    page.get_by_label("Langue vivante de l'épreuve obligatoire").select_option(
        label="Autre langue (précisez)")
    page.get_by_label("Nom de la langue de l'épreuve obligatoire").fill("Arabe")
    c.continuer()
    page.locator("#resume-avertissements").wait_for()  # the bureau will check it: said once
    _verifier(c)
    recap = texte(page.locator("#recapitulatif"))
    assert "Autre langue : Arabe" in recap
    assert ("Épreuve professionnelle EP1 (UP1) — 13/20 (2019) ; "
            "Épreuve professionnelle EP3 (UP3) — 11,5/20 (2019)") in recap
    assert c.problemes == []


def test_an_unusual_name_is_a_warning_shown_once_then_kept(candidat: Ouvrir) -> None:
    """The principle: « Jean- » is doubtful, not forbidden; « Martin--Lefèvre » and « 't Hart »
    are how papers write them (items 7 and 10)."""
    c = candidat(WIDTHS["telephone"])
    page = c.page
    c.reprendre(dossier_valide(nom_unique("Martin") + "--Lefèvre",
                               **{"etat_civil.prenoms": ["'t Joost", "Jean-"]}), "etat-civil")
    c.continuer()
    resume = page.locator("#resume-avertissements")
    resume.wait_for()
    assert page.locator("#resume-avertissements-liste li").count() == 1
    assert texte(page.locator('[data-chemin="etat_civil.prenoms.1"] .message-avertissement')) \
        == f"À vérifier : {messages.NOM_INHABITUEL}"
    assert page.locator(".message-erreur").count() == 0
    c.continuer()
    assert c.etape() == "Étape 3 sur 8 : Vos coordonnées et votre établissement"
    assert c.problemes == []


def test_the_return_deadline_is_a_date_of_receipt(candidat: Ouvrir) -> None:
    """Item 13: the notice's « au plus tard pour le 18 novembre » is received by, not sent by."""
    session = shared_rules.get_session(DEFAULT_SESSION_CODE)
    assert session is not None
    c = candidat(WIDTHS["telephone"])
    c.reprendre(dossier_valide(nom_unique("Delai")), "dispenses")
    _verifier(c)
    c.page.get_by_label("Je certifie").check()
    c.envoyer()
    c.page.locator("#confirmation:not([hidden])").wait_for()
    confirmation = texte(c.page.locator("#confirmation"))
    assert ("Envoyez le tout le plus rapidement possible, à l'adresse suivante : "
            in confirmation)
    assert shared_rules.return_deadline(session) in confirmation
