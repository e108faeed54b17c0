#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan, in build-fuzz/) and runs each for a bounded time.
#
#   scripts/fuzz.sh                      every target, 60 s each
#   scripts/fuzz.sh --seconds 600        longer, by hand
#   scripts/fuzz.sh --jobs 2 fuzz_plan_file fuzz_journal
#
# Each target starts from its committed seeds (tests/fuzz/corpus/<target>/: valid examples, malformed inputs and the
# regression input of every finding fixed so far) plus what earlier runs on this machine found interesting
# (build-fuzz/corpus/<target>/, not committed). A crash, a sanitizer report, a hang (no answer within --timeout
# seconds for one input) or a runaway allocation is a finding: the input is kept under build-fuzz/findings/<target>/,
# the run goes on with the other targets, and the script exits 1. To replay one: build-fuzz/tests/fuzz/<target> FILE.
# A fixed finding's input belongs in tests/fuzz/corpus/<target>/, so every later run replays it first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

seconds=60
jobs=1
timeout=10
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is missing: run scripts/setup.sh (as root) first" >&2
  exit 1
fi

build=build-fuzz
if [[ ! -f $build/CMakeCache.txt ]]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DTRUSTCTL_FUZZ=ON "${launcher[@]}" >/dev/null
fi
cmake --build "$build" -j "$(nproc)" --target fuzz_targets

if ((${#targets[@]} == 0)); then
  for source in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

# One target: its stderr goes to a log; the summary line is read from libFuzzer's final stats.
run_one() {
  local target="$1"
  local binary="$build/tests/fuzz/$target" work="$build/corpus/$target" findings="$build/findings/$target"
  local log="$build/logs/$target.log"
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  if [[ ! -x $binary ]]; then
    echo "$target: no such fuzz target ($binary)" >"$log.summary"
    return 1
  fi
  local status=0 dict=()
  [[ -f tests/fuzz/dict/$target.dict ]] && dict=(-dict="tests/fuzz/dict/$target.dict")
  # The malformed-input corpus of the end-to-end test seeds the reader it damages.
  local seeds=("tests/fuzz/corpus/$target")
  case "$target" in
    fuzz_site_loader) seeds+=(tests/e2e/data/malformed/sites) ;;
    fuzz_plan_file) seeds+=(tests/e2e/data/malformed/plans) ;;
    fuzz_certificate) seeds+=(tests/e2e/data/malformed/certificates) ;;
    fuzz_journal) seeds+=(tests/e2e/data/malformed/journal) ;;
    fuzz_state_lock) seeds+=(tests/e2e/data/malformed/lock) ;;
    fuzz_managed_record) seeds+=(tests/e2e/data/malformed/managed) ;;
    fuzz_tls_pins) seeds+=(tests/e2e/data/malformed/pins) ;;
  esac
  # Detected leaks are findings too; -rss_limit_mb bounds a runaway allocation well below the machine's memory.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
    "$binary" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    "${dict[@]}" -artifact_prefix="$findings/" "$work" "${seeds[@]}" >"$log" 2>&1 || status=$?
  local execs corpus
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  corpus="$(find "$work" -type f | wc -l)"
  if ((status == 0)); then
    echo "$target: ${execs:-?} executions in ${seconds} s, corpus $corpus inputs, no findings" >"$log.summary"
  else
    local artifact
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    {
      echo "$target: FINDING after ${execs:-?} executions (exit $status): ${artifact:-see $log}"
      grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|==ERROR' "$log" | sed 's/^/    /' || true
    } >"$log.summary"
  fi
  return "$status"
}

failed=0
pids=()
names=()
for target in "${targets[@]}"; do
  run_one "$target" &
  pids+=($!)
  names+=("$target")
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed=1
    cat "$build/logs/${names[0]}.log.summary"
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed=1
  cat "$build/logs/${names[$i]}.log.summary"
done

if ((failed)); then
  echo "fuzz: findings above; inputs under $build/findings/, full logs under $build/logs/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"
