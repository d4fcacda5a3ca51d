#!/usr/bin/env bash
# Upgrade check: install the previous version of psa_workflow with its demo
# data in a throwaway database, count its records, upgrade it to this tree and
# count again. Fails if any record or any stored value of the addon's tables
# (and of the Odoo tables it extends) is lost.
#   bash tools/check_upgrade.sh [REV]
# REV: the previous version (default: the commit before the manifest got its
# current version).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_odoo
ensure_postgres
cd "$PSA_ROOT"
manifest=psa_workflow/__manifest__.py
version="$("$PYTHON" -c "import ast,sys; print(ast.literal_eval(open(sys.argv[1]).read())['version'])" "$manifest")"
if [ $# -ge 1 ]; then
    rev="$1"
else
    first="$(git log --format=%H -S"\"version\": \"$version\"" -- "$manifest" | tail -1)"
    [ -n "$first" ] || die "no commit sets version $version in $manifest"
    rev="$first^"
fi
old="$(mktemp -d)"
DB="psa_upgrade_$$"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    git worktree remove --force "$old/tree" >/dev/null 2>&1 || true
    rm -rf "$old"
}
trap cleanup EXIT
git worktree add --detach "$old/tree" "$rev" >/dev/null
old_version="$("$PYTHON" -c "import ast,sys; print(ast.literal_eval(open(sys.argv[1]).read())['version'])" "$old/tree/$manifest")"
say "installing psa_workflow $old_version ($(git rev-parse --short "$rev")) with demo data in $DB"
PSA_ROOT="$old/tree" odoo_bin -d "$DB" --addons-path="$(PSA_ROOT="$old/tree" addons_path)" \
    -i psa_workflow --stop-after-init --log-level=warn
"$PYTHON" tools/upgrade_counts.py --db "$DB" --save "$old/before.json"
say "upgrading $DB to $version (this tree)"
odoo_bin -d "$DB" --addons-path="$(addons_path)" -u psa_workflow --stop-after-init --log-level=warn
"$PYTHON" tools/upgrade_counts.py --db "$DB" --compare "$old/before.json"
