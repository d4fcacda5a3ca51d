#!/usr/bin/env bash
# Set up everything psa_workflow needs and serve the demo firm on
# http://localhost:8069 (login admin / admin).
#
#   bash tools/setup.sh
#
# Variables: ODOO_SRC  a local Odoo 18.0 source tree to install Odoo from when
#                      'python3 -c "import odoo"' fails (offline machines);
#            PSA_DB    the demo database (default psa_demo);
#            PSA_PORT  the HTTP port (default 8069);
#            PSA_WORKERS  serve in prefork mode with this many HTTP workers, as
#                         in production (websocket on PSA_PORT+3, see
#                         docs/odoo.conf.example); default: one threaded process;
#            PSA_NO_SERVE=1  set up and stop, without serving.
# Running it again reuses the database (the addon is updated, nothing is lost).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DB="${PSA_DB:-psa_demo}"
PORT="${PSA_PORT:-8069}"

ensure_system_packages
ensure_odoo
ensure_python_packages
ensure_postgres

port_busy() {
    "$PYTHON" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("0.0.0.0", int(sys.argv[1])))
    except OSError:
        sys.exit(0)
sys.exit(1)
PY
}

if [ -z "${PSA_NO_SERVE:-}" ] && port_busy "$PORT"; then
    die "port $PORT is already in use (another Odoo?). Stop that server, or choose
  another port: PSA_PORT=8070 bash tools/setup.sh"
fi

ADDONS="$(addons_path)"
if db_exists "$DB"; then
    say "database '$DB' exists: updating psa_workflow in it (your data is kept)"
    odoo_bin -d "$DB" --addons-path="$ADDONS" -u psa_workflow --stop-after-init \
        --log-level=warn || die "updating psa_workflow in '$DB' failed"
else
    say "creating database '$DB' with psa_workflow and its demo firm (about a minute)"
    odoo_bin -d "$DB" --addons-path="$ADDONS" -i psa_workflow --stop-after-init \
        --log-level=warn || die "installing psa_workflow in '$DB' failed"
fi

if [ -n "${PSA_NO_SERVE:-}" ]; then
    say "set-up done (PSA_NO_SERVE set: not serving)"
    exit 0
fi
SERVE_ARGS=(-d "$DB" --db-filter="^${DB}\$" --addons-path="$ADDONS" --http-port="$PORT")
if [ -n "${PSA_WORKERS:-}" ]; then
    [[ "$PSA_WORKERS" =~ ^[1-9][0-9]*$ ]] || die "PSA_WORKERS must be a positive number"
    SERVE_ARGS+=(--workers="$PSA_WORKERS" --max-cron-threads=1 --gevent-port=$((PORT + 3))
        --limit-time-real=600 --limit-time-cpu=300 --limit-memory-soft=2147483648
        --limit-memory-hard=2684354560)
    say "prefork mode: $PSA_WORKERS HTTP workers, 1 cron worker, websocket on port $((PORT + 3))"
    say "(behind a proxy, route /websocket to that port: see docs/odoo.conf.example)"
fi
say "serving Odoo on http://localhost:$PORT (login admin / admin; also pm, consultant,"
say "accountant with the login as password). Ctrl+C stops it."
# Odoo re-runs its launcher for the websocket process: start it from a file.
exec "$PYTHON" "$PSA_ROOT/tools/odoo_server.py" "${SERVE_ARGS[@]}"
