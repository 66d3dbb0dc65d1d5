#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz/) for a bounded time each, all four at
# once, over their seed corpora: the scenarios and test scenarios for the
# loader, --set lines for the overrides, the test traces for the routing-trace
# reader, the golden summaries for a sweep point's files, and every past crash
# in tests/data/fuzz_regressions/. Builds build-fuzz/ first (CMake preset "fuzz").
#   tools/fuzz.sh           # 60 s per target (what CI runs)
#   tools/fuzz.sh 3600      # an hour per target
# New interesting inputs collect in build-fuzz/fuzz/corpus-<target>/ (kept
# between runs); a crash, sanitizer report, leak or hang (an input taking more
# than 30 s of wall time: a busy machine needs the margin) writes
# build-fuzz/fuzz/crash-<target>-* and fails this script.
# docs/testing.md: what to do with such an input.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

if [ ! -f build-fuzz/CMakeCache.txt ]; then
  cmake --preset fuzz >/dev/null
fi
targets=(scenario overrides routing_trace sweep_point)
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

out=build-fuzz/fuzz
fuzz() {  # TARGET DICTIONARY SEED_DIR...
  local target=$1 dict=$2
  shift 2
  mkdir -p "$out/corpus-$target"
  # stdin from /dev/null: a scenario may name /dev/stdin, which must not wait for a terminal.
  "$out/fuzz_$target" "$out/corpus-$target" "$@" -dict="$dict" -max_total_time="$seconds" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/crash-$target-" \
    </dev/null >"$out/$target.log" 2>&1
}

echo "fuzz: ${targets[*]/#/fuzz_}, ${seconds} s each, at once (logs in $out/)"
declare -A pids
fuzz scenario tests/fuzz/scenario.dict scenarios tests/data tests/data/fuzz_regressions/scenario &
pids[scenario]=$!
fuzz overrides tests/fuzz/overrides.dict tests/data/fuzz_regressions/overrides &
pids[overrides]=$!
fuzz routing_trace tests/fuzz/routing_trace.dict tests/data/traces tests/data/fuzz_regressions/routing_trace &
pids[routing_trace]=$!
fuzz sweep_point tests/fuzz/sweep_point.dict tests/golden/default tests/golden/paper/gpu_only \
  tests/data/fuzz_regressions/sweep_point &
pids[sweep_point]=$!
status=0
for target in "${targets[@]}"; do
  if wait "${pids[$target]}"; then
    # libFuzzer's closing line and stats: runs, executions per second, corpus size.
    echo "fuzz_$target: $(grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|Done)' \
      "$out/$target.log" | tr '\n' ' ')"
  else
    status=1
    echo "fuzz_$target: FAILED; the end of $out/$target.log:"
    tail -n 40 "$out/$target.log"
  fi
done
exit $status
