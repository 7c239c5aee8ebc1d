"""`make lighthouse`: Lighthouse (npm, pinned in tests/perf/lighthouse/package-lock.json) on
every page of the site against the local run (handler.local_server: the built site, gzip, the
production's cache headers), mobile with Lighthouse's default throttling, Debian's Chromium
(CHROME_PATH, never a downloaded browser). Prints each page's scores and figures against the
targets of issue 18 and writes the reports to tests/artifacts/lighthouse/. A measurement, not a
test: it fails only when Lighthouse itself can't run.

Usage: python -m tests.perf.lighthouse_run [path/to/node_modules/.bin/lighthouse [page.html…]]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from handler.local_server import LocalStack

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "lighthouse"
PAGES = ("index.html", "notice.html", "formulaire.html", "mon-dossier.html",
         "donnees-personnelles.html", "accessibilite.html", "mentions-legales.html",
         "gestion.html")
#: Issue 18's targets: minimum scores (0–100) and the largest layout shift.
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
CLS_MAX = 0.05


def run_lighthouse(lighthouse: str, url: str, report: Path) -> dict:
    chrome_flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=performance,accessibility,best-practices",
               f"--chrome-flags={chrome_flags}"]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def figures(result: dict) -> dict[str, float]:
    audits = result["audits"]
    scores = {key: round((result["categories"][key]["score"] or 0) * 100) for key in TARGETS}
    return {**scores,
            "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "kb": audits["total-byte-weight"]["numericValue"] / 1024,
            "requests": len(audits["network-requests"]["details"]["items"])}


def met(row: dict[str, float]) -> bool:
    return all(row[k] >= v for k, v in TARGETS.items()) and row["cls"] < CLS_MAX


def main(argv: list[str]) -> int:
    lighthouse = argv[0] if argv else str(ROOT / "tests/perf/lighthouse/node_modules/.bin"
                                          / "lighthouse")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stack = LocalStack(site_dir=ROOT / "build" / "site", port=0,
                       outbox=Path(tempfile.mkdtemp(prefix="lighthouse-outbox-")))
    base = stack.start()
    stack.serve_in_background()
    rows: dict[str, dict[str, float]] = {}
    try:
        for page in argv[1:] or PAGES:
            report = ARTIFACTS / (page.removesuffix(".html") + ".json")
            rows[page] = figures(run_lighthouse(lighthouse, base + page, report))
            print(f"  {page} mesurée", flush=True)
    finally:
        stack.stop()
    print(f"\nLighthouse (mobile, default throttling) against the local run; targets: performance "
          f"≥ {TARGETS['performance']}, accessibility and best practices 100, CLS < {CLS_MAX}\n")
    print(f"{'page':28} {'perf':>4} {'a11y':>4} {'bp':>4} {'FCP s':>6} {'LCP s':>6} "
          f"{'TBT ms':>7} {'CLS':>6} {'KB*':>7} {'req':>4}  target")
    for page, r in rows.items():
        print(f"{page:28} {r['performance']:>4} {r['accessibility']:>4} "
              f"{r['best-practices']:>4} {r['fcp_s']:>6.2f} {r['lcp_s']:>6.2f} "
              f"{r['tbt_ms']:>7.0f} {r['cls']:>6.3f} {r['kb']:>7.1f} {r['requests']:>4}  "
              f"{'met' if met(r) else 'MISSED'}")
    print("\n* KB: bytes transferred (compressed) during Lighthouse's load, the search included "
          f"when the page loads it. Reports: {ARTIFACTS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
