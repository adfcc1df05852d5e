#!/usr/bin/env bash
# Runs every benchmark group in one `cargo bench`, then writes benches/REPORT.md and the table
# between the perf-table markers of docs/PERFORMANCE.md (see benches/report.py).
#
#   benches/report.sh [CRITERION ARGS...]   e.g. --measurement-time 5, or a filter like sign_get
#
#   SIGV4_BENCH_QUICK=1   a short run for trying the script out (0.2 s warm-up, 0.5 s, 10 samples)
#   SIGV4_REPORT_ONLY=1   no benchmarks: rewrite the report from the last run's results
#   SIGV4_BENCH_WARM_UP, SIGV4_BENCH_MEASUREMENT (seconds), SIGV4_BENCH_SAMPLES: the defaults
#   (1 s, 2 s, 40 samples; the streaming group takes 10 samples of 3 s)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

args=("$@")
command="benches/report.sh${*:+ $*}"
for var in SIGV4_BENCH_QUICK SIGV4_BENCH_WARM_UP SIGV4_BENCH_MEASUREMENT SIGV4_BENCH_SAMPLES; do
  if [[ -n ${!var:-} ]]; then command="$var=${!var} $command"; fi
done
if [[ ${SIGV4_BENCH_QUICK:-0} == 1 ]]; then
  args=(--warm-up-time 0.2 --measurement-time 0.5 --sample-size 10 "${args[@]}")
fi
cargo_command="cargo bench --bench signing --bench streaming${args[*]:+ -- ${args[*]}}"

if [[ ${SIGV4_REPORT_ONLY:-0} == 1 ]]; then
  exec python3 benches/report.py --last-run
fi

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
since=$(date +%s)
cargo bench --bench signing --bench streaming ${args[@]+-- "${args[@]}"}
python3 benches/report.py --since "$since" --command "$command" --cargo "$cargo_command" --load "$load"
