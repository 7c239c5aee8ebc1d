"""What each page of the built site loads before the first interaction, in gzip bytes: one
count for `make bench` and for the budget test (tests/site/test_built_site.py).

Counted, from the built files alone (deterministic): the page's HTML; its stylesheets, scripts,
module preloads and icon; the modules its modules import (none once site/finalize.py has
bundled them); `assets/rules.json` when one of its scripts fetches it; and, when the page has
Material's search form and loads Material's bundle (the form's pages load it at the first
gesture: site/docs/assets/javascripts/platform/md-premier-geste.js), what the search loads at
once: the worker and the index (and the French stemmer's two lunr files when the worker is
Material's own rather than site/finalize.py's stand-in, which imports them at the first query).
Not counted: the API's answers (`GET /api/session`, a few hundred bytes). Each file is gzipped
at level 6, as the local server and CloudFront send it.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

#: Issue 18: at most 90 KB gzip for everything a page loads before the first interaction.
PAGE_BUDGET_GZIP = 90 * 1024
PAGES = ("index.html", "notice.html", "formulaire.html", "mon-dossier.html",
         "donnees-personnelles.html", "accessibilite.html", "mentions-legales.html",
         "gestion.html")
#: What Material's search worker imports for `lang: fr` (its importScripts).
SEARCH_LANGUAGE_FILES = ("assets/javascripts/lunr/min/lunr.stemmer.support.min.js",
                         "assets/javascripts/lunr/min/lunr.fr.min.js")
#: Material's worker; site/finalize.py points the pages to a stand-in that loads it on first use.
MATERIAL_WORKER = re.compile(r"/search\.[0-9a-f]{8}\.min\.js$")
#: Material's bundle, which starts the search; the form's pages load it at the first gesture.
MATERIAL_BUNDLE = re.compile(r"/bundle\.[0-9a-f]{8}\.min\.js$")
_LINK = re.compile(r'<link\b[^>]*>')
_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
_IMPORT = re.compile(r'\bimport\s*(?:[\w*{}\s,$]+from\s*)?["\'](\.{1,2}/[^"\']+)["\']')
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


@dataclass
class PageWeight:
    page: str
    files: dict[str, int] = field(default_factory=dict)  # path under the site → gzip bytes

    @property
    def gzip_bytes(self) -> int:
        return sum(self.files.values())

    @property
    def requests(self) -> int:
        return len(self.files)


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6, mtime=0))


def _local(url: str) -> str | None:
    if url.startswith(("http:", "https:", "//", "data:")):
        return None
    return url.split("?")[0].split("#")[0].lstrip("./") if url.startswith("./") else \
        url.split("?")[0].split("#")[0]


def loaded_files(site: Path, page: str) -> list[str]:
    """The paths (under the site) a page loads before the first interaction, in order."""
    html = (site / page).read_text(encoding="utf-8")
    found: list[str] = [page]
    for tag in _LINK.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("rel") in {"stylesheet", "modulepreload", "icon"} and "href" in attrs:
            found.append(attrs["href"])
    found += _SCRIPT.findall(html)
    paths = [p.lstrip("/") for p in (_local(u) for u in found) if p]
    scripts = [p for p in paths if p.endswith(".js")]
    while scripts:  # static imports between modules, relative to the importing file
        script = scripts.pop()
        text = (site / script).read_text(encoding="utf-8")
        for spec in _IMPORT.findall(text):
            target = (Path(script).parent / spec).as_posix()
            target = str(Path(*_normalise(target.split("/"))))
            if target not in paths:
                paths.append(target)
                scripts.append(target)
        if "rules.json" in text and "assets/rules.json" not in paths:
            paths.append("assets/rules.json")
    if 'name="search"' in html and any(MATERIAL_BUNDLE.search("/" + p) for p in paths):
        config = json.loads(_CONFIG.search(html).group(1))  # type: ignore[union-attr]
        worker = _local(config["search"]).lstrip("/")  # type: ignore[union-attr]
        paths += [worker, "search/search_index.json"]
        if MATERIAL_WORKER.search(worker):  # Material's own worker imports lunr at once
            paths += SEARCH_LANGUAGE_FILES
    return list(dict.fromkeys(paths))


def _normalise(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part not in {".", ""}:
            out.append(part)
    return out


def page_weight(site: Path, page: str) -> PageWeight:
    weight = PageWeight(page)
    for path in loaded_files(site, page):
        weight.files[path] = gzip_size(site / path)
    return weight


def budget(page: str) -> int:
    """The page's budget in gzip bytes: the same for every page."""
    del page
    return PAGE_BUDGET_GZIP
