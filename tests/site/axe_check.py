"""axe on a page as a person sees it: once the theme's transitions have settled.

Material cross-fades its header title when the page scrolls (a focus that moves, a dossier
opened): axe judging colours halfway through that fade sees a blend, not the page. Every
browser test that runs axe goes through here, with the rules switched off in axe_exceptions.
"""

from __future__ import annotations

from typing import Any

from tests.site.axe_exceptions import DISABLED_RULES


def settle(page: Any) -> None:
    """Wait until no animation or transition runs. A scroll starts the theme's fade a moment
    after the focus moves (its scroll handler runs then): give it that moment first. (A
    function, not an expression: the CSP forbids eval, which an expression needs.)"""
    page.wait_for_timeout(150)
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')")


def axe_results(page: Any) -> Any:
    """axe's violations on the settled page."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    return Axe().run(page, options={
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in DISABLED_RULES}})
