"""Issue 28: the site, the confirmation PDF and the emails say what to do for the return mode
in force — by post (Limoges 2021, its notice), online only, or either."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader

import shared_rules
from handler.candidats.registrations import new_record
from handler.dossier import confirmation_pdf, mail_content
from handler.dossier.numero import new_numero
from shared_rules.pieces import consigne_en_ligne
from shared_rules.registry import SessionRegistry
from shared_rules.session import Session
from shared_rules.site_pages import render_snippets
from tests.factories import make_dossier

LIMOGES = shared_rules.get_session("cap-limoges-2021-06")
assert LIMOGES is not None
EN_LIGNE = dataclasses.replace(LIMOGES, retour_modes=("en_ligne",))
LES_DEUX = dataclasses.replace(LIMOGES, retour_modes=("papier", "en_ligne"))
STREET = "rue François Chénieux"


def record(session: Session) -> dict[str, object]:
    return new_record(new_numero(), shared_rules.load(make_dossier()), session=session,
                      now=dt.datetime(2020, 11, 2, 9, tzinfo=dt.UTC))


def pdf_text(session: Session) -> str:
    data = confirmation_pdf.render(record(session), session)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def mail_text(session: Session) -> str:
    mail = mail_content.confirmation(record(session), session,
                                     site_url="https://preinscription.test/",
                                     motif=mail_content.CREATION)
    return mail.texte


def test_limoges_says_post_as_its_notice() -> None:
    assert consigne_en_ligne(LIMOGES) is None
    assert "déposer en ligne" not in render_snippets(LIMOGES)["etapes.md"]
    text = pdf_text(LIMOGES)
    assert "Où et quand l'envoyer" in text and STREET in text and "déposent" not in text
    assert f"   {STREET}" in mail_text(LIMOGES)


def test_online_only_sends_to_mon_dossier_and_gives_no_postal_address() -> None:
    consigne = consigne_en_ligne(EN_LIGNE)
    assert consigne is not None and "et non par courrier" in consigne
    assert "10\u00a0Mo" in consigne and "PDF, JPEG ou PNG" in consigne
    etapes = render_snippets(EN_LIGNE)["etapes.md"]
    assert "4. **Déposez-la en ligne avec les pièces demandées**" in etapes
    text = pdf_text(EN_LIGNE)
    assert "Où et quand la déposer" in text and "Consulter ou modifier mon dossier" in text
    assert STREET not in text
    mail = mail_text(EN_LIGNE)
    # The bureau's contact (the closing line) keeps its address; no step sends anything there.
    assert "et non par courrier" in mail and f"   {STREET}" not in mail
    assert "https://preinscription.test/mon-dossier.html" in mail
    assert mail_content.suivi_a_faire("incomplete", EN_LIGNE).startswith(
        "Déposez les pièces manquantes")


def test_both_modes_give_the_address_and_the_online_way() -> None:
    etapes = render_snippets(LES_DEUX)["etapes.md"]
    assert "4. **Envoyez-la avec les pièces demandées**" in etapes
    assert "Vous pouvez aussi les déposer en ligne" in etapes
    text = pdf_text(LES_DEUX)
    assert STREET in text and "Vous pouvez aussi les déposer en ligne" in text
    mail = mail_text(LES_DEUX)
    assert f"   {STREET}" in mail and "Vous pouvez aussi les déposer en ligne" in mail


@pytest.mark.parametrize("code", ["cap-fictive-2099-06"])
def test_the_fictive_online_session_tells_it_everywhere_on_its_site(
        registry_with_fictive_session: SessionRegistry, code: str) -> None:
    session = registry_with_fictive_session.get(code)
    assert session is not None and session.retour_modes == ("en_ligne",)
    snippets = render_snippets(session)
    assert "et non par courrier" in snippets["adresse-retour.md"]
    assert "et non par courrier" in snippets["notice-retour.md"]
    assert "antivirus" in snippets["rgpd-pieces.md"]
    assert "d'un jour" in snippets["rgpd-pieces.md"]
    assert render_snippets(LIMOGES)["rgpd-pieces.md"] == ""
