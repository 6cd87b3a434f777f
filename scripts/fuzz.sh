#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 into build-fuzz/ and runs each for
# SECONDS (default 600), one after the other, from its seed corpus (tests/fuzz/corpus/<target>,
# read only; what a run discovers goes to build-fuzz/corpus/<target>). Prints per target the
# executions, coverage (libFuzzer's cov/ft), seconds and crashes; a crash, leak, timeout or
# out-of-memory input is kept in build-fuzz/artifacts/<target>/ and makes the script exit 1.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]      (e.g. scripts/fuzz.sh 60 jws cookie)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" -DCAF_FUZZ=ON -DCAF_BUILD_TESTS=OFF -DCAF_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)"

if (( $# )); then targets=("$@"); else
  targets=()
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:print_stacktrace=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
failed=()
printf '%-16s %12s %8s %8s %8s %8s\n' target executions cov ft seconds crashes
for target in "${targets[@]}"; do
  work=build-fuzz/corpus/$target artifacts=build-fuzz/artifacts/$target
  rm -rf "$artifacts"
  mkdir -p "$work" "$artifacts"
  log=build-fuzz/$target.log
  dict=()
  [[ -f tests/fuzz/$target.dict ]] && dict=(-dict="tests/fuzz/$target.dict")
  started=$SECONDS
  status=0
  build-fuzz/tests/fuzz/fuzz_"$target" "$work" "tests/fuzz/corpus/$target" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  elapsed=$((SECONDS - started))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "$artifacts" -type f | wc -l)
  printf '%-16s %12s %8s %8s %8s %8s\n' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$elapsed" "$crashes"
  if (( status != 0 || crashes != 0 )); then
    failed+=("$target")
    grep -E -A30 '^==[0-9]+==ERROR|invariant failed|runtime error|SUMMARY' "$log" | head -60 >&2 || true
  fi
done
echo "fuzz: $(( ${#targets[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
if (( ${#failed[@]} )); then
  echo "fuzz: failures in ${failed[*]} (inputs in build-fuzz/artifacts/, logs in build-fuzz/<target>.log)" >&2
  exit 1
fi
