"""Plumbing shared by the interoperability vector generators.

``botocore_vectors.py`` and ``crt_vectors.py`` import this module; they are run
as ``python3 tests/interop/<generator>.py`` and put this directory on
``sys.path`` first.  The helpers that are handed a generator's random number
generator draw from it exactly as the generators did before they were shared,
so both outputs stay byte for byte the same.
"""

import argparse
import contextlib
import datetime
import hashlib
import hmac
import json
import sys
from unittest import mock
from urllib.parse import quote

from botocore.credentials import Credentials

UNSIGNED = "UNSIGNED-PAYLOAD"
ALGORITHM = "AWS4-HMAC-SHA256"

# Alphabets of generated secrets and session tokens (base64) and of access key ids.
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


# ---------------------------------------------------------------------------
# clock


@contextlib.contextmanager
def fixed_clock(module, stamp):
    """Make the signers of ``module`` (botocore.auth, botocore.crt.auth) sign at ``stamp`` (YYYYMMDDTHHMMSSZ)."""
    fixed = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    if hasattr(module, "get_current_datetime"):

        def now(remove_tzinfo=True):
            return fixed if remove_tzinfo else fixed.replace(tzinfo=datetime.timezone.utc)

        with mock.patch.object(module, "get_current_datetime", now):
            yield
    else:  # older botocore: datetime.datetime.utcnow() inside botocore.auth

        class _Fixed(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed

            @classmethod
            def now(cls, tz=None):
                return fixed if tz is None else fixed.replace(tzinfo=tz)

        shim = mock.MagicMock(wraps=datetime)
        shim.datetime = _Fixed
        with mock.patch.object(module, "datetime", shim):
            yield


# ---------------------------------------------------------------------------
# random inputs


def with_port(rng, host, ports):
    """``host``, with one of ``ports`` (":8443", ...) appended one time in ten."""
    return host + rng.choice(ports) if rng.random() < 0.1 else host


def draw_query(rng, keys, values, count, repeat_chance, bare_chance):
    """``count`` decoded (key, value) pairs drawn from ``keys`` and ``values``.

    A key seen before is reused with ``repeat_chance`` (else keys are
    distinct), and a value is None (a key without '=') with ``bare_chance``;
    a chance of 0 draws nothing for it.
    """
    out = []
    while len(out) < count:
        if repeat_chance and out and rng.random() < repeat_chance:
            key = rng.choice(out)[0]
        else:
            key = rng.choice(keys)
            if any(k == key for k, _ in out):
                continue
        value = None if bare_chance and rng.random() < bare_chance else rng.choice(values)
        out.append((key, value))
    return out


def shaped_path(rng, shape, segs):
    """The decoded path of ``shape`` made of ``segs``, for the shapes both generators draw alike; else None.

    "empty": no path at all (sent as "/"); "root": "/"; "plain": the
    segments; "trailing": with a final '/'; "dot": a "." segment inserted
    (drawn from ``rng``); "above-root": "/../" first; "slashes-trailing": "//"
    on both ends.
    """
    if shape == "empty":
        return ""
    if shape == "root":
        return "/"
    if shape == "plain":
        return "/" + "/".join(segs)
    if shape == "trailing":
        return "/" + "/".join(segs) + "/"
    if shape == "dot":
        i = rng.randrange(len(segs))
        return "/" + "/".join(segs[:i] + ["."] + segs[i:])
    if shape == "above-root":
        return "/../" + "/".join(segs)
    if shape == "slashes-trailing":
        return "//" + "/".join(segs) + "//"
    return None


# ---------------------------------------------------------------------------
# the wire form of a request


def wire_path(decoded):
    """The wire form of a decoded path: everything but unreserved characters and '/' percent-encoded."""
    return quote(decoded, safe="/~")


def wire_query(pairs):
    """The wire query of decoded (key, value or None) pairs; '+' always goes out as %2B."""
    parts = []
    for k, v in pairs:
        ek = quote(k, safe="-_.~")
        parts.append(ek if v is None else ek + "=" + quote(v, safe="-_.~"))
    return "&".join(parts)


def split_query(query):
    """Wire query -> list of (raw key, raw value or None for a key without '=')."""
    out = []
    for part in query.split("&") if query else []:
        k, eq, v = part.partition("=")
        out.append((k, v if eq else None))
    return out


def https_url(host, path, query):
    """The URL handed to botocore: https, ``host``, the wire path and, if any, the wire query."""
    url = "https://" + host + path
    if query:
        url += "?" + query
    return url


def make_auth(cls, creds, service, region, expires=None):
    """An instance of the botocore signer class ``cls``; ``expires`` is given to the query classes only."""
    credentials = Credentials(creds["access_key_id"], creds["secret_access_key"], creds["token"])
    if expires is None:
        return cls(credentials, service, region)
    return cls(credentials, service, region, expires=expires)


# ---------------------------------------------------------------------------
# independent spec-level recomputation


def trimall(value):
    """The specification's Trimall: leading and trailing spaces removed, runs of spaces collapsed."""
    return " ".join(p for p in value.split(" ") if p)


def remove_dot_segments(path):
    """RFC 3986 section 5.2.4."""
    inp, out = path, ""
    while inp:
        if inp.startswith("../"):
            inp = inp[3:]
        elif inp.startswith("./"):
            inp = inp[2:]
        elif inp.startswith("/./"):
            inp = inp[2:]
        elif inp == "/.":
            inp = "/"
        elif inp.startswith("/../"):
            inp = inp[3:]
            out = out[: out.rfind("/")] if "/" in out else ""
        elif inp == "/..":
            inp = "/"
            out = out[: out.rfind("/")] if "/" in out else ""
        elif inp in (".", ".."):
            inp = ""
        else:
            j = inp.find("/", 1 if inp.startswith("/") else 0)
            j = len(inp) if j < 0 else j
            out += inp[:j]
            inp = inp[j:]
    return out


def canonical_uri(wire_path, normalize):
    """The canonical URI: the wire path as it is (S3), or normalized and encoded once more."""
    if not normalize:
        return wire_path or "/"
    p = remove_dot_segments(wire_path or "/")
    while "//" in p:
        p = p.replace("//", "/")
    if not p.startswith("/"):
        p = "/" + p
    return quote(p, safe="/~")


def canonical_query(pairs):
    """The canonical query string of encoded (key, value) pairs: sorted, joined with '&'."""
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_headers(headers, names):
    """The canonical header lines of ``names`` (lowercase), values of one name trimmed and comma-joined in order."""
    return "".join(
        n + ":" + ",".join(trimall(v) for m, v in headers if m.lower() == n) + "\n" for n in names
    )


def sha256_hex(text):
    """The hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sign_reference(creq, case):
    """The string to sign and the hex signature of the canonical request ``creq`` for ``case``."""
    t = case["time"]
    scope = f"{t[:8]}/{case['region']}/{case['service']}/aws4_request"
    sts = "\n".join([ALGORITHM, t, scope, sha256_hex(creq)])
    key = ("AWS4" + case["credentials"]["secret_access_key"]).encode("utf-8")
    for part in (t[:8], case["region"], case["service"], "aws4_request"):
        key = _hmac(key, part)
    return sts, hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------
# checks and output


class GeneratorError(Exception):
    pass


def check(cond, name, what):
    """Fails the generator with ``name: what`` unless ``cond`` holds."""
    if not cond:
        raise GeneratorError(f"{name}: {what}")


def document(fmt, seed, cases, **versions):
    """The output document: ``format``, the ``*_version`` entries, ``seed`` and the cases (names checked unique)."""
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    return {"format": fmt, **versions, "seed": seed, "cases": cases}


def main(doc, generate, argv=None):
    """The command line: writes ``generate()`` as JSON (indent=1, sorted keys, UTF-8, trailing newline)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--out", metavar="PATH", help="write here instead of stdout")
    args = ap.parse_args(argv)
    data = (json.dumps(generate(), sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    if args.out:
        with open(args.out, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
