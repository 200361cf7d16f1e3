#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan; preset "fuzz") and runs them
# one after the other, each from its seed corpus in tests/fuzz/corpus.
#   scripts/fuzz.sh [SECONDS]  each target for SECONDS (default 300); what it finds is kept in
#                              build/fuzz/corpus/TARGET, so later runs go on from there
#   scripts/fuzz.sh --short    about 60 s in all, from the seeds alone: the run of scripts/test.sh
#   scripts/fuzz.sh --runs N   each target for N inputs, however long that takes (corpus kept as above)
# Target names after the first argument limit the run to them (scripts/fuzz.sh --runs N sink_step).
# Prints runs, executions/s and coverage per target; exits 1 if any target found a crash (its
# input is in build/fuzz/artifacts).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(reply number json_roundtrip sigv4_request sink_step batch_fsm)
short=0
per=${1:-300}
runs=100000000
if [[ $per == --short ]]; then
  short=1
  per=$((60 / ${#targets[@]}))
elif [[ $per == --runs ]]; then
  runs=${2:-}
  per=0  # libFuzzer: no time limit
  shift
fi
(($# > 0)) && shift
if (($# > 0)); then
  for t in "$@"; do
    [[ " ${targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target $t (${targets[*]})" >&2; exit 2; }
  done
  targets=("$@")
fi
[[ $per =~ ^[0-9]+$ && $runs =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS|--short|--runs N]" >&2; exit 2; }

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${DYNASIO_JOBS:-$(nproc)}" >/dev/null
out=build/fuzz
mkdir -p "$out/artifacts" "$out/logs"
status=0
printf '%-15s %10s %8s %8s %8s  %s\n' target runs seconds exec/s cov result
for t in "${targets[@]}"; do
  if ((short)); then
    corpus=$(mktemp -d)
  else
    corpus=$out/corpus/$t
    mkdir -p "$corpus"
  fi
  log=$out/logs/$t.log
  result=clean
  # Bounded by time and by runs, whichever comes first; one process, no forks.
  "$out/tests/fuzz/fuzz_$t" "$corpus" "tests/fuzz/corpus/$t" -max_total_time="$per" -runs="$runs" \
    -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
    >"$log" 2>&1 || { result="FAILED (see $log)"; status=1; }
  ((short)) && rm -rf "$corpus"
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-15s %10s %8s %8s %8s  %s\n' "$t" "${done_runs:-?}" "${secs:-?}" "${speed:-?}" "${cov:-?}" "$result"
done
exit $status
