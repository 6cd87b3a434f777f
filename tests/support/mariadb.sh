#!/usr/bin/env bash
# A throw-away MariaDB server for the storage tests: `start DIR` installs a data directory in DIR,
# starts mariadbd on 127.0.0.1 with a free port and a socket in DIR, creates a test user allowed
# to create databases and writes its URL to DIR/url; `stop DIR` shuts it down and removes the data.
# Nothing outside DIR is read or written (--no-defaults everywhere).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

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

case $action in
start)
    server=$(find_bin mariadbd mysqld) || {
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
    # Test-only durability settings: the server's data is thrown away after the run.
    setsid "$server" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
        --socket="$dir/mariadbd.sock" --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
        --bind-address=127.0.0.1 --port="$port" --skip-name-resolve --skip-log-bin \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-frm=0 \
        --innodb-file-per-table=0 --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --performance-schema=OFF \
        --innodb-lock-wait-timeout=20 --max-connections=400 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        </dev/null >"$dir/mariadbd.out" 2>&1 &
    for _ in $(seq 1 300); do
        if "$client" --no-defaults --socket="$dir/mariadbd.sock" -uroot -e "SELECT 1" >/dev/null 2>&1; then
            break
        fi
        sleep 0.1
    done
    if ! "$client" --no-defaults --socket="$dir/mariadbd.sock" -uroot -e "SELECT 1" >/dev/null 2>&1; then
        echo "mariadb.sh: mariadbd did not answer, see $dir/error.log" >&2
        tail -20 "$dir/error.log" >&2 || true
        stop_server
        exit 1
    fi
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    "$client" --no-defaults --socket="$dir/mariadbd.sock" -uroot <<SQL
CREATE USER 'caf_test'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'caf_test'@'127.0.0.1';
SQL
    echo "mysql://caf_test:$password@127.0.0.1:$port/" >"$dir/url"
    echo "mariadb.sh: MariaDB on 127.0.0.1:$port (data in $dir/data)"
    ;;
stop)
    stop_server
    rm -rf "$dir/data" "$dir/url" "$dir/mariadbd.sock"
    echo "mariadb.sh: stopped"
    ;;
*) usage ;;
esac
