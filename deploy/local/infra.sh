#!/usr/bin/env bash
# Peluit local stack as plain processes (no Docker), bound to 127.0.0.1.
#
#   deploy/local/infra.sh start  [pg|kafka|s3|smtp ...]   start (no-op for what already runs)
#   deploy/local/infra.sh stop   [pg|kafka|s3|smtp ...]   stop gracefully (no-op for what is down)
#   deploy/local/infra.sh status [pg|kafka|s3|smtp ...]   one line each; exit 1 if any is down
#   deploy/local/infra.sh reset  [pg|kafka|s3|smtp ...]   stop and delete the data (keeps Kafka jars)
#   deploy/local/infra.sh env                             print the settings as `export` lines
# No component named = all four. Run deploy/local/install.sh once first.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"

ALL=(pg kafka s3 smtp)
H="$PELUIT_HOST"

say() { printf '[peluit] %s\n' "$*"; }
warn() { printf '[peluit] WARNING: %s\n' "$*" >&2; }
die() { printf '[peluit] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------ helpers -------
port_open() { # port -> 0 when something accepts TCP connections on 127.0.0.1:port
    timeout 2 bash -c "exec 3<>/dev/tcp/$H/$1" 2>/dev/null
}

port_owner() { # best effort description of who listens on a port
    if command -v ss >/dev/null; then
        ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
    fi
}

ensure_ports_free() { # component port... -> die when one is taken by something else
    local comp="$1" p; shift
    for p in "$@"; do
        if port_open "$p"; then
            die "$comp: port $H:$p is already in use by something that is not ours ($(port_owner "$p" || true)); stop it or override the port (see deploy/local/README.md)"
        fi
    done
}

pid_matches() { # pid pattern -> 0 when pid is alive and its command line contains pattern
    local pid="$1" pat="$2"
    [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pat"
}

port_pid() { # port -> pid of the process listening on 127.0.0.1:port (needs ss)
    command -v ss >/dev/null || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1
}

adopt() { # pidfile port pattern -> adopts a process of ours whose pid file was lost
    # (e.g. deleted by a concurrent reset): it listens on our port and its command
    # line names our pattern and our data dir or script dir.
    local pidfile="$1" port="$2" pat="$3" pid cmd
    pid="$(port_pid "$port")"
    [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [[ $cmd == *"$pat"* && ( $cmd == *"$PELUIT_DATA"* || $cmd == *"$HERE"* ) ]] || return 1
    if [[ -d ${pidfile%/*} ]]; then echo "$pid" >"$pidfile"; fi
    printf '%s' "$pid"
}

read_pid() { [[ -f $1 ]] && head -n1 "$1" 2>/dev/null | tr -dc '0-9' || true; }

stop_pid() { # name pid timeout_s [quiet]
    local name="$1" pid="$2" t="$3" quiet="${4:-}" i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < t * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    if [[ -z $quiet ]]; then warn "$name (pid $pid) did not stop within ${t}s; killing it"; fi
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

log_tail() { # file
    if [[ -s $1 ]]; then
        printf '[peluit] --- last lines of %s ---\n' "$1" >&2
        tail -n 25 "$1" >&2
        printf '[peluit] ---\n' >&2
    fi
}

elapsed() { # start ($EPOCHREALTIME) -> "1.23s"
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'
}

json_str() { # bash string -> JSON string literal
    local s="$1"
    s="${s//\\/\\\\}"; s="${s//\"/\\\"}"
    printf '"%s"' "$s"
}

sql_lit() { # bash string -> SQL string literal
    printf "'%s'" "${1//\'/\'\'}"
}

prepare_dirs() {
    # 755: the postgres system user must be able to traverse PELUIT_DATA.
    install -d -m 755 "$PELUIT_DATA" "$PELUIT_LOG_DIR" "$PELUIT_RUN_DIR"
}

private_logs() { # logs are for the operator only: 0600, whoever wrote them
    local f
    for f in "$PELUIT_LOG_DIR"/*.log "$PELUIT_LOG_DIR"/*.out; do
        [[ -f $f ]] && chmod 600 "$f"
    done
    return 0
}

python_ok() {
    [[ -x $PELUIT_PYTHON ]] || die "$PELUIT_PYTHON missing: run deploy/local/install.sh"
}

# ------------------------------------------------------------ postgres ------
PG_BIN="${PELUIT_PG_BIN:-}"
pg_bin() {
    if [[ -z $PG_BIN ]]; then
        local v
        v="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)"
        [[ -n $v ]] || die "pg: no PostgreSQL under /usr/lib/postgresql: run deploy/local/install.sh"
        PG_BIN="/usr/lib/postgresql/$v/bin"
    fi
    printf '%s' "$PG_BIN"
}

# PostgreSQL refuses to run as root: as root we run it as the `postgres` user.
if [[ $EUID -eq 0 ]]; then
    PG_OS_USER=postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi
PG_LOG="$PELUIT_LOG_DIR/postgres.log"

pg_pid() {
    local pid
    pid="$(read_pid "$PELUIT_PG_DATA/postmaster.pid")"
    if pid_matches "$pid" postgres; then printf '%s' "$pid"; fi
}

pg_psql() { # psql as the cluster's superuser over the unix socket; SQL on stdin
    as_pg "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PELUIT_PG_DATA" -p "$PELUIT_PG_PORT" \
        -U "$PG_OS_USER" -d postgres "$@"
}

pg_write_conf() {
    local conf="$PELUIT_PG_DATA/peluit.conf"
    as_pg tee "$conf" >/dev/null <<EOF
# Written by deploy/local/infra.sh at every start; edit there, not here.
listen_addresses = '$H'
port = $PELUIT_PG_PORT
unix_socket_directories = '$PELUIT_PG_DATA'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
max_connections = 200
shared_buffers = 64MB
fsync = on
synchronous_commit = on
log_destination = 'stderr'
logging_collector = off
log_min_messages = warning
log_connections = off
log_disconnections = off
log_line_prefix = '%m [%p] %q%u@%d '
timezone = 'UTC'
log_timezone = 'UTC'
# Point-in-time recovery: WAL is archived by pgBackRest (deploy/local/backup.sh writes the
# archive_command into peluit-archive.conf). Until then archive_command is empty and PostgreSQL
# keeps the WAL. A segment is closed at least every minute: that bounds the data a restore loses.
wal_level = replica
archive_mode = on
archive_timeout = 60
include_if_exists = 'peluit-archive.conf'
EOF
    as_pg tee "$PELUIT_PG_DATA/pg_hba.conf" >/dev/null <<EOF
# Written by deploy/local/infra.sh at every start.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  peer
host    all       all   127.0.0.1/32   scram-sha-256
EOF
    if ! grep -q "^include_if_exists = 'peluit.conf'" "$PELUIT_PG_DATA/postgresql.conf"; then
        printf "\ninclude_if_exists = 'peluit.conf'\n" | as_pg tee -a "$PELUIT_PG_DATA/postgresql.conf" >/dev/null
    fi
}

pg_init() {
    local sock="$PELUIT_PG_DATA/.s.PGSQL.$PELUIT_PG_PORT"
    ((${#sock} < 100)) || die "pg: socket path $sock is too long for a unix socket; set PELUIT_PG_DATA to a shorter path"
    install -d -m 700 "$PELUIT_PG_DATA"
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$PELUIT_PG_DATA"
        as_pg test -w "$PELUIT_PG_DATA" \
            || die "pg: the postgres user cannot reach $PELUIT_PG_DATA (a parent dir is not traversable); export PELUIT_PG_DATA=/var/lib/peluit/pg or similar"
        touch "$PG_LOG" && chmod 600 "$PG_LOG" && chown postgres:postgres "$PG_LOG"
    fi
    if [[ ! -f $PELUIT_PG_DATA/PG_VERSION ]]; then
        say "pg: initdb $PELUIT_PG_DATA"
        as_pg "$(pg_bin)/initdb" -D "$PELUIT_PG_DATA" -U "$PG_OS_USER" -E UTF8 --locale=C.UTF-8 \
            --auth-local=peer --auth-host=scram-sha-256 >"$PELUIT_LOG_DIR/initdb.log" 2>&1 \
            || { log_tail "$PELUIT_LOG_DIR/initdb.log"; die "pg: initdb failed"; }
    fi
}

pg_setup_roles() {
    # Idempotent; passwords travel on stdin, never on a command line.
    local sql svc var pw
    sql="SELECT format('CREATE ROLE %I', 'peluit_admin') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peluit_admin')
\\gexec
ALTER ROLE peluit_admin WITH LOGIN SUPERUSER PASSWORD $(sql_lit "$PELUIT_PG_ADMIN_PASSWORD");
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;
"
    for svc in $PELUIT_SERVICES; do
        var="PELUIT_PG_PASSWORD_$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')"
        pw="${!var:-peluit-$svc-dev}"
        sql+="SELECT format('CREATE ROLE %I', 'peluit_$svc') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peluit_$svc')
\\gexec
ALTER ROLE peluit_$svc WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD $(sql_lit "$pw");
SELECT format('CREATE DATABASE %I OWNER %I', 'peluit_$svc', 'peluit_$svc') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'peluit_$svc')
\\gexec
ALTER DATABASE peluit_$svc OWNER TO peluit_$svc;
REVOKE ALL ON DATABASE peluit_$svc FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE peluit_$svc TO peluit_$svc;
"
    done
    printf '%s' "$sql" | pg_psql -f - >/dev/null
}

start_pg() {
    local pid
    pid="$(pg_pid)"
    if [[ -n $pid ]]; then
        say "pg: already running (pid $pid, $H:$PELUIT_PG_PORT)"
        return 0
    fi
    ensure_ports_free pg "$PELUIT_PG_PORT"
    pg_init
    pg_write_conf
    rm -f "$PELUIT_RUN_DIR/pg.pid"
    say "pg: starting on $H:$PELUIT_PG_PORT"
    local t0=$EPOCHREALTIME
    as_pg "$(pg_bin)/pg_ctl" -D "$PELUIT_PG_DATA" -l "$PG_LOG" -w -t 60 -s start 9>&- \
        || { log_tail "$PG_LOG"; die "pg: did not start, see $PG_LOG"; }
    pg_pid >"$PELUIT_RUN_DIR/pg.pid"
    pg_setup_roles || { log_tail "$PG_LOG"; die "pg: role/database setup failed, see $PG_LOG"; }
    say "pg: up (pid $(pg_pid)) after $(elapsed "$t0"); roles peluit_admin, peluit_{${PELUIT_SERVICES// /,}}"
}

stop_pg() {
    local pid
    pid="$(pg_pid)"
    if [[ -z $pid ]]; then
        say "pg: not running"
    else
        say "pg: stopping (pid $pid)"
        as_pg "$(pg_bin)/pg_ctl" -D "$PELUIT_PG_DATA" -m fast -w -t 60 -s stop \
            || { warn "pg: fast stop failed, trying immediate"; as_pg "$(pg_bin)/pg_ctl" -D "$PELUIT_PG_DATA" -m immediate -w -s stop || true; }
    fi
    rm -f "$PELUIT_RUN_DIR/pg.pid"
}

status_pg() { component_line pg "$(pg_pid)" "$PELUIT_PG_PORT"; }

# ------------------------------------------------------------ kafka ---------
# PELUIT_KAFKA_BROKERS=1: one node (files straight under $PELUIT_KAFKA_DIR, as always).
# PELUIT_KAFKA_BROKERS=3: nodes 1..3 under $PELUIT_KAFKA_DIR/cluster/node<N>, one JVM each.
KAFKA_N="$PELUIT_KAFKA_BROKERS"
if ((KAFKA_N == 1)); then
    KAFKA_CLUSTER_DIR="$PELUIT_KAFKA_DIR"
else
    KAFKA_CLUSTER_DIR="$PELUIT_KAFKA_DIR/cluster"
fi
KAFKA_REPLICATION=$((KAFKA_N < 3 ? KAFKA_N : 3))
KAFKA_MIN_ISR=$((KAFKA_REPLICATION > 1 ? KAFKA_REPLICATION - 1 : 1))

kafka_node() { # n -> sets KN_* (paths, ports, name) for node n
    KN="$1"
    KN_PORT=$((PELUIT_KAFKA_PORT + 2 * (KN - 1)))
    KN_CPORT=$((PELUIT_KAFKA_CONTROLLER_PORT + 2 * (KN - 1)))
    if ((KAFKA_N == 1)); then
        KN_NAME=kafka
        KN_DIR="$PELUIT_KAFKA_DIR"
        KN_PIDFILE="$PELUIT_RUN_DIR/kafka.pid"
        KN_OUT="$PELUIT_LOG_DIR/kafka.out"
        KN_LOGDIR="$PELUIT_LOG_DIR"
    else
        KN_NAME="kafka-$KN"
        KN_DIR="$KAFKA_CLUSTER_DIR/node$KN"
        KN_PIDFILE="$PELUIT_RUN_DIR/kafka-$KN.pid"
        KN_OUT="$PELUIT_LOG_DIR/kafka-$KN.out"
        KN_LOGDIR="$PELUIT_LOG_DIR/kafka-$KN"
    fi
    KN_PROPS="$KN_DIR/server.properties"
    KN_DATA="$KN_DIR/data"
    KN_SCRAM_MARKER="$KN_DATA/.peluit-scram" # storage has the SCRAM users
    KN_JVM_OPTS=(
        $PELUIT_KAFKA_HEAP_OPTS
        -XX:+UseSerialGC
        -XX:TieredStopAtLevel=1
        -XX:+ExitOnOutOfMemoryError
        -Djava.awt.headless=true
        -Dlog4j2.configurationFile="$HERE/kafka/log4j2.xml"
        -Dpeluit.log.dir="$KN_LOGDIR"
    )
    if [[ -n ${PELUIT_KAFKA_JVM_EXTRA:-} ]]; then
        local extra
        read -r -a extra <<<"$PELUIT_KAFKA_JVM_EXTRA"
        KN_JVM_OPTS+=("${extra[@]}")
    fi
}

kafka_nodes() { seq 1 "$KAFKA_N"; }

kafka_node_pid() { # n -> pid of node n, if it runs (the command line names its own properties file)
    local pid
    kafka_node "$1"
    pid="$(read_pid "$KN_PIDFILE")"
    if pid_matches "$pid" "kafka.Kafka $KN_PROPS"; then
        printf '%s' "$pid"
    else
        adopt "$KN_PIDFILE" "$KN_PORT" "kafka.Kafka $KN_PROPS" || true
    fi
}

kafka_pid() { # pid of the first running node (empty when none runs)
    local n pid
    for n in $(kafka_nodes); do
        pid="$(kafka_node_pid "$n")"
        if [[ -n $pid ]]; then printf '%s' "$pid"; return 0; fi
    done
}

kafka_down_ports() { # the client and controller ports of every node that does not run
    local n
    for n in $(kafka_nodes); do
        if [[ -z $(kafka_node_pid "$n") ]]; then
            kafka_node "$n"
            printf '%s %s ' "$KN_PORT" "$KN_CPORT"
        fi
    done
}

kafka_other_mode_port() { # a port of ours held by this stack's Kafka run in the other mode
    local port owner
    for port in $(kafka_down_ports); do
        owner="$(port_pid "$port")"
        if [[ -n $owner ]] && pid_matches "$owner" "kafka.Kafka $PELUIT_KAFKA_DIR/"; then
            printf '%s' "$port"
            return 0
        fi
    done
}

KAFKA_OTHER_MODE_HINT="stop it with its own setting, e.g. PELUIT_KAFKA_BROKERS=$((KAFKA_N == 1 ? 3 : 1)) deploy/local/infra.sh stop kafka"

kafka_other_mode_check() { # die when this stack's Kafka runs in the other mode (1 vs 3 nodes)
    local port
    port="$(kafka_other_mode_port)"
    if [[ -n $port ]]; then
        die "kafka: port $H:$port is held by this stack's Kafka started with another PELUIT_KAFKA_BROKERS (now $KAFKA_N); $KAFKA_OTHER_MODE_HINT"
    fi
}

kafka_cluster_id() { # generated once; same format as Kafka's Uuid (22 chars base64url)
    local f="$KAFKA_CLUSTER_DIR/cluster.id" id
    mkdir -p "$KAFKA_CLUSTER_DIR"
    if [[ ! -s $f ]]; then
        while :; do
            id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
            [[ $id != -* ]] && break
        done
        printf '%s\n' "$id" >"$f"
    fi
    head -n1 "$f"
}

kafka_check_admin_password() {
    # It goes into the broker's JAAS line and the storage tool's --add-scram value.
    [[ -n $PELUIT_KAFKA_ADMIN_PASSWORD ]] || die "kafka: PELUIT_KAFKA_ADMIN_PASSWORD is empty"
    [[ $PELUIT_KAFKA_ADMIN_PASSWORD != *[\\\",\]=]* ]] \
        || die "kafka: PELUIT_KAFKA_ADMIN_PASSWORD must not contain \\ \" , ] or ="
}

kafka_voters() { # the static controller quorum: 1@host:port,2@host:port,...
    local n voters=""
    for n in $(kafka_nodes); do
        voters+="${voters:+,}$n@$H:$((PELUIT_KAFKA_CONTROLLER_PORT + 2 * (n - 1)))"
    done
    printf '%s' "$voters"
}

kafka_write_props() { # for node $KN (kafka_node first)
    kafka_check_admin_password
    local rf="$KAFKA_REPLICATION" isr="$KAFKA_MIN_ISR"
    # 0600: it holds the admin password the broker authenticates to itself with.
    (umask 077; cat >"$KN_PROPS") <<EOF
# Written by deploy/local/infra.sh at every start; edit there, not here.
# Kafka KRaft, node $KN of $KAFKA_N; each node is both broker and controller (static quorum,
# so the ports may change between starts without reformatting).
node.id=$KN
process.roles=broker,controller
controller.quorum.voters=$(kafka_voters)
# Clients (services, scripts, tests) authenticate with SASL/SCRAM-SHA-512 on CLIENT, and so do
# the brokers among themselves (replication, as the admin user);
# SASL_PLAINTEXT is acceptable only because everything binds to loopback (SASL_SSL between hosts).
# The controller listener stays PLAINTEXT on loopback: its anonymous principal (the brokers' own
# registration) is a super user, and infra.sh manages the SCRAM users through it.
listeners=CLIENT://$H:$KN_PORT,CONTROLLER://$H:$KN_CPORT
advertised.listeners=CLIENT://$H:$KN_PORT
listener.security.protocol.map=CLIENT:$PELUIT_KAFKA_SECURITY_PROTOCOL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=CLIENT
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$PELUIT_KAFKA_ADMIN_USER" password="$PELUIT_KAFKA_ADMIN_PASSWORD";
# ACLs: nothing is allowed that an ACL does not allow (python -m peluit_shared.provision).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$PELUIT_KAFKA_ADMIN_USER;User:ANONYMOUS
log.dirs=$KN_DATA

# Replication: 1 on the laptop; with 3 nodes every partition has 3 replicas and a write with
# acks=all needs 2 in sync, so one node may die without losing or refusing an accepted event.
num.partitions=3
default.replication.factor=$rf
min.insync.replicas=$isr
unclean.leader.election.enable=false
auto.create.topics.enable=false
delete.topic.enable=true
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
group.initial.rebalance.delay.ms=0

# lean for a 2-core dev machine
num.network.threads=2
num.io.threads=$((KAFKA_N == 1 ? 4 : 2))
background.threads=$((KAFKA_N == 1 ? 4 : 2))
num.recovery.threads.per.data.dir=2
num.replica.fetchers=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
log.retention.hours=168
EOF
    chmod 600 "$KN_PROPS"
}

kafka_add_scram_to_old_storage() { # node $KN; only a single node's storage can predate users
    # Storage formatted before Kafka had users: no one could log in. Start it once without
    # authentication on loopback, add the SCRAM users (admin included), stop, then go on.
    local legacy="$PELUIT_RUN_DIR/kafka-legacy.properties" pid
    say "kafka: storage has no SCRAM users yet: adding them once (nothing is deleted)"
    (umask 077; sed -e 's/^listener.security.protocol.map=CLIENT:[A-Z_]*/listener.security.protocol.map=CLIENT:PLAINTEXT/' \
        -e '/^sasl\./d' -e '/^listener\.name\.client\./d' -e '/^authorizer\.class\.name=/d' \
        "$KN_PROPS" >"$legacy")
    setsid java "${KN_JVM_OPTS[@]}" -cp "$PELUIT_KAFKA_LIBS/*" kafka.Kafka "$legacy" \
        </dev/null >>"$KN_OUT" 2>&1 9>&- &
    pid=$!
    if ! PELUIT_KAFKA_SECURITY_PROTOCOL=PLAINTEXT "$PELUIT_PYTHON" "$HERE/probe.py" kafka \
        --bootstrap "$H:$KN_PORT" --timeout 60 --pid "$pid" \
        || ! PELUIT_KAFKA_SECURITY_PROTOCOL=PLAINTEXT "$PELUIT_PYTHON" -m peluit_shared.provision \
            --bootstrap "$H:$KN_PORT" --bootstrap-scram; then
        stop_pid kafka "$pid" 30
        rm -f "$legacy"
        die "kafka: could not add the SCRAM users; 'infra.sh reset kafka' starts afresh (deletes its data)"
    fi
    stop_pid kafka "$pid" 30
    rm -f "$legacy"
    touch "$KN_SCRAM_MARKER"
}

start_kafka_node() { # n -> launches node n unless it runs; sets KAFKA_LAUNCHED=1 when launched
    local pid
    pid="$(kafka_node_pid "$1")"
    kafka_node "$1" # ($(...) ran it in a subshell)
    if [[ -n $pid ]]; then
        say "$KN_NAME: already running (pid $pid, $H:$KN_PORT)"
        return 0
    fi
    ensure_ports_free "$KN_NAME" "$KN_PORT" "$KN_CPORT"
    mkdir -p "$KN_DATA" "$KN_LOGDIR"
    kafka_write_props
    if [[ ! -f $KN_DATA/meta.properties ]]; then
        say "$KN_NAME: formatting storage (cluster id $(kafka_cluster_id))"
        java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
            -Dlog4j2.configurationFile="$HERE/kafka/log4j2.xml" -Dpeluit.log.dir="$KN_LOGDIR" \
            -cp "$PELUIT_KAFKA_LIBS/*" kafka.tools.StorageTool format \
            -t "$(kafka_cluster_id)" -c "$KN_PROPS" --ignore-formatted \
            --add-scram "SCRAM-SHA-512=[name=$PELUIT_KAFKA_ADMIN_USER,password=$PELUIT_KAFKA_ADMIN_PASSWORD]" \
            >"$PELUIT_LOG_DIR/$KN_NAME-format.log" 2>&1 \
            || { log_tail "$PELUIT_LOG_DIR/$KN_NAME-format.log"; die "$KN_NAME: storage format failed, see $PELUIT_LOG_DIR/$KN_NAME-format.log"; }
        touch "$KN_SCRAM_MARKER"
    fi
    [[ -f $KN_SCRAM_MARKER ]] || kafka_add_scram_to_old_storage
    say "$KN_NAME: starting on $H:$KN_PORT (controller $KN_CPORT)"
    printf '\n==== %s start\n' "$(date -u +%FT%TZ)" >>"$KN_OUT"
    # Plain `setsid` execs in place here (we are not a group leader), so $! is the JVM.
    setsid java "${KN_JVM_OPTS[@]}" -cp "$PELUIT_KAFKA_LIBS/*" kafka.Kafka "$KN_PROPS" \
        </dev/null >>"$KN_OUT" 2>&1 9>&- &
    echo $! >"$KN_PIDFILE"
    KAFKA_LAUNCHED=1
}

start_kafka_launch() { # starts the JVMs; readiness is awaited by start_kafka_wait
    local n
    KAFKA_LAUNCHED=0
    compgen -G "$PELUIT_KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null \
        || die "kafka: no jars in $PELUIT_KAFKA_LIBS: run deploy/local/install.sh"
    command -v java >/dev/null || die "kafka: java not found: run deploy/local/install.sh"
    KAFKA_T0=$EPOCHREALTIME
    for n in $(kafka_nodes); do start_kafka_node "$n"; done
}

start_kafka_wait() {
    [[ ${KAFKA_LAUNCHED:-0} == 1 ]] || return 0
    local n pids=() pid
    for n in $(kafka_nodes); do
        kafka_node "$n"
        pid="$(read_pid "$KN_PIDFILE")"
        pids+=(--pid "$pid")
    done
    # Ready = every node is registered as a broker (a cluster can take new topics with RF 3).
    if ! "$PELUIT_PYTHON" "$HERE/probe.py" kafka --bootstrap "$PELUIT_KAFKA_BOOTSTRAP" \
        --brokers "$KAFKA_N" "${pids[@]}" \
        --timeout "${PELUIT_KAFKA_START_TIMEOUT:-90}" 2>"$PELUIT_RUN_DIR/kafka-probe.err"; then
        cat "$PELUIT_RUN_DIR/kafka-probe.err" >&2 || true
        for n in $(kafka_nodes); do
            kafka_node "$n"
            log_tail "$KN_LOGDIR/kafka.log"
            log_tail "$KN_OUT"
        done
        die "kafka: not ready (the nodes keep running; 'infra.sh stop kafka' stops them); see the logs above"
    fi
    rm -f "$PELUIT_RUN_DIR/kafka-probe.err"
    # Topics, the services' SCRAM users (passwords from env, applied at every start) and ACLs.
    # Retried: a node that has just registered may not take admin requests for a moment yet.
    local attempt
    for attempt in 1 2 3 4 5; do
        "$PELUIT_PYTHON" -m peluit_shared.provision --replication-factor "$KAFKA_REPLICATION" \
            >"$PELUIT_RUN_DIR/kafka-provision.out" 2>&1 && break
        ((attempt < 5)) || { cat "$PELUIT_RUN_DIR/kafka-provision.out" >&2; die "kafka: provisioning users and ACLs failed"; }
        sleep 2
    done
    say "kafka: up ($KAFKA_N node(s), bootstrap $PELUIT_KAFKA_BOOTSTRAP, SASL $PELUIT_KAFKA_SASL_MECHANISM, replication $KAFKA_REPLICATION) after $(elapsed "$KAFKA_T0")"
}

stop_kafka() {
    # One node at a time, so each stops cleanly while a controller quorum remains. The last node
    # of a cluster has no quorum left for its controlled shutdown and would wait for one: after
    # a short grace it is killed (safe: what it acknowledged is in its log files, and it is the
    # only copy only of what the others already had).
    local n pid running=() last
    for n in $(kafka_nodes); do
        pid="$(kafka_node_pid "$n")"
        if [[ -n $pid ]]; then running+=("$n"); fi
    done
    if ((${#running[@]} == 0)); then
        say "kafka: not running"
        if [[ -n $(kafka_other_mode_port) ]]; then
            warn "kafka: this stack's Kafka runs with another PELUIT_KAFKA_BROKERS (now $KAFKA_N); $KAFKA_OTHER_MODE_HINT"
        fi
        return 0
    fi
    last="${running[-1]}"
    for n in "${running[@]}"; do
        pid="$(kafka_node_pid "$n")"
        kafka_node "$n"
        [[ -n $pid ]] || continue
        say "$KN_NAME: stopping (pid $pid)"
        if ((KAFKA_N > 1)) && [[ $n == "$last" ]]; then
            stop_pid "$KN_NAME" "$pid" "${PELUIT_KAFKA_LAST_STOP_GRACE:-10}" quiet
        else
            stop_pid "$KN_NAME" "$pid" 30
        fi
    done
    for n in $(kafka_nodes); do kafka_node "$n"; rm -f "$KN_PIDFILE"; done
}

status_kafka() {
    local n rc=0 pid
    for n in $(kafka_nodes); do
        pid="$(kafka_node_pid "$n")"
        kafka_node "$n"
        component_line "$KN_NAME" "$pid" "$KN_PORT" || rc=1
    done
    return "$rc"
}

reset_kafka() { # the data of this mode's node(s); the jars stay
    local n
    for n in $(kafka_nodes); do
        kafka_node "$n"
        rm -rf "$KN_DATA" "$KN_PROPS"
    done
    rm -f "$KAFKA_CLUSTER_DIR/cluster.id"
    ((KAFKA_N == 1)) || rm -rf "$KAFKA_CLUSTER_DIR"
}

# ------------------------------------------------------------ seaweedfs s3 --
S3_PIDFILE="$PELUIT_RUN_DIR/s3.pid"
S3_OUT="$PELUIT_LOG_DIR/seaweed.log"
S3_PORTS=("$PELUIT_S3_PORT" "$PELUIT_SEAWEED_MASTER_PORT" "$PELUIT_SEAWEED_MASTER_GRPC_PORT"
    "$PELUIT_SEAWEED_VOLUME_PORT" "$PELUIT_SEAWEED_VOLUME_GRPC_PORT" "$PELUIT_SEAWEED_FILER_PORT"
    "$PELUIT_SEAWEED_FILER_GRPC_PORT" "$PELUIT_SEAWEED_S3_GRPC_PORT" "$PELUIT_S3_HTTPS_PORT")

s3_pid() {
    local pid
    pid="$(read_pid "$S3_PIDFILE")"
    if pid_matches "$pid" "weed"; then
        printf '%s' "$pid"
    else
        adopt "$S3_PIDFILE" "$PELUIT_S3_PORT" "weed" || true
    fi
}

s3_write_conf() {
    local d="$PELUIT_SEAWEED_DIR"
    (
        umask 077
        cat >"$d/s3.json" <<EOF
{
  "identities": [
    {
      "name": "peluit",
      "credentials": [
        {"accessKey": $(json_str "$PELUIT_S3_ACCESS_KEY"), "secretKey": $(json_str "$PELUIT_S3_SECRET_KEY")}
      ],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    },
    {
      "name": "peluit-backup",
      "credentials": [
        {"accessKey": $(json_str "$PELUIT_BACKUP_S3_ACCESS_KEY"), "secretKey": $(json_str "$PELUIT_BACKUP_S3_SECRET_KEY")}
      ],
      "actions": ["Read:$PELUIT_BACKUP_BUCKET", "Write:$PELUIT_BACKUP_BUCKET", "List:$PELUIT_BACKUP_BUCKET", "Tagging:$PELUIT_BACKUP_BUCKET"]
    }
  ]
}
EOF
    )
    # weed reads ./master.toml: one volume per growth step instead of 7, so many
    # buckets (= collections) fit in a small dev volume budget.
    cat >"$d/master.toml" <<EOF
# Written by deploy/local/infra.sh.
[master.volume_growth]
copy_1 = 1
copy_2 = 1
copy_3 = 1
copy_other = 1
EOF
}

start_s3_launch() {
    local pid
    pid="$(s3_pid)"
    if [[ -n $pid ]]; then
        say "s3: already running (pid $pid, $PELUIT_S3_ENDPOINT)"
        S3_LAUNCHED=0
        return 0
    fi
    ensure_ports_free s3 "${S3_PORTS[@]}"
    local weed="$PELUIT_VENV/bin/weed"
    [[ -x $weed ]] || die "s3: $weed missing: run deploy/local/install.sh"
    mkdir -p "$PELUIT_SEAWEED_DIR/data"
    s3_write_conf
    # HTTPS beside HTTP: pgBackRest speaks S3 only over TLS (certificate from the local CA).
    "$HERE/tls.sh" ensure >/dev/null
    say "s3: starting SeaweedFS, S3 API on $PELUIT_S3_ENDPOINT"
    printf '\n==== %s start\n' "$(date -u +%FT%TZ)" >>"$S3_OUT"
    (
        cd "$PELUIT_SEAWEED_DIR"
        exec setsid "$weed" server \
            -ip="$H" -ip.bind="$H" \
            -dir="$PELUIT_SEAWEED_DIR/data" \
            -master.port="$PELUIT_SEAWEED_MASTER_PORT" -master.port.grpc="$PELUIT_SEAWEED_MASTER_GRPC_PORT" \
            -master.volumeSizeLimitMB="$PELUIT_SEAWEED_VOLUME_SIZE_LIMIT_MB" -master.telemetry=false \
            -volume.port="$PELUIT_SEAWEED_VOLUME_PORT" -volume.port.grpc="$PELUIT_SEAWEED_VOLUME_GRPC_PORT" \
            -volume.max=64 \
            -filer -filer.port="$PELUIT_SEAWEED_FILER_PORT" -filer.port.grpc="$PELUIT_SEAWEED_FILER_GRPC_PORT" \
            -filer.localSocket="$PELUIT_RUN_DIR/seaweed-filer.sock" \
            -s3 -s3.port="$PELUIT_S3_PORT" -s3.port.grpc="$PELUIT_SEAWEED_S3_GRPC_PORT" \
            -s3.localSocket="$PELUIT_RUN_DIR/seaweed-s3.sock" \
            -s3.config="$PELUIT_SEAWEED_DIR/s3.json" \
            -s3.port.https="$PELUIT_S3_HTTPS_PORT" \
            -s3.cert.file="$PELUIT_TLS_DIR/server.crt" -s3.key.file="$PELUIT_TLS_DIR/server.key" \
            -s3.autoCreateBucket=false -s3.port.iceberg=0 -s3.port.lance=0 \
            -volume.preStopSeconds=0 -master.electionTimeout=1s
    ) </dev/null >>"$S3_OUT" 2>&1 9>&- &
    echo $! >"$S3_PIDFILE"
    S3_T0=$EPOCHREALTIME
    S3_LAUNCHED=1
}

start_s3_wait() {
    [[ ${S3_LAUNCHED:-0} == 1 ]] || return 0
    local pid
    pid="$(read_pid "$S3_PIDFILE")"
    if ! "$PELUIT_PYTHON" "$HERE/probe.py" s3 --endpoint "$H:$PELUIT_S3_PORT" \
        --access-key "$PELUIT_S3_ACCESS_KEY" --secret-key "$PELUIT_S3_SECRET_KEY" \
        --timeout "${PELUIT_S3_START_TIMEOUT:-60}" --pid "$pid" 2>"$PELUIT_RUN_DIR/s3-probe.err"; then
        cat "$PELUIT_RUN_DIR/s3-probe.err" >&2 || true
        log_tail "$S3_OUT"
        stop_pid s3 "$pid" 5
        rm -f "$S3_PIDFILE"
        die "s3: SeaweedFS S3 not ready; see $S3_OUT"
    fi
    rm -f "$PELUIT_RUN_DIR/s3-probe.err"
    say "s3: up (pid $pid, endpoint $PELUIT_S3_ENDPOINT) after $(elapsed "$S3_T0")"
}

stop_s3() {
    local pid
    pid="$(s3_pid)"
    if [[ -z $pid ]]; then
        say "s3: not running"
    else
        say "s3: stopping (pid $pid)"
        # SeaweedFS's filer waits a fixed 15 s for its own in-process S3 gateway's
        # metadata stream before it exits; after a short grace period we SIGKILL.
        # Safe: acknowledged writes are already in the volume files and the filer's
        # leveldb journal (a crash-consistent restart, which SeaweedFS handles).
        stop_pid s3 "$pid" "${PELUIT_S3_STOP_GRACE:-3}" quiet
    fi
    rm -f "$S3_PIDFILE" "$PELUIT_RUN_DIR/seaweed-filer.sock" "$PELUIT_RUN_DIR/seaweed-s3.sock"
}

status_s3() { component_line s3 "$(s3_pid)" "$PELUIT_S3_PORT"; }

# ------------------------------------------------------------ smtp sink -----
SMTP_PIDFILE="$PELUIT_RUN_DIR/smtp.pid"
SMTP_OUT="$PELUIT_LOG_DIR/smtp.log"

smtp_pid() {
    local pid
    pid="$(read_pid "$SMTP_PIDFILE")"
    if pid_matches "$pid" smtp_sink.py; then
        printf '%s' "$pid"
    else
        adopt "$SMTP_PIDFILE" "$PELUIT_SMTP_PORT" "smtp_sink.py" || true
    fi
}

start_smtp_launch() {
    local pid
    pid="$(smtp_pid)"
    if [[ -n $pid ]]; then
        say "smtp: already running (pid $pid, $H:$PELUIT_SMTP_PORT)"
        SMTP_LAUNCHED=0
        return 0
    fi
    ensure_ports_free smtp "$PELUIT_SMTP_PORT"
    python_ok
    mkdir -p "$PELUIT_MAIL_DIR"
    say "smtp: starting sink on $H:$PELUIT_SMTP_PORT -> $PELUIT_MAIL_DIR"
    setsid "$PELUIT_PYTHON" "$HERE/smtp_sink.py" --host "$H" --port "$PELUIT_SMTP_PORT" --dir "$PELUIT_MAIL_DIR" \
        </dev/null >>"$SMTP_OUT" 2>&1 9>&- &
    echo $! >"$SMTP_PIDFILE"
    SMTP_T0=$EPOCHREALTIME
    SMTP_LAUNCHED=1
}

start_smtp_wait() {
    [[ ${SMTP_LAUNCHED:-0} == 1 ]] || return 0
    local pid i
    pid="$(read_pid "$SMTP_PIDFILE")"
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        if port_open "$PELUIT_SMTP_PORT"; then
            say "smtp: up (pid $pid) after $(elapsed "$SMTP_T0")"
            return 0
        fi
        sleep 0.1
    done
    log_tail "$SMTP_OUT"
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$SMTP_PIDFILE"
    die "smtp: sink not listening; see $SMTP_OUT"
}

stop_smtp() {
    local pid
    pid="$(smtp_pid)"
    if [[ -z $pid ]]; then
        say "smtp: not running"
    else
        say "smtp: stopping (pid $pid)"
        stop_pid smtp "$pid" 10
    fi
    rm -f "$SMTP_PIDFILE"
}

status_smtp() { component_line smtp "$(smtp_pid)" "$PELUIT_SMTP_PORT"; }

# ------------------------------------------------------------ commands ------
component_line() { # name pid port -> prints a line; returns 1 when down
    local name="$1" pid="$2" port="$3"
    if [[ -n $pid ]] && port_open "$port"; then
        printf '[peluit] %-7s up    %s:%-5s pid %s\n' "$name" "$H" "$port" "$pid"
        return 0
    elif [[ -n $pid ]]; then
        printf '[peluit] %-7s down  %s:%-5s pid %s runs but the port does not answer\n' "$name" "$H" "$port" "$pid"
    else
        printf '[peluit] %-7s down  %s:%-5s\n' "$name" "$H" "$port"
    fi
    return 1
}

has() { local x; for x in "${COMPS[@]}"; do [[ $x == "$1" ]] && return 0; done; return 1; }

lock() { # serialize concurrent start/stop/reset on the same PELUIT_DATA
    exec 9>"$PELUIT_DATA/.infra.lock"
    if ! flock -n 9; then
        say "another infra.sh is running on $PELUIT_DATA; waiting for it (up to 180s)"
        flock -w 180 9 || die "timed out waiting for $PELUIT_DATA/.infra.lock"
    fi
}

preflight() { # fail before launching anything when a port we need is taken
    if has pg && [[ -z $(pg_pid) ]]; then ensure_ports_free pg "$PELUIT_PG_PORT"; fi
    if has kafka; then
        kafka_other_mode_check
        # shellcheck disable=SC2046 # word splitting intended: a list of ports
        ensure_ports_free kafka $(kafka_down_ports)
    fi
    if has s3 && [[ -z $(s3_pid) ]]; then ensure_ports_free s3 "${S3_PORTS[@]}"; fi
    if has smtp && [[ -z $(smtp_pid) ]]; then ensure_ports_free smtp "$PELUIT_SMTP_PORT"; fi
}

cmd_start() {
    prepare_dirs
    lock
    preflight
    local t0=$EPOCHREALTIME
    # The JVM and SeaweedFS start in the background while PostgreSQL comes up.
    if has kafka; then start_kafka_launch; fi
    if has s3; then start_s3_launch; fi
    if has smtp; then start_smtp_launch; fi
    if has pg; then start_pg; fi
    if has smtp; then start_smtp_wait; fi
    if has s3; then start_s3_wait; fi
    if has kafka; then start_kafka_wait; fi
    private_logs
    say "started: ${COMPS[*]} in $(elapsed "$t0")"
}

cmd_stop() {
    local c
    [[ -d $PELUIT_DATA ]] && lock
    # Reverse order; each tolerates being already down.
    for c in smtp s3 kafka pg; do
        if has "$c"; then "stop_$c"; fi
    done
}

cmd_status() {
    local c rc=0
    for c in "${COMPS[@]}"; do "status_$c" || rc=1; done
    return "$rc"
}

cmd_reset() {
    cmd_stop
    local c
    for c in "${COMPS[@]}"; do
        case $c in
            pg) rm -rf "$PELUIT_PG_DATA" ;;
            kafka) reset_kafka ;; # libs kept
            s3) rm -rf "$PELUIT_SEAWEED_DIR" ;;
            smtp) rm -rf "$PELUIT_MAIL_DIR" ;;
        esac
        say "$c: data deleted"
    done
    if ((${#COMPS[@]} == ${#ALL[@]})); then
        rm -rf "$PELUIT_LOG_DIR" "$PELUIT_RUN_DIR"
        say "logs and run dir deleted (Kafka jars kept in $PELUIT_KAFKA_LIBS)"
    fi
}

cmd_env() {
    local v
    for v in $(compgen -e | grep '^PELUIT_' | sort); do
        printf 'export %s=%q\n' "$v" "${!v}"
    done
}

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

[[ $# -ge 1 ]] || usage
CMD="$1"; shift
if [[ $# -eq 0 ]]; then
    COMPS=("${ALL[@]}")
else
    COMPS=()
    for c in "$@"; do
        case $c in
            pg | kafka | s3 | smtp) COMPS+=("$c") ;;
            *) die "unknown component '$c' (use: ${ALL[*]})" ;;
        esac
    done
fi

case $CMD in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    restart) cmd_stop; cmd_start ;;
    reset) cmd_reset ;;
    env) cmd_env ;;
    -h | --help | help) usage ;;
    *) die "unknown command '$CMD' (use: start|stop|status|reset|restart|env)" ;;
esac
