#!/usr/bin/env bash
# No regressions in what we extend: Odoo's own test suites of project,
# hr_timesheet, hr_expense and account, run with pytest-odoo on a database
# where psa_workflow and its demo data are installed, and compared test by test
# with the same suites on a database without psa_workflow (its dependencies
# only).
#
#   bash tools/test_upstream.sh
#   UPSTREAM_MODULES="project hr_timesheet" bash tools/test_upstream.sh
#   UPSTREAM_REFRESH=1 bash tools/test_upstream.sh   # run the side without the addon again
#
# The side without psa_workflow changes only when Odoo does: its result is kept
# in tools/upstream_baselines/, keyed by the installed Odoo source tree, the
# modules and the addon's dependencies (tools/upstream_baseline.py). When a kept
# result matches, only the side with the addon runs; otherwise both run and the
# new result is written there, to be committed.
#
# pytest-odoo runs every test class (at_install and post_install alike) in the
# database's full registry, so Odoo's tests meet the addon's code and data;
# Odoo's own runner would run a module's at_install tests before psa_workflow
# is even loaded. Fails on any test that passes without psa_workflow and fails
# (or is not run) with it. Each run is spread over the machine's cores
# (pytest-xdist; pytest-odoo gives each worker its own copy of the database).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"

prepare_test_machine

MODULES="${UPSTREAM_MODULES:-project hr_timesheet hr_expense account}"
STAMP="$(date +%Y%m%d%H%M%S)_$$"
BASE_DB="psa_upstream_base_$STAMP"
ADDON_DB="psa_upstream_addon_$STAMP"
WORK="$(mktemp -d)"
trap 'dropdb --if-exists "$BASE_DB" >/dev/null 2>&1 || true; dropdb --if-exists "$ADDON_DB" >/dev/null 2>&1 || true' EXIT
ADDONS="$(addons_path)"
start=$(date +%s)

# psa_workflow's dependencies, read from its manifest.
DEPENDS="$("$PYTHON" -c 'import ast; print(",".join(ast.literal_eval(open("psa_workflow/__manifest__.py").read())["depends"]))')"
TEST_DIRS=()
IFS=, read -r -a ADDONS_DIRS <<<"$ADDONS"
for module in $MODULES; do
    found=""
    for dir in "${ADDONS_DIRS[@]}"; do
        if [ -f "$dir/$module/__manifest__.py" ]; then
            found="$dir/$module/tests"
            break
        fi
    done
    [ -n "$found" ] && [ -d "$found" ] ||
        die "no tests of $module in the addons path ($ADDONS)"
    TEST_DIRS+=("$found")
done

KEY="$("$PYTHON" tools/upstream_baseline.py key "$MODULES" "$DEPENDS")"
BASELINE="tools/upstream_baselines/$KEY.tsv"

install_base() {
    odoo_bin -d "$BASE_DB" --addons-path="$ADDONS" -i "$DEPENDS" --stop-after-init \
        --log-level=warn --logfile="$WORK/install_base.log" ||
        die "installing $DEPENDS failed (log: $WORK/install_base.log)"
}

install_addon() {
    odoo_bin -d "$ADDON_DB" --addons-path="$ADDONS" -i psa_workflow --stop-after-init \
        --log-level=warn --logfile="$WORK/install_addon.log" ||
        die "installing psa_workflow failed (log: $WORK/install_addon.log)"
}

# One run of Odoo's tests on a database, over all cores (pytest-xdist: each
# worker on its own copy of the database, serving HTTP on a free port).
run_suites() {
    local db="$1" label="$2"
    "$PYTHON" -m pytest "${TEST_DIRS[@]}" -p no:cacheprovider -q --disable-warnings \
        -n "$(test_workers)" --dist loadscope \
        --odoo-database="$db" --odoo-addons-path="$ADDONS" --odoo-http \
        --junitxml="$WORK/$label.xml" >"$WORK/$label.out" 2>&1 || true
    tail -n 1 "$WORK/$label.out" | sed "s/^/[$label psa_workflow] /"
    [ -s "$WORK/$label.xml" ] || die "the run $label psa_workflow wrote no report (see $WORK/$label.out)"
}

base_installed=""
if [ -f "$BASELINE" ] && [ -z "${UPSTREAM_REFRESH:-}" ]; then
    say "Odoo's tests without psa_workflow: the result kept for this Odoo ($BASELINE)"
    say "creating $ADDON_DB (psa_workflow, demo data)"
    install_addon
    say "running Odoo's tests of: $MODULES with psa_workflow"
    run_suites "$ADDON_DB" with
    WITHOUT="$BASELINE"
else
    say "no result kept for this Odoo (key $KEY): Odoo's tests run without psa_workflow too"
    say "creating $BASE_DB ($DEPENDS, demo data) and $ADDON_DB (psa_workflow, demo data)"
    install_base &
    base_install=$!
    install_addon
    wait "$base_install"
    base_installed=1
    say "running Odoo's tests of: $MODULES without psa_workflow, then with it"
    run_suites "$BASE_DB" without
    run_suites "$ADDON_DB" with
    "$PYTHON" tools/upstream_baseline.py write "$WORK/without.xml" "$BASELINE" "$MODULES" "$DEPENDS"
    say "kept the result without psa_workflow as $BASELINE: commit it"
    WITHOUT="$WORK/without.xml"
fi

set +e
"$PYTHON" tools/upstream_compare.py "$WITHOUT" "$WORK/with.xml" \
    "$WORK/regressions.txt" "${TEST_DIRS[@]}"
rc=$?
set -e
if [ "$rc" != 0 ] && [ -s "$WORK/regressions.txt" ]; then
    # Some of Odoo's tests depend on the order of a whole run: each test found
    # failing only with the addon runs again, alone, on both databases; it is a
    # regression if it still passes without psa_workflow and fails with it.
    if [ -z "$base_installed" ]; then
        say "creating $BASE_DB ($DEPENDS, demo data) to run them without psa_workflow"
        install_base
    fi
    say "running the $(wc -l <"$WORK/regressions.txt") tests that failed only with psa_workflow again, on both databases"
    mapfile -t AGAIN <"$WORK/regressions.txt"
    rerun() {
        "$PYTHON" -m pytest "${AGAIN[@]}" -p no:cacheprovider -q --disable-warnings \
            --odoo-database="$1" --odoo-addons-path="$ADDONS" --odoo-http \
            --junitxml="$WORK/$2.xml" >"$WORK/$2.out" 2>&1 || true
    }
    rerun "$BASE_DB" without_again &
    rerun_base=$!
    rerun "$ADDON_DB" with_again
    wait "$rerun_base"
    set +e
    "$PYTHON" tools/upstream_compare.py "$WORK/without_again.xml" "$WORK/with_again.xml"
    rc=$?
    set -e
fi
say "took $(($(date +%s) - start)) s (logs: $WORK)"
[ "$rc" = 0 ] || die "Odoo's own tests regress with psa_workflow installed (see above; logs: $WORK)"
