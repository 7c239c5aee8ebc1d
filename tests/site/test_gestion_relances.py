"""Issue 27, in Chromium: the reminders at gestion.html#/relances — the server's figures, the
window of the automatic ones, the email of one example, « Envoyer les relances » asked for
confirmation with the number, then the result; pressed again the same day, nobody is reminded
twice; axe finds nothing."""

from __future__ import annotations

import re
from typing import Any

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get, submit


def test_the_reminders_view_previews_confirms_and_sends(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    submit(site_url)  # one dossier at least awaits its signed confirmation
    preview = staff_get(site_url, "relances")
    count = preview["a_relancer"]
    assert count >= 1
    with signed_in_page(browser, site_url) as (page, problems):
        page.goto(f"{site_url}gestion.html")
        page.get_by_role("link", name="Relances", exact=True).click()
        expect(page).to_have_url(re.compile(r"gestion\.html#/relances$"))
        expect(page.get_by_role("heading", name="Relances", exact=True)).to_be_visible()
        expect(page.locator("#vue-relances")).to_be_focused()
        expect(page.locator("#relances-automatiques")).to_contain_text(
            "du mercredi 11 novembre 2020 au mercredi 18 novembre 2020")
        expect(page.locator("#relances-chiffres")).to_contain_text(
            f"À relancer maintenant\u00a0: {count:,}".replace(",", "\u202f"))
        expect(page.locator("#relances-objet")).to_have_text(preview["exemple"]["objet"])
        expect(page.locator("#relances-texte")).to_contain_text(
            "n'a pas encore reçu la confirmation d'inscription signée")
        assert axe_results(page).violations_count == 0

        # The confirmation names the number; declined, nothing goes.
        asked: list[str] = []

        def answer(accept: bool) -> None:
            def handle(dialog: Any) -> None:
                asked.append(dialog.message)
                dialog.accept() if accept else dialog.dismiss()
            page.once("dialog", handle)

        answer(False)
        page.get_by_role("button", name="Envoyer les relances").click()
        expect(page.locator("#relances-resultat")).to_have_text("")
        assert staff_get(site_url, "relances")["deja_relances_aujourdhui"] == \
            preview["deja_relances_aujourdhui"]
        plural = "s" if count > 1 else ""
        assert asked == [f"Envoyer {count:,} relance{plural}\u00a0?".replace(",", "\u202f")]

        answer(True)
        page.get_by_role("button", name="Envoyer les relances").click()
        # In the whole suite the shared local run holds hundreds of awaiting dossiers: the page
        # sends them in runs of up to 7 s each, asking again while some are left.
        expect(page.locator("#relances-resultat")).to_contain_text(
            f"{count:,} relance{plural} envoyée{plural}".replace(",", "\u202f"),
            timeout=max(10_000, count * 200))
        # All reminded today: no button any more, the figures say so.
        expect(page.get_by_role("button", name="Envoyer les relances")).to_be_hidden()
        expect(page.locator("#relances-chiffres")).to_contain_text("À relancer maintenant\u00a0: 0")
        after = staff_get(site_url, "relances")
        assert (after["a_relancer"], after["deja_relances_aujourdhui"]) == (
            0, preview["deja_relances_aujourdhui"] + count)
        assert axe_results(page).violations_count == 0
        # Back to the list by its link.
        page.get_by_role("link", name="Dossiers", exact=True).click()
        expect(page.locator("#vue-relances")).to_be_hidden()
        assert problems == [], problems
