#!/usr/bin/env python3
"""Writes benches/ICOUNT.md from the JSON summaries of `cargo bench --bench icount --
--output-format=json` (one a line): the instructions of each benchmark, beside its floor and
beside the same benchmark at a baseline commit. benches/icount.sh calls it."""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

# Benchmark (`function::id` in benches/icount/icount.rs), what it is, and the floor it is compared
# with. Benchmarks not listed here are added at the end under their own names.
ROWS = [
    ("sign::get", "sign GET, 5 headers, 3 query params, cached key (`SigV4Signer::sign`)", "floor::get"),
    ("sign_at::get", "sign GET, cached key, sans-IO (`sign_at` on a prebuilt view)", "floor::get"),
    ("sign::put", "sign S3 PUT, precomputed payload hash, cached key", "floor::put"),
    ("sign::presign", "presign S3 GET, cached key", "floor::presign"),
    ("verify::header", "verify header-signed GET (cached key, `MemoryProvider`)", "floor::get"),
    ("verify::presigned", "verify presigned S3 GET (cached key, `MemoryProvider`)", "floor::presign"),
    ("begin::header", "`Verifier::begin` alone, header-signed GET", None),
    ("begin::presigned", "`Verifier::begin` alone, presigned S3 GET", None),
    ("canonical::get", "canonical request of the GET, streamed into SHA-256 (`CanonicalRequest::hash`)",
     "canonical_floor::get"),
    ("signing_key::s3", "signing-key derivation (`SigningKey::derive`)", None),
    ("sign::headers_50", "sign a GET with 50 headers, cached key", "floor::headers_50"),
    ("sign::query_100", "sign a GET with 100 query params, cached key", "floor::query_100"),
    ("sign::path_1000", "sign a GET with a 1000-byte path, cached key", "floor::path_1000"),
    ("chunked_decode::decode", "`aws-chunked` verifying decoder, 256 KiB body, 64 KiB chunks",
     "chunked_floor::sha256"),
    ("chunked_encode::encode", "`aws-chunked` signing encoder, 256 KiB body, 64 KiB chunks",
     "chunked_floor::sha256"),
    ("floor::get", "floor of the GET", None),
    ("floor::put", "floor of the S3 PUT", None),
    ("floor::presign", "floor of the presigned S3 GET", None),
    ("floor::headers_50", "floor of the GET with 50 headers", None),
    ("floor::query_100", "floor of the GET with 100 query params", None),
    ("floor::path_1000", "floor of the GET with a 1000-byte path", None),
    ("canonical_floor::get", "floor of the canonical request: SHA-256 over as many bytes", None),
    ("chunked_floor::sha256", "floor of `aws-chunked`: SHA-256 over the 256 KiB body", None),
]


def instructions(metrics):
    """Callgrind's `Ir` in a summary's total metrics (gungraun's summary format, version 7)."""
    return int(metrics["Ir"]["values"]["new"])


def load(path):
    """`function::id` -> instructions, from a file of JSON summaries, one a line."""
    counts = {}
    with open(path) as lines:
        for line in lines:
            line = line.strip()
            if not line.startswith("{"):
                continue
            summary = json.loads(line)
            name = summary["function_name"]
            if summary.get("id"):
                name += "::" + summary["id"]
            for profile in summary["profiles"]:
                if profile.get("tool") == "Callgrind":
                    counts[name] = instructions(profile["data"]["total"]["metrics"])
    if not counts:
        sys.exit(f"table.py: no benchmark summary in {path}")
    return counts


def command_output(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    model, sha_ni = platform.machine(), False
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name") and model == platform.machine():
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    sha_ni = sha_ni or "sha_ni" in line.split()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, SHA-NI on the CPU: {'yes' if sha_ni else 'no'}"


def count(n):
    return f"{n:,}" if n is not None else ""


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else ""


def table(head, base, head_label, base_label):
    names = [name for name, _, _ in ROWS] + sorted((set(head) | set(base or {})) - {n for n, _, _ in ROWS})
    what = {name: (label, floor) for name, label, floor in ROWS}
    columns = ([f"{base_label}", "× floor"] if base is not None else []) + [head_label, "× floor"]
    if base is not None:
        columns += ["now / before", "above the floor: now / before"]
    lines = ["| benchmark | " + " | ".join(columns) + " |", "|---|" + "--:|" * len(columns)]
    for name in names:
        label, floor = what.get(name, (f"`{name}`", None))
        if name not in head and (base is None or name not in base):
            continue
        cells = []
        for counts in ([base] if base is not None else []) + [head]:
            n = counts.get(name)
            cells += [count(n), ratio(n, counts.get(floor)) if floor else ""]
        if base is not None:
            cells.append(ratio(head.get(name), base.get(name)))
            # What the call does beyond the hashing it cannot skip: the part the code controls.
            above = [c.get(name) - c.get(floor) if floor and c.get(name) is not None and c.get(floor) else None
                     for c in (head, base)]
            cells.append(ratio(above[0], above[1]) if None not in above else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--head", required=True)
    parser.add_argument("--head-label", required=True)
    parser.add_argument("--base")
    parser.add_argument("--base-label")
    parser.add_argument("--command", default="benches/icount.sh")
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--runner", default="gungraun")
    parser.add_argument("--out")
    args = parser.parse_args()
    head = load(args.head)
    base = load(args.base) if args.base else None
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    took = f" in {args.seconds} s" if args.seconds is not None else ""
    columns = f"*{args.head_label}* is the working tree"
    if base is not None:
        columns = f"*{args.base_label}* is the baseline, {columns}; *now / before* divides the two"
    text = f"""# Instruction counts

<!-- Written by benches/icount.sh (benches/icount/table.py); do not edit by hand. -->

Instructions executed by each benchmarked call (callgrind's `Ir`) of `benches/icount/icount.rs`.

* Command: `{args.command}`, {when}{took}.
* Columns: {columns}.
* Machine: {machine()}.
* Tools: {command_output("rustc", "--version")}; {command_output("valgrind", "--version")}; {args.runner}.

Valgrind does not advertise SHA-NI to the program it runs, so `sha2` takes its portable SHA-256
path: these are counts of that path, the same on any x86-64 machine with the same toolchain and
dependencies, and no prediction of time on a CPU with SHA extensions, where hashing is far
cheaper and the floor ratios here understate the rest. *× floor* divides by the row's floor: for
signing and verifying, SHA-256 over as many bytes as the request's canonical request plus
HMAC-SHA256 from a keyed state (cloned) over as many bytes as its string to sign; for the
canonical request, the SHA-256 alone; for `aws-chunked`, SHA-256 over the body. *Above the
floor* compares what each call executes beyond its floor, the part that is not hashing. See
[PERFORMANCE.md](../docs/PERFORMANCE.md#instruction-counts).

{table(head, base, args.head_label, args.base_label)}
"""
    if args.out:
        with open(args.out, "w") as out:
            out.write(text)
        print(f"table.py: wrote {args.out}", file=sys.stderr)
    print(text)


if __name__ == "__main__":
    main()
