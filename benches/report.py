#!/usr/bin/env python3
"""Turns criterion's results and the peer comparison's into benches/REPORT.md and the performance
table of docs/PERFORMANCE.md.

Reads `<target>/criterion/**/new/benchmark.json` (the id) and `estimates.json` (the MEDIAN point
estimate) for the ids `benches/signing.rs` and `benches/streaming.rs` define:
`<group>/<impl>[/<param>]`, impl one of sigv4-kit, aws-sigv4, rusty-s3, floor. The `sigv4a_*`
groups (SigV4a) get a table of their own, written only when the run has them. Also reads the JSON
the interleaved peer comparison (`benches/compare`) writes, for the headline table (sigv4-kit
beside aws-sigv4, s3s-sigv4, scratchstack-aws-signature and the floor) and the targets of issue 17
with their verdicts. The targets go to benches/REPORT.md only; docs/PERFORMANCE.md gets the figures.

Run by benches/report.sh; stdlib only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
START = "<!-- perf-table:start -->"
END = "<!-- perf-table:end -->"
MIB = 1024 * 1024


def target_dir() -> pathlib.Path:
    if os.environ.get("CARGO_TARGET_DIR"):
        return pathlib.Path(os.environ["CARGO_TARGET_DIR"])
    try:
        out = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
        return pathlib.Path(json.loads(out)["target_directory"])
    except (OSError, subprocess.CalledProcessError, ValueError, KeyError):
        return ROOT / "target"


def load(criterion: pathlib.Path, since: float) -> tuple[dict[str, dict], int]:
    """full id -> {median, lo, hi, bytes}; results older than `since` (epoch s) are skipped."""
    results: dict[str, dict] = {}
    stale = 0
    for meta in criterion.glob("**/new/benchmark.json"):
        estimates = meta.with_name("estimates.json")
        if not estimates.exists():
            continue
        if estimates.stat().st_mtime < since - 1:
            stale += 1
            continue
        info = json.loads(meta.read_text())
        median = json.loads(estimates.read_text())["median"]
        throughput = info.get("throughput") or {}
        results[info["full_id"]] = {
            "median": median["point_estimate"],
            "lo": median["confidence_interval"]["lower_bound"],
            "hi": median["confidence_interval"]["upper_bound"],
            "bytes": throughput.get("Bytes") or throughput.get("BytesDecimal"),
        }
    return results, stale


def fmt_time(ns: float | None) -> str:
    if ns is None:
        return "—"
    for unit, scale in (("ns", 1.0), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)):
        value = ns / scale
        if value < 1000 or unit == "s":
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"
    return f"{ns:.0f} ns"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


class Results:
    def __init__(self, results: dict[str, dict]):
        self.r = results

    def median(self, full_id: str | None) -> float | None:
        if full_id is None or full_id not in self.r:
            return None
        return self.r[full_id]["median"]

    def bytes(self, full_id: str) -> int | None:
        return self.r.get(full_id, {}).get("bytes")


# (label, sigv4-kit, aws-sigv4, rusty-s3, floor)
ROWS = [
    ("sign GET, 5 headers, cached key (`SigV4Signer::sign`)",
     "sign_get/sigv4-kit/cached", "sign_get/aws-sigv4/fresh", None, "sign_get/floor/cached"),
    ("sign GET, cached key, sans-IO (`sign_at` on a view)",
     "sign_get/sigv4-kit/cached-sign_at", "sign_get/aws-sigv4/fresh", None, "sign_get/floor/cached"),
    ("sign GET, fresh key",
     "sign_get/sigv4-kit/fresh", "sign_get/aws-sigv4/fresh", None, "sign_get/floor/fresh"),
    ("sign S3 PUT, precomputed payload hash, cached key",
     "sign_put/sigv4-kit/cached", "sign_put/aws-sigv4/fresh", None, "sign_put/floor/cached"),
    ("sign S3 PUT, precomputed payload hash, fresh key",
     "sign_put/sigv4-kit/fresh", "sign_put/aws-sigv4/fresh", None, "sign_put/floor/fresh"),
    ("presign S3 GET, cached key",
     "presign_get/sigv4-kit/cached", "presign_get/aws-sigv4/fresh", "presign_get/rusty-s3/fresh",
     "presign_get/floor/cached"),
    ("presign S3 GET, fresh key",
     "presign_get/sigv4-kit/fresh", "presign_get/aws-sigv4/fresh", "presign_get/rusty-s3/fresh",
     "presign_get/floor/fresh"),
    ("verify header-signed GET (cached key)", "verify_header/sigv4-kit", None, None, "verify_header/floor"),
    ("verify presigned S3 GET (cached key)", "verify_presigned/sigv4-kit", None, None, "verify_presigned/floor"),
    ("canonical request of the GET, streamed into SHA-256",
     "canonical/sigv4-kit/hash", None, None, "canonical/floor"),
    ("canonical request of the GET, built as text, then hashed",
     "canonical/sigv4-kit/text+sha256", None, None, "canonical/floor"),
    ("signing-key derivation", "signing_key/sigv4-kit", "signing_key/aws-sigv4", None, "signing_key/floor"),
]

# SigV4a, region set us-east-1,us-west-2: (label, sigv4-kit, aws-sigv4, floor)
SIGV4A_ROWS = [
    ("sign GET, 5 headers, cached key (`SigV4Signer::sign`)",
     "sigv4a_sign_get/sigv4-kit/cached", "sigv4a_sign_get/aws-sigv4/fresh", "sigv4a_sign_get/floor/cached"),
    ("sign GET, fresh key (derived in the call)",
     "sigv4a_sign_get/sigv4-kit/fresh", "sigv4a_sign_get/aws-sigv4/fresh", None),
    ("presign S3 GET, cached key",
     "sigv4a_presign_get/sigv4-kit/cached", "sigv4a_presign_get/aws-sigv4/fresh", "sigv4a_presign_get/floor/cached"),
    ("presign S3 GET, fresh key (derived in the call)",
     "sigv4a_presign_get/sigv4-kit/fresh", "sigv4a_presign_get/aws-sigv4/fresh", None),
    ("verify header-signed GET (cached public key)",
     "sigv4a_verify_header/sigv4-kit", None, "sigv4a_verify_header/floor"),
    ("key derivation", "sigv4a_key/sigv4-kit", "sigv4a_key/aws-sigv4", "sigv4a_key/floor"),
    ("ECDSA signature of the string to sign alone, key derived",
     "sigv4a_ecdsa/sigv4-kit", "sigv4a_ecdsa/aws-sigv4", None),
]

# Issue 17's streaming targets, judged on criterion's streaming group: (label, id, at least this
# share of plain SHA-256's throughput). The other targets are judged by the comparison harness.
STREAMING_TARGETS = [
    ("aws-chunked verify + decode, 64 KiB chunks ≥ 0.95× SHA-256 throughput", "streaming/sigv4-kit/decode", 0.95),
    ("aws-chunked sign + encode, 64 KiB chunks ≥ 0.95× SHA-256 throughput", "streaming/sigv4-kit/encode", 0.95),
]

# The peer comparison's contenders, as columns: (id in its JSON, column title).
COMPARE_PEERS = [
    ("floor", "floor"),
    ("floor+http", "floor + http work"),
    ("aws-sigv4", "aws-sigv4"),
    ("s3s-sigv4/cached", "s3s (cached key)"),
    ("s3s-sigv4/per-call", "s3s (key per call)"),
    ("scratchstack", "scratchstack"),
]
# The ratios shown: ours over these.
COMPARE_RATIOS = [("floor", "floor"), ("floor+http", "floor + http work"), ("aws-sigv4", "aws-sigv4"),
                  ("s3s-sigv4/cached", "s3s"),
                  ("scratchstack", "scratchstack")]

SCALING = [("headers", [1, 10, 50]), ("query", [0, 10, 100]), ("path", [10, 100, 300, 1000])]
SCALING_LABEL = {"headers": "headers", "query": "query parameters", "path": "path bytes"}


def table(res: Results, others: list[str], rows: list[tuple]) -> list[str]:
    """Rows (label, sigv4-kit id, one id per column of `others`): the medians, then ours over each of
    them. A cell whose id is None stays empty; a row none of whose ids was measured is left out."""
    header = ["benchmark", "sigv4-kit", *others, *(f"ours / {other}" for other in others)]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "--:|" * (len(header) - 1)]
    for label, ours, *ids in rows:
        o, times = res.median(ours), [res.median(x) for x in ids]
        if o is None and all(t is None for t in times):
            continue
        cells = [label, fmt_time(o)]
        cells += [fmt_time(t) if x else "" for x, t in zip(ids, times)]
        cells += [fmt_ratio(ratio(o, t)) if x else "" for x, t in zip(ids, times)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main_table(res: Results) -> list[str]:
    return table(res, ["aws-sigv4", "rusty-s3", "floor"], ROWS)


def sigv4a(res: Results) -> list[str]:
    """The SigV4a block: empty when the run has no SigV4a results."""
    rows = table(res, ["aws-sigv4", "floor"], SIGV4A_ROWS)
    if len(rows) <= 2:
        return []
    return [
        "SigV4a (`AWS4-ECDSA-P256-SHA256`, region set `us-east-1,us-west-2`) on the same GET and S3 GET,",
        "after checking that sigv4-kit and `aws-sigv4` produce byte-identical signatures (both use RFC 6979",
        "deterministic ECDSA). `aws-sigv4` derives the SigV4a key (one HMAC, no public key) inside every",
        "call, which is how its users sign, so its times include that. sigv4-kit derives it once per",
        "signer (*fresh* derives it in the measured call). Here *floor* is SHA-256 over as many bytes as",
        "the canonical request plus one ECDSA P-256 signature (for verification, one ECDSA verification)",
        "with the `p256` crate both depend on, and for key derivation the KDF's one HMAC-SHA256. The",
        "last row compares the two ECDSA signatures alone.",
        "",
        *rows,
    ]


def streaming(res: Results) -> tuple[list[str], float | None]:
    sha = res.median("streaming/floor")
    rows = [("plain SHA-256 over the bytes (floor)", "streaming/floor"),
            ("verifying decoder (every chunk's signature checked)", "streaming/sigv4-kit/decode"),
            ("signing encoder", "streaming/sigv4-kit/encode")]
    lines = ["| 64 MiB `aws-chunked` body, 64 KiB chunks | median | throughput | share of SHA-256 |",
             "|---|--:|--:|--:|"]
    for label, full_id in rows:
        t = res.median(full_id)
        if t is None:
            continue
        n = res.bytes(full_id) or 64 * MIB
        share = ratio(sha, t)
        lines.append(f"| {label} | {fmt_time(t)} | {n / MIB / (t / 1e9):.0f} MiB/s | "
                     f"{'—' if share is None else f'{share * 100:.0f}%'} |")
    return lines, ratio(sha, res.median("streaming/sigv4-kit/decode"))


def verify_cost(res: Results) -> list[str]:
    """Where one verification's time goes, and what 100k verifications per second cost."""
    total = res.median("verify_header/sigv4-kit")
    parse = res.median("verify_header/sigv4-kit/parse")
    lookup = res.median("verify_header/sigv4-kit/lookup")
    hashing = res.median("verify_header/floor")
    if None in (total, parse, lookup, hashing):
        return []
    rest = max(total - parse - lookup - hashing, 0.0)
    share = lambda ns: f"{100 * ns / total:.0f}%"
    lines = [
        "Where a gateway's time goes when it verifies the header-signed GET (cached key, in-memory",
        "provider), and what that costs at 100,000 requests per second:",
        "",
        "| verifying the header-signed GET | time | share |",
        "|---|--:|--:|",
        f"| SHA-256 of the canonical request and HMAC of the string to sign (the floor) | {fmt_time(hashing)} | {share(hashing)} |",
        f"| parsing and checking the request (`Verifier::begin`) | {fmt_time(parse)} | {share(parse)} |",
        f"| provider lookup (`MemoryProvider`) | {fmt_time(lookup)} | {share(lookup)} |",
        f"| the rest: canonicalizing, the result | {fmt_time(rest)} | {share(rest)} |",
        f"| **total** | **{fmt_time(total)}** | 100% |",
        "",
        f"At 100,000 requests per second one core spends {100_000 * total / 1e9:.2f} s of every second "
        f"verifying ({1e9 / total:,.0f} verifications per second per core at most).",
    ]
    return lines


def verdict(result: str) -> str:
    return {"pass": "✅ pass", "FAIL": "❌ fail"}.get(result, result)


def targets(res: Results, compare: dict | None) -> list[str]:
    """Issue 17's targets: those the comparison judged (its verdicts), then the streaming ones."""
    lines = ["| target | measured | limit | result |", "|---|--:|--:|---|"]
    if compare is None:
        lines.append("| signing, presigning, verifying and scaling targets | — | — | not measured: "
                     "no result from the peer comparison in this run |")
    else:
        for t in compare["targets"]:
            lines.append(f"| {t['label']} | {fmt_ratio(t['measured'])} | {fmt_ratio(t['limit'])} "
                         f"| {verdict(t['result'])} |")
    sha = res.median("streaming/floor")
    for label, full_id, limit in STREAMING_TARGETS:
        share = ratio(sha, res.median(full_id))
        if share is None:
            lines.append(f"| {label} | — | {fmt_ratio(limit)} | not measured |")
        else:
            result = "✅ pass" if share >= limit else "❌ fail"
            lines.append(f"| {label} (criterion) | {fmt_ratio(share)} | {fmt_ratio(limit)} | {result} |")
    return lines


def compare_path() -> pathlib.Path:
    """Where benches/compare writes its JSON by default (benches/report.sh passes the same path)."""
    if os.environ.get("CARGO_TARGET_DIR"):
        return pathlib.Path(os.environ["CARGO_TARGET_DIR"]) / "compare.json"
    return ROOT / "benches" / "compare" / "target" / "compare.json"


def load_compare(path: pathlib.Path, since: float) -> tuple[dict | None, str]:
    """The peer comparison's results, or None and why not (missing, unreadable, older than `since`)."""
    try:
        data = json.loads(path.read_text())
    except OSError:
        return None, f"no results at `{path}`"
    except ValueError:
        return None, f"`{path}` is not JSON"
    if data.get("finished_unix", 0) < since - 1:
        return None, f"the results at `{path}` are older than this run"
    return data, ""


def compare_machine(data: dict) -> str:
    sha = {True: "yes", False: "no"}.get(data.get("sha_extensions"), "unknown")
    quick = "; quick run (rough figures)" if data.get("quick") else ""
    return (f"{data['cpu']}, {data['cores']} cores, SHA-NI: {sha}; {data['rustc']}; commit {data['commit']}; "
            f"load average before it: {data['load']}; {data['rounds']} rounds of about {data['batch_ms']:g} ms "
            f"per contender{quick}")


def compare_table(data: dict) -> list[str]:
    """One row per workload (and one for sign GET through `sign_at`): every contender's median, then
    sigv4-kit's over each peer's."""
    header = ["workload", "sigv4-kit", *(title for _, title in COMPARE_PEERS),
              *(f"ours / {title}" for _, title in COMPARE_RATIOS)]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "--:|" * (len(header) - 1)]
    for w in data["workloads"]:
        medians = {c["id"]: c["median_ns"] for c in w["contenders"]}
        rows = [(w["label"], medians.get("sigv4-kit"))]
        if "sigv4-kit/sign_at" in medians:
            rows.append(("the same through `sign_at` on a prebuilt view", medians["sigv4-kit/sign_at"]))
        for label, ours in rows:
            cells = [label, fmt_time(ours)]
            cells += [fmt_time(medians.get(peer)) if peer in medians else "" for peer, _ in COMPARE_PEERS]
            cells += [fmt_ratio(ratio(ours, medians.get(peer))) if peer in medians else ""
                      for peer, _ in COMPARE_RATIOS]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def compare_notes(data: dict) -> list[str]:
    return [f"* `{w['id']}`: {note}" for w in data["workloads"] for note in w.get("notes", [])]


FLOOR_TEXT = [
    "The floor is the hashing no SigV4 implementation can skip, with the `sha2` and `hmac` crates",
    "sigv4-kit uses: SHA-256 over as many bytes as our canonical request of the same request, plus",
    "HMAC-SHA256 over as many bytes as our string to sign computed from an HMAC state keyed once and",
    "cloned per call (plus SHA-256 of the body where the call hashes one); for `fresh`, the four",
    "chained HMACs of key derivation over inputs of the same lengths and an HMAC keyed with their",
    "result. **The floor changed with issue 17**: before, the cached-key floor keyed its HMAC in",
    "every call (two more SHA-256 blocks); both harnesses now clone a pre-keyed state, so floor",
    "figures are lower, and ratios to the floor higher, than in reports before that change.",
]


def scaling(res: Results) -> list[str]:
    lines = [
        "| size | canonical request | sigv4-kit | ns/byte | aws-sigv4 | ns/byte | floor | ns/byte "
        "| ours / aws-sigv4 | ours / floor |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for dimension, sizes in SCALING:
        for size in sizes:
            param = f"{dimension}-{size}"
            ids = [f"scaling/{impl}/{param}" for impl in ("sigv4-kit", "aws-sigv4", "floor")]
            times = [res.median(i) for i in ids]
            if all(t is None for t in times):
                continue
            n = next((res.bytes(i) for i in ids if res.bytes(i)), None)
            cells = [f"{size} {SCALING_LABEL[dimension]}", f"{n} B" if n else "—"]
            for t in times:
                cells += [fmt_time(t), "—" if t is None or not n else f"{t / n:.1f}"]
            cells += [fmt_ratio(ratio(times[0], times[1])), fmt_ratio(ratio(times[0], times[2]))]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def environment() -> dict[str, str]:
    cpu, sha_ni = platform.processor() or "unknown", "unknown"
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        cpu = m.group(1).strip() if m else cpu
        flags = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
        sha_ni = ("yes" if "sha_ni" in flags.group(1).split() else "no") if flags else "unknown"
    except OSError:
        pass
    try:
        rustc = subprocess.run(["rustc", "--version"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        rustc = "unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        commit = (commit + " + uncommitted changes") if dirty else commit
    except OSError:
        commit = "unknown"
    return {
        "cpu": cpu, "cores": str(os.cpu_count() or "?"), "sha_ni": sha_ni, "rustc": rustc, "commit": commit,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--since", type=float, default=0.0, help="ignore results written before this epoch time")
    p.add_argument("--command", default="benches/report.sh", help="the command that reproduces the report")
    p.add_argument("--cargo", default="cargo bench --bench signing --bench streaming", help="the cargo command run")
    p.add_argument("--load", default="", help="load average before the run")
    p.add_argument("--compare", default=str(compare_path()), help="the JSON the peer comparison wrote")
    p.add_argument("--compare-cargo", default="", help="the cargo command that ran the peer comparison")
    p.add_argument("--last-run", action="store_true",
                   help="report the last run of report.sh again: its command, start time and load average")
    p.add_argument("--report", default=str(ROOT / "benches" / "REPORT.md"))
    p.add_argument("--page", default=str(ROOT / "docs" / "PERFORMANCE.md"),
                   help="the page whose perf-table markers receive the summary")
    args = p.parse_args()

    criterion = target_dir() / "criterion"
    run_file = criterion / "sigv4-kit-report-run.json"
    if args.last_run:
        try:
            last = json.loads(run_file.read_text())
        except (OSError, ValueError):
            print(f"report.py: no record of a run in {run_file}", file=sys.stderr)
            return 1
        args.since, args.command, args.cargo, args.load = last["since"], last["command"], last["cargo"], last["load"]
        args.compare = last.get("compare", args.compare)
        args.compare_cargo = last.get("compare_cargo", args.compare_cargo)
    elif criterion.is_dir():
        record = {"since": args.since, "command": args.command, "cargo": args.cargo, "load": args.load,
                  "compare": args.compare, "compare_cargo": args.compare_cargo}
        run_file.write_text(json.dumps(record) + "\n")
    raw, stale = load(criterion, args.since)
    if not raw:
        print(f"report.py: no criterion results in {criterion}", file=sys.stderr)
        return 1
    res = Results(raw)
    env = environment()
    compare, compare_missing = load_compare(pathlib.Path(args.compare), args.since)
    stream_lines, _ = streaming(res)
    machine = (f"{env['cpu']}, {env['cores']} cores, SHA-NI: {env['sha_ni']}; {env['rustc']}; "
               f"{env['date']}; commit {env['commit']}")
    if args.load:
        machine += f"; load average before the run: {args.load}"

    if compare is None:
        headline = [f"The peer comparison (`benches/compare`) did not report in this run: {compare_missing}."]
    else:
        headline = [
            f"Medians from the interleaved peer comparison ({compare_machine(compare)}): every contender of",
            "a workload timed in the same rounds, round-robin, after checking that the signers produce",
            "sigv4-kit's signature and that the verifiers accept the request and refuse a tampered copy.",
            "`aws-sigv4` derives the key in every call; s3s is timed with a key derived once (*cached key*,",
            "the figure the targets use) and per call as its server does. An empty cell: that peer does",
            "not do this work.",
            "",
            *compare_table(compare),
        ]
        notes = compare_notes(compare)
        if notes:
            headline += ["", *notes]

    summary = [
        *headline,
        "",
        f"Medians from `{args.command}` ({machine}).",
        "Each group runs every implementation on the same request with the same settings in the same run,",
        "after checking that their signatures agree. *floor* is the SHA-256 and HMAC-SHA256 work no SigV4",
        "implementation can skip: SHA-256 over as many bytes as the canonical request and one HMAC over",
        "as many as the string to sign from a pre-keyed HMAC state (with a fresh key, the four HMACs of",
        "key derivation and a keyed HMAC), with the `sha2` and `hmac` crates sigv4-kit uses. `aws-sigv4`",
        "and `rusty-s3` derive the key on every call. The scaling curve, the targets and the details are",
        "in `benches/REPORT.md`.",
        "",
        *main_table(res),
        "",
        *stream_lines,
        "",
        *verify_cost(res),
    ]
    sigv4a_lines = sigv4a(res)
    if sigv4a_lines:
        while summary[-1] == "":
            summary.pop()
        summary += ["", *sigv4a_lines]

    cargo_commands = f"`{args.cargo}`" + (f" and `{args.compare_cargo}`" if args.compare_cargo else "")
    report = [
        "# Benchmark report",
        "",
        "Generated by `benches/report.sh` (`benches/report.py`); do not edit by hand.",
        "",
        f"* Command: `{args.command}`, which runs {cargo_commands}",
        f"* CPU: {env['cpu']} ({env['cores']} cores, SHA-NI: {env['sha_ni']})",
        f"* Compiler: {env['rustc']}",
        f"* Date: {env['date']}; commit {env['commit']}",
    ]
    if args.load:
        report.append(f"* Load average before the run: {args.load}")
    report += [
        "* Statistic: criterion's median point estimate of the time per call",
        "* Instruction counts, which do not move with the machine's load: [ICOUNT.md](ICOUNT.md)"
        " (`benches/icount.sh`)",
        "",
        "Benchmark ids are `<group>/<impl>[/<param>]`; `cached` and `fresh` say whether the signing key",
        "is cached or derived inside the measured call (`aws-sigv4` and `rusty-s3` always derive it).",
        *FLOOR_TEXT,
        "",
        "## Beside the peers, interleaved",
        "",
        *headline,
        "",
        "## Targets (issue 17)",
        "",
        "sigv4-kit's median over the other's in the interleaved comparison above; the streaming rows from",
        "criterion's streaming group below. The `aws-sigv4` ratios are judged only on a CPU with SHA",
        "extensions. These targets replace the earlier goals of this report. The load test's and the",
        "allocation budgets are checked by `cargo test --release --all-features --test load` and",
        "`tests/allocations.rs`, not here.",
        "",
        *targets(res, compare),
        "",
        "## Summary (criterion)",
        "",
        *main_table(res),
        "",
        "## Scaling",
        "",
        "Header signing of a GET (ours with a cached key) as one dimension grows, the others minimal",
        "(only `host`, no query, path `/`). Throughput is the length of the canonical request, so",
        "ns/byte shows the slope of each curve.",
        "",
        *scaling(res),
        "",
        "## Streaming",
        "",
        *stream_lines,
        "",
        "## Verification cost",
        "",
        *verify_cost(res),
        "",
    ]
    if sigv4a_lines:
        report += ["## SigV4a", "", *sigv4a_lines, ""]
    report += [
        "## Notes",
        "",
        "* The peer comparison (`benches/compare`, its own package so that `cargo test` never builds the",
        "  peers) times s3s through its public functions (`s3s-sigv4`) in the order its server calls them,",
        "  with the request as the server holds it (sorted header pairs, decoded query and path), and",
        "  `scratchstack-aws-signature` through `sigv4_validate_request`, whose key lookup answers with a",
        "  signing key derived beforehand and which hashes the (empty) body itself. Verification there",
        "  sees the request as a server receives it: origin-form URI and a `Host` header.",
        *([] if compare is None else [
            f"* The peer comparison's raw figures (per round) are in `{args.compare}`."]),
        "* Header signing is measured through `SigV4Signer::sign` on an `http::Request` (ours) and",
        "  `sign` + `apply_to_request_http1x` (aws-sigv4); cloning the request for each call is not measured.",
        "  `fresh` for ours builds a new signer, so an empty key cache, outside the measured call.",
        "* Presigning: rusty-s3 builds the URL from a `Bucket` and an object key and returns a `url::Url`;",
        "  ours and aws-sigv4 read an `http::Request` and rewrite its URI. All three sign the same canonical",
        "  request (host only, `UNSIGNED-PAYLOAD`) and ours and rusty-s3 produce the same URL.",
        "* Verification goes through `Verifier::verify` with a `MemoryProvider`, polled with a no-op waker,",
        "  its key cache warmed first. The header-signed GET gets its (empty) body's digest precomputed, as",
        "  a gateway hashing the body while it streams would pass it; the presigned one is `UNSIGNED-PAYLOAD`.",
        "* aws-sigv4 does not expose its canonical request, so `canonical` compares ours with the floor only.",
        "* In the scaling table `1 headers` and `0 query parameters` are the same request, the start of two curves.",
        "* Streaming takes 10 samples of one 64 MiB pass each (criterion's flat sampling).",
    ]
    if sigv4a_lines:
        report += [
            "* SigV4a (`sigv4a_*` groups): the same requests as `sign_get`, `presign_get` and `verify_header`,",
            "  signed for the region set `us-east-1,us-west-2`; `sigv4a_key` derives the ECDSA key. `aws-sigv4`",
            "  has no SigV4a key cache, so `aws-sigv4/fresh` includes its key derivation. Both derive the",
            "  scalar only (the public point, a scalar multiplication, is not needed to sign). The verifier",
            "  derives the public key on the first verification and takes it from its cache from then on.",
            "  `sigv4a_ecdsa` times the ECDSA signature alone (`EcdsaKey::sign` against aws-sigv4's",
            "  `calculate_signature`, both with `p256` 0.14).",
        ]
    report += [
        "",
        "## All results",
        "",
        "| id | median | 95% interval of the median |",
        "|---|--:|--:|",
    ]
    for full_id in sorted(raw):
        r = raw[full_id]
        report.append(f"| `{full_id}` | {fmt_time(r['median'])} | {fmt_time(r['lo'])} – {fmt_time(r['hi'])} |")
    if stale:
        report += ["", f"{stale} older results in `{criterion}` were not from this run and are left out."]
    pathlib.Path(args.report).write_text("\n".join(report) + "\n")

    page = pathlib.Path(args.page)
    text = page.read_text()
    if START not in text or END not in text or text.index(START) > text.index(END):
        print(f"report.py: {page} lacks the {START} / {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    page.write_text(head + START + "\n" + "\n".join(summary) + "\n" + END + tail)
    print(f"wrote {args.report} and the performance table of {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
