# shellcheck shell=bash
# Peluit local stack: shared settings. Source it, do not run it:
#     . deploy/local/env.sh
# Every value below can be overridden by exporting it before sourcing.
# Everything binds to 127.0.0.1 only.

_peluit_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PELUIT_ROOT="${PELUIT_ROOT:-$(cd "$_peluit_env_dir/../.." && pwd)}"
export PELUIT_DATA="${PELUIT_DATA:-$PELUIT_ROOT/.local}"
export PELUIT_LOG_DIR="${PELUIT_LOG_DIR:-$PELUIT_DATA/logs}"
export PELUIT_RUN_DIR="${PELUIT_RUN_DIR:-$PELUIT_DATA/run}"
export PELUIT_HOST="127.0.0.1"
# The local stack runs on the dev secrets below; outside PELUIT_ENV=dev every service refuses
# to start with a shipped default or a short secret (README "Secrets").
export PELUIT_ENV="${PELUIT_ENV:-dev}"
# Shifts every default port (stack and services) so two checkouts can run side by side.
# The default ports sit below Linux's ephemeral range (32768-60999): a client retrying a stopped
# server on localhost could otherwise be handed that very port as its own source port (a TCP
# self-connection) and keep the server from starting again. Keep offsets below ~7000.
export PELUIT_PORT_OFFSET="${PELUIT_PORT_OFFSET:-0}"
_po="$PELUIT_PORT_OFFSET"
export PELUIT_VENV="${PELUIT_VENV:-$PELUIT_ROOT/.venv}"
export PELUIT_PYTHON="${PELUIT_PYTHON:-$PELUIT_VENV/bin/python}"

# --- PostgreSQL (own cluster, not Debian's 5432 one) -------------------------
export PELUIT_PG_PORT="${PELUIT_PG_PORT:-$(((25432 + _po)))}"
# Data dir; the socket lives in it too. When run as root the server runs as the
# `postgres` system user, which must be able to traverse to it (infra.sh checks
# and tells you to set PELUIT_PG_DATA elsewhere when it cannot).
if [[ -z ${PELUIT_PG_DATA:-} ]]; then
    PELUIT_PG_DATA="$PELUIT_DATA/pg"
    if [[ $EUID -eq 0 ]] && id -u postgres >/dev/null 2>&1; then
        _peluit_probe="$PELUIT_DATA"
        while [[ ! -e $_peluit_probe ]]; do _peluit_probe="$(dirname "$_peluit_probe")"; done
        if ! runuser -u postgres -- test -x "$_peluit_probe" 2>/dev/null; then
            # The repo path is not traversable by `postgres` (e.g. under /root).
            PELUIT_PG_DATA="/var/lib/peluit/$(printf '%s' "$PELUIT_DATA" | cksum | cut -d' ' -f1)/pg"
        fi
        unset _peluit_probe
    fi
fi
export PELUIT_PG_DATA
export PELUIT_PG_ADMIN_USER="peluit_admin"
export PELUIT_PG_ADMIN_PASSWORD="${PELUIT_PG_ADMIN_PASSWORD:-peluit-admin-dev}"
# One role + one database per service: peluit_<service>, password
# PELUIT_PG_PASSWORD_<SERVICE> (default peluit-<service>-dev).
export PELUIT_SERVICES="intake cases evidence notifications"
export PELUIT_PG_PASSWORD_INTAKE="${PELUIT_PG_PASSWORD_INTAKE:-peluit-intake-dev}"
export PELUIT_PG_PASSWORD_CASES="${PELUIT_PG_PASSWORD_CASES:-peluit-cases-dev}"
export PELUIT_PG_PASSWORD_EVIDENCE="${PELUIT_PG_PASSWORD_EVIDENCE:-peluit-evidence-dev}"
export PELUIT_PG_PASSWORD_NOTIFICATIONS="${PELUIT_PG_PASSWORD_NOTIFICATIONS:-peluit-notifications-dev}"

# --- Kafka 4.x, KRaft --------------------------------------------------------
# PELUIT_KAFKA_BROKERS=1 (the laptop default): one node that is broker and controller.
# PELUIT_KAFKA_BROKERS=3: a cluster of three such nodes (a 3-voter controller quorum), each with
# its own data under $PELUIT_KAFKA_DIR/cluster/node<N>; node N listens on PELUIT_KAFKA_PORT +
# 2(N-1) and its controller on PELUIT_KAFKA_CONTROLLER_PORT + 2(N-1). Topics then get
# replication factor 3 and min.insync.replicas=2.
export PELUIT_KAFKA_BROKERS="${PELUIT_KAFKA_BROKERS:-1}"
[[ $PELUIT_KAFKA_BROKERS == 1 || $PELUIT_KAFKA_BROKERS == 3 ]] || {
    printf '[peluit] ERROR: PELUIT_KAFKA_BROKERS must be 1 or 3 (is %s)\n' "$PELUIT_KAFKA_BROKERS" >&2
    return 1 2>/dev/null || exit 1
}
export PELUIT_KAFKA_PORT="${PELUIT_KAFKA_PORT:-$(((29092 + _po)))}"
export PELUIT_KAFKA_CONTROLLER_PORT="${PELUIT_KAFKA_CONTROLLER_PORT:-$(((29093 + _po)))}"
PELUIT_KAFKA_BOOTSTRAP="$PELUIT_HOST:$PELUIT_KAFKA_PORT"
for ((_n = 2; _n <= PELUIT_KAFKA_BROKERS; _n++)); do
    PELUIT_KAFKA_BOOTSTRAP+=",$PELUIT_HOST:$((PELUIT_KAFKA_PORT + 2 * (_n - 1)))"
done
export PELUIT_KAFKA_BOOTSTRAP
unset _n
export PELUIT_KAFKA_DIR="${PELUIT_KAFKA_DIR:-$PELUIT_DATA/kafka}"
export PELUIT_KAFKA_LIBS="${PELUIT_KAFKA_LIBS:-$PELUIT_KAFKA_DIR/libs}"
if [[ $PELUIT_KAFKA_BROKERS == 1 ]]; then
    export PELUIT_KAFKA_HEAP_OPTS="${PELUIT_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
else # three JVMs on a dev machine: small heaps each
    export PELUIT_KAFKA_HEAP_OPTS="${PELUIT_KAFKA_HEAP_OPTS:--Xms64m -Xmx256m}"
fi
# Clients authenticate with SASL/SCRAM-SHA-512 (SASL_PLAINTEXT: loopback only; use SASL_SSL
# between hosts). `admin` is the super user of the scripts and tests (topics, ACLs, users); each
# service has its own user, named like the service, allowed only its own topics (ACLs).
export PELUIT_KAFKA_SECURITY_PROTOCOL="${PELUIT_KAFKA_SECURITY_PROTOCOL:-SASL_PLAINTEXT}"
export PELUIT_KAFKA_SASL_MECHANISM="${PELUIT_KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}"
export PELUIT_KAFKA_ADMIN_USER="${PELUIT_KAFKA_ADMIN_USER:-admin}"
export PELUIT_KAFKA_ADMIN_PASSWORD="${PELUIT_KAFKA_ADMIN_PASSWORD:-peluit-kafka-admin-dev}"
export PELUIT_KAFKA_PASSWORD_INTAKE="${PELUIT_KAFKA_PASSWORD_INTAKE:-peluit-kafka-intake-dev}"
export PELUIT_KAFKA_PASSWORD_CASES="${PELUIT_KAFKA_PASSWORD_CASES:-peluit-kafka-cases-dev}"
export PELUIT_KAFKA_PASSWORD_EVIDENCE="${PELUIT_KAFKA_PASSWORD_EVIDENCE:-peluit-kafka-evidence-dev}"
export PELUIT_KAFKA_PASSWORD_NOTIFICATIONS="${PELUIT_KAFKA_PASSWORD_NOTIFICATIONS:-peluit-kafka-notifications-dev}"

# --- SeaweedFS (S3 API) -----------------------------------------------------
export PELUIT_S3_PORT="${PELUIT_S3_PORT:-$(((28333 + _po)))}"
export PELUIT_S3_ENDPOINT="http://$PELUIT_HOST:$PELUIT_S3_PORT"
export PELUIT_S3_ACCESS_KEY="${PELUIT_S3_ACCESS_KEY:-peluit}"
export PELUIT_S3_SECRET_KEY="${PELUIT_S3_SECRET_KEY:-peluit-dev-secret}"
export PELUIT_S3_REGION="${PELUIT_S3_REGION:-us-east-1}"
# Internal SeaweedFS ports. gRPC ports are set explicitly, because SeaweedFS's
# default (http port + 10000) would be past 65535 for these.
export PELUIT_SEAWEED_MASTER_PORT="${PELUIT_SEAWEED_MASTER_PORT:-$(((29333 + _po)))}"
export PELUIT_SEAWEED_MASTER_GRPC_PORT="${PELUIT_SEAWEED_MASTER_GRPC_PORT:-$(((19333 + _po)))}"
export PELUIT_SEAWEED_VOLUME_PORT="${PELUIT_SEAWEED_VOLUME_PORT:-$(((28080 + _po)))}"
export PELUIT_SEAWEED_VOLUME_GRPC_PORT="${PELUIT_SEAWEED_VOLUME_GRPC_PORT:-$(((18080 + _po)))}"
export PELUIT_SEAWEED_FILER_PORT="${PELUIT_SEAWEED_FILER_PORT:-$(((28888 + _po)))}"
export PELUIT_SEAWEED_FILER_GRPC_PORT="${PELUIT_SEAWEED_FILER_GRPC_PORT:-$(((18888 + _po)))}"
export PELUIT_SEAWEED_S3_GRPC_PORT="${PELUIT_SEAWEED_S3_GRPC_PORT:-$(((18333 + _po)))}"
export PELUIT_SEAWEED_VOLUME_SIZE_LIMIT_MB="${PELUIT_SEAWEED_VOLUME_SIZE_LIMIT_MB:-64}"
export PELUIT_SEAWEED_DIR="${PELUIT_SEAWEED_DIR:-$PELUIT_DATA/seaweed}"

# --- SMTP sink (every message lands as an .eml file) ------------------------
export PELUIT_SMTP_PORT="${PELUIT_SMTP_PORT:-$(((21025 + _po)))}"
export PELUIT_MAIL_DIR="${PELUIT_MAIL_DIR:-$PELUIT_DATA/mail}"

# --- TLS: a local CA made by deploy/local/tls.sh ------------------------------
export PELUIT_TLS_DIR="${PELUIT_TLS_DIR:-$PELUIT_DATA/tls}"

# --- Backups: pgBackRest to its own bucket over the S3 store's HTTPS port ------
export PELUIT_S3_HTTPS_PORT="${PELUIT_S3_HTTPS_PORT:-$(((28443 + _po)))}"
export PELUIT_BACKUP_BUCKET="${PELUIT_BACKUP_BUCKET:-peluit-backup}"
# A separate S3 identity that may touch only the backup bucket (not the evidence).
export PELUIT_BACKUP_S3_ACCESS_KEY="${PELUIT_BACKUP_S3_ACCESS_KEY:-peluit-backup}"
export PELUIT_BACKUP_S3_SECRET_KEY="${PELUIT_BACKUP_S3_SECRET_KEY:-peluit-backup-dev-secret}"
# The repository's encryption passphrase lives in a key folder, never in the backup bucket.
export PELUIT_BACKUP_PASSPHRASE_FILE="${PELUIT_BACKUP_PASSPHRASE_FILE:-$PELUIT_DATA/keys/backup/passphrase}"
export PELUIT_BACKUP_DIR="${PELUIT_BACKUP_DIR:-$PELUIT_DATA/pgbackrest}"

# --- Prometheus (Debian package), scraping every service's ops port ---------
export PELUIT_PROMETHEUS_PORT="${PELUIT_PROMETHEUS_PORT:-$(((29090 + _po)))}"

# Handy for clients: postgresql://peluit_<svc>:<pw>@127.0.0.1:<port>/peluit_<svc>
peluit_pg_dsn() {
    local svc="$1" var pw
    var="PELUIT_PG_PASSWORD_$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')"
    pw="${!var}"
    printf 'postgresql://peluit_%s:%s@%s:%s/peluit_%s\n' "$svc" "$pw" "$PELUIT_HOST" "$PELUIT_PG_PORT" "$svc"
}

unset _peluit_env_dir

# --- Replicas behind a balancer (nginx, deploy/local/balancer.sh) -------------
# PELUIT_REPLICAS=1 (the laptop default): each service is one process on its own port.
# PELUIT_REPLICAS=N (2-9): each service runs N processes on its port + 1 .. + N, and nginx
# listens on the service's port in front of them (round robin, passive health checks, retries
# only where a request is safe to repeat). Intake's balancer is also the public TLS entry on
# PELUIT_INTAKE_TLS_PORT (certificate from the local CA, deploy/local/tls.sh), with HSTS.
# `./peluit up --replicas N` remembers N (in $PELUIT_RUN_DIR/replicas) for later commands.
export PELUIT_REPLICAS="${PELUIT_REPLICAS:-$(cat "$PELUIT_RUN_DIR/replicas" 2>/dev/null || echo 1)}"
[[ $PELUIT_REPLICAS =~ ^[1-9]$ ]] || {
    echo "PELUIT_REPLICAS must be 1-9" >&2
    return 1 2>/dev/null || exit 1
}
export PELUIT_INTAKE_TLS_PORT="${PELUIT_INTAKE_TLS_PORT:-$(((28643 + _po)))}"
declare -A PELUIT_BASE_PORTS=([intake]=8010 [cases]=8020 [evidence]=8030 [notifications]=8040)
# The port clients use for a service (the balancer's when there are replicas).
peluit_service_port() {
    local var="PELUIT_${1^^}_HTTP_PORT"
    echo "${!var:-$((PELUIT_BASE_PORTS[$1] + PELUIT_PORT_OFFSET))}"
}
# The HTTP ports of a service's processes, one per replica.
peluit_replica_ports() {
    local base k
    base="$(peluit_service_port "$1")"
    if ((PELUIT_REPLICAS == 1)); then echo "$base"; return; fi
    for ((k = 1; k <= PELUIT_REPLICAS; k++)); do printf '%s ' "$((base + k))"; done
    echo
}
