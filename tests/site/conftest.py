"""Fixtures of the site's tests: the built site, the server `make run` starts, a real browser.

`site_url` is the local server of `make run` (handler.local_server: the built site and the API
on one origin, the demo banner, the security headers production sends), so a page that needs an
inline script or another origin fails here as it would there.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT_SITE = ROOT / "build" / "site"
ARTIFACTS = ROOT / "tests" / "artifacts" / "site"
CHROMIUM = Path("/usr/bin/chromium")
# RECIPES.md: without the background-networking flags Chromium keeps calling the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
#: Every page of the site, by the file the build writes.
PAGES = ["index.html", "notice.html", "formulaire.html", "mon-dossier.html",
         "donnees-personnelles.html", "accessibilite.html", "mentions-legales.html", "404.html"]
#: Phone and desktop widths of the screenshots and accessibility checks.
WIDTHS = {"telephone": 390, "ordinateur": 1280}
#: The commands of `make site` (site/site.mk), run the same way here.
BUILD_COMMANDS = [
    [sys.executable, "-m", "shared_rules", "render-site"],
    [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
    [sys.executable, "site/finalize.py", "build/site"],
]
#: esbuild, which `make site` installs from site/tools' lockfile when it is missing.
ESBUILD = ROOT / "site" / "tools" / "node_modules" / ".bin" / "esbuild"
NPM_CI = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]


def build_site() -> Path:
    """Generate and build the site into build/site, failing on any error or warning."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}
    if not ESBUILD.is_file():
        installed = subprocess.run(NPM_CI, cwd=ESBUILD.parents[2], capture_output=True,
                                   text=True, check=False)
        assert installed.returncode == 0, f"npm ci (site/tools):\n{installed.stderr}"
    for command in BUILD_COMMANDS:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, f"{' '.join(command[1:])}:\n{result.stderr}"
    return BUILT_SITE


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The site, freshly built with the same commands as `make site`."""
    return build_site()


@pytest.fixture(scope="session")
def courriels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the local server writes its emails (.eml), as `make run` does."""
    return tmp_path_factory.mktemp("courriels")


@pytest.fixture(scope="session")
def site_url(built_site: Path, courriels: Path) -> Iterator[str]:
    """Base URL (ending in /) of the local server of `make run`, on the demo clock."""
    from handler.local_server import LocalStack

    # Every browser test submits from 127.0.0.1 to this one server: the per-client submission
    # limit (20 per 15 minutes, tested in tests/candidats/test_spam.py) would refuse the later ones.
    with served(LocalStack(site_dir=built_site, port=0, outbox=courriels,
                           config={"SUBMISSIONS_PER_CLIENT": "1000"})) as url:
        yield url


@contextlib.contextmanager
def served(stack: Any) -> Iterator[str]:
    """The base URL of a local stack serving in the background; stopped afterwards."""
    url: str = stack.start()
    stack.serve_in_background()
    try:
        yield url
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser).

    Under CI a browser that can't start fails the test; elsewhere the tests skip only when no
    Chromium is installed, and say how to install it.
    """
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-dejavu-core"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder of the screenshots and measures (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def candidat(browser: Any, site_url: str, artifacts: Path) -> Iterator[Any]:
    """A function opening a page of the form at one width: a `parcours.Candidat`, whose
    console errors and page errors are recorded."""
    from tests.site.parcours import Candidat

    contexts: list[Any] = []

    def _ouvrir(largeur: int, page: str = "formulaire.html", *, url: str = site_url,
                **options: Any) -> Candidat:
        context = browser.new_context(locale="fr-FR", viewport={"width": largeur, "height": 900},
                                      accept_downloads=True, **options)
        contexts.append(context)
        onglet = context.new_page()
        personne = Candidat(onglet, artifacts, largeur, url)
        onglet.on("console", personne.console)
        onglet.on("pageerror", lambda error: personne.problemes.append(f"page error: {error}"))
        personne.ouvrir(page)
        return personne

    yield _ouvrir
    for context in contexts:
        context.close()
