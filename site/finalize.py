"""The site build's last step (`make site`, after `mkdocs build`): our scripts and styles
bundled and minified by esbuild (pinned in site/tools/package.json), written under names that
carry their content's hash, and every page's reference rewritten to them.

Our scripts live in `assets/javascripts/` by side (site/README.md): `candidats/` (the form,
`formulaire/`, and the home page's `accueil.js`), `staff/` (the staff page), `platform/` (what
every page uses: the DOM helpers, Material's scripts served as files, the bundle's loader), and
`workers/` (Material's search worker and our stand-in).

- The form's modules (`candidats/formulaire/page.js` and what it imports), the staff page's
  (`staff/page.js`) and the home page's `candidats/accueil.js` become one minified ES module
  each, in the folder of the modules they include (so `import.meta.url`, from which
  `regles.js` finds `assets/rules.json`, still points to the same folder): `accueil.js`'s
  bundle goes to `candidats/formulaire/`, next to `regles.js`.
- Material's two inline scripts served as files (`platform/md-base.js`, `md-content.js`) are
  minified as classic scripts (their global names kept); `md-base.js` computes the site's root
  from its own URL (three folders up), so its minified copy stays in `platform/`.
- The stylesheets (`site.css`, `formulaire.css`, `gestion.css`) are minified.
- The form's two pages load Material's bundle at the first gesture, through
  `platform/md-premier-geste.js` (its source says why), given the bundle's path here.
- The search loads Material's worker and lunr's French stemmer at the first query only:
  each page's `__config` points the worker to `workers/recherche-differee.js` (its source
  says how), given the name of Material's hashed worker here.
- `assets/rules.json` is written compact (no indentation).
- Every page's text gets French no-break spaces (`shared_rules.typographie`): no guillemet
  or colon alone at the start or end of a line.

A hashed name (`page.1a2b3c4d.min.js`) changes whenever the content does: the local server and
the published site send them with a one-year `immutable` cache
(handler/platform/site_caching.py), the pages themselves with a revalidation. The sources stay
in the built site, unreferenced (the browser tests import `verification.js` from there).

Usage: python site/finalize.py [build/site]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from shared_rules.typographie import insecables_html

TOOLS = Path(__file__).resolve().parent / "tools"
ESBUILD = TOOLS / "node_modules" / ".bin" / "esbuild"
# Browsers the site supports: ES modules (2020 and later); esbuild lowers nothing further.
TARGET = "es2020"

#: Entry points bundled into one ES module each (path under the built site), with the folder
#: the bundle is written to: the folder of the modules that resolve URLs from their own
#: (`regles.js`: `new URL("../../rules.json", import.meta.url)`), so that they still resolve.
MODULES = {
    "assets/javascripts/candidats/formulaire/page.js": "assets/javascripts/candidats/formulaire",
    "assets/javascripts/staff/page.js": "assets/javascripts/staff",
    "assets/javascripts/candidats/accueil.js": "assets/javascripts/candidats/formulaire",
}
#: Classic scripts, minified alone.
SCRIPTS = ("assets/javascripts/platform/md-base.js", "assets/javascripts/platform/md-content.js",
           "assets/javascripts/platform/md-premier-geste.js")
#: The form pages' loader of Material's bundle; MATERIAL_BUNDLE inside becomes the bundle's
#: path relative to it.
BUNDLE_LOADER = "assets/javascripts/platform/md-premier-geste.js"
MATERIAL_BUNDLE = re.compile(r"bundle\.[0-9a-f]{8}\.min\.js")
#: The search's stand-in worker; MATERIAL_SEARCH_WORKER inside becomes Material's file name.
SEARCH_STANDIN = "assets/javascripts/workers/recherche-differee.js"
MATERIAL_WORKER = re.compile(r"search\.[0-9a-f]{8}\.min\.js")
STYLES = (
    "assets/stylesheets/site.css",
    "assets/stylesheets/formulaire.css",
    "assets/stylesheets/gestion.css",
)
HASH_LENGTH = 8


def hashed_name(relative: str, content: bytes) -> str:
    """`assets/x/page.js` → `assets/x/page.<8 hex>.min.js`, from the content's SHA-256."""
    stem, _, suffix = relative.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return f"{stem}.{digest}.min.{suffix}"


def esbuild(site: Path, relative: str, *, bundle: bool) -> bytes:
    """The minified (and, for a module, bundled) content of one file of the built site."""
    command = [str(ESBUILD), str(site / relative), "--minify", f"--target={TARGET}",
               "--log-level=warning", "--charset=utf8", "--legal-comments=none"]
    if bundle:
        command += ["--bundle", "--format=esm"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"esbuild a échoué sur {relative} :\n{done.stderr.decode()}")
    return done.stdout


def finalize(site: Path) -> dict[str, str]:
    """Write the minified, hashed files and rewrite the pages; {source: hashed name}."""
    if not ESBUILD.is_file():
        raise SystemExit(f"esbuild manque ({ESBUILD}) : lancez `make site`, qui l'installe "
                         "avec npm ci dans site/tools.")
    renamed: dict[str, str] = {}
    workers = [p.name for p in (site / SEARCH_STANDIN).parent.iterdir()
               if MATERIAL_WORKER.fullmatch(p.name)]
    if len(workers) != 1:
        raise SystemExit("Le worker de recherche de Material est introuvable ou ambigu : "
                         f"{workers}")
    standin = site / SEARCH_STANDIN
    standin.write_text(standin.read_text(encoding="utf-8").replace(
        "MATERIAL_SEARCH_WORKER", workers[0]), encoding="utf-8")
    loader = site / BUNDLE_LOADER
    bundles = [p for p in (site / "assets" / "javascripts").iterdir()
               if MATERIAL_BUNDLE.fullmatch(p.name)]
    if len(bundles) != 1:
        raise SystemExit(f"Le bundle de Material est introuvable ou ambigu : {bundles}")
    loader.write_text(loader.read_text(encoding="utf-8").replace(
        "MATERIAL_BUNDLE", os.path.relpath(bundles[0], loader.parent)), encoding="utf-8")
    rules = site / "assets" / "rules.json"
    rules.write_text(json.dumps(json.loads(rules.read_text(encoding="utf-8")),
                                ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for relative in (*MODULES, *SCRIPTS, SEARCH_STANDIN, *STYLES):
        if not (site / relative).is_file():
            raise SystemExit(f"{relative} manque dans {site} : le site est-il construit ?")
        content = esbuild(site, relative, bundle=relative in MODULES)
        target = hashed_name(relative, content)
        if relative in MODULES:
            target = f"{MODULES[relative]}/{target.rsplit('/', 1)[-1]}"
        (site / target).write_bytes(content)
        renamed[relative] = target
    pattern = re.compile(r'((?:src|href)=")(/?(?:\.\./)*)(' +
                         "|".join(re.escape(r) for r in renamed) + r')"')
    worker = re.compile(r'("search": ")(/?(?:\.\./)*)assets/javascripts/workers/' +
                        re.escape(workers[0]) + '"')
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rewritten = pattern.sub(lambda m: f'{m[1]}{m[2]}{renamed[m[3]]}"', text)
        rewritten = worker.sub(lambda m: f'{m[1]}{m[2]}{renamed[SEARCH_STANDIN]}"', rewritten)
        rewritten = insecables_html(rewritten)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    return renamed


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "build/site")
    renamed = finalize(site)
    print(f"{len(renamed)} scripts et feuilles de style minifiés et nommés par leur empreinte.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
