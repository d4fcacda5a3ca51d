#!/usr/bin/env bash
# Run the whole psa_workflow test suite on a fresh throwaway database:
#
#   bash tools/test.sh
#
# 1. lint (tools/lint.sh);
# 2. create a database, install psa_workflow with its demo data;
# 3. start it in prefork mode and open a websocket (tools/check_prefork.py);
#    check that i18n/psa_workflow.pot is current;
# 4. run the tests with pytest-odoo: one worker per core (PSA_TEST_WORKERS),
#    then the HTTP and browser tests (tours) in one process;
# 5. drop the database.
# Fails on any lint problem, failed or skipped test, and on any warning or error
# logged by psa_workflow. Variables: PSA_TEST_KEEP_DB=1 keeps the database;
# PYTEST_ARGS adds pytest arguments (e.g. "-k security").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

prepare_test_machine

start=$(date +%s)
bash tools/lint.sh

DB="psa_test_$(date +%Y%m%d%H%M%S)_$$"
LOGDIR="$(mktemp -d)"
cleanup() {
    if [ -z "${PSA_TEST_KEEP_DB:-}" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    else
        say "kept database $DB"
    fi
}
trap cleanup EXIT
ADDONS="$(addons_path)"

# Lines logged at WARNING or above that concern this addon (or anything at ERROR+).
bad_log_lines() {
    grep -aE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" |
        grep -aE 'psa_workflow|psa\.| (ERROR|CRITICAL) ' || true
}

# base_automation too: tests/test_state_automation.py runs automated actions on
# the approval states; payment_demo: tests/test_portal_invoice_work.py pays an
# invoice online with Odoo's demo payment provider.
say "installing psa_workflow with demo data (and base_automation, payment_demo) in $DB"
if ! odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow,base_automation,payment_demo --stop-after-init \
    --log-level=warn --logfile="$LOGDIR/install.log"; then
    tail -n 40 "$LOGDIR/install.log"
    die "installing psa_workflow failed"
fi
bad="$(bad_log_lines "$LOGDIR/install.log")"
[ -z "$bad" ] || die "installing psa_workflow logged warnings or errors:
$bad"

say "checking that Odoo runs clean in prefork mode (workers + websocket process)"
"$PYTHON" tools/check_prefork.py "$DB" "$ADDONS" || die "the prefork check failed"

say "checking that psa_workflow/i18n/psa_workflow.pot is current"
odoo_bin -d "$DB" --addons-path="$ADDONS" --i18n-export="$LOGDIR/psa_workflow.pot" \
    --modules=psa_workflow --stop-after-init --log-level=warn
if ! "$PYTHON" tools/pot_diff.py psa_workflow/i18n/psa_workflow.pot "$LOGDIR/psa_workflow.pot"; then
    die "i18n/psa_workflow.pot is out of date: run 'make pot' and commit it"
fi

# Two runs: the tests but the HTTP and browser ones over all cores
# (pytest-xdist: each worker on its own copy of the database), then those
# (marked "browser" by conftest.py) in one process on the database itself, as
# tours run reliably. A tour whose page never became ready (the tour did not
# even begin: the machine was busy) runs once more; a tour that fails a step
# fails the run. Both runs append to one log file.
run_tests() {
    local label="$1"
    shift
    say "running the tests (pytest-odoo): $label"
    set +e
    "$PYTHON" -m pytest psa_workflow/tests "$@" \
        --odoo-database="$DB" --odoo-addons-path="$ADDONS" --odoo-http \
        --log-file="$LOGDIR/pytest.log" --log-file-mode=a --log-file-level=WARNING \
        --log-file-format='%(asctime)s 0 %(levelname)s ? %(name)s: %(message)s' \
        --log-file-date-format='%Y-%m-%d %H:%M:%S,000' \
        -rfEs ${PYTEST_ARGS:-} 2>&1 | tee "$LOGDIR/pytest_$label.out"
    local rc=${PIPESTATUS[0]}
    set -e
    # 5: no test left by PYTEST_ARGS in this run (the other may have some).
    [ "$rc" = 0 ] || [ "$rc" = 5 ] || die "tests failed (pytest exit code $rc)"
    if grep -qE '^SKIPPED|[0-9]+ skipped' "$LOGDIR/pytest_$label.out"; then
        die "tests were skipped (a tour needs chromium and websocket-client): see above"
    fi
}
run_tests parallel -m "not browser" -n "$(test_workers)" --dist loadgroup
run_tests browser -m browser --reruns 1 --only-rerun "code was always falsy"
bad="$(bad_log_lines "$LOGDIR/pytest.log")"
[ -z "$bad" ] || die "the tests logged warnings or errors from psa_workflow:
$bad"

passed=0
for label in parallel browser; do
    count="$(grep -oE '[0-9]+ passed' "$LOGDIR/pytest_$label.out" | tail -n 1 | cut -d' ' -f1)"
    passed=$((passed + ${count:-0}))
done
[ "$passed" -gt 0 ] || die "no test ran"
say "all green in $(($(date +%s) - start)) s"
echo "psa_workflow: $passed passed, 0 failed"
