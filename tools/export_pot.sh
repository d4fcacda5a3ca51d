#!/usr/bin/env bash
# Regenerate psa_workflow/i18n/psa_workflow.pot from a fresh database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PSA_ROOT"
require_odoo
ensure_postgres
DB="psa_pot_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
ADDONS="$(addons_path)"
odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow --stop-after-init --log-level=warn
odoo_bin -d "$DB" --addons-path="$ADDONS" --i18n-export=psa_workflow/i18n/psa_workflow.pot \
    --modules=psa_workflow --stop-after-init --log-level=warn
say "wrote psa_workflow/i18n/psa_workflow.pot"
