#!/usr/bin/env bash
# Golden results: every shipped scenario's result files, compared byte for byte
# with the copies committed under tests/golden/ (runs are deterministic, so any
# difference is a change of behaviour). docs/testing.md#golden-results.
#
#   tools/golden.sh check   [SCENARIO.yaml ...]   compare (default: every scenario under scenarios/)
#   tools/golden.sh refresh [SCENARIO.yaml ...]   rewrite the committed copies from this build
#   tools/golden.sh list                          the scenarios that have (or need) a golden copy
#
# Options (before the command): --binary PATH (default build/cxlvp, or $CXLVP).
# A commit that refreshes golden copies says which scenarios changed and why.
#
# What is kept, per scenario (tests/golden/<path under scenarios/ without .yaml>/):
#   summary.json routes.csv jobs.csv devices.csv links.csv batches.csv   (cxlvp run --quiet)
#   sweep.csv                       when the scenario has a sweep: block (cxlvp sweep -j 2)
#   transactions.sha256             for the scenarios in $logged: the --transactions log's
#                                   SHA-256 and line count (the log itself is tens of MB)
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${CXLVP:-build/cxlvp}
if [ "${1:-}" = "--binary" ]; then
  binary=$2
  shift 2
fi
command=${1:-}
[ $# -gt 0 ] && shift
logged=" scenarios/default.yaml scenarios/studies/ndp_rtl.yaml "
files=(summary.json routes.csv jobs.csv devices.csv links.csv batches.csv)

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

all_scenarios() { find scenarios -name '*.yaml' | LC_ALL=C sort; }

# The folder under tests/golden/ of a scenario path (scenarios/paper/x.yaml -> tests/golden/paper/x).
golden_dir() {
  local rel=${1#scenarios/}
  echo "tests/golden/${rel%.yaml}"
}

# Runs one scenario into $2 the way the golden copies were made.
produce() {
  local scenario=$1 out=$2
  rm -rf "$out"
  mkdir -p "$out"
  local log_args=()
  case "$logged" in *" $scenario "*) log_args=(--transactions "$out/transactions.csv") ;; esac
  if ! "$binary" run "$scenario" --quiet --out "$out/run" "${log_args[@]}" >"$out/run.log" 2>&1; then
    echo "golden: $scenario: cxlvp run failed:" >&2
    cat "$out/run.log" >&2
    return 1
  fi
  for f in "${files[@]}"; do mv "$out/run/$f" "$out/$f"; done
  if [ ${#log_args[@]} -gt 0 ]; then
    printf '%s %s lines\n' "$(sha256sum <"$out/transactions.csv" | cut -d' ' -f1)" \
      "$(wc -l <"$out/transactions.csv")" >"$out/transactions.sha256"
    rm "$out/transactions.csv"
  fi
  if grep -q '^sweep:' "$scenario"; then
    if ! "$binary" sweep "$scenario" -j 2 --out "$out/sweep" >"$out/sweep.log" 2>&1; then
      echo "golden: $scenario: cxlvp sweep failed:" >&2
      cat "$out/sweep.log" >&2
      return 1
    fi
    mv "$out/sweep/sweep.csv" "$out/sweep.csv"
  fi
  rm -rf "$out/run" "$out/sweep" "$out/run.log" "$out/sweep.log"
}

[ -n "$command" ] || usage
case "$command" in
  list)
    all_scenarios
    exit 0
    ;;
  check | refresh) ;;
  *) usage ;;
esac
[ -x "$binary" ] || { echo "golden: no cxlvp binary at $binary (build first, or pass --binary)" >&2; exit 2; }

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || mapfile -t scenarios < <(all_scenarios)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cxlvp_golden.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failed=0
for scenario in "${scenarios[@]}"; do
  [ -f "$scenario" ] || { echo "golden: no such scenario: $scenario" >&2; exit 2; }
  fresh="$scratch/$(golden_dir "$scenario")"
  produce "$scenario" "$fresh" || { failed=1; continue; }
  kept=$(golden_dir "$scenario")
  if [ "$command" = refresh ]; then
    rm -rf "$kept"
    mkdir -p "$(dirname "$kept")"
    cp -r "$fresh" "$kept"
    echo "golden: refreshed $kept"
  elif [ ! -d "$kept" ]; then
    echo "golden: $scenario has no golden copy in $kept (tools/golden.sh refresh $scenario)" >&2
    failed=1
  elif ! diff -r -q "$kept" "$fresh" >/dev/null; then
    echo "golden: $scenario differs from $kept:" >&2
    diff -r -u "$kept" "$fresh" | head -n 40 >&2 || true
    failed=1
  else
    echo "golden: $scenario matches"
  fi
done
exit $failed
