#!/usr/bin/env bash
# Installs what Caf Connect needs on Debian 12 (build, run and test), skipping what is already there.
# Usage: scripts/setup-debian.sh [--tests]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config ccache git ca-certificates openssl
  libboost-dev libboost-system-dev libssl-dev libsqlite3-dev sqlite3
  libmysqlcppconn-dev libargon2-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libkainjow-mustache-dev libgd-dev libcurl4-openssl-dev libcpp-httplib-dev
)
# Node.js may come from another source than Debian (it does on the CI machines): only install
# Debian's when there is none at all.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev mariadb-server chromium python3-aiosmtpd wrk curl)
  # The fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes;
  # llvm-14 for llvm-symbolizer (readable stacks) and corpus coverage reports.
  packages+=(clang-14 libclang-rt-14-dev llvm-14)
  # The cluster chaos test (tests/cluster/, deploy/run-cluster.sh): Galera, its rsync state
  # transfer and the balancer.
  packages+=(galera-4 haproxy rsync)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'; then
  echo "warning: Node.js $(node --version) is older than 20.19, which the demo portal and the test peers need" >&2
fi

# Node packages of the demo portal, the FranceConnect stand-in and the end-to-end tests.
if [[ -f package-lock.json ]]; then
  if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
