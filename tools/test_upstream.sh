#!/usr/bin/env bash
# No regressions in what we extend: run Odoo's own test suites of project,
# hr_timesheet and hr_expense on a fresh database where psa_workflow is installed.
#
#   bash tools/test_upstream.sh
#
# at_install tests run while each module installs; post_install tests run with
# psa_workflow (and its demo data) in place.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

prepare_test_machine

DB="psa_upstream_$(date +%Y%m%d%H%M%S)_$$"
LOG="$(mktemp)"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
start=$(date +%s)
say "running Odoo's project, hr_timesheet and hr_expense tests with psa_workflow ($DB)"
set +e
odoo_bin -d "$DB" --addons-path="$(addons_path)" -i psa_workflow --test-enable \
    --test-tags /project,/hr_timesheet,/hr_expense --stop-after-init \
    --log-level=test --logfile="$LOG"
rc=$?
set -e
"$PYTHON" tools/odoo_test_summary.py "$LOG" || rc=1
say "took $(($(date +%s) - start)) s"
[ "$rc" = 0 ] || die "Odoo's own tests failed with psa_workflow installed (log: $LOG)"
