#!/usr/bin/env bash
# A throw-away PostgreSQL server for the filelock.backend=jdbc tests: Debian's postgresql package (installed when
# missing), a fresh cluster in a temporary directory, run as a non-root user, listening on 127.0.0.1 only.
#
#   eval "$(.ci/postgres.sh start)"          # prints export lines for FILELOCK_POSTGRES_URL / _USER / _PASSWORD / _DIR
#   .ci/postgres.sh stop "$FILELOCK_POSTGRES_DIR"   # stops the server and deletes the directory
#   .ci/postgres.sh halt "$FILELOCK_POSTGRES_DIR"   # stops the server, keeping its data (fault tests)
#   .ci/postgres.sh resume "$FILELOCK_POSTGRES_DIR" # starts a halted server again, same port and data
#
# Only the export lines go to stdout; progress goes to stderr. The same lines are written to "$FILELOCK_POSTGRES_DIR/env"
# (source it from another shell). Set FILELOCK_POSTGRES_PORT to choose the first port tried (default 55432).
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

pg_bin() {
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$initdb" ]] && dirname "$initdb"
}

install_postgresql() {
    if [[ -n "$(pg_bin)" ]]; then
        return
    fi
    if [[ $EUID -ne 0 ]]; then
        log "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
        exit 1
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
    # The package may have started its own cluster on 5432; it is left alone and not used.
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local port=${FILELOCK_POSTGRES_PORT:-55432}
    while port_in_use "$port"; do
        port=$((port + 1))
    done
    echo "$port"
}

# Runs a command as the server's owner: 'postgres' when we are root (initdb refuses root), ourselves otherwise.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    install_postgresql
    local bin dir port password
    bin=$(pg_bin)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/filelock-postgres.XXXXXX")
    mkdir "$dir/socket"
    if [[ $EUID -eq 0 ]]; then
        chown -R postgres:postgres "$dir"
    fi
    port=$(free_port)
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

    log "initdb in $dir/data ($bin)"
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

    # Loopback only; the socket lives in the temporary directory; fsync off because the data is disposable.
    echo "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >"$dir/options"
    log "starting on 127.0.0.1:$port"
    server_start "$dir"

    as_owner "$bin/psql" --quiet --no-psqlrc --host="$dir/socket" --port="$port" --username=postgres --dbname=postgres \
        --set=ON_ERROR_STOP=1 --command="CREATE ROLE filelock LOGIN PASSWORD '$password'" \
        --command="CREATE DATABASE filelock OWNER filelock" >&2

    local env="$dir/env"
    {
        echo "export FILELOCK_POSTGRES_URL=jdbc:postgresql://127.0.0.1:$port/filelock"
        echo "export FILELOCK_POSTGRES_USER=filelock"
        echo "export FILELOCK_POSTGRES_PASSWORD=$password"
        echo "export FILELOCK_POSTGRES_DIR=$dir"
    } >"$env"
    chmod 644 "$env"
    log "ready: jdbc:postgresql://127.0.0.1:$port/filelock (stop with: $0 stop $dir)"
    cat "$env"
}

server_start() {
    local dir=$1
    as_owner "$(pg_bin)/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 start \
        --options="$(cat "$dir/options")" >&2 || { cat "$dir/server.log" >&2; exit 1; }
}

check_cluster() {
    if [[ ! -f "$1/data/PG_VERSION" || ! -f "$1/options" ]]; then
        log "$1 is not a cluster started by this script"
        exit 1
    fi
}

halt() {
    local dir=${1:?usage: $0 halt <directory printed by start>}
    check_cluster "$dir"
    as_owner "$(pg_bin)/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2
}

resume() {
    local dir=${1:?usage: $0 resume <directory printed by start>}
    check_cluster "$dir"
    server_start "$dir"
}

stop() {
    local dir=${1:?usage: $0 stop <directory printed by start>}
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        log "$dir is not a cluster started by this script"
        exit 1
    fi
    as_owner "$(pg_bin)/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2 || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    halt) halt "${2:-}" ;;
    resume) resume "${2:-}" ;;
    *) echo "usage: $0 start | stop <directory> | halt <directory> | resume <directory>" >&2; exit 2 ;;
esac
