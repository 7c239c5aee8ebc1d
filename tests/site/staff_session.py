"""A staff member signed in on gestion.html, in Chromium: the setup the staff page's browser
tests share. A fresh context at a desktop size, every uncaught page error collected, then
« Se connecter » with a demonstration account, from the plain page or from an address opened
signed out; the context is closed on the way out, whatever happened."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.site.test_gestion import GESTION, se_connecter

#: Wide enough for the list's every column.
VIEWPORT = {"width": 1600, "height": 1000}


def sign_in_from(page: Any, link: str, email: str) -> None:
    """`link` opened signed out, then « Se connecter » and the demonstration account."""
    from playwright.sync_api import expect

    page.goto(link, wait_until="networkidle")
    expect(page.locator("#connexion")).to_be_visible()
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_role("button", name=email).click()
    expect(page.locator("#gestionnaire")).to_have_text(email)


@contextmanager
def signed_in_page(browser: Any, site_url: str, email: str = GESTION, *,
                   link: str | None = None, viewport: dict[str, int] | None = None,
                   accept_downloads: bool = False) -> Iterator[tuple[Any, list[str]]]:
    """(the signed-in page, the page errors it collects: the test asserts them). Signed in
    from gestion.html, or from `link` opened signed out. `page.context` opens more pages in
    the same session."""
    context = browser.new_context(locale="fr-FR", viewport=viewport or VIEWPORT,
                                  accept_downloads=accept_downloads)
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        if link is None:
            se_connecter(page, site_url, email)
        else:
            sign_in_from(page, link, email)
        yield page, problems
    finally:
        context.close()
