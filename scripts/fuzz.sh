#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan; preset "fuzz") and runs them
# one after the other, each from its seed corpus in tests/fuzz/corpus.
#   scripts/fuzz.sh [SECONDS]  each target for SECONDS (default 300); what it finds is kept in
#                              build/fuzz/corpus/TARGET, so later runs go on from there
#   scripts/fuzz.sh --short    about 60 s in all, from the seeds alone: the run of scripts/test.sh
#   scripts/fuzz.sh --runs N   each target for N inputs, however long that takes (corpus kept as above)
#   --procs P (before the targets) splits each target's run over P processes sharing its corpus
#             (libFuzzer reloads the corpus directory, so each sees what the others found)
# Target names after the options limit the run to them (scripts/fuzz.sh --runs N --procs 2 sink_step).
# Prints runs, seconds, executions/s (all processes) and coverage per target; exits 1 if any
# process found a crash (its input is in build/fuzz/artifacts).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(reply number json_roundtrip sigv4_request sink_step batch_fsm http_reply)
usage() { echo "usage: scripts/fuzz.sh [SECONDS|--short|--runs N] [--procs P] [TARGET...]" >&2; exit 2; }
short=0
per=300
runs=100000000
procs=1
case ${1:-} in
  --short) short=1; per=$((60 / ${#targets[@]})); shift ;;
  --runs) runs=${2:-}; per=0; shift 2 || usage ;;  # per=0: libFuzzer has no time limit
  [0-9]*) per=$1; shift ;;
esac
if [[ ${1:-} == --procs ]]; then
  procs=${2:-}
  shift 2 || usage
fi
[[ $per =~ ^[0-9]+$ && $runs =~ ^[0-9]+$ && $procs =~ ^[1-9][0-9]*$ ]] || usage
if (($# > 0)); then
  for t in "$@"; do
    [[ " ${targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target $t (${targets[*]})" >&2; exit 2; }
  done
  targets=("$@")
fi

# Per-target libFuzzer options. The two state-machine targets read a bounded prefix of their
# input (sink_step: 64 events of one byte; batch_fsm: a setup byte and 128 operations of at most
# two bytes), so longer inputs are only mutation work. On sink_step the entropic schedule's
# bookkeeping took 40 % of the time, so it is off there (batch_fsm ran faster with it on).
options() {
  case $1 in
    sink_step) echo "-max_len=64 -entropic=0" ;;
    batch_fsm) echo "-max_len=257" ;;
    *) echo "-max_len=4096" ;;
  esac
}

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
  result=clean
  rm -f "$out"/logs/"$t".*.log
  start=$SECONDS
  pids=()
  # Bounded by time and by runs, whichever comes first; no forks inside libFuzzer.
  # shellcheck disable=SC2046  # options() is a list of flags
  for ((p = 0; p < procs; ++p)); do
    "$out/tests/fuzz/fuzz_$t" "$corpus" "tests/fuzz/corpus/$t" -max_total_time="$per" \
      -runs=$(((runs + procs - 1 - p) / procs)) $(options "$t") -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" >"$out/logs/$t.$p.log" 2>&1 &
    pids+=($!)
  done
  for p in "${!pids[@]}"; do
    wait "${pids[$p]}" || { result="FAILED (see $out/logs/$t.$p.log)"; status=1; }
  done
  ((short)) && rm -rf "$corpus"
  secs=$((SECONDS - start))
  done_runs=$(cat "$out"/logs/"$t".[0-9]*.log | sed -n 's/^stat::number_of_executed_units: *//p' \
    | awk '{ s += $1 } END { print s + 0 }')
  cov=$(cat "$out"/logs/"$t".[0-9]*.log | grep -o 'cov: [0-9]*' | cut -d' ' -f2 | sort -n | tail -1)
  printf '%-15s %10s %8s %8s %8s  %s\n' "$t" "$done_runs" "$secs" "$((done_runs / (secs > 0 ? secs : 1)))" \
    "${cov:-?}" "$result"
done
exit $status
