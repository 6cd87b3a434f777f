#!/usr/bin/env bash
# A runnable scale-out example on one machine (DESIGN.md "Scale-out"): a three-node MariaDB Galera
# cluster, two Caf Connect nodes on it and HAProxy in front on http://localhost:8080, every part
# on loopback ports with its state in one folder. The same shape as production, with hosts
# replaced by ports.
#
#   deploy/run-cluster.sh [DIR]             start everything (DIR defaults to a new temporary
#                                           folder), run the smoke checks, then wait; Ctrl-C stops
#   deploy/run-cluster.sh --check DIR       only the smoke checks, against a running cluster
#   deploy/run-cluster.sh --start-db DIR N  (re)start database node N (1-3) of a running cluster,
#                                           e.g. after a kill -9, and wait until it is Synced
#   deploy/run-cluster.sh --start-app DIR N (re)start Caf Connect node N (1-2), wait until ready
#   deploy/run-cluster.sh --stop DIR        stop every process the cluster in DIR started
#
# Needs: mariadb-server, galera-4, rsync (SST), haproxy, and a built cafconnect (scripts/build.sh).
# Environment: CAFCONNECT_BINARY, CLUSTER_PORT (balancer, default 8080), CLUSTER_BASE_CONFIG
# (default config/dev.toml), CLUSTER_CONFIG_SED (a sed script applied last to each node's
# configuration, e.g. for tests), CLUSTER_EXIT_AFTER_CHECK=1 (stop after the checks),
# CLUSTER_DETACH=1 (leave the cluster running after the checks; stop it with --stop).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
binary=${CAFCONNECT_BINARY:-$repo/build/cafconnect}
export PATH=$PATH:/usr/sbin
user_opt=()
[[ $(id -u) -eq 0 ]] && user_opt=(--user=root)
log() { echo "run-cluster.sh: $*"; }
die() { echo "run-cluster.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Every process is recorded in DIR/pids/NAME.pid, so any invocation (the first one, --stop, a
# test that restarts a node) can find and stop it.
record_pid() { mkdir -p "$dir/pids"; echo "$2" >"$dir/pids/$1.pid"; }
stop_all() {
    [[ -d $dir/pids ]] || return 0
    log "stopping"
    local f pid
    for f in "$dir"/pids/*.pid; do
        [[ -e $f ]] || continue
        pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
        local alive=0
        for f in "$dir"/pids/*.pid; do
            [[ -e $f ]] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for f in "$dir"/pids/*.pid; do
        [[ -e $f ]] || continue
        kill -KILL "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
}

load_state() {
    [[ -f $dir/cluster.state ]] || die "$dir is not a cluster folder (no cluster.state)"
    # shellcheck source=/dev/null
    source "$dir/cluster.state"
}

# --- MariaDB Galera: node 1 bootstraps the cluster, nodes 2 and 3 join it (rsync SST, or IST
# from the other nodes' gcache when a node comes back with its data) -----------------------------
db_socket() { echo "$dir/db$1/mariadbd.sock"; }
db_synced() {
    mariadb --no-defaults --socket="$(db_socket "$1")" -uroot -N \
        -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | grep -q Synced
}
start_db_node() {
    local i=$1 bootstrap=${2:-}
    local node=$dir/db$i port=${db_ports[$((i - 1))]} gcomm=${gcomm_ports[$((i - 1))]}
    local ist=${ist_ports[$((i - 1))]} sst=${sst_ports[$((i - 1))]}
    local start_position=()
    # What the server and its --wsrep-recover run share.
    local server_opts=(--no-defaults "${user_opt[@]}" --datadir="$node/data"
        --innodb-buffer-pool-size=64M --performance-schema=OFF
        --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2
        --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=cafconnect
        --wsrep-cluster-address="$cluster_address" --wsrep-sst-method=rsync)
    mkdir -p "$node"
    if [[ -n $bootstrap ]]; then
        [[ -d $node/data/mysql ]] || mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$node/data" \
            --auth-root-authentication-method=normal --skip-test-db >"$node/install.log" 2>&1
    elif [[ -d $node/data/mysql ]]; then
        # Back after a crash: recover the last committed position from InnoDB (what mysqld_safe
        # and the systemd unit do), so the node asks for an incremental transfer (IST).
        mariadbd --no-defaults "${user_opt[@]}" --datadir="$node/data" --log-error="$node/recover.log" \
            --skip-networking --socket="$node/recover.sock" --pid-file="$node/recover.pid" \
            "${server_opts[@]}" --wsrep-recover >>"$node/recover.log" 2>&1 || true
        local position
        position=$(sed -n 's/.*WSREP: Recovered position: \([^ ]*\).*/\1/p' "$node/recover.log" 2>/dev/null | tail -1)
        [[ -n $position && $position != *:-1 ]] && start_position=(--wsrep-start-position="$position")
        # Should the donor's gcache no longer hold the gap, a full SST follows: same rule as below.
        if [[ $(id -u) -eq 0 ]]; then chown -R nobody "$node/data"; fi
    else
        # A joiner receives its data by rsync SST; run as root, the rsync daemon writes as nobody.
        mkdir -p "$node/data"
        if [[ $(id -u) -eq 0 ]]; then chmod 711 "$dir" "$node"; chown nobody "$node/data"; fi
    fi
    setsid mariadbd "${server_opts[@]}" --socket="$node/mariadbd.sock" \
        --pid-file="$node/mariadbd.pid" --log-error="$node/error.log" --bind-address=127.0.0.1 --port="$port" \
        --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_bin --max-connections=200 \
        --wsrep-node-name="db$i" --wsrep-node-address="127.0.0.1:$gcomm" \
        --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gcomm;ist.recv_addr=127.0.0.1:$ist;gcache.size=256M" \
        --wsrep-sst-receive-address="127.0.0.1:$sst" \
        "${start_position[@]}" $bootstrap </dev/null >>"$node/mariadbd.out" 2>&1 &
    record_pid "db$i" $!
    for _ in $(seq 1 900); do
        if db_synced "$i"; then
            log "db$i synced on 127.0.0.1:$port${start_position:+ (from ${start_position#*=})}"
            return 0
        fi
        kill -0 "$(cat "$dir/pids/db$i.pid")" 2>/dev/null || break
        sleep 0.2
    done
    echo "run-cluster.sh: db$i did not join the cluster, see $node/error.log" >&2
    tail -20 "$node/error.log" >&2
    exit 1
}

# --- Caf Connect ------------------------------------------------------------------------------
app_url() { echo "http://127.0.0.1:${app_ports[$(($1 - 1))]}"; }
spawn_app_node() {
    local i=$1
    setsid "$binary" serve --config "$dir/app$i.toml" >>"$dir/app$i.out" 2>>"$dir/app$i.err" </dev/null &
    record_pid "app$i" $!
}
wait_app_ready() {
    local i=$1
    for _ in $(seq 1 600); do
        curl -fsS "$(app_url "$i")/readyz" >/dev/null 2>&1 && { log "app$i ready on $(app_url "$i")"; return 0; }
        kill -0 "$(cat "$dir/pids/app$i.pid")" 2>/dev/null || break
        sleep 0.1
    done
    tail -5 "$dir/app$i.err" >&2
    die "app$i not ready, see $dir/app$i.err"
}

case ${1:-} in
    --check)
        exec deploy/check-cluster.sh "${2:?usage: $0 --check DIR}" ;;
    --stop)
        dir=${2:?usage: $0 --stop DIR}; stop_all; exit 0 ;;
    --start-db)
        dir=${2:?usage: $0 --start-db DIR N}; load_state; start_db_node "${3:?node 1-3}"; exit 0 ;;
    --start-app)
        dir=${2:?usage: $0 --start-app DIR N}; load_state; spawn_app_node "${3:?node 1-2}"; wait_app_ready "$3"; exit 0 ;;
    --*) die "unknown option $1" ;;
esac

for tool in mariadbd mariadb-install-db haproxy rsync; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool missing: apt-get install mariadb-server galera-4 rsync haproxy"
done
[[ -x $binary ]] || die "$binary missing: run scripts/build.sh first"
[[ -f /usr/lib/galera/libgalera_smm.so ]] || die "galera-4 missing"

dir=${1:-$(mktemp -d -t cafconnect-cluster.XXXXXX)}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
front_port=${CLUSTER_PORT:-8080}
trap stop_all EXIT
trap 'exit 130' INT TERM

db_ports=() gcomm_ports=() ist_ports=() sst_ports=()
for i in 1 2 3; do
    db_ports+=("$(free_port)") gcomm_ports+=("$(free_port)") ist_ports+=("$(free_port)") sst_ports+=("$(free_port)")
done
app_ports=("$(free_port)" "$(free_port)")
cluster_address="gcomm://127.0.0.1:${gcomm_ports[0]},127.0.0.1:${gcomm_ports[1]},127.0.0.1:${gcomm_ports[2]}"
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
# What --start-db / --start-app need to bring a node back on the same ports.
cat >"$dir/cluster.state" <<STATE
db_ports=(${db_ports[*]}) gcomm_ports=(${gcomm_ports[*]}) ist_ports=(${ist_ports[*]}) sst_ports=(${sst_ports[*]})
app_ports=(${app_ports[*]}) front_port=$front_port cluster_address=$cluster_address
binary=$binary
STATE

start_db_node 1 --wsrep-new-cluster
mariadb --no-defaults --socket="$(db_socket 1)" -uroot <<SQL
CREATE DATABASE cafconnect CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'cafconnect'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON cafconnect.* TO 'cafconnect'@'127.0.0.1';
SQL
start_db_node 2
start_db_node 3

# --- Caf Connect: one configuration per node, the same data keys and signing keys -------------
umask 077
[[ -f $dir/data-keys ]] || openssl rand -hex 64 >"$dir/data-keys"
umask 022
sed_extra=()
[[ -n ${CLUSTER_CONFIG_SED:-} ]] && sed_extra=(-e "$CLUSTER_CONFIG_SED")
for i in 1 2; do
    # Node i talks to database node i (any node accepts writes); the issuer is the balancer's URL.
    sed -e "s|^listen = .*|listen = \"127.0.0.1:${app_ports[$((i - 1))]}\"|" \
        -e "s|^issuer = .*|issuer = \"http://localhost:$front_port\"|" \
        -e "s|^url = \"sqlite:.*|url = \"mysql://cafconnect:$password@127.0.0.1:${db_ports[$((i - 1))]}/cafconnect\"|" \
        -e "s|^keys_dir = .*|keys_dir = \"$dir/keys\"|" \
        -e "s|^data_keys_file = .*|data_keys_file = \"$dir/data-keys\"|" \
        -e "s|^generate_missing = .*|generate_missing = false|" \
        -e "s|^outbox = .*|outbox = \"$dir/outbox.jsonl\"|" \
        -e "s|^access_log = .*|access_log = \"$dir/app$i-access.log\"|" \
        -e "s|^demo_accounts = .*|# demo accounts imported once by run-cluster.sh|" \
        -e "s|^\[server\]|[server]\ntrusted_proxies = [\"127.0.0.1\"]|" \
        "${sed_extra[@]}" \
        "${CLUSTER_BASE_CONFIG:-config/dev.toml}" >"$dir/app$i.toml"
done
grep -q '^demo_accounts' "$dir/app1.toml" && die "dev.toml changed shape"
# The signing keys are files in the shared keys_dir: made once, before two nodes could race.
"$binary" keys list --config "$dir/app1.toml" >/dev/null
# Both nodes start at once and migrate the empty database themselves: the migration lock is a
# replicated row (storage/migrations.cpp), so exactly one applies each version.
for i in 1 2; do spawn_app_node "$i"; done
for i in 1 2; do wait_app_ready "$i"; done
for i in 1 2; do
    log "app$i: $(grep -o 'schema: [0-9]* migration(s) applied by this process' "$dir/app$i.out" "$dir/app$i.err" 2>/dev/null | head -1 | cut -d: -f2-)"
done
"$binary" import --config "$dir/app1.toml" examples/demo-accounts.jsonl >"$dir/import.log"

# --- HAProxy in front: round robin, health by /readyz ------------------------------------------
sed -e "s|@FRONT_PORT@|$front_port|" -e "s|@APP1@|127.0.0.1:${app_ports[0]}|" -e "s|@APP2@|127.0.0.1:${app_ports[1]}|" \
    deploy/haproxy.cfg.in >"$dir/haproxy.cfg"
setsid haproxy -W -f "$dir/haproxy.cfg" >"$dir/haproxy.out" 2>&1 </dev/null &
record_pid haproxy $!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$front_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

cat >"$dir/cluster.env" <<ENV
FRONT_URL=http://127.0.0.1:$front_port
ISSUER=http://localhost:$front_port
APP1_URL=$(app_url 1)
APP2_URL=$(app_url 2)
DB_SOCKETS="$(db_socket 1) $(db_socket 2) $(db_socket 3)"
DB_PORTS="${db_ports[*]}"
DB_PASSWORD=$password
ENV
deploy/check-cluster.sh "$dir"
log "Caf Connect on http://localhost:$front_port (2 nodes, 3 Galera nodes); state in $dir"
if [[ -n ${CLUSTER_EXIT_AFTER_CHECK:-} ]]; then exit 0; fi
if [[ -n ${CLUSTER_DETACH:-} ]]; then trap - EXIT; log "left running: $0 --stop $dir stops it"; exit 0; fi
log "Ctrl-C stops"
while true; do sleep 1; done
