#!/usr/bin/env bash
# Run a benchmark on a throwaway database (psa_workflow without demo data):
#   bash benchmarks/bench.sh workload [--employees 400 --first-opening]
#   bash benchmarks/bench.sh timesheets [--lines 20000 --priced 100000]
#   bash benchmarks/bench.sh invoicing [--lines 50000 --projects 200]
#   bash benchmarks/bench.sh cron_invoicing [--lines 1000000 --projects 2000 --timeout 3600]
#   bash benchmarks/bench.sh reporting [--lines 1000000 --compare-indexes]
#   bash benchmarks/bench.sh load [--consultants 10 --approvers 2 --entries 20 --workers 4]
# Extra arguments go to benchmarks/bench_NAME.py. The invoicing invariants of the
# database are checked after each run (tools/check_invariants.py).
set -euo pipefail
source "$(dirname "$0")/../tools/lib.sh"
name="${1:?usage: bash benchmarks/bench.sh workload|timesheets|invoicing|reporting|load [ARGS]}"
shift
script="$PSA_ROOT/benchmarks/bench_${name}.py"
[ -f "$script" ] || die "no benchmark named $name (benchmarks/bench_${name}.py)"
require_odoo
ensure_postgres
DB="psa_bench_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
ADDONS="$(addons_path)"
odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow --without-demo=all \
    --stop-after-init --log-level=warn
EXTRA=()
if [ "$name" = invoicing ]; then
    # Odoo's own sale_timesheet invoicing of the same hours, in its own database.
    DB2="psa_bench_sale_$$"
    trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; dropdb --if-exists "$DB2" >/dev/null 2>&1 || true' EXIT
    odoo_bin -d "$DB2" --addons-path="$ADDONS" -i sale_timesheet --without-demo=all \
        --stop-after-init --log-level=warn
    EXTRA=(--compare-db "$DB2")
fi
"$PYTHON" "$script" --db "$DB" --addons-path "$ADDONS" "${EXTRA[@]}" "$@"
# What the run left must still hold: entries, links and invoices agree.
"$PYTHON" "$PSA_ROOT/tools/check_invariants.py" "$DB"
