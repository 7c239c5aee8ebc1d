"""The staff page tests' shared setup (staff_session.signed_in_page): signed in, and an error
the page throws reaches the list the tests assert empty."""

from __future__ import annotations

from typing import Any

from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import GESTION


def test_the_signed_in_page_is_signed_in_and_collects_the_page_s_errors(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    with signed_in_page(browser, site_url) as (page, problems):
        expect(page.locator("#gestionnaire")).to_have_text(GESTION)
        expect(page.locator("#espace")).to_be_visible()
        assert problems == []
        # Waited for by a listener added after the helper's, so called after it. (A function,
        # not an expression: the site's CSP forbids eval.)
        with page.expect_event("pageerror"):
            page.evaluate("() => { setTimeout(() => { throw new Error('essai'); }); }")
        assert problems == ["essai"]
