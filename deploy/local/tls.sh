#!/usr/bin/env bash
# Peluit local stack: a local certificate authority and the certificates the stack serves.
#   deploy/local/tls.sh ensure     make the CA and a loopback server certificate if missing
#   deploy/local/tls.sh paths      print the CA, certificate and key paths
# The CA key never leaves $PELUIT_DATA/tls (0700). Certificates last 90 days and are renewed by
# `ensure` when fewer than 30 days remain; PeluitCertificateExpiry alerts before that.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"

DIR="$PELUIT_TLS_DIR"
CA_KEY="$DIR/ca.key"
CA_CRT="$DIR/ca.crt"
KEY="$DIR/server.key"
CRT="$DIR/server.crt"

ensure() {
    install -d -m 700 "$DIR"
    if [[ ! -f $CA_CRT ]] || ! openssl x509 -checkend $((30 * 86400)) -noout -in "$CA_CRT" >/dev/null; then
        (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$CA_KEY" -out "$CA_CRT" -days 825 -subj "/CN=Peluit local CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            2>/dev/null)
        rm -f "$CRT"
        printf '[peluit] tls: local CA made in %s\n' "$DIR"
    fi
    if [[ ! -f $CRT ]] || ! openssl x509 -checkend $((30 * 86400)) -noout -in "$CRT" >/dev/null; then
        (
            umask 077
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$KEY" \
                -out "$DIR/server.csr" -subj "/CN=localhost" 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$DIR/server.ext"
            openssl x509 -req -in "$DIR/server.csr" -CA "$CA_CRT" -CAkey "$CA_KEY" -CAcreateserial \
                -out "$CRT" -days 90 -extfile "$DIR/server.ext" 2>/dev/null
            rm -f "$DIR/server.csr" "$DIR/server.ext"
        )
        # Read by SeaweedFS (root) and pgBackRest (postgres): the certificate is public.
        chmod 644 "$CA_CRT" "$CRT"
        printf '[peluit] tls: server certificate for 127.0.0.1 issued (90 days)\n'
    fi
}

case "${1:-}" in
    ensure) ensure ;;
    paths) printf 'ca=%s\ncert=%s\nkey=%s\n' "$CA_CRT" "$CRT" "$KEY" ;;
    *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
