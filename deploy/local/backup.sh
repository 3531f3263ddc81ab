#!/usr/bin/env bash
# Peluit local stack: encrypted, point-in-time backups of PostgreSQL with pgBackRest.
#
#   deploy/local/backup.sh setup             passphrase, bucket, config, WAL archiving, stanza
#   deploy/local/backup.sh backup [full|diff|incr]   take a backup (full when none exists yet)
#   deploy/local/backup.sh restore [--to TIME] [--failed-at TIME]
#                                            restore the cluster (latest, or to TIME); prints RPO, RTO
#   deploy/local/backup.sh info               backups and the WAL archive range
#   deploy/local/backup.sh size               bytes in the repository (backups + WAL archive)
#
# The repository is the S3 bucket $PELUIT_BACKUP_BUCKET, reached over HTTPS with an identity that
# may touch only that bucket, and encrypted (aes-256-cbc) under a passphrase kept in the key
# folder, not in the bucket: a copy of the bucket alone is ciphertext.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"

say() { printf '[peluit] %s\n' "$*"; }
die() { printf '[peluit] ERROR: %s\n' "$*" >&2; exit 1; }
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }

STANZA=peluit
DIR="$(dirname "$PELUIT_PG_DATA")/pgbackrest" # beside PGDATA: the postgres user can reach it
CONF="$DIR/pgbackrest.conf"
if [[ $EUID -eq 0 ]]; then
    PG_OS_USER=postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi
pg_bin() { printf '/usr/lib/postgresql/%s/bin' "$(ls /usr/lib/postgresql | sort -V | tail -n1)"; }
pgbr() { as_pg pgbackrest --config="$CONF" --stanza="$STANZA" "$@"; }
pg_running() { [[ -f $PELUIT_PG_DATA/PG_VERSION ]] && as_pg "$(pg_bin)/pg_ctl" -D "$PELUIT_PG_DATA" status >/dev/null 2>&1; }

ensure_passphrase() {
    local f="$PELUIT_BACKUP_PASSPHRASE_FILE"
    if [[ ! -s $f ]]; then
        install -d -m 700 "$(dirname "$f")"
        (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$f")
        say "backup: new repository passphrase in $f (keep a copy offline: without it no backup opens)"
    fi
    local pass
    pass="$(cat "$f")"
    ((${#pass} >= 32)) || die "backup: the passphrase in $f is shorter than 32 characters"
}

ensure_bucket() {
    "$PELUIT_PYTHON" "$HERE/backup_bucket.py" "$PELUIT_BACKUP_BUCKET"
}

write_conf() {
    install -d -m 700 "$DIR" "$DIR/log" "$DIR/lock"
    cp "$PELUIT_TLS_DIR/ca.crt" "$DIR/ca.crt"
    local pass
    pass="$(cat "$PELUIT_BACKUP_PASSPHRASE_FILE")"
    (
        umask 077
        printf '%s\n' \
            "# Written by deploy/local/backup.sh setup." \
            "[global]" \
            "repo1-type=s3" \
            "repo1-s3-endpoint=localhost" \
            "repo1-storage-port=$PELUIT_S3_HTTPS_PORT" \
            "repo1-storage-ca-file=$DIR/ca.crt" \
            "repo1-s3-uri-style=path" \
            "repo1-s3-bucket=$PELUIT_BACKUP_BUCKET" \
            "repo1-s3-region=$PELUIT_S3_REGION" \
            "repo1-s3-key=$PELUIT_BACKUP_S3_ACCESS_KEY" \
            "repo1-s3-key-secret=$PELUIT_BACKUP_S3_SECRET_KEY" \
            "repo1-path=/pgbackrest" \
            "repo1-cipher-type=aes-256-cbc" \
            "repo1-cipher-pass=$pass" \
            "repo1-retention-full=${PELUIT_BACKUP_RETENTION_FULL:-2}" \
            "compress-type=zst" \
            "start-fast=y" \
            "log-path=$DIR/log" \
            "lock-path=$DIR/lock" \
            "log-level-console=warn" \
            "log-level-file=info" \
            "" \
            "[global:backup]" \
            "exclude=.s.PGSQL.$PELUIT_PG_PORT" \
            "" \
            "[$STANZA]" \
            "pg1-path=$PELUIT_PG_DATA" \
            "pg1-port=$PELUIT_PG_PORT" \
            "pg1-socket-path=$PELUIT_PG_DATA" \
            "pg1-user=$PG_OS_USER" >"$CONF.tmp"
        mv "$CONF.tmp" "$CONF"
    )
    if [[ $EUID -eq 0 ]]; then chown -R postgres:postgres "$DIR"; fi
}

enable_archiving() {
    printf '%s\n' "# Written by deploy/local/backup.sh setup." \
        "archive_command = 'pgbackrest --config=$CONF --stanza=$STANZA archive-push %p'" \
        | as_pg tee "$PELUIT_PG_DATA/peluit-archive.conf" >/dev/null
    as_pg "$(pg_bin)/pg_ctl" -D "$PELUIT_PG_DATA" reload -s
}

cmd_setup() {
    pg_running || die "backup: PostgreSQL is not running (./peluit up)"
    ensure_passphrase
    ensure_bucket
    write_conf
    pgbr stanza-create >/dev/null
    enable_archiving
    pgbr check >/dev/null || die "backup: pgbackrest check failed; see $DIR/log"
    say "backup: WAL archiving to s3://$PELUIT_BACKUP_BUCKET (encrypted) is on"
}

backup_metrics() { # ok(1|0) -> the textfile Prometheus scrapes (deploy/local/prometheus.sh)
    local dir="$PELUIT_DATA/prometheus/textfile" last_ok=""
    mkdir -p "$dir"
    last_ok="$(sed -n 's/^peluit_backup_last_success_timestamp_seconds //p' "$dir/backup.prom" 2>/dev/null || true)"
    [[ $1 == 1 ]] && last_ok="$(date +%s)"
    {
        echo "# HELP peluit_backup_last_run_success 1 when the last backup run succeeded"
        echo "# TYPE peluit_backup_last_run_success gauge"
        echo "peluit_backup_last_run_success $1"
        echo "# HELP peluit_backup_last_success_timestamp_seconds When the last backup succeeded"
        echo "# TYPE peluit_backup_last_success_timestamp_seconds gauge"
        echo "peluit_backup_last_success_timestamp_seconds ${last_ok:-0}"
    } >"$dir/backup.prom.tmp"
    mv "$dir/backup.prom.tmp" "$dir/backup.prom"
}

cmd_backup() {
    local type="${1:-}" t0=$EPOCHREALTIME
    trap 'backup_metrics 0' ERR
    [[ -f $CONF ]] || cmd_setup
    if [[ -z $type ]]; then
        if pgbr info --output=json | grep -q '"label"'; then type=incr; else type=full; fi
    fi
    [[ $type =~ ^(full|diff|incr)$ ]] || die "backup: type must be full, diff or incr"
    pgbr backup --type="$type" || { backup_metrics 0; die "backup: failed; see $DIR/log"; }
    backup_metrics 1
    local total
    total="$(repo_bytes)"
    pgbr info --output=json | "$PELUIT_PYTHON" "$HERE/backup_bucket.py" --summary "$(secs "$t0")" "$total"
}

repo_bytes() { # everything in the repository: backups, WAL archive, manifests
    pgbr repo-ls --recurse --output=json | "$PELUIT_PYTHON" -c \
        'import json,sys; print(sum(f.get("size", 0) for f in json.load(sys.stdin).values()))'
}

cmd_status() {
    if [[ ! -f $CONF ]]; then
        printf '[peluit] %-6s down  not set up (deploy/local/backup.sh setup)\n' backup
        return 1
    fi
    if grep -qx 'peluit_backup_last_run_success 0' "$PELUIT_DATA/prometheus/textfile/backup.prom" 2>/dev/null; then
        printf '[peluit] %-6s FAILED the last backup run failed (see %s/log; alert PeluitBackupFailed)\n' backup "$DIR"
        return 1
    fi
    pgbr info --output=json 2>/dev/null | "$PELUIT_PYTHON" "$HERE/backup_bucket.py" --status
}

cmd_info() {
    [[ -f $CONF ]] || die "backup: not set up (deploy/local/backup.sh setup)"
    pgbr info
}

services_running() { # by pid file (./peluit) or by an answering port (any other launcher)
    local s pid
    declare -A port=([intake]=8010 [cases]=8020 [evidence]=8030 [notifications]=8040)
    for s in intake cases evidence notifications; do
        pid="$(cat "$PELUIT_RUN_DIR/$s.pid" 2>/dev/null || true)"
        if { [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; } \
            || curl -fsS -m 2 "http://$PELUIT_HOST:$((port[$s] + PELUIT_PORT_OFFSET))/health/live" >/dev/null 2>&1; then
            printf '%s ' "$s"
        fi
    done
}

cmd_restore() {
    local target="" failed_at="" t0=$EPOCHREALTIME
    while [[ $# -gt 0 ]]; do
        case $1 in
            --to) target="${2:?--to needs a time, e.g. 2026-12-03 09:00:00+07}"; shift 2 ;;
            --failed-at)
                failed_at="$(date -d "${2:?--failed-at needs a time}" +%s)" \
                    || die "restore: --failed-at '$2' is not a time"
                shift 2 ;;
            *) die "restore: unknown argument '$1'" ;;
        esac
    done
    [[ -s $PELUIT_BACKUP_PASSPHRASE_FILE ]] \
        || die "restore: no repository passphrase in $PELUIT_BACKUP_PASSPHRASE_FILE (restore it from its offline copy first)"
    # The configuration is rebuilt from the passphrase file: after a lost host, that file (from
    # its offline copy) is what opens the repository.
    write_conf
    local running
    running="$(services_running)"
    [[ -z $running ]] || die "restore: refused, services are running (${running% }); stop them first: ./peluit services stop"
    if pg_running; then
        die "restore: refused, PostgreSQL is running on $PELUIT_PG_DATA; stop it first: deploy/local/infra.sh stop pg"
    fi
    # When the cluster failed, for the RPO: given, or the last write to its WAL folder when that
    # survived, or else now (an upper bound).
    local failed_from="--failed-at"
    if [[ -z $failed_at ]]; then
        failed_at="$(find "$PELUIT_PG_DATA/pg_wal" -maxdepth 1 -type f -printf '%T@\n' 2>/dev/null \
            | sort -n | tail -n1)"
        failed_at="${failed_at%.*}" failed_from="last write to the old WAL folder"
        [[ -n $failed_at ]] || failed_at="$(date +%s)" failed_from="now, an upper bound"
    fi
    # To the latest point, recovery stops at the first segment it cannot fetch, silently dropping
    # everything after a gap: check the archive along the restored timeline first. (To a TIME,
    # PostgreSQL itself fails when the archive ends before the target.)
    local last=""
    if [[ -z $target ]]; then
        local as=()
        [[ $EUID -ne 0 ]] || as=(runuser -u postgres --)
        if ! last="$("$PELUIT_PYTHON" "$HERE/wal_check.py" "${as[@]}" pgbackrest --config="$CONF" \
            --stanza="$STANZA" 2>"$DIR/wal_check.err")"; then
            die "$(tail -n1 "$DIR/wal_check.err")"
        fi
    fi
    # Restore into a fresh folder and recover there; only a finished recovery replaces PGDATA,
    # so a refused or failed restore leaves the current data exactly as it was.
    local fresh="$PELUIT_PG_DATA.restore" args=()
    rm -rf "$fresh"
    install -d -m 700 "$fresh"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$fresh"; fi
    args=(--pg1-path="$fresh" --log-level-console=info)
    if [[ -n $target ]]; then args+=(--type=time "--target=$target" --target-action=promote); fi
    if ! pgbr restore "${args[@]}" >"$DIR/restore.out" 2>&1; then
        rm -rf "$fresh"
        die "restore: refused by pgBackRest: $(grep -m1 -o 'ERROR: .*' "$DIR/restore.out" || tail -n1 "$DIR/restore.out")"
    fi
    local set
    set="$(grep -m1 -o 'restore backup set [^ ,]*' "$DIR/restore.out" | awk '{print $4}' || true)"
    say "restore: backup set ${set:-?} in place; replaying WAL${target:+ up to $target}${last:+ up to $last}"
    local port=$((PELUIT_PG_PORT + 1)) log="$DIR/recovery.log"
    # Recover on a private socket and port: nothing can connect before it is finished. Archiving
    # stays on: the promotion's new timeline (its history file and first segment) must reach
    # the archive, or a later restore would stop short of it or stay on the old timeline.
    printf '%s\n' "listen_addresses = ''" "port = $port" "unix_socket_directories = '$fresh'" \
        "archive_command = 'pgbackrest --config=$CONF --stanza=$STANZA --pg1-path=$fresh archive-push %p'" \
        | as_pg tee -a "$fresh/peluit.conf" >/dev/null
    : >"$log" && { [[ $EUID -ne 0 ]] || chown postgres:postgres "$log"; }
    if ! as_pg "$(pg_bin)/pg_ctl" -D "$fresh" -l "$log" -w -t 600 -s start; then
        as_pg "$(pg_bin)/pg_ctl" -D "$fresh" -m immediate -w -s stop >/dev/null 2>&1 || true
        rm -rf "$fresh"
        die "restore: recovery failed (a missing or damaged WAL segment?); data unchanged; see $log"
    fi
    local i recovering=t
    for ((i = 0; i < 600; i++)); do
        recovering="$(as_pg "$(pg_bin)/psql" -XAtq -h "$fresh" -p "$port" -d postgres \
            -c 'SELECT pg_is_in_recovery()' 2>/dev/null || echo t)"
        [[ $recovering == f ]] && break
        sleep 1
    done
    local replayed="" replayed_at=""
    if [[ $recovering == f ]]; then
        replayed="$(as_pg "$(pg_bin)/psql" -XAtq -h "$fresh" -p "$port" -d postgres \
            -c 'SELECT pg_walfile_name(pg_last_wal_replay_lsn())' 2>/dev/null || true)"
        # The last transaction recovery replayed: the restored data's point in time (RPO).
        replayed_at="$(as_pg "$(pg_bin)/psql" -XAtq -h "$fresh" -p "$port" -d postgres \
            -c 'SELECT extract(epoch FROM pg_last_xact_replay_timestamp())::bigint' \
            2>/dev/null || true)"
    fi
    as_pg "$(pg_bin)/pg_ctl" -D "$fresh" -m fast -w -s stop || true
    # A second guard: replay must have reached the last segment of the restored path. Segment
    # names sort in WAL order; compare without the timeline (the first 8 characters).
    if [[ -n $last && -n $replayed && ${replayed:8} < ${last:8} ]]; then
        rm -rf "$fresh"
        die "restore: refused, WAL replay stopped at $replayed but the archive reaches $last (a missing or damaged segment); data unchanged"
    fi
    if [[ $recovering != f ]]; then
        rm -rf "$fresh"
        die "restore: recovery did not finish; data unchanged; see $log"
    fi
    # infra.sh writes peluit.conf afresh at the next start.
    local old
    old="$PELUIT_PG_DATA.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    if [[ -d $PELUIT_PG_DATA ]]; then
        mv "$PELUIT_PG_DATA" "$old"
        say "restore: the previous data folder is kept as $old (delete it when satisfied)"
    fi
    mv "$fresh" "$PELUIT_PG_DATA"
    say "restore: PostgreSQL data restored${target:+ as of $target}"
    "$HERE/infra.sh" start pg >/dev/null
    enable_archiving
    if [[ -z $replayed_at ]]; then
        say "restore: replayed WAL to $replayed; no transaction committed after the backup"
    else
        say "restore: replayed WAL to $replayed; last restored transaction $(date -u -d "@$replayed_at" +%FT%TZ)"
        say "restore: RPO $((failed_at > replayed_at ? failed_at - replayed_at : 0))s (writes between the last restored transaction and the failure at $(date -u -d "@$failed_at" +%FT%TZ), $failed_from, are lost)"
    fi
    say "restore: RTO $(secs "$t0")s (wall time of the database restore)"
}

case "${1:-}" in
    setup) cmd_setup ;;
    backup) shift; cmd_backup "$@" ;;
    restore) shift; cmd_restore "$@" ;;
    info) cmd_info ;;
    size) repo_bytes ;;
    status) cmd_status ;;
    *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
