#!/usr/bin/env bash
# A local PostgreSQL streaming replica of the local primary cluster, for Odoo's
# read replica (--db_replica_host / --db_replica_port):
#
#   bash tools/replica.sh start    # create it if absent, start it, check it
#   bash tools/replica.sh status   # state and replay lag
#   bash tools/replica.sh stop     # stop it (its data stay: start is quick)
#   bash tools/replica.sh drop     # stop it and delete the cluster
#
# Debian's cluster tools: the primary is the first cluster of pg_lsclusters
# (15/main on 5432), the replica the cluster "replica" of the same version on
# PSA_REPLICA_PORT (default 5433). The primary is configured for replication
# once (a role psa_replicator with REPLICATION, trusted on the local socket
# only, by a pg_hba rule put first; then a reload). The replica is a
# pg_basebackup -R of the whole primary: it streams every database, so Odoo
# connects to it with the same role and database name (peer authentication).
# Idempotent: start does only what is missing, and takes a new base backup when
# an existing replica cannot stream any more (WAL it needs removed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REPLICA_PORT="${PSA_REPLICA_PORT:-5433}"
REPLICA_CLUSTER="${PSA_REPLICA_CLUSTER:-replica}"
ROLE=psa_replicator
SOCKET=/var/run/postgresql
CHECK_TABLE=psa_replica_check
HBA_MARK="# psa_workflow read replica (tools/replica.sh)"

command -v pg_lsclusters >/dev/null || die "PostgreSQL's Debian cluster tools are missing: run 'bash tools/setup.sh'"

# The primary: the first cluster that is not the replica.
read -r PG_VERSION PRIMARY_CLUSTER PRIMARY_PORT _rest < <(
    pg_lsclusters -h | awk -v r="$REPLICA_CLUSTER" '$2 != r' | head -n 1
)
[ -n "${PRIMARY_PORT:-}" ] || die "no primary PostgreSQL cluster: run 'bash tools/setup.sh'"

primary_sql() { as_postgres psql -X -q -h "$SOCKET" -p "$PRIMARY_PORT" -d postgres -tAc "$1"; }
replica_sql() { as_postgres psql -X -q -h "$SOCKET" -p "$REPLICA_PORT" -d postgres -tAc "$1"; }

# "<port> <status> <data directory>" of the replica cluster, empty if none.
replica_line() {
    pg_lsclusters -h | awk -v v="$PG_VERSION" -v r="$REPLICA_CLUSTER" \
        '$1 == v && $2 == r {print $3, $4, $6}'
}

replica_online() { case "$(replica_line | awk '{print $2}')" in online*) return 0 ;; esac; return 1; }

configure_primary() {
    local status
    status="$(pg_lsclusters -h | awk -v c="$PRIMARY_CLUSTER" '$2 == c {print $4}')"
    if [ "$status" != online ]; then
        say "starting the primary $PG_VERSION/$PRIMARY_CLUSTER"
        as_root pg_ctlcluster "$PG_VERSION" "$PRIMARY_CLUSTER" start
    fi
    local restart=""
    if [ "$(primary_sql "SHOW wal_level")" = minimal ]; then
        primary_sql "ALTER SYSTEM SET wal_level = replica" >/dev/null
        restart=1
    fi
    if [ "$(primary_sql "SHOW max_wal_senders")" -lt 2 ]; then
        primary_sql "ALTER SYSTEM SET max_wal_senders = 10" >/dev/null
        restart=1
    fi
    if [ -n "$restart" ]; then
        say "restarting the primary for wal_level / max_wal_senders"
        as_root pg_ctlcluster "$PG_VERSION" "$PRIMARY_CLUSTER" restart
    fi
    if [ "$(primary_sql "SELECT count(*) FROM pg_roles WHERE rolname = '$ROLE'")" = 0 ]; then
        say "creating the replication role $ROLE on the primary"
        primary_sql "CREATE ROLE $ROLE WITH LOGIN REPLICATION" >/dev/null
    fi
    local hba
    hba="$(primary_sql "SHOW hba_file")"
    if ! grep -qF "$HBA_MARK" "$hba"; then
        say "allowing local replication connections of $ROLE in $hba"
        local new
        new="$(mktemp)"
        {
            echo "$HBA_MARK"
            echo "local   replication     $ROLE                          trust"
            echo
            cat "$hba"
        } >"$new"
        as_root install -o postgres -g postgres -m 640 "$new" "$hba"
        rm -f "$new"
        primary_sql "SELECT pg_reload_conf()" >/dev/null
        sleep 1
    fi
    local errors
    errors="$(primary_sql "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")"
    [ "$errors" = 0 ] || die "$hba has errors (see the view pg_hba_file_rules)"
}

# Settings a hot standby needs at least as high as the primary's.
write_replica_settings() {
    local confdir="/etc/postgresql/$PG_VERSION/$REPLICA_CLUSTER/conf.d"
    local conf="$confdir/psa_replica.conf" tmp name
    tmp="$(mktemp)"
    echo "# Written by tools/replica.sh: a hot standby of $PG_VERSION/$PRIMARY_CLUSTER" >"$tmp"
    echo "hot_standby = on" >>"$tmp"
    for name in max_connections max_worker_processes max_wal_senders \
        max_prepared_transactions max_locks_per_transaction; do
        echo "$name = $(primary_sql "SHOW $name")" >>"$tmp"
    done
    as_root mkdir -p "$confdir"
    as_root install -o postgres -g postgres -m 644 "$tmp" "$conf"
    rm -f "$tmp"
}

base_backup() {
    local datadir="$1"
    case "$datadir" in
    */"$PG_VERSION"/"$REPLICA_CLUSTER") ;;
    *) die "refusing to empty $datadir: not the replica's data directory" ;;
    esac
    say "base backup of $PG_VERSION/$PRIMARY_CLUSTER (port $PRIMARY_PORT) into $datadir"
    as_root find "$datadir" -mindepth 1 -delete
    as_postgres pg_basebackup -h "$SOCKET" -p "$PRIMARY_PORT" -U "$ROLE" -D "$datadir" \
        -R -X stream -c fast || die "pg_basebackup failed"
    as_root chown -R postgres:postgres "$datadir"
    as_root chmod 700 "$datadir"
}

create_replica() {
    if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$REPLICA_PORT\$"; then
        die "port $REPLICA_PORT is in use: set PSA_REPLICA_PORT to a free port"
    fi
    say "creating the cluster $PG_VERSION/$REPLICA_CLUSTER on port $REPLICA_PORT"
    as_root pg_createcluster "$PG_VERSION" "$REPLICA_CLUSTER" --port "$REPLICA_PORT" >/dev/null
}

wait_ready() {
    local i
    for i in $(seq 1 60); do
        pg_isready -q -h "$SOCKET" -p "$REPLICA_PORT" && return 0
        sleep 0.5
    done
    return 1
}

# Streaming from the primary within 10 s (its WAL receiver is up).
streaming() {
    local i
    for i in $(seq 1 20); do
        [ "$(replica_sql "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'" \
            2>/dev/null)" = 1 ] && return 0
        sleep 0.5
    done
    return 1
}

check_replica() {
    local recovery token i seen="" refused
    recovery="$(replica_sql "SELECT pg_is_in_recovery()")"
    [ "$recovery" = t ] || die "the replica is not in recovery (pg_is_in_recovery() = $recovery)"
    say "check: pg_is_in_recovery() = t on port $REPLICA_PORT"
    token="check-$(date +%s%N)-$$"
    primary_sql "SET client_min_messages = warning;
                 CREATE TABLE IF NOT EXISTS $CHECK_TABLE (token text PRIMARY KEY,
                 written timestamptz NOT NULL DEFAULT now())" >/dev/null
    primary_sql "INSERT INTO $CHECK_TABLE (token) VALUES ('$token')" >/dev/null
    local start end
    start=$(date +%s%N)
    for i in $(seq 1 100); do
        if [ "$(replica_sql "SELECT count(*) FROM $CHECK_TABLE WHERE token = '$token'" \
            2>/dev/null)" = 1 ]; then
            seen=1
            break
        fi
        sleep 0.1
    done
    end=$(date +%s%N)
    primary_sql "DELETE FROM $CHECK_TABLE WHERE token = '$token'" >/dev/null
    [ -n "$seen" ] || die "a row written on the primary did not reach the replica within 10 s"
    say "check: a row written on the primary was read on the replica after $(((end - start) / 1000000)) ms"
    if refused="$(replica_sql "CREATE TABLE psa_replica_write_probe (i int)" 2>&1)"; then
        die "the replica accepted a write: $refused"
    fi
    case "$refused" in
    *"read-only transaction"*) say "check: a write is refused on the replica: ${refused#psql:*ERROR:  }" ;;
    *) die "unexpected answer to a write on the replica: $refused" ;;
    esac
}

start() {
    configure_primary
    local line datadir fresh=""
    if [ -z "$(replica_line)" ]; then
        create_replica
        fresh=1
    fi
    read -r port status datadir <<<"$(replica_line)"
    [ "$port" = "$REPLICA_PORT" ] ||
        die "the cluster $PG_VERSION/$REPLICA_CLUSTER listens on $port, not $REPLICA_PORT (PSA_REPLICA_PORT)"
    write_replica_settings
    if [ -n "$fresh" ] || ! as_root test -f "$datadir/standby.signal"; then
        [[ "$status" != online* ]] || as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" stop
        base_backup "$datadir"
        fresh=1
    fi
    if ! replica_online; then
        say "starting the replica $PG_VERSION/$REPLICA_CLUSTER on port $REPLICA_PORT"
        as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" start
    fi
    wait_ready || die "the replica does not accept connections"
    if ! streaming; then
        [ -z "$fresh" ] || die "the replica does not stream from the primary:
  see /var/log/postgresql/postgresql-$PG_VERSION-$REPLICA_CLUSTER.log"
        say "the replica does not stream (WAL it needs is gone?): new base backup"
        as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" stop
        base_backup "$datadir"
        as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" start
        wait_ready && streaming || die "the replica does not stream from the primary"
    fi
    check_replica
    status
}

stop() {
    if replica_online; then
        say "stopping the replica $PG_VERSION/$REPLICA_CLUSTER"
        as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" stop
    else
        say "the replica is not running"
    fi
}

drop() {
    stop
    if [ -n "$(replica_line)" ]; then
        say "dropping the cluster $PG_VERSION/$REPLICA_CLUSTER"
        as_root pg_dropcluster "$PG_VERSION" "$REPLICA_CLUSTER"
    fi
}

status() {
    local line
    line="$(replica_line)"
    if [ -z "$line" ]; then
        echo "replica: none ($PG_VERSION/$REPLICA_CLUSTER does not exist; 'start' creates it)"
        return 0
    fi
    read -r port state datadir <<<"$line"
    echo "replica: $PG_VERSION/$REPLICA_CLUSTER port $port $state ($datadir)"
    case "$state" in online*) ;; *) return 0 ;; esac
    local recovery receive replay delay current
    IFS='|' read -r recovery receive replay delay <<<"$(replica_sql "
        SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(),
               COALESCE(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())
                              * 1000)::text || ' ms', 'n/a')")"
    current="$(primary_sql "SELECT pg_current_wal_lsn()")"
    echo "in recovery: $recovery"
    echo "primary current WAL LSN: $current (port $PRIMARY_PORT)"
    echo "replica received LSN:    $receive"
    echo "replica replayed LSN:    $replay"
    echo "replay lag: $(primary_sql "SELECT pg_wal_lsn_diff('$current', '$replay')") bytes;" \
        "last replayed transaction $delay ago"
    primary_sql "SELECT 'primary sees: ' || application_name || ' ' || state || ', sync ' || sync_state
                   FROM pg_stat_replication WHERE application_name = '$PG_VERSION/$REPLICA_CLUSTER'"
}

case "${1:-}" in
start | stop | status | drop) "$1" ;;
*)
    echo "usage: $0 start|stop|status|drop" >&2
    exit 2
    ;;
esac
