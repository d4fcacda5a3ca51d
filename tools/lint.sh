#!/usr/bin/env bash
# The lint checks that block a change: ruff (lint + format), pylint-odoo with
# the mandatory rc, OCA's XML/manifest checks, and well-formed XML.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

ensure_python_packages
status=0
run() {
    say "lint: $*"
    "$@" || status=1
}
run "$PYTHON" -m ruff check psa_workflow psa_workflow_example tools benchmarks conftest.py
run "$PYTHON" -m ruff format --check psa_workflow psa_workflow_example tools benchmarks conftest.py
run "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory psa_workflow psa_workflow_example
run oca-checks-odoo-module --no-verbose psa_workflow psa_workflow_example
run oca-checks-po --no-verbose psa_workflow/i18n/*.pot
run "$PYTHON" tools/check_xml.py psa_workflow
run "$PYTHON" tools/check_xml.py psa_workflow_example
[ "$status" = 0 ] && say "lint: clean" || die "lint found problems (see above)"
