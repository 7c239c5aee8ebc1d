"""Issue 29 (3): an answer put right loses its error at once, beside the field and in the step's
summary, which goes once it lists nothing; fields the candidate has not touched since are not
judged again before the next « Continuer », and the focus stays where the candidate is.

Observed before: « Cochez la case pour certifier… » stayed under the « déjà inscrit » answer
although the box was ticked.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared_rules import messages
from tests.factories import DELETE
from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat, dossier_valide, nom_unique, texte
from tests.site.test_form import _aller_a_la_verification

Ouvrir = Callable[..., Candidat]


def _titre_sans_erreur(c: Candidat) -> bool:
    return not str(c.page.title()).startswith("Erreur")


@pytest.mark.parametrize("largeur", WIDTHS.values(), ids=WIDTHS.keys())
def test_ticking_the_certification_takes_its_error_away_before_the_already_registered_answer(
        candidat: Ouvrir, largeur: int) -> None:
    nom = nom_unique("Certifie")
    premier = candidat(largeur)
    _aller_a_la_verification(premier, nom)
    premier.envoyer()
    premier.page.locator("#confirmation:not([hidden])").wait_for()

    c = candidat(largeur)
    page = c.page
    c.reprendre(dossier_valide(nom), "langues")
    c.continuer()
    page.locator("#etape-verification:not([hidden])").wait_for()
    c.envoyer()
    assert c.resume_erreurs() == [messages.ATTESTATION_EXACTITUDE]
    assert c.message_du_champ("attestation_exactitude") == (
        f"Erreur : {messages.ATTESTATION_EXACTITUDE}")
    assert c.focus() == "resume-erreurs"

    case = page.get_by_label("Je certifie")
    case.check()
    assert c.focus() == "attestation"  # nothing takes the focus away from the box
    assert page.locator("#resume-erreurs").is_hidden()
    assert c.resume_erreurs() == []
    assert page.locator('[data-chemin="attestation_exactitude"] .message-erreur').count() == 0
    assert case.get_attribute("aria-invalid") is None
    assert case.get_attribute("aria-describedby") is None
    assert _titre_sans_erreur(c)
    c.etat("8-verification-attestation-corrigee")

    c.envoyer()
    erreur = page.locator("#erreur-generale")
    erreur.wait_for()
    assert texte(erreur).startswith("Un dossier existe déjà à vos nom, prénoms, date et lieu")
    assert page.locator("#resume-erreurs").is_hidden()
    assert page.locator("#dossier .message-erreur").count() == 0
    # The pointer left where « Envoyer » was may now be over the answer's link, whose hover
    # colour is the theme's (4.26:1 on white, site-wide): axe judges the page as it is read.
    page.locator("#titre-verification").hover()
    c.etat("8-deja-inscrit-apres-attestation")
    assert c.problemes == []


@pytest.mark.parametrize("largeur", WIDTHS.values(), ids=WIDTHS.keys())
def test_each_answer_put_right_loses_its_error_and_untouched_fields_wait_for_continuer(
        candidat: Ouvrir, largeur: int) -> None:
    c = candidat(largeur)
    page = c.page
    c.reprendre(dossier_valide(nom_unique("Corrige"), **{
        "contact.email": DELETE, "contact.adresse": DELETE, "contact.departement": DELETE}),
        "coordonnees")
    c.continuer()
    assert c.resume_erreurs() == [
        f"Adresse électronique — {messages.EMAIL_OBLIGATOIRE}",
        f"Adresse (numéro et voie) — {messages.ADRESSE_OBLIGATOIRE}",
        f"Département de résidence — {messages.DEPARTEMENT_OBLIGATOIRE}",
    ]
    email = page.locator("#email")
    assert email.get_attribute("aria-invalid") == "true"

    # The email typed: its error goes. Its confirmation, still empty, is not judged yet.
    email.fill("corrige@exemple.fr")
    assert c.focus() == "email"
    assert c.resume_erreurs() == [
        f"Adresse (numéro et voie) — {messages.ADRESSE_OBLIGATOIRE}",
        f"Département de résidence — {messages.DEPARTEMENT_OBLIGATOIRE}",
    ]
    assert page.locator('[data-chemin="contact.email"] .message-erreur').count() == 0
    assert email.get_attribute("aria-invalid") is None
    assert page.locator('[data-chemin="contact.email_confirmation"] .message-erreur').count() == 0

    # Spaces only: the address is still missing, and says so.
    adresse = page.locator("#adresse")
    adresse.fill("   ")
    assert c.message_du_champ("contact.adresse") == f"Erreur : {messages.ADRESSE_OBLIGATOIRE}"
    assert len(c.resume_erreurs()) == 2
    adresse.fill("12 avenue du Général-Leclerc")
    assert c.resume_erreurs() == [f"Département de résidence — {messages.DEPARTEMENT_OBLIGATOIRE}"]
    assert page.locator("#resume-erreurs").is_visible()
    assert not _titre_sans_erreur(c)

    # The last one: the summary goes, and the page's title says no error any more.
    page.get_by_label("Haute-Vienne (87)").check()
    assert c.focus() == "departement-87"
    assert page.locator("#resume-erreurs").is_hidden()
    assert page.locator("#dossier .message-erreur").count() == 0
    assert page.locator("#dossier [aria-invalid]").count() == 0
    assert _titre_sans_erreur(c)
    c.etat("3-coordonnees-erreurs-corrigees")

    # « Continuer » judges the whole step again: the confirmation is asked now.
    c.continuer()
    assert c.resume_erreurs() == [
        "Confirmez votre adresse électronique — Saisissez une deuxième fois votre adresse "
        "électronique."]
    page.locator("#email-confirmation").fill("corrige@exemple.fr")
    assert page.locator("#resume-erreurs").is_hidden()
    c.continuer()
    page.locator("#etape-forme:not([hidden])").wait_for()
    assert c.problemes == []


def test_an_error_the_server_placed_on_another_step_comes_back_only_if_still_true(
        candidat: Ouvrir) -> None:
    """Put right on its step, a server's error is not shown again when the candidate comes
    back to that step; the other steps' errors are still announced."""
    c = candidat(WIDTHS["telephone"])
    page = c.page
    erreurs = {"errors": {"contact.commune": ["Commune refusée par le serveur."],
                          "etat_civil.pays_naissance": ["Pays refusé par le serveur."]},
               "code": "dossier_invalide", "message": "Le dossier contient des erreurs."}
    page.route("**/api/dossiers/verification", lambda route: route.fulfill(
        status=422, content_type="application/json", json=erreurs))
    c.reprendre(dossier_valide(nom_unique("Serveur")), "langues")
    c.continuer()
    page.locator("#resume-erreurs:not([hidden])").wait_for()
    assert c.etape() == "Étape 2 sur 8 : Votre état civil"
    assert c.resume_erreurs() == ["Pays de naissance — Pays refusé par le serveur."]
    assert "Vos coordonnées et votre établissement" in texte(page.locator("#resume-erreurs"))
    page.get_by_label("Pays de naissance").fill("Belgique")
    assert c.resume_erreurs() == []
    # The other step's error is still announced, without an empty « corrigez… » list.
    assert page.locator("#resume-erreurs-ailleurs").is_visible()
    assert page.locator("#resume-erreurs-texte").is_hidden()
    c.etat("2-etat-civil-erreur-serveur-corrigee")
    page.locator("#retour").click()
    c.continuer()
    assert c.etape() == "Étape 2 sur 8 : Votre état civil"
    assert page.locator("#dossier .message-erreur").count() == 0
    assert c.problemes == []
