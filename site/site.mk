# The candidates' site (included by the top Makefile). See site/README.md.
.PHONY: site lighthouse

SITE_TOOLS := site/tools
ESBUILD := $(SITE_TOOLS)/node_modules/.bin/esbuild

# esbuild, pinned with its lockfile (npm ci: exactly the locked versions, nothing else).
$(ESBUILD): $(SITE_TOOLS)/package.json $(SITE_TOOLS)/package-lock.json
	cd $(SITE_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Generate the snippets and rules JSON from the session data, build into build/site, then
## bundle, minify and hash our scripts and styles (site/finalize.py).
site: install $(ESBUILD)
	$(PY) -m shared_rules render-site
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet
	$(PY) site/finalize.py build/site
	@echo "Site construit dans build/site"

LIGHTHOUSE_DIR := tests/perf/lighthouse
LIGHTHOUSE := $(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse

$(LIGHTHOUSE): $(LIGHTHOUSE_DIR)/package.json $(LIGHTHOUSE_DIR)/package-lock.json
	cd $(LIGHTHOUSE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Lighthouse (mobile, default throttling) on every page against the local run, with Debian's
## Chromium: prints each page's scores and figures (a measurement, not a test).
lighthouse: site $(LIGHTHOUSE)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) -m tests.perf.lighthouse_run $(LIGHTHOUSE)
