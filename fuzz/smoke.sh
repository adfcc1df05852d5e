#!/usr/bin/env bash
# Builds every fuzz target, then runs each in turn (one fuzzing process at a time) for a
# bounded time: SECONDS per target (-max_total_time), so about 10 x SECONDS in all plus the
# build.
#
#   fuzz/smoke.sh [SECONDS]    (default 30 per target)
#
# Exits non-zero as soon as a target crashes, times out on one input (10 s) or fails to build;
# the crashing input is left in fuzz/artifacts/<target>/. Needs cargo-fuzz, installed here when
# it is missing; RUSTC_BOOTSTRAP=1 lets a stable toolchain stand in for nightly.
set -euo pipefail

secs="${1:-30}"
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS]  (a positive whole number, got '$secs')" >&2
    exit 2
fi

cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cargo fuzz build
targets=$(cargo fuzz list)
if [[ -z "$targets" ]]; then
    echo "no fuzz targets found" >&2
    exit 1
fi

for t in $targets; do
    echo "== $t: ${secs}s"
    # New inputs go to corpus/<t> (ignored by git); seeds/<t> (committed) is only read.
    dirs=("corpus/$t")
    mkdir -p "corpus/$t"
    if [[ -d "seeds/$t" ]]; then
        dirs+=("seeds/$t")
    fi
    if ! cargo fuzz run "$t" "${dirs[@]}" -- -max_total_time="$secs" -timeout=10 -print_final_stats=1; then
        echo "FAILED: $t (input in fuzz/artifacts/$t/)" >&2
        exit 1
    fi
done
echo "all fuzz targets ran ${secs}s each without a crash"
