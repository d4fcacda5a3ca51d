#!/usr/bin/env bash
# The optional queue_job glue, tested with OCA's queue_job installed:
#
#   bash tools/test_queue_job.sh
#
# Creates a database with psa_workflow (and its demo data) and queue_job, runs
# tests/test_queue_job_glue.py there (the jobs path; the addon's own test run
# covers the path without queue_job), drops the database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

prepare_test_machine

DB="psa_queue_job_$(date +%Y%m%d%H%M%S)_$$"
OUT="$(mktemp)"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -f "$OUT"' EXIT
ADDONS="$(addons_path)"
say "installing psa_workflow and queue_job in $DB"
odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow,queue_job --stop-after-init \
    --log-level=warn || die "installing psa_workflow and queue_job failed"
state="$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'queue_job'")"
[ "$state" = installed ] || die "queue_job is not installed in $DB (state: $state)"
say "running the queue_job glue tests"
"$PYTHON" -m pytest psa_workflow/tests/test_queue_job_glue.py --odoo-database="$DB" \
    --odoo-addons-path="$ADDONS" -rfEs -p no:cacheprovider 2>&1 | tee "$OUT"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || die "the queue_job glue tests failed"
if grep -qE '[0-9]+ skipped' "$OUT"; then
    die "queue_job glue tests were skipped"
fi
say "queue_job glue: all green"
