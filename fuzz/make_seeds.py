#!/usr/bin/env python3
"""Builds fuzz/seeds/<target>/v-* from the test vectors in tests/vectors.

    python3 fuzz/make_seeds.py

Each target gets the vectors' requests in its own input format (see the comment at the top of
each fuzz_targets/<target>.rs). Generated files start with `v-`; the script first deletes every
`v-*` file in seeds/, so a rerun gives exactly the same set. Hand-written seeds (other names)
are left alone. Deterministic: no time, no randomness.
"""

import json
import struct
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "tests" / "vectors"
SEEDS = FUZZ / "seeds"

TARGETS = [
    "raw_request",
    "canonical_uri",
    "canonical_query",
    "canonical_headers",
    "sign_http",
    "auth_header",
    "presigned_query",
    "verify",
    "chunked_decoder",
    "differential",
]


class Request:
    """A request in the vectors' text format: request line, headers (folded lines kept as
    they are), a blank line, the body."""

    def __init__(self, data: bytes):
        head, sep, body = data.partition(b"\n\n")
        lines = head.split(b"\n")
        parts = lines[0].split(b" ")
        self.method = parts[0]
        # The target may hold raw spaces: everything between the method and " HTTP/1.1".
        self.target = b" ".join(parts[1:-1]) if len(parts) > 2 else b" ".join(parts[1:])
        self.header_lines = [l for l in lines[1:] if l]
        self.body = body

    def headers(self):
        """(name, value) pairs, a folded continuation joined to its value with a space."""
        out = []
        for line in self.header_lines:
            if line[:1] in (b" ", b"\t") and out:
                out[-1] = (out[-1][0], out[-1][1] + b" " + line.strip())
            elif b":" in line:
                name, value = line.split(b":", 1)
                out.append((name, value))
        return out

    def header(self, name: bytes):
        for n, v in self.headers():
            if n.lower() == name.lower():
                return v.lstrip(b" ")
        return None

    def lines_without(self, *names):
        """Header lines (continuations kept) without the headers named."""
        out, skipping = [], False
        for line in self.header_lines:
            if line[:1] in (b" ", b"\t"):
                if not skipping:
                    out.append(line)
                continue
            skipping = line.split(b":", 1)[0].lower() in names
            if not skipping:
                out.append(line)
        return out

    def path(self):
        return self.target.split(b"?", 1)[0]

    def query(self):
        return self.target.split(b"?", 1)[1] if b"?" in self.target else None

    def raw(self, extra=()):
        """The request in the raw format `RawRequest::parse` reads."""
        head = [self.method + b" " + self.target + b" HTTP/1.1", *self.header_lines, *extra]
        return b"\n".join(head) + b"\n\n" + self.body

    def line_request(self, *without, target=None):
        """The `LineRequest` format of fuzz/src/lib.rs: `METHOD target`, headers, body."""
        first = self.method + b" " + (self.target if target is None else target)
        return b"\n".join([first, *self.lines_without(*without)]) + b"\n\n" + self.body


def suite_cases():
    """(name, folder) of the classic suite, nested folders included."""
    root = VECTORS / "aws-sig-v4-test-suite"
    for req in sorted(root.rglob("*.req")):
        yield req.stem, req.parent


def crt_cases():
    """(name, folder, context) of aws-c-auth v4 and v4a, the historical cases and smithy-rs extras."""
    bases = ["aws-c-auth/v4", "aws-c-auth/v4a", "aws-c-auth-historical/v4", "aws-c-auth-historical/v4a",
             "smithy-rs-extras/v4"]
    for base in bases:
        prefix = "v4a-" if base.endswith("v4a") else ""
        for case in sorted((VECTORS / base).iterdir()):
            if (case / "request.txt").exists():
                ctx = case / "context.json"
                yield prefix + case.name, case, json.loads(ctx.read_text()) if ctx.exists() else {}


def s3_examples():
    for f in sorted((VECTORS / "s3-examples").glob("*.json")):
        yield f.stem, json.loads(f.read_text())


def s3_body(example) -> bytes:
    b = example["input"]["body"]
    if b["type"] == "utf8":
        return b["value"].encode()
    if b["type"] == "repeat":
        return b["byte"].encode() * b["length"]
    return b""


def s3_wire(example) -> bytes:
    """The aws-chunked body of a chunked example, from its chunk and trailer signatures."""
    fill = example["input"]["body"]["byte"].encode()
    out = b""
    for chunk in example["expected"]["chunks"]:
        out += b"%x;chunk-signature=%s\r\n" % (chunk["size"], chunk["signature"].encode())
        if chunk["size"]:
            out += fill * chunk["size"] + b"\r\n"
    trailer = example["expected"].get("trailer")
    if trailer:
        out += trailer["canonical_trailers"].encode().replace(b"\n", b"\r\n")
        out += b"x-amz-trailer-signature:" + trailer["signature"].encode() + b"\r\n"
    return out + b"\r\n"


def s3_request(example, body=None) -> Request:
    """An S3 example as a signed request (header mode) or unsigned (query mode)."""
    i, e = example["input"], example["expected"]
    target = i["path"]
    if i["query"]:
        target += "?" + "&".join(f"{k}={v}" if v else k for k, v in i["query"])
    lines = [f"{n}:{v}" for n, v in i["headers"]]
    if example["signature_location"] == "header":
        akid = i["credentials"]["access_key_id"]
        lines.append(
            f"Authorization:AWS4-HMAC-SHA256 Credential={akid}/{e['credential_scope']}, "
            f"SignedHeaders={e['signed_headers']}, Signature={e['signature']}"
        )
    head = "\n".join([f"{i['method']} {target} HTTP/1.1", *lines]).encode()
    return Request(head + b"\n\n" + (s3_body(example) if body is None else body))


def chunked_header(config: int, split: int, a: bytes) -> bytes:
    return bytes([config, split]) + a


def main():
    seeds = {t: {} for t in TARGETS}

    def add(target, name, data: bytes):
        seeds[target]["v-" + name] = data

    suite = [(name, Request((folder / f"{name}.req").read_bytes()), Request((folder / f"{name}.sreq").read_bytes()))
             for name, folder in suite_cases()]
    crt = []
    for name, folder, ctx in crt_cases():
        signed = {}
        for mode in ["header", "query"]:
            f = folder / f"{mode}-signed-request.txt"
            if f.exists():
                signed[mode] = f.read_bytes()
        crt.append((name, Request((folder / "request.txt").read_bytes()), signed, ctx))

    # raw_request: the requests to sign, as the files hold them.
    for name, req, _ in suite:
        add("raw_request", f"suite-{name}", req.raw())
    for name, req, _, _ in crt:
        add("raw_request", f"crt-{name}", req.raw())

    # canonical_uri and canonical_query: every distinct path and query.
    paths, queries = set(), set()
    for _, req, _ in suite:
        paths.add(req.path())
        queries.add(req.query())
    for _, req, signed, _ in crt:
        paths.add(req.path())
        queries.add(req.query())
        if "query" in signed:
            queries.add(Request(signed["query"]).query())
    for _, ex in s3_examples():
        paths.add(ex["input"]["path"].encode())
        if "presigned_query_string" in ex["expected"]:
            queries.add(ex["expected"]["presigned_query_string"].encode())
    for n, p in enumerate(sorted(p for p in paths if p)):
        add("canonical_uri", f"path-{n:02}", p)
    for n, q in enumerate(sorted(q for q in queries if q)):
        add("canonical_query", f"query-{n:02}", q)

    # canonical_headers: the header lines of each request (folded lines kept).
    for name, req, _ in suite:
        add("canonical_headers", f"suite-{name}", b"\n".join(req.header_lines))
    for name, ex in s3_examples():
        add("canonical_headers", f"s3-{name}", "\n".join(f"{n}:{v}" for n, v in ex["input"]["headers"]).encode())

    # sign_http: method, absolute URI, header lines, body (no X-Amz-Date: the signer adds it).
    for name, req, _ in suite:
        host = req.header(b"host") or b"example.amazonaws.com"
        head = [req.method, b"https://" + host + req.target]
        head += [b"%s:%s" % (n, v) for n, v in req.headers() if n.lower() != b"x-amz-date"]
        add("sign_http", f"suite-{name}", b"\n".join(head) + b"\n\n" + req.body)

    # auth_header: the Authorization value, the X-Amz-Date value, then the rest of the request.
    def auth_seed(r: Request):
        rest = r.line_request(b"authorization", b"x-amz-date")
        return r.header(b"authorization") + b"\n" + (r.header(b"x-amz-date") or b"") + b"\n" + rest

    for name, _, sreq in suite:
        add("auth_header", f"suite-{name}", auth_seed(sreq))
    for name, _, signed, _ in crt:
        if "header" in signed:
            add("auth_header", f"crt-{name}", auth_seed(Request(signed["header"])))
    for name, ex in s3_examples():
        if ex["signature_location"] == "header":
            add("auth_header", f"s3-{name}", auth_seed(s3_request(ex, body=b"" if "chunks" in ex["input"] else None)))

    # presigned_query: the query, then the request with the path alone.
    for name, _, signed, _ in crt:
        if "query" in signed:
            r = Request(signed["query"])
            add("presigned_query", f"crt-{name}", r.query() + b"\n" + r.line_request(target=r.path()))
    for name, ex in s3_examples():
        if ex["signature_location"] == "query":
            r = s3_request(ex)
            q = ex["expected"]["presigned_query_string"].encode()
            add("presigned_query", f"s3-{name}", q + b"\n" + r.line_request(target=r.path()))

    # verify: whole signed requests. The chunked examples keep their whole wire only for the
    # trailer example (a 66 KiB body); the other keeps its first 4 KiB, enough for the header
    # signature and the first chunk's framing.
    for name, _, sreq in suite:
        add("verify", f"suite-{name}", sreq.raw())
    for name, _, signed, _ in crt:
        for mode, data in sorted(signed.items()):
            add("verify", f"crt-{mode}-{name}", Request(data).raw())
    for name, ex in s3_examples():
        if ex["signature_location"] == "query":
            r = s3_request(ex)
            q = ex["expected"]["presigned_query_string"].encode()
            r.target += b"?" + q
            add("verify", f"s3-{name}", r.raw())
        elif "chunks" in ex["input"]:
            wire = s3_wire(ex)
            if "trailer" not in ex["expected"]:
                wire = wire[:4096]
            add("verify", f"s3-{name}", s3_request(ex, body=wire).raw())
        else:
            add("verify", f"s3-{name}", s3_request(ex).raw())

    # chunked_decoder: the two S3 chunked wires, raw (config: mode, seed signature, default
    # limits); and small bodies through the encoder in every mode and checksum.
    for name, ex in s3_examples():
        if "chunks" in ex["input"]:
            trailer = "trailer" in ex["expected"]
            config = (1 | (1 << 2) | (1 << 5)) if trailer else 0  # CRC32C for the trailer example
            config |= 0x80
            length = struct.pack("<I", ex["input"]["body"]["length"])
            add("chunked_decoder", f"s3-{name}", chunked_header(config, 0x35, length) + s3_wire(ex))
    body = s3_body(dict(s3_examples())["put-object"])
    for mode in range(3):
        for algorithm in range(5) if mode else [0]:
            config = mode | (algorithm << 2) | 0x40
            add("chunked_decoder", f"encode-m{mode}-a{algorithm}", chunked_header(config, 0x12, bytes([7, 0, 0, 0])) + body)

    # differential: flags, then the request without X-Amz-Date (both signers add it).
    for name, req, _ in suite:
        add("differential", f"suite-{name}", bytes([0]) + req.line_request(b"x-amz-date"))
    for name, req, _, ctx in crt:
        flags = 0 if ctx.get("normalize", True) else 1
        if ctx.get("credentials", {}).get("token"):
            flags |= 8
        data = req.line_request(b"x-amz-date")
        add("differential", f"crt-{name}", bytes([flags]) + data)
        add("differential", f"crt-presign-{name}", bytes([flags | 2]) + data)
    for name, ex in s3_examples():
        if ex["signature_location"] == "header" and "chunks" not in ex["input"]:
            r = s3_request(ex)
            add("differential", f"s3-{name}", bytes([1]) + r.line_request(b"authorization", b"x-amz-date", b"x-amz-content-sha256"))

    total = 0
    for target, files in seeds.items():
        d = SEEDS / target
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("v-*"):
            old.unlink()
        for name, data in sorted(files.items()):
            (d / name).write_bytes(data)
            total += len(data)
        print(f"{target}: {len(files)} seeds")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
