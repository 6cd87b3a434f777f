#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs every test (unit, store
# conformance on SQLite and on a MariaDB server the tests start themselves, integration over real
# HTTP, end-to-end with real OIDC peers and headless Chromium), all under AddressSanitizer and
# UndefinedBehaviorSanitizer, from one build in build-sanitize/ (build/ stays the Release build of
# scripts/build.sh and scripts/run-dev.sh). Then a short run of every fuzz target
# (scripts/fuzz.sh). Ends with CTest's summary and the fuzz figures.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --tests

# -O1 -g1: what the sanitizers recommend (readable stacks with lines), and quicker to compile
# than -O2 on a 2-core machine.
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCAF_SANITIZE=ON -DCAF_WERROR=ON -DCAF_BUILD_TESTS=ON -DCAF_BUILD_BENCH=ON >/dev/null
cmake --build build-sanitize -j"$(nproc)"

# Every report aborts the process that makes it, and is written to build-sanitize/sanitizer/:
# the cafconnect servers the integration and end-to-end tests start are children whose exit
# status no test reads, so the pass fails on any report file, whatever CTest says.
# LeakSanitizer runs at the exit of every test process.
reports=$PWD/build-sanitize/sanitizer
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:print_stacktrace=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
status=0
(cd build-sanitize && ctest --output-on-failure --timeout 600 -j"$(nproc)") 2>&1 | tee build-sanitize/ctest.log || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  for report in "$reports"/*; do echo "== $report" >&2; cat "$report" >&2; done
  status=1
fi
unset ASAN_OPTIONS UBSAN_OPTIONS
(( status == 0 )) || exit "$status"

# A short run of every fuzz target from its seed corpus: the corpus still passes, and a few
# seconds of mutation each (scripts/fuzz.sh 600 for a real run).
scripts/fuzz.sh 12

# The closing line of the whole run (the fuzz figures print after CTest's own summary).
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' build-sanitize/ctest.log | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$summary")
echo "tests: $(( total - failed )) passed, $failed failed"
