#!/usr/bin/env bash
# Timesheet capture benchmark on a throwaway database:
#   bash benchmarks/bench_timesheets.sh [ARGS]
# (ARGS go to bench_timesheets.py, e.g. --lines 20000).
set -euo pipefail
source "$(dirname "$0")/../tools/lib.sh"
require_odoo
ensure_postgres
DB="psa_bench_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
ADDONS="$(addons_path)"
odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow --without-demo=all \
    --stop-after-init --log-level=warn
"$PYTHON" "$PSA_ROOT/benchmarks/bench_timesheets.py" --db "$DB" --addons-path "$ADDONS" "$@"
