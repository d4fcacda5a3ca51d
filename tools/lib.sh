#!/usr/bin/env bash
# Shared helpers for tools/setup.sh, tools/test.sh and .ci/run.
# Sourced, not run. Everything here is idempotent: it only installs or starts
# what is missing.

PSA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
# Where set-up clones Odoo 18.0 when it is not importable and ODOO_SRC is unset.
ODOO_HOME="${ODOO_HOME:-$HOME/.local/share/psa_workflow/odoo-18.0}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"

say() { printf '\033[1m[psa]\033[0m %s\n' "$*"; }
die() {
    printf '\033[1;31m[psa] error:\033[0m %s\n' "$*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -c "$(printf '%q ' "$@")"
    else
        sudo -u postgres "$@"
    fi
}

apt_install() {
    say "installing Debian packages: $*"
    if [ -z "${PSA_APT_UPDATED:-}" ]; then
        as_root apt-get update -q >/dev/null || die "apt-get update failed"
        PSA_APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
        >/dev/null || die "apt-get install $* failed"
}

pip_install() {
    # Debian's own python3 refuses pip installs without this flag (PEP 668).
    PIP_BREAK_SYSTEM_PACKAGES=1 "$PYTHON" -m pip install -q --disable-pip-version-check "$@"
}

odoo_importable() {
    "$PYTHON" -c 'import odoo.release as r; assert r.version_info[0] == 18' >/dev/null 2>&1
}

require_odoo() {
    odoo_importable || die "Odoo 18 is not importable by '$PYTHON'.
  Run 'bash tools/setup.sh' first (it installs Odoo 18.0 from the official source,
  or from a local source tree: ODOO_SRC=/path/to/odoo-18.0 bash tools/setup.sh)."
}

# Odoo's Python requirements, built the way Python 3.11 needs: cbor2 5.4.2 does
# not build there, and some pinned source packages still import pkg_resources.
install_odoo_from() {
    local src="$1"
    [ -f "$src/odoo/release.py" ] && [ -f "$src/requirements.txt" ] ||
        die "ODOO_SRC=$src is not an Odoo source tree (no odoo/release.py)"
    grep -q "version_info = (18, 0" "$src/odoo/release.py" ||
        die "$src is not Odoo 18.0"
    apt_install_missing_build_deps
    local req
    req="$(mktemp)"
    sed -E 's/^cbor2==5\.4\.2.*$/cbor2==5.6.2/' "$src/requirements.txt" >"$req"
    say "installing Odoo's Python requirements (a few minutes the first time)"
    pip_install "setuptools<70" wheel
    pip_install --no-build-isolation -r "$req" || die "installing Odoo's requirements failed"
    rm -f "$req"
    say "installing Odoo 18.0 from $src (editable: keep that tree in place)"
    pip_install --no-build-isolation --no-deps -e "$src" || die "installing Odoo failed"
    ensure_gevent_requirements
}

# gevent (Odoo's websocket process in prefork mode) resolves its plugins with
# the pkg_resources of setuptools<70, which does not recognise the underscored
# metadata of the newest zope.* wheels: the process then crash-loops with
# "DistributionNotFound: zope.interface". Pin the last dotted releases.
ensure_gevent_requirements() {
    "$PYTHON" -W ignore -c 'import pkg_resources; pkg_resources.require("gevent")' \
        >/dev/null 2>&1 && return 0
    say "pinning zope.interface and zope.event for gevent (prefork websocket process)"
    pip_install "zope.interface==7.0.3" "zope.event==5.0" ||
        die "installing zope.interface / zope.event failed"
}

apt_install_missing_build_deps() {
    local missing=()
    for pkg in libpq-dev libldap2-dev libsasl2-dev build-essential python3-dev; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

ensure_odoo() {
    if odoo_importable; then
        ensure_gevent_requirements
        return 0
    fi
    local src="${ODOO_SRC:-}"
    if [ -z "$src" ]; then
        if [ ! -d "$ODOO_HOME/.git" ]; then
            command -v git >/dev/null || apt_install git
            say "cloning Odoo 18.0 into $ODOO_HOME"
            mkdir -p "$(dirname "$ODOO_HOME")"
            git clone --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_HOME" ||
                die "could not clone Odoo 18.0 from $ODOO_GIT_URL.
  On a machine without access to it, point ODOO_SRC at a local Odoo 18.0 source tree."
        fi
        src="$ODOO_HOME"
    fi
    install_odoo_from "$src"
    odoo_importable || die "Odoo was installed but '$PYTHON -c \"import odoo\"' still fails"
}

ensure_system_packages() {
    local missing=()
    command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-client)
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

ensure_python_packages() {
    "$PYTHON" - <<'PY' 2>/dev/null && return 0
import importlib.metadata, importlib.util, sys
mods = ["pytest_odoo", "xdist", "pytest_rerunfailures", "websocket", "pylint_odoo", "pre_commit"]
missing = any(importlib.util.find_spec(m) is None for m in mods)
try:
    queue_job = importlib.metadata.version("odoo-addon-queue_job")
except importlib.metadata.PackageNotFoundError:
    queue_job = None
try:
    timeline = importlib.metadata.version("odoo-addon-web_timeline")
except importlib.metadata.PackageNotFoundError:
    timeline = None
sys.exit(missing or queue_job != "18.0.1.7.0" or timeline != "18.0.1.0.4")
PY
    say "installing the test and lint tools (requirements-dev.txt)"
    pip_install -r "$PSA_ROOT/requirements-dev.txt" || die "installing requirements-dev.txt failed"
}

# A local PostgreSQL cluster (Debian's), started, with a superuser role named
# after the current user so that Odoo connects over the Unix socket.
ensure_postgres() {
    command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
    if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
        local version
        version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
        say "creating PostgreSQL $version cluster 'main'"
        as_root pg_createcluster "$version" main >/dev/null || die "pg_createcluster failed"
    fi
    local version cluster status
    read -r version cluster _port status _rest < <(pg_lsclusters -h | head -n 1)
    if [ "$status" != "online" ]; then
        say "starting PostgreSQL $version/$cluster"
        as_root pg_ctlcluster "$version" "$cluster" start || die "PostgreSQL did not start;
  see /var/log/postgresql/postgresql-$version-$cluster.log"
    fi
    local role
    role="$(id -un)"
    if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'" | grep -q 1; then
        say "creating PostgreSQL role '$role'"
        as_postgres createuser --superuser "$role" || die "could not create role $role"
    fi
}

# What every test script needs before it starts: Odoo (already installed),
# the system packages, the test tools and a running PostgreSQL.
prepare_test_machine() {
    require_odoo
    ensure_gevent_requirements
    ensure_system_packages
    ensure_python_packages
    ensure_postgres
}

db_exists() {
    psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}

# Odoo's addons directories, wherever this Odoo keeps them, then this repository.
addons_path() {
    "$PYTHON" "$(dirname "${BASH_SOURCE[0]}")/addons_path.py" "$PSA_ROOT"
}

# A TCP port nobody listens on now (for a test server beside a running demo).
free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# How many pytest-xdist workers a test run uses: one per core, unless
# PSA_TEST_WORKERS says otherwise.
test_workers() {
    echo "${PSA_TEST_WORKERS:-$(nproc)}"
}

odoo_bin() {
    "$PYTHON" -m odoo "$@"
}
