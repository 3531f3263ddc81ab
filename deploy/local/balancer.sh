#!/usr/bin/env bash
# Peluit local stack: nginx (Debian) in front of each service's replicas (PELUIT_REPLICAS > 1).
#   deploy/local/balancer.sh start    write the config and start nginx (reload if running)
#   deploy/local/balancer.sh stop     stop it
#   deploy/local/balancer.sh status   one line
#   deploy/local/balancer.sh conf     print the config it would write
#   deploy/local/balancer.sh drain S.K | undrain S.K   take replica K of service S out of (back
#                                     into) rotation before (after) restarting it: a rolling
#                                     restart then fails no request (./peluit roll does this)
# Each service's port gets round-robin over its replicas' ports (env.sh). A replica that refuses
# or times out is skipped for a few seconds (passive health checks); a request is passed to the
# next replica only when that is safe: nginx never repeats a POST/PATCH that reached a replica.
# Intake is also served over TLS on PELUIT_INTAKE_TLS_PORT with HSTS: the public entry.
# No access log, and errors only at `emerg` level: nginx's error lines name the client address.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"

DIR="$PELUIT_DATA/balancer"
CONF="$DIR/nginx.conf"
PIDFILE="$DIR/nginx.pid"
DRAINED="$DIR/drained"
NGINX="${PELUIT_NGINX:-/usr/sbin/nginx}"
SERVICES=(intake cases evidence notifications)

say() { printf '[peluit] balancer: %s\n' "$*"; }

running() {
    local pid
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

conf() {
    local svc port tls_crt tls_key user=""
    tls_crt="$PELUIT_TLS_DIR/server.crt"
    tls_key="$PELUIT_TLS_DIR/server.key"
    [[ $EUID -eq 0 ]] && user="user nobody nogroup;"
    cat <<NGINX
# Written by deploy/local/balancer.sh; edits are lost on the next start.
$user
worker_processes 1;
pid $PIDFILE;
error_log $DIR/error.log emerg;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    client_body_temp_path $DIR/tmp/body;
    proxy_temp_path $DIR/tmp/proxy;
    fastcgi_temp_path $DIR/tmp/fastcgi;
    uwsgi_temp_path $DIR/tmp/uwsgi;
    scgi_temp_path $DIR/tmp/scgi;
    # Slow clients: cut off here too (the services have their own limits behind it). Uploads
    # stream through (no buffering), so a reporter on 3G only has to keep bytes moving.
    client_header_timeout 20s;
    client_body_timeout 60s;
    send_timeout 60s;
    keepalive_timeout 30s;
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    # A new connection per request (no upstream keep-alive): a replica that is shutting down
    # refuses it, and nginx passes even a POST to the next replica, since none of it was sent.
    proxy_http_version 1.1;
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_connect_timeout 2s;
    proxy_read_timeout 120s;
    proxy_send_timeout 120s;
    # Passive health checks; a POST that reached a replica is never sent twice.
    proxy_next_upstream error timeout http_502 http_503;
    proxy_next_upstream_tries 3;
    proxy_next_upstream_timeout 10s;
NGINX
    local k down
    for svc in "${SERVICES[@]}"; do
        printf '    upstream %s {\n' "$svc"
        k=0
        for port in $(peluit_replica_ports "$svc"); do
            k=$((k + 1))
            down=""
            grep -qx "$svc.$k" "$DRAINED" 2>/dev/null && down=" down"
            printf '        server %s:%s max_fails=1 fail_timeout=5s%s;\n' "$PELUIT_HOST" "$port" "$down"
        done
        printf '    }\n'
        printf '    server {\n        listen %s:%s;\n        location / { proxy_pass http://%s; }\n    }\n' \
            "$PELUIT_HOST" "$(peluit_service_port "$svc")" "$svc"
    done
    cat <<NGINX
    server {
        listen $PELUIT_HOST:$PELUIT_INTAKE_TLS_PORT ssl;
        ssl_certificate $tls_crt;
        ssl_certificate_key $tls_key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:peluit:1m;
        proxy_hide_header Strict-Transport-Security;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        location / {
            proxy_set_header X-Forwarded-Proto https;
            proxy_pass http://intake;
        }
    }
}
NGINX
}

start() {
    [[ -x $NGINX ]] || { say "nginx not installed (deploy/local/install.sh installs it)"; exit 1; }
    "$HERE/tls.sh" ensure >/dev/null
    install -d -m 700 "$DIR"
    mkdir -p "$DIR/tmp"
    [[ $EUID -eq 0 ]] && chown nobody:nogroup "$DIR/tmp" && chmod 711 "$DIR"
    (umask 077 && conf >"$CONF.tmp") && mv "$CONF.tmp" "$CONF"
    "$NGINX" -t -q -c "$CONF" -p "$DIR" -e "$DIR/error.log"
    if running; then
        "$NGINX" -c "$CONF" -p "$DIR" -e "$DIR/error.log" -s reload
        say "reloaded ($PELUIT_REPLICAS replicas per service)"
    else
        "$NGINX" -c "$CONF" -p "$DIR" -e "$DIR/error.log"
        say "started: ${PELUIT_REPLICAS} replicas per service; intake TLS on https://$PELUIT_HOST:$PELUIT_INTAKE_TLS_PORT/"
    fi
}

stop() {
    rm -f "$DRAINED"
    if running; then
        "$NGINX" -c "$CONF" -p "$DIR" -e "$DIR/error.log" -s quit || kill "$(cat "$PIDFILE")"
        local i
        for ((i = 0; i < 50; i++)); do running || break; sleep 0.1; done
        say "stopped"
    fi
}

drain() {
    [[ $1 =~ ^[a-z]+\.[1-9]$ ]] || { say "drain: expected SERVICE.K, e.g. intake.1"; exit 2; }
    install -d -m 700 "$DIR"
    { grep -vx "$1" "$DRAINED" 2>/dev/null || true; echo "$1"; } >"$DRAINED.tmp"
    mv "$DRAINED.tmp" "$DRAINED"
    start >/dev/null
    # nginx's old workers finish what they started; new requests go to the other replicas.
    say "$1 out of rotation"
}

undrain() {
    { grep -vx "$1" "$DRAINED" 2>/dev/null || true; } >"$DRAINED.tmp"
    mv "$DRAINED.tmp" "$DRAINED"
    running && start >/dev/null
    say "$1 back in rotation"
}

case "${1:-}" in
start) start ;;
drain) drain "${2:?}" ;;
undrain) undrain "${2:?}" ;;
stop) stop ;;
status)
    if running; then
        printf '[peluit] %-7s up    https://%s:%s (intake), %s replicas\n' balancer "$PELUIT_HOST" "$PELUIT_INTAKE_TLS_PORT" "$PELUIT_REPLICAS"
    else
        printf '[peluit] %-7s down\n' balancer
        ((PELUIT_REPLICAS == 1)) # not needed with one replica
    fi
    ;;
conf) conf ;;
*) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
