#!/usr/bin/env bash
# Run psa_workflow's tests through Odoo's own test runner, the way Odoo.sh and
# OCA CI do (--test-enable --test-tags /psa_workflow), on a fresh database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

prepare_test_machine

DB="psa_runner_$(date +%Y%m%d%H%M%S)_$$"
LOG="$(mktemp)"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
start=$(date +%s)
say "running psa_workflow's tests with Odoo's test runner ($DB)"
set +e
# A free HTTP port: a demo server may be running on the default one.
odoo_bin -d "$DB" --addons-path="$(addons_path)" -i psa_workflow --test-enable \
    --http-port="$(free_port)" \
    --test-tags /psa_workflow --stop-after-init --log-level=test --logfile="$LOG"
rc=$?
set -e
"$PYTHON" tools/odoo_test_summary.py "$LOG" || rc=1
say "took $(($(date +%s) - start)) s"
[ "$rc" = 0 ] || die "psa_workflow's tests failed under Odoo's runner (log: $LOG)"
