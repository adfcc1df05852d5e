#!/usr/bin/env bash
# Runs every criterion benchmark group in one `cargo bench`, then the interleaved peer comparison
# (benches/compare, its own package), then writes benches/REPORT.md and the table between the
# perf-table markers of docs/PERFORMANCE.md (see benches/report.py).
#
#   benches/report.sh [CRITERION ARGS...]   e.g. --measurement-time 5, or a filter like sign_get
#
#   SIGV4_BENCH_QUICK=1   a short run for trying the script out (criterion: 0.2 s warm-up, 0.5 s,
#                         10 samples; the comparison: its --quick)
#   SIGV4_REPORT_ONLY=1   no benchmarks: rewrite the report from the last run's results
#   SIGV4_BENCH_WARM_UP, SIGV4_BENCH_MEASUREMENT (seconds), SIGV4_BENCH_SAMPLES: criterion's
#   defaults (1 s, 2 s, 40 samples; the streaming group takes 10 samples of 3 s)
#   SIGV4_COMPARE=0       skip the peer comparison (the report then says it did not run)
#   SIGV4_COMPARE_FILTER, SIGV4_COMPARE_ROUNDS, SIGV4_COMPARE_BATCH_MS: the comparison's workloads
#   (comma-separated ids), rounds and batch time (see benches/compare/benches/compare/main.rs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

args=("$@")
command="benches/report.sh${*:+ $*}"
for var in SIGV4_BENCH_QUICK SIGV4_BENCH_WARM_UP SIGV4_BENCH_MEASUREMENT SIGV4_BENCH_SAMPLES \
  SIGV4_COMPARE SIGV4_COMPARE_FILTER SIGV4_COMPARE_ROUNDS SIGV4_COMPARE_BATCH_MS; do
  if [[ -n ${!var:-} ]]; then command="$var=${!var} $command"; fi
done
compare_args=()
if [[ ${SIGV4_BENCH_QUICK:-0} == 1 ]]; then
  args=(--warm-up-time 0.2 --measurement-time 0.5 --sample-size 10 "${args[@]}")
  compare_args=(--quick)
fi
cargo_command="cargo bench --bench signing --bench streaming${args[*]:+ -- ${args[*]}}"
# s3s-sigv4 declares rust-version 1.96 and builds with 1.95, hence --ignore-rust-version.
# Absolute: the comparison runs in its own package's directory.
compare_json="${CARGO_TARGET_DIR:-benches/compare/target}/compare.json"
[[ $compare_json == /* ]] || compare_json="$PWD/$compare_json"
compare_cargo=(cargo bench --manifest-path benches/compare/Cargo.toml --ignore-rust-version -- "${compare_args[@]}" --json "$compare_json")
compare_command="${compare_cargo[*]}"
if [[ ${SIGV4_COMPARE:-1} == 0 ]]; then compare_command=""; fi

if [[ ${SIGV4_REPORT_ONLY:-0} == 1 ]]; then
  exec python3 benches/report.py --last-run
fi

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
since=$(date +%s)
cargo bench --bench signing --bench streaming ${args[@]+-- "${args[@]}"}
if [[ -n $compare_command ]]; then
  "${compare_cargo[@]}"
fi
python3 benches/report.py --since "$since" --command "$command" --cargo "$cargo_command" --load "$load" \
  --compare "$compare_json" --compare-cargo "$compare_command"
