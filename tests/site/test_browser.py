"""Every page in a real browser: same origin only, no console error, no axe violation.

Screenshots at phone and desktop widths, and each page's weight, land in tests/artifacts/site/.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.perf.page_weight import budget
from tests.site.axe_check import axe_results
from tests.site.conftest import PAGES, WIDTHS


@dataclass
class Visit:
    """One page opened in the browser, with what it asked for and what went wrong."""

    page: Any
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.requests.append(url)

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def response(self, response: Any) -> None:
        # The 404 page is fetched by its file name here: the status is the server's business.
        if response.status >= 400 and not response.url.endswith("/404.html"):
            self.problems.append(f"HTTP {response.status}: {response.url}")


OpenPage = Callable[[str, int], Visit]


@pytest.fixture
def open_page(browser: Any, site_url: str) -> Iterator[OpenPage]:
    """A function opening one page at one width, recording its requests and console."""
    contexts = []

    def _open(name: str, width: int) -> Visit:
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
        contexts.append(context)
        visit = Visit(context.new_page())
        visit.page.on("request", lambda request: visit.record(request.url))
        visit.page.on("console", visit.console)
        visit.page.on("pageerror", lambda error: visit.problems.append(f"page error: {error}"))
        visit.page.on("requestfailed", lambda request: visit.problems.append(
            f"failed: {request.url} {request.failure}"))
        visit.page.on("response", visit.response)
        response = visit.page.goto(site_url + name, wait_until="networkidle")
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        return visit

    yield _open
    for context in contexts:
        context.close()


def _other_origins(requests: list[str], site_url: str) -> list[str]:
    origin = urlsplit(site_url)[:2]
    return [url for url in requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url)[:2] != origin]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_from_its_own_origin_without_console_error(
        open_page: OpenPage, site_url: str, artifacts: Path, name: str, width: int) -> None:
    visit = open_page(name, width)
    assert visit.page.title(), name
    # One main heading for assistive technologies: the form's pages show the step's (issue 29).
    main = visit.page.evaluate("() => [...document.querySelectorAll('h1')].filter((h) =>"
                               " !h.closest('[hidden]') && !h.closest('[aria-hidden=\"true\"]'))"
                               ".length")
    assert main == 1, f"{name}: one main heading"
    assert _other_origins(visit.requests, site_url) == []
    assert visit.problems == []
    visit.page.screenshot(path=artifacts / f"{Path(name).stem}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violation(open_page: OpenPage, name: str, width: int) -> None:
    page = open_page(name, width).page
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


def test_search_dialog_opens_with_an_accessible_name(open_page: OpenPage) -> None:
    visit = open_page("index.html", WIDTHS["ordinateur"])
    page = visit.page
    query = page.get_by_role("textbox", name="Rechercher")
    query.click()
    query.press_sequentially("registre")  # key by key: the theme searches on key events
    dialog = page.get_by_role("dialog", name="Recherche")
    assert dialog.count() == 1
    page.wait_for_selector(".md-search-result__item")
    assert page.locator(".md-search-result__item").count() >= 1
    assert visit.problems == []


def test_search_loads_its_worker_and_stemmer_at_the_first_query_only(
        open_page: OpenPage) -> None:
    """site/finalize.py's stand-in worker: at load, only it and the index; Material's worker
    and lunr's French stemmer come with the first query typed, which finds its results.
    (Not the notice: it loads Material's bundle, and the search, at the first gesture.)"""
    visit = open_page("accessibilite.html", WIDTHS["telephone"])

    def search_files() -> list[str]:
        names = [url.rsplit("/", 1)[-1] for url in visit.requests]
        return [re.sub(r"\.[0-9a-f]{8}\.", ".HASH.", n) for n in names
                if n.startswith(("search", "recherche", "lunr"))]

    assert search_files() == ["recherche-differee.HASH.min.js", "search_index.json"]
    page = visit.page
    page.locator("label.md-header__button[for=__search]").click()
    query = page.get_by_role("textbox", name="Rechercher")
    query.press_sequentially("registre")
    page.wait_for_selector(".md-search-result__item")
    assert search_files() == ["recherche-differee.HASH.min.js", "search_index.json",
                              "search.HASH.min.js", "lunr.stemmer.support.min.js",
                              "lunr.fr.min.js"]
    assert visit.problems == []


@pytest.mark.parametrize("name", ["formulaire.html", "mon-dossier.html", "notice.html",
                                  "donnees-personnelles.html"])
def test_pages_load_materials_bundle_at_the_first_gesture_then_search_works(
        open_page: OpenPage, name: str) -> None:
    """Issue 18: the form's pages and the two long text pages load neither Material's bundle
    nor the search before the first gesture; a key pressed loads them, and the search then
    finds its results."""
    visit = open_page(name, WIDTHS["telephone"])

    def loaded() -> list[str]:
        names = [url.rsplit("/", 1)[-1] for url in visit.requests]
        return [re.sub(r"\.[0-9a-f]{8}\.", ".HASH.", n) for n in names
                if n.startswith(("bundle", "search", "recherche"))]

    page = visit.page
    assert loaded() == []
    assert page.evaluate("document.documentElement.className") == "no-js"
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.documentElement.classList.contains('js')")
    page.wait_for_load_state("networkidle")
    assert loaded() == ["bundle.HASH.min.js", "recherche-differee.HASH.min.js",
                        "search_index.json"]
    page.locator("label.md-header__button[for=__search]").click()
    query = page.get_by_role("textbox", name="Rechercher")
    query.press_sequentially("registre")
    page.wait_for_selector(".md-search-result__item")
    assert page.locator(".md-search-result__item").count() >= 1
    assert visit.problems == []


_FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return { where: e.closest(".md-header") ? "header" : e.closest(".md-skip") ? "skip" : "page",
           description: `${e.tagName.toLowerCase()}.${e.className}`,
           visible: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1)
                    || (s.boxShadow !== "" && s.boxShadow !== "none") };
}"""


@pytest.mark.parametrize("name", ["formulaire.html", "notice.html"])
def test_the_header_s_stops_show_their_focus_before_materials_bundle_has_started(
        open_page: OpenPage, name: str) -> None:
    """On the pages whose bundle waits for the first gesture, the first Tab stops come before
    it has started: Material hides the header buttons' outline until its bundle marks keyboard
    focus, so the page's own styles must show it meanwhile (the bundle is held back here, as
    on a slow phone)."""
    visit = open_page(name, WIDTHS["ordinateur"])
    page = visit.page
    page.route(re.compile(r"/bundle\.[0-9a-f]{8}\.min\.js$"), lambda route: route.abort())
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop["where"] == "page":
            break
        stops.append(stop)
    assert page.evaluate("document.documentElement.className") == "no-js"
    assert any("md-logo" in stop["description"] for stop in stops), stops
    assert [stop for stop in stops if not stop["visible"]] == []


def test_staff_page_signed_out_shows_the_sign_in_without_console_error(
        open_page: OpenPage) -> None:
    """Issue 18 (best practices 100): « who am I » asked without a session answers 200
    `{"connecte": false}`, no longer a 401 that Chromium logs as an error."""
    visit = open_page("gestion.html", WIDTHS["telephone"])
    visit.page.wait_for_selector("#connexion:not([hidden])")
    assert visit.page.locator("#espace").is_hidden()
    assert [u for u in visit.requests if "/api/" in u] == [
        u for u in visit.requests if u.endswith("/api/staff/moi")] != []
    assert visit.problems == []


def test_every_page_sent_by_the_local_server_carries_the_demo_banner(
        open_page: OpenPage) -> None:
    """`make run` writes the banner into the HTML it sends; it is visible and accessible."""
    for name in PAGES:
        visit = open_page(name, WIDTHS["telephone"])
        banner = visit.page.get_by_role("complementary", name="Démonstration")
        assert banner.is_visible(), name
        assert "Démonstration — date simulée" in banner.inner_text()
        assert "lundi 2 novembre 2020" in banner.inner_text()
    results = axe_results(visit.page)
    assert results.violations_count == 0, results.generate_report()


def test_page_weights_stay_within_budget(
        open_page: OpenPage, site_url: str, built_site: Path, artifacts: Path) -> None:
    weights: dict[str, dict[str, Any]] = {}
    for name in PAGES:
        visit = open_page(name, WIDTHS["telephone"])
        files = sorted({urlsplit(url).path.lstrip("/") for url in visit.requests
                        if url.startswith(site_url) and not urlsplit(url).path.startswith("/api/")})
        api = sorted({urlsplit(url).path for url in visit.requests
                      if urlsplit(url).path.startswith("/api/")})
        raw = {f: (built_site / f).read_bytes() for f in files}
        weights[name] = {
            "requetes": len(files),
            "requetes_api": api,
            "octets": sum(len(b) for b in raw.values()),
            "octets_gzip": sum(len(gzip.compress(b, 6)) for b in raw.values()),
            "fichiers": files,
        }
    (artifacts / "poids.json").write_text(json.dumps(weights, indent=2), encoding="utf-8")
    over = {n: w["octets_gzip"] for n, w in weights.items()
            if w["octets_gzip"] > budget(n)}
    assert over == {}
