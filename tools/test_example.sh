#!/usr/bin/env bash
# The integrator's example module (psa_workflow_example), tested as an
# integrator tests theirs:
#
#   bash tools/test_example.sh
#
# Creates a database with psa_workflow (and its demo data) and the example
# module, checks that installing it logs no warning, runs its tests there
# (psa_workflow's engine, wizards and reports with each extension point the
# module uses), drops the database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

prepare_test_machine

DB="psa_example_$(date +%Y%m%d%H%M%S)_$$"
OUT="$(mktemp)"
LOG="$(mktemp)"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -f "$OUT" "$LOG"' EXIT
ADDONS="$(addons_path)"
say "installing psa_workflow and psa_workflow_example in $DB"
odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow_example --stop-after-init \
    --log-level=warn --logfile="$LOG" || { tail -n 40 "$LOG"; die "installing the example failed"; }
if grep -aE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$LOG" | grep -aE 'psa_|ERROR|CRITICAL'; then
    die "installing the example logged warnings or errors (above)"
fi
say "running the example's tests"
"$PYTHON" -m pytest psa_workflow_example/tests --odoo-database="$DB" \
    --odoo-addons-path="$ADDONS" -rfEs -p no:cacheprovider 2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || die "the example's tests failed"
if grep -qE '[0-9]+ skipped' "$OUT"; then
    die "the example's tests were skipped"
fi
say "example module: all green"
