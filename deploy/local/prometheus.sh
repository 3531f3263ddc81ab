#!/usr/bin/env bash
# Peluit local stack: Prometheus (Debian package) scraping every service replica's ops port.
#
#   deploy/local/prometheus.sh start     write the config and targets, start (no-op if running)
#   deploy/local/prometheus.sh targets   rewrite the file-based service discovery only
#   deploy/local/prometheus.sh stop|status
# Targets come from PELUIT_<SERVICE>_OPS_PORTS (space-separated, one per replica) or the default
# ops port (HTTP port + 1000). Rules: deploy/prometheus/rules/*.yml.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"

say() { printf '[peluit] %s\n' "$*"; }
die() { printf '[peluit] ERROR: %s\n' "$*" >&2; exit 1; }

DIR="$PELUIT_DATA/prometheus"
PIDFILE="$PELUIT_RUN_DIR/prometheus.pid"
LOG="$PELUIT_LOG_DIR/prometheus.log"
RULES="$PELUIT_ROOT/deploy/prometheus/rules"
URL="http://$PELUIT_HOST:$PELUIT_PROMETHEUS_PORT"
TEXTFILE_PORT=$((PELUIT_PROMETHEUS_PORT + 1))
TEXTFILE_PIDFILE="$PELUIT_RUN_DIR/prometheus-textfile.pid"

running() {
    local pid
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -q prometheus "/proc/$pid/cmdline" 2>/dev/null
}

write_targets() {
    local svc var ports port first=1 tmp
    mkdir -p "$DIR/targets"
    tmp="$DIR/targets/.peluit.json.tmp"
    {
        printf '['
        for svc in intake cases evidence notifications; do
            var="PELUIT_${svc^^}_OPS_PORTS"
            if [[ -n ${!var:-} ]]; then
                ports="${!var}"
            else # every replica's ops port (its HTTP port + 1000)
                ports=""
                for port in $(peluit_replica_ports "$svc"); do ports+="$((port + 1000)) "; done
            fi
            for port in $ports; do
                ((first)) || printf ','
                first=0
                printf '\n  {"targets": ["%s:%s"], "labels": {"service": "%s"}}' "$PELUIT_HOST" "$port" "$svc"
            done
        done
        printf '\n]\n'
    } >"$tmp"
    mv "$tmp" "$DIR/targets/peluit.json" # atomic: Prometheus never reads half a file
}

write_config() {
    cat >"$DIR/prometheus.yml" <<YAML
# Written by deploy/local/prometheus.sh; edits are lost on the next start.
global:
  scrape_interval: ${PELUIT_PROMETHEUS_SCRAPE_INTERVAL:-5s}
  evaluation_interval: 15s
rule_files:
  - $RULES/*.yml
scrape_configs:
  - job_name: peluit
    file_sd_configs:
      - files: ["$DIR/targets/*.json"]
        refresh_interval: 5s
  - job_name: prometheus
    static_configs:
      - targets: ["$PELUIT_HOST:$PELUIT_PROMETHEUS_PORT"]
  # Files written by scripts (deploy/local/backup.sh: backup.prom), served by a small file server.
  - job_name: peluit-textfile
    metrics_path: /backup.prom
    static_configs:
      - targets: ["$PELUIT_HOST:$TEXTFILE_PORT"]
        labels:
          service: backup
YAML
}

start_textfile() {
    local pid
    mkdir -p "$DIR/textfile"
    pid="$(cat "$TEXTFILE_PIDFILE" 2>/dev/null || true)"
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then return 0; fi
    [[ -f $DIR/textfile/backup.prom ]] || : >"$DIR/textfile/backup.prom"
    # Every log file is the operator's only (0600), like the services' own.
    (umask 077 && touch "$PELUIT_LOG_DIR/prometheus-textfile.log")
    chmod 600 "$PELUIT_LOG_DIR/prometheus-textfile.log"
    setsid "$PELUIT_PYTHON" -m http.server --bind "$PELUIT_HOST" --directory "$DIR/textfile" \
        "$TEXTFILE_PORT" </dev/null >>"$PELUIT_LOG_DIR/prometheus-textfile.log" 2>&1 &
    echo $! >"$TEXTFILE_PIDFILE"
}

start() {
    command -v prometheus >/dev/null || die "prometheus not installed (deploy/local/install.sh installs it)"
    mkdir -p "$DIR/data" "$PELUIT_RUN_DIR" "$PELUIT_LOG_DIR"
    write_targets
    write_config
    start_textfile
    if running; then
        say "prometheus: already running (pid $(cat "$PIDFILE"), $URL)"
        return 0
    fi
    promtool check config "$DIR/prometheus.yml" >/dev/null || die "prometheus config invalid"
    (umask 077 && : >>"$LOG")
    setsid prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
        --storage.tsdb.retention.time=2d --web.listen-address="$PELUIT_HOST:$PELUIT_PROMETHEUS_PORT" \
        --web.enable-lifecycle </dev/null >>"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    local i
    for ((i = 0; i < 150; i++)); do
        if curl -fsS "$URL/-/ready" >/dev/null 2>&1; then
            say "prometheus: up on $URL"
            return 0
        fi
        running || break
        sleep 0.2
    done
    tail -n 20 "$LOG" >&2
    die "prometheus did not become ready; see $LOG"
}

stop() {
    if running; then
        local pid
        pid="$(cat "$PIDFILE")"
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        say "prometheus: stopped"
    fi
    rm -f "$PIDFILE"
    local tpid
    tpid="$(cat "$TEXTFILE_PIDFILE" 2>/dev/null || true)"
    if [[ -n $tpid ]]; then kill "$tpid" 2>/dev/null || true; fi
    rm -f "$TEXTFILE_PIDFILE"
}

case "${1:-}" in
    start) start ;;
    targets) write_targets ;;
    stop) stop ;;
    status)
        if running && curl -fsS "$URL/-/ready" >/dev/null 2>&1; then
            printf '[peluit] %-6s up    %s\n' prom "$URL"
        else
            printf '[peluit] %-6s down  %s\n' prom "$URL"
            exit 1
        fi
        ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
