"""« Mon dossier » in Chromium when a stranger has locked the number: the owner asks for an
access link, opens it from the email, and modifies the dossier without the birth date. axe
checks each new state (0 violations), at phone and desktop widths."""

from __future__ import annotations

import email
import email.policy
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shared_rules
from handler.candidats.ownership import MAX_FAILURES
from handler.platform import messages as msg
from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat, Identite, dossier_valide, nom_unique, texte

Ouvrir = Callable[..., Candidat]
#: What an API message puts after « contactez le » (shared_rules.bureau_contact).
CONTACT = shared_rules.bureau_contact(shared_rules.get_session("cap-limoges-2021-06"))


def api(site_url: str, chemin: str, *, corps: Any = None,
        entetes: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    data = json.dumps(corps).encode() if corps is not None else None
    demande = urllib.request.Request(site_url + "api/" + chemin, data=data, headers={
        **({"Content-Type": "application/json"} if data else {}), **(entetes or {})})
    try:
        with urllib.request.urlopen(demande, timeout=30) as reponse:
            return reponse.status, json.loads(reponse.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def lien_du_courriel(fichier: Path) -> str:
    corps = email.message_from_bytes(fichier.read_bytes(), policy=email.policy.default)
    texte_brut = corps.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    liens = re.findall(r"^(http\S+mon-dossier\.html#\S+)$", texte_brut, re.MULTILINE)
    assert len(liens) == 1, texte_brut
    return str(liens[0])


def test_a_locked_out_owner_opens_the_dossier_with_an_emailed_link_and_modifies_it(
    candidat: Ouvrir, site_url: str, courriels: Path,
) -> None:
    nom = nom_unique("Lien")
    qui = Identite(nom, ["Marie-Ève"])
    statut, cree = api(site_url, "dossiers", corps=dossier_valide(nom))
    assert statut == 201
    numero = cree["numero"]
    # A stranger tries birth dates until the number is locked.
    for jour in range(1, MAX_FAILURES + 1):
        assert api(site_url, f"dossiers/{numero}",
                   entetes={"X-Date-Naissance": f"1990-01-{jour:02d}"})[0] == 404

    # The owner, with the right date, is held off and offered the link.
    c = candidat(WIDTHS["telephone"], page="mon-dossier.html")
    c.ouvrir_dossier(numero, qui)
    bloc = c.page.locator("#lien-acces")
    bloc.wait_for()
    assert c.message_du_champ("acces.numero").startswith(
        "Erreur : Trop d'essais infructueux pour ce numéro d'inscription")
    assert "recevoir un lien d'accès" in c.message_du_champ("acces.numero")
    c.etat("17-numero-bloque")
    avant = set(courriels.iterdir())
    bloc.get_by_role("button", name="Recevoir un lien d'accès par courriel").click()
    reponse = c.page.locator("#lien-reponse")
    reponse.wait_for()
    assert texte(reponse) == msg.LIEN_ACCES_DEMANDE.format(
        minutes=15, destinataire=CONTACT)
    assert c.focus() == "lien-reponse"
    c.etat("17-lien-envoye")
    nouveaux = [f for f in set(courriels.iterdir()) - avant if f.suffix == ".eml"]
    assert len(nouveaux) == 1
    lien = lien_du_courriel(nouveaux[0])
    assert lien.startswith(f"{site_url}mon-dossier.html#numero={numero}&jeton=")
    assert c.problemes == []

    # The link, opened from the mailbox: the dossier, without the birth date, while locked.
    d = candidat(WIDTHS["ordinateur"], page=lien[len(site_url):])
    page = d.page
    page.locator("#consultation:not([hidden])").wait_for()
    assert texte(page.locator("#consultation-numero")) == numero
    assert page.url == f"{site_url}mon-dossier.html"  # the token left the address bar
    assert api(site_url, f"dossiers/{numero}",
               entetes={"X-Date-Naissance": qui.date_iso})[0] == 429  # still locked
    d.etat("18-dossier-par-lien")
    page.get_by_role("button", name="Modifier : téléphone").click()
    page.get_by_label("Téléphone (facultatif)").fill("06 12 34 56 78")
    page.get_by_role("button", name="Revenir à la vérification").click()
    page.locator("#etape-verification:not([hidden])").wait_for()
    page.get_by_label("Je certifie").check()
    page.get_by_role("button", name="Enregistrer mes modifications").click()
    page.locator("#consultation-message:not([hidden])").wait_for()
    assert texte(page.locator("#consultation-message")) == (
        "Vos modifications sont enregistrées : votre dossier est maintenant à la version 2.")
    assert "06 12 34 56 78" in texte(page.locator("#consultation-recapitulatif"))
    d.etat("18-modifie-par-lien")
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger ma confirmation (PDF)").click()
    with open(telechargement.value.path(), "rb") as fichier:
        assert fichier.read(5) == b"%PDF-"
    assert d.problemes == []

    # The same link a second time opens nothing, and says what to do.
    e = candidat(WIDTHS["telephone"], page=lien[len(site_url):])
    erreur = e.page.locator("#erreur-generale")
    erreur.wait_for()
    assert texte(erreur) == msg.LIEN_ACCES_INVALIDE
    e.page.locator("#lien-acces").wait_for()
    assert e.page.locator("#acces-numero").input_value() == numero
    assert e.page.locator("#consultation").is_hidden()
    e.etat("18-lien-deja-utilise")
    assert e.problemes == []
