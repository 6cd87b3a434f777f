#!/usr/bin/env bash
# A throw-away MariaDB server for the storage tests: `start DIR` installs a data directory in DIR,
# starts mariadbd on 127.0.0.1 with a free port and a socket in DIR, creates a test user allowed
# to create databases and writes its URL to DIR/url; `stop DIR` shuts it down and removes the data.
# For the fault tests: `start DIR --durable` keeps production's durability (every commit on disk,
# doublewrite), `kill DIR` kills the server with SIGKILL, and `restart DIR` starts it again on the
# same data and port. Nothing outside DIR is read or written (--no-defaults everywhere).
set -euo pipefail

usage() { echo "usage: $0 start DIR [--durable] | stop DIR | kill DIR | restart DIR" >&2; exit 2; }
[[ $# -ge 2 && $# -le 3 ]] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
durable=${3:-}
[[ -z $durable || ($action == start && $durable == --durable) ]] || usage

find_bin() {
    local name
    for name in "$@"; do
        if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
        if [[ -x /usr/sbin/$name ]]; then echo "/usr/sbin/$name"; return 0; fi
    done
    return 1
}

stop_server() {
    local pid_file=$dir/mariadbd.pid
    [[ -f $pid_file ]] || return 0
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
        if admin=$(find_bin mariadb-admin mysqladmin); then
            "$admin" --no-defaults --socket="$dir/mariadbd.sock" -uroot shutdown >/dev/null 2>&1 || true
        fi
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; sleep 1; fi
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$pid_file"
}

# Starts mariadbd on DIR's data and port (DIR/port, DIR/durability) and waits until it answers.
launch_server() {
    local server client durability_opts
    server=$(find_bin mariadbd mysqld) || { echo "mariadb.sh: mariadbd not found" >&2; exit 1; }
    client=$(find_bin mariadb mysql) || { echo "mariadb.sh: mariadb client not found" >&2; exit 1; }
    local user_opt=()
    [[ $(id -u) -eq 0 ]] && user_opt=(--user=root)  # mariadbd refuses to run as root otherwise
    if [[ $(cat "$dir/durability") == durable ]]; then
        durability_opts=(--innodb-flush-log-at-trx-commit=1 --sync-binlog=0)
    else
        durability_opts=(--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-frm=0)
    fi
    setsid "$server" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
        --socket="$dir/mariadbd.sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
        --bind-address=127.0.0.1 --port="$(cat "$dir/port")" --skip-name-resolve --skip-log-bin \
        "${durability_opts[@]}" \
        --innodb-file-per-table=0 --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --performance-schema=OFF \
        --innodb-lock-wait-timeout=20 --max-connections=400 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        </dev/null >>"$dir/mariadbd.out" 2>&1 &
    for _ in $(seq 1 300); do
        if "$client" --no-defaults --socket="$dir/mariadbd.sock" -uroot -e "SELECT 1" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    echo "mariadb.sh: mariadbd did not answer, see $dir/error.log" >&2
    tail -20 "$dir/error.log" >&2 || true
    stop_server
    exit 1
}

case $action in
start)
    find_bin mariadbd mysqld >/dev/null || {
        echo "mariadb.sh: mariadbd not found: install mariadb-server (apt-get install mariadb-server)" >&2
        exit 1
    }
    install_db=$(find_bin mariadb-install-db mysql_install_db) || {
        echo "mariadb.sh: mariadb-install-db not found: install mariadb-server" >&2
        exit 1
    }
    client=$(find_bin mariadb mysql) || { echo "mariadb.sh: mariadb client not found" >&2; exit 1; }
    stop_server  # a server left over from an interrupted run
    rm -rf "$dir/data" "$dir/url"
    user_opt=()
    [[ $(id -u) -eq 0 ]] && user_opt=(--user=root)  # mariadbd refuses to run as root otherwise

    "$install_db" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 || {
        echo "mariadb.sh: mariadb-install-db failed, see $dir/install.log" >&2
        tail -20 "$dir/install.log" >&2
        exit 1
    }

    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    # Test-only durability settings unless --durable: the server's data is thrown away after the run.
    if [[ -n $durable ]]; then echo durable >"$dir/durability"; else echo fast >"$dir/durability"; fi
    launch_server
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    "$client" --no-defaults --socket="$dir/mariadbd.sock" -uroot <<SQL
CREATE USER 'caf_test'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'caf_test'@'127.0.0.1';
SQL
    echo "mysql://caf_test:$password@127.0.0.1:$port/" >"$dir/url"
    echo "mariadb.sh: MariaDB on 127.0.0.1:$port (data in $dir/data)"
    ;;
kill)
    # A crash: no shutdown, no flush; the pid file stays as the crashed server left it.
    [[ -f $dir/mariadbd.pid ]] && kill -KILL "$(cat "$dir/mariadbd.pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do
        [[ -f $dir/mariadbd.pid ]] && kill -0 "$(cat "$dir/mariadbd.pid")" 2>/dev/null || break
        sleep 0.05
    done
    echo "mariadb.sh: killed"
    ;;
restart)
    [[ -f $dir/port && -d $dir/data ]] || { echo "mariadb.sh: nothing to restart in $dir" >&2; exit 1; }
    rm -f "$dir/mariadbd.pid"
    launch_server
    echo "mariadb.sh: MariaDB restarted on 127.0.0.1:$(cat "$dir/port")"
    ;;
stop)
    stop_server
    rm -rf "$dir/data" "$dir/url" "$dir/port" "$dir/durability" "$dir/mariadbd.sock"
    echo "mariadb.sh: stopped"
    ;;
*) usage ;;
esac
