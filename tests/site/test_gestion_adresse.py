"""The staff list's state in the page's address, in Chromium: the filters, sort and page survive
a reload and travel in a shared link; back and forward move between the lists chosen (a search
typed with pauses is one step, not one per pause); « Retour à la liste » comes back to it; a
link opened signed out is shown once signed in; a page beyond the last shows the last."""

from __future__ import annotations

import secrets
import string
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import GESTION
from tests.site.test_gestion_bureau import _axe, _send, candidate

COOKS = 51  # one more than a page of the list


def _state(page: Any) -> tuple[str, ...]:
    """What the bureau sees of the list: the search, speciality, sort, caption and numbers."""
    from playwright.sync_api import expect

    expect(page.locator("#vue-liste")).to_be_visible()
    legende = page.locator("#liste-legende")
    expect(legende).not_to_have_text("Aucune recherche pour l'instant.")
    return (page.get_by_label("Nom, prénom ou numéro").input_value(),
            page.locator("#filtres").get_by_label("Spécialité").input_value(),
            page.get_by_label("Trier par").input_value(),
            legende.inner_text(),
            " ".join(page.locator("#liste-corps .gestion-ouvrir").all_inner_texts()))


def _shows(page: Any, state: tuple[str, ...]) -> None:
    """The list is `state` once it has loaded (the caption alone may not change)."""
    from playwright.sync_api import expect

    q, specialite, tri, legende, numeros = state
    expect(page.locator("#liste-corps .gestion-ouvrir")).to_have_text(numeros.split())
    expect(page.locator("#liste-legende")).to_have_text(legende)
    expect(page.get_by_label("Nom, prénom ou numéro")).to_have_value(q)
    expect(page.locator("#filtres").get_by_label("Spécialité")).to_have_value(specialite)
    expect(page.get_by_label("Trier par")).to_have_value(tri)
    assert _state(page) == state


def test_filters_sort_and_page_survive_a_reload_a_shared_link_and_the_back_button(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    nom = "Adresse" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    dossiers = [candidate(**{"etat_civil.nom_naissance": nom, "specialite": "cuisine"})
                for _ in range(COOKS)]
    dossiers.append(candidate(**{"etat_civil.nom_naissance": nom, "specialite": "macon"}))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda d: _send(site_url, "POST", "api/dossiers", d), dossiers))
    with signed_in_page(browser, site_url) as (page, problems):
        legende = page.locator("#liste-legende")
        search = page.get_by_label("Nom, prénom ou numéro")
        # Typed with pauses longer than the list waits for: each pause reloads the list, but
        # the whole search is one step back.
        search.fill(nom[:-3].lower())
        expect(page).to_have_url(f"{site_url}gestion.html#/?q={nom[:-3].lower()}")
        search.press_sequentially(nom[-3:].lower(), delay=400)
        expect(legende).to_have_text(f"{COOKS + 1} dossiers trouvés, page 1 sur 2")
        expect(page).to_have_url(f"{site_url}gestion.html#/?q={nom.lower()}")
        searched = _state(page)
        page.locator("#filtres").get_by_label("Spécialité").select_option("cuisine")
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 1 sur 2")
        filtered = _state(page)
        page.get_by_label("Trier par").select_option("nom")
        expect(page).to_have_url(
            f"{site_url}gestion.html#/?q={nom.lower()}&specialite=cuisine&tri=nom")
        sorted_ = _state(page)
        page.get_by_role("button", name="Page suivante").click()
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 2 sur 2")
        second = _state(page)
        assert second == (nom.lower(), "cuisine", "nom", f"{COOKS} dossiers trouvés, page 2 sur 2",
                          second[4]) and len(second[4].split()) == 1
        shared = f"{site_url}gestion.html#/?q={nom.lower()}&specialite=cuisine&tri=nom&page=2"
        assert page.url == shared

        # A reload shows the same list, the same dossier on page 2.
        page.reload()
        expect(page.locator("#gestionnaire")).to_have_text(GESTION)
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 2 sur 2")
        _shows(page, second)
        # The link, opened in a fresh page: the same.
        other = page.context.new_page()
        other.goto(shared)
        expect(other.locator("#liste-legende")).to_have_text(
            f"{COOKS} dossiers trouvés, page 2 sur 2")
        _shows(other, second)
        _axe(other)
        other.close()

        # A dossier, then « Retour à la liste »: the same list.
        page.locator("#liste-corps .gestion-ouvrir").first.click()
        expect(page.locator("#detail")).to_be_visible()
        page.get_by_role("link", name="Retour à la liste").click()
        expect(page).to_have_url(shared)
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 2 sur 2")
        _shows(page, second)

        # Back: the dossier, then each list chosen, in reverse order; forward again.
        page.go_back()
        expect(page.locator("#detail")).to_be_visible()
        page.go_back()
        expect(page).to_have_url(shared)
        expect(page.locator("#vue-liste")).to_be_visible()
        page.go_back()
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 1 sur 2")
        _shows(page, sorted_)
        page.go_back()
        expect(page.get_by_label("Trier par")).to_have_value("-modifie_le")
        _shows(page, filtered)
        page.go_back()
        expect(legende).to_have_text(f"{COOKS + 1} dossiers trouvés, page 1 sur 2")
        _shows(page, searched)
        page.go_back()
        expect(page).to_have_url(f"{site_url}gestion.html")
        expect(search).to_have_value("")
        page.go_forward()
        expect(search).to_have_value(nom.lower())
        _shows(page, searched)
        assert problems == [], problems


def test_a_link_opened_signed_out_shows_its_list_or_its_dossier_once_signed_in(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    nom = "Retour" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    cooks = sorted(_send(site_url, "POST", "api/dossiers", candidate(**{
        "etat_civil.nom_naissance": nom, "specialite": "cuisine"})) for _ in range(2))
    _send(site_url, "POST", "api/dossiers",
          candidate(**{"etat_civil.nom_naissance": nom, "specialite": "macon"}))
    # The filtered list: the same address, filters and dossiers once signed in.
    link = f"{site_url}gestion.html#/?q={nom.lower()}&specialite=cuisine&tri=nom"
    with signed_in_page(browser, site_url, link=link) as (page, problems):
        expect(page).to_have_url(link)
        expect(page.locator("#liste-legende")).to_have_text("2 dossiers trouvés, page 1 sur 1")
        expect(page.locator("#liste-corps .gestion-ouvrir")).to_have_count(2)
        assert sorted(page.locator("#liste-corps .gestion-ouvrir").all_inner_texts()) == cooks
        expect(page.get_by_label("Nom, prénom ou numéro")).to_have_value(nom.lower())
        expect(page.locator("#filtres").get_by_label("Spécialité")).to_have_value("cuisine")
        expect(page.get_by_label("Trier par")).to_have_value("nom")
        _axe(page)
        # Taken back once: a later visit to the plain page shows the plain list.
        page.goto(f"{site_url}gestion.html", wait_until="networkidle")
        expect(page.get_by_label("Nom, prénom ou numéro")).to_have_value("")
        expect(page).to_have_url(f"{site_url}gestion.html")
    # A dossier: opened once signed in, in a browser that never signed in before.
    link = f"{site_url}gestion.html#/dossier/{cooks[0]}"
    with signed_in_page(browser, site_url, link=link) as (page, later_problems):
        expect(page).to_have_url(link)
        expect(page.get_by_role("heading", name=f"Dossier {cooks[0]}")).to_be_visible()
        expect(page.locator("#vue-liste")).to_be_hidden()
        expect(page.locator("#detail-recapitulatif")).to_contain_text(nom)
        assert problems + later_problems == [], problems + later_problems


def test_a_page_beyond_the_last_shows_the_last_and_corrects_the_address(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    nom = "Derniere" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda d: _send(site_url, "POST", "api/dossiers", d),
                      [candidate(**{"etat_civil.nom_naissance": nom}) for _ in range(COOKS)]))
    with signed_in_page(browser, site_url) as (page, problems):
        legende = page.locator("#liste-legende")
        first = f"{site_url}gestion.html#/?q={nom.lower()}&tri=nom"
        page.goto(first)
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 1 sur 2")
        # Page 9 of 2 (an old link): the last page, and its address in place of the one asked.
        page.goto(f"{site_url}gestion.html#/?q={nom.lower()}&tri=nom&page=9")
        expect(page).to_have_url(f"{site_url}gestion.html#/?q={nom.lower()}&tri=nom&page=2")
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 2 sur 2")
        expect(page.locator("#page-position")).to_have_text("Page 2 sur 2")
        expect(page.locator("#liste-corps .gestion-ouvrir")).to_have_count(1)
        expect(page.get_by_role("button", name="Page suivante")).to_be_disabled()
        expect(page.get_by_role("button", name="Page précédente")).to_be_enabled()
        # Replaced, not added: back goes to the list before it.
        page.go_back()
        expect(page).to_have_url(first)
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 1 sur 2")
        # Opened as a link in a fresh page too, with a page past any the API serves (100,000).
        page.goto("about:blank")
        page.goto(f"{site_url}gestion.html#/?q={nom.lower()}&tri=nom&page=1000000")
        expect(page).to_have_url(f"{site_url}gestion.html#/?q={nom.lower()}&tri=nom&page=2")
        expect(legende).to_have_text(f"{COOKS} dossiers trouvés, page 2 sur 2")
        assert problems == [], problems
