# Deployment as code (infra/README.md). Included by the top Makefile, which defines PY and install.

INFRA_TEMPLATES := infra/template.yaml infra/edge.yaml
# The SSM SecureString that holds STAFF_TOKEN_HASHES (name:role:sha256hex,…), read at deploy time.
STAFF_TOKENS_PARAMETER ?= /preinscription-cap/staff-token-hashes
# The SSM parameter that holds STAFF_ACCOUNTS (email:role,…), read at deploy time.
STAFF_ACCOUNTS_PARAMETER ?= /preinscription-cap/staff-accounts

.PHONY: infra-lint package deploy deploy-dry-run sam-present
# The Lambda runtime to build for: `make package PYTHON_VERSION=3.13 ARCHITECTURE=x86_64`.
PYTHON_VERSION ?= 3.13
ARCHITECTURE ?= x86_64

## Build build/lambda.zip (pinned runtime dependencies, manylinux wheels) and print its sizes.
package: install
	$(PY) infra/package.py --python-version $(PYTHON_VERSION) --architecture $(ARCHITECTURE)

## Lint every CloudFormation/SAM template.
infra-lint: install
	$(PY) -c 'import sys; from cfnlint.runner import main; sys.exit(main())' $(INFRA_TEMPLATES)

## Deploy the main stack (eu-west-3) with sam; the edge stack is deployed once by hand (README).
deploy: sam-present install
	$(PY) infra/deploy.py --staff-tokens-parameter '$(STAFF_TOKENS_PARAMETER)' \
	    --staff-accounts-parameter '$(STAFF_ACCOUNTS_PARAMETER)'

## Check the deployment's inputs and print the sam command, without AWS or sam.
deploy-dry-run: install
	$(PY) infra/deploy.py --dry-run --staff-tokens-parameter '$(STAFF_TOKENS_PARAMETER)' \
	    --staff-accounts-parameter '$(STAFF_ACCOUNTS_PARAMETER)'

sam-present:
	@command -v sam >/dev/null 2>&1 || { \
	  echo "make deploy: the AWS SAM CLI (sam) is not installed here." >&2; \
	  echo "  Install it (see infra/README.md, « What you need »), then run make deploy again." >&2; \
	  exit 1; }
