#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs every test (unit, store
# conformance on SQLite and on a MariaDB server the tests start themselves, integration over real
# HTTP, end-to-end with real OIDC peers and headless Chromium). Ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --tests
scripts/build.sh -DCAF_WERROR=ON -DCAF_BUILD_TESTS=ON -DCAF_BUILD_BENCH=ON
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)"
