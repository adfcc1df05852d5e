#!/usr/bin/env bash
# Instruction counts of signing, verification and aws-chunked streaming (gungraun, that is
# callgrind: each benchmark runs once under valgrind, only the measured call counted), written as
# a table to benches/ICOUNT.md. The benchmark is the package benches/icount/.
#
#   benches/icount.sh                          the working tree
#   benches/icount.sh --baseline perf-before   and the same benchmarks at another commit, beside it
#   benches/icount.sh --no-write               print the table, leave benches/ICOUNT.md alone
#
# Installs gungraun-runner (the version of gungraun in benches/icount/Cargo.lock) when it is
# missing. For --baseline, the benchmark package is copied into a temporary `git worktree` of that
# commit and built against its crate: the benchmark uses the public API only, so it builds at any
# commit that has that API. CARGO_TARGET_DIR defaults to the repository's target/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

baseline=
write=1
while (($#)); do
  case $1 in
    --baseline) baseline=${2:?--baseline needs a commit}; shift 2 ;;
    --baseline=*) baseline=${1#*=}; shift ;;
    --no-write) write=0; shift ;;
    -h | --help) sed -n '2,13p' "$0" | cut -c3-; exit 0 ;;
    *) echo "icount: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

package=benches/icount
version=$(awk '$0 == "name = \"gungraun\"" { getline; gsub(/version = |"/, ""); print; exit }' "$package/Cargo.lock")
[[ -n $version ]] || { echo "icount: no gungraun in $package/Cargo.lock" >&2; exit 1; }
installed=$(gungraun-runner --version 2>/dev/null || true)
if [[ $installed != *" $version" ]]; then
  echo "icount: gungraun-runner $version is needed (found: ${installed:-none}); running:" >&2
  echo "  cargo install --locked gungraun-runner --version $version" >&2
  cargo install --locked gungraun-runner --version "$version"
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
tmp=$(mktemp -d)
cleanup() {
  if [[ -d $tmp/tree ]]; then git worktree remove --force "$tmp/tree" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Runs the benchmark of the package at $1 and writes one JSON summary a line to $2.
run() {
  echo "icount: cargo bench --manifest-path $1/Cargo.toml -- --output-format=json" >&2
  cargo bench --manifest-path "$1/Cargo.toml" --bench icount -- --output-format=json > "$2"
}

# The working tree's commit, and whether what the benchmark builds (the crate, the package) differs from it.
describe() {
  local sha
  sha=$(git rev-parse --short HEAD)
  if [[ -n $(git status --porcelain -- src Cargo.toml Cargo.lock "$package"/{Cargo.toml,Cargo.lock,icount.rs}) ]]; then sha="$sha + uncommitted changes"; fi
  echo "$sha"
}

args=()
since=$(date +%s)
if [[ -n $baseline ]]; then
  rev=$(git rev-parse --verify --quiet "$baseline^{commit}") || { echo "icount: no commit '$baseline'" >&2; exit 2; }
  git worktree add --detach --quiet "$tmp/tree" "$rev"
  mkdir -p "$tmp/tree/$package"
  cp "$package/Cargo.toml" "$package/Cargo.lock" "$package/icount.rs" "$tmp/tree/$package/"
  run "$tmp/tree/$package" "$tmp/base.jsonl"
  label=$baseline
  [[ $label == "$(git rev-parse --short "$rev")" ]] || label="$baseline ($(git rev-parse --short "$rev"))"
  args+=(--base "$tmp/base.jsonl" --base-label "$label")
fi
run "$package" "$tmp/head.jsonl"
args+=(--head "$tmp/head.jsonl" --head-label "$(describe)")

command="benches/icount.sh${baseline:+ --baseline $baseline}"
args+=(--command "$command" --seconds "$(($(date +%s) - since))" --runner "gungraun $version")
if ((write)); then args+=(--out benches/ICOUNT.md); fi
python3 "$package/table.py" "${args[@]}"
