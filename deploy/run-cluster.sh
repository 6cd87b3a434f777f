#!/usr/bin/env bash
# A runnable scale-out example on one machine (DESIGN.md "Scale-out"): a three-node MariaDB Galera
# cluster, two Caf Connect nodes on it and HAProxy in front on http://localhost:8080, every part
# on loopback ports with its state in one folder. The same shape as production, with hosts
# replaced by ports.
#
#   deploy/run-cluster.sh [DIR]      start everything (DIR defaults to a new temporary folder),
#                                    run the smoke checks, then wait; Ctrl-C stops it all
#   deploy/run-cluster.sh --check DIR   only the smoke checks, against a running cluster
#
# Needs: mariadb-server, galera-4, rsync (SST), haproxy, and a built cafconnect (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
binary=${CAFCONNECT_BINARY:-$repo/build/cafconnect}
front_port=${CLUSTER_PORT:-8080}

if [[ ${1:-} == --check ]]; then
    exec deploy/check-cluster.sh "${2:?usage: $0 --check DIR}"
fi
for tool in mariadbd mariadb-install-db haproxy rsync; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || {
        echo "run-cluster.sh: $tool missing: apt-get install mariadb-server galera-4 rsync haproxy" >&2
        exit 1
    }
done
[[ -x $binary ]] || { echo "run-cluster.sh: $binary missing: run scripts/build.sh first" >&2; exit 1; }
[[ -f /usr/lib/galera/libgalera_smm.so ]] || { echo "run-cluster.sh: galera-4 missing" >&2; exit 1; }

dir=${1:-$(mktemp -d -t cafconnect-cluster.XXXXXX)}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
export PATH=$PATH:/usr/sbin
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
user_opt=()
[[ $(id -u) -eq 0 ]] && user_opt=(--user=root)

pids=()
stop_all() {
    echo "run-cluster.sh: stopping"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

# --- MariaDB Galera: node 1 bootstraps the cluster, nodes 2 and 3 join it by rsync SST ---------
db_ports=() gcomm_ports=()
for i in 1 2 3; do db_ports+=("$(free_port)"); gcomm_ports+=("$(free_port)"); done
cluster_address="gcomm://127.0.0.1:${gcomm_ports[0]},127.0.0.1:${gcomm_ports[1]},127.0.0.1:${gcomm_ports[2]}"

start_db_node() {
    local i=$1 bootstrap=${2:-}
    local node=$dir/db$i port=${db_ports[$((i - 1))]} gcomm=${gcomm_ports[$((i - 1))]}
    mkdir -p "$node"
    if [[ -n $bootstrap ]]; then
        [[ -d $node/data/mysql ]] || mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$node/data" \
            --auth-root-authentication-method=normal --skip-test-db >"$node/install.log" 2>&1
    else
        # A joiner receives its data by rsync SST; run as root, the rsync daemon writes as nobody.
        mkdir -p "$node/data"
        if [[ $(id -u) -eq 0 ]]; then chmod 711 "$dir" "$node"; chown nobody "$node/data"; fi
    fi
    setsid mariadbd --no-defaults "${user_opt[@]}" --datadir="$node/data" --socket="$node/mariadbd.sock" \
        --pid-file="$node/mariadbd.pid" --log-error="$node/error.log" --bind-address=127.0.0.1 --port="$port" \
        --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        --innodb-buffer-pool-size=64M --performance-schema=OFF --max-connections=200 \
        --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
        --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=cafconnect \
        --wsrep-cluster-address="$cluster_address" --wsrep-node-name="db$i" \
        --wsrep-node-address="127.0.0.1:$gcomm" \
        --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gcomm;ist.recv_addr=127.0.0.1:$(free_port)" \
        --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$(free_port)" \
        $bootstrap </dev/null >"$node/mariadbd.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 600); do
        if mariadb --no-defaults --socket="$node/mariadbd.sock" -uroot -N \
            -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | grep -q Synced; then
            echo "run-cluster.sh: db$i synced on 127.0.0.1:$port"
            return 0
        fi
        sleep 0.2
    done
    echo "run-cluster.sh: db$i did not join the cluster, see $node/error.log" >&2
    tail -20 "$node/error.log" >&2
    exit 1
}
start_db_node 1 --wsrep-new-cluster
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
mariadb --no-defaults --socket="$dir/db1/mariadbd.sock" -uroot <<SQL
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
app_ports=("$(free_port)" "$(free_port)")
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
        "${CLUSTER_BASE_CONFIG:-config/dev.toml}" >"$dir/app$i.toml"
done
grep -q '^demo_accounts' "$dir/app1.toml" && { echo "run-cluster.sh: dev.toml changed shape" >&2; exit 1; }
# Migrations and the first signing keys from one node only (GET_LOCK is not shared by Galera).
"$binary" migrate --config "$dir/app1.toml" >"$dir/migrate.log"
"$binary" keys list --config "$dir/app1.toml" >/dev/null
"$binary" import --config "$dir/app1.toml" examples/demo-accounts.jsonl >"$dir/import.log"
for i in 1 2; do
    "$binary" serve --config "$dir/app$i.toml" >"$dir/app$i.out" 2>"$dir/app$i.err" &
    pids+=($!)
done
for i in 1 2; do
    for _ in $(seq 1 200); do
        curl -fsS "http://127.0.0.1:${app_ports[$((i - 1))]}/readyz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fsS "http://127.0.0.1:${app_ports[$((i - 1))]}/readyz" >/dev/null ||
        { echo "run-cluster.sh: app$i not ready, see $dir/app$i.err" >&2; exit 1; }
done

# --- HAProxy in front: round robin, health by /readyz ------------------------------------------
sed -e "s|@FRONT_PORT@|$front_port|" -e "s|@APP1@|127.0.0.1:${app_ports[0]}|" -e "s|@APP2@|127.0.0.1:${app_ports[1]}|" \
    deploy/haproxy.cfg.in >"$dir/haproxy.cfg"
haproxy -W -f "$dir/haproxy.cfg" >"$dir/haproxy.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$front_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

cat >"$dir/cluster.env" <<ENV
FRONT_URL=http://127.0.0.1:$front_port
APP1_URL=http://127.0.0.1:${app_ports[0]}
APP2_URL=http://127.0.0.1:${app_ports[1]}
DB_SOCKETS="$dir/db1/mariadbd.sock $dir/db2/mariadbd.sock $dir/db3/mariadbd.sock"
ENV
deploy/check-cluster.sh "$dir"
echo "run-cluster.sh: Caf Connect on http://localhost:$front_port (2 nodes, 3 Galera nodes); state in $dir; Ctrl-C stops"
if [[ -n ${CLUSTER_EXIT_AFTER_CHECK:-} ]]; then exit 0; fi
wait
