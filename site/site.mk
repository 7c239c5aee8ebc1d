# The candidates' site (included by the top Makefile). See site/README.md.
.PHONY: site

## Generate the snippets and rules JSON from the session data, then build into build/site.
site: install
	$(PY) -m shared_rules render-site
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet
	@echo "Site construit dans build/site"
