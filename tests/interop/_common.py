"""Plumbing shared by the interoperability vector generators.

``botocore_vectors.py``, ``crt_vectors.py`` and ``crt_v4a_vectors.py`` import
this module; they are run as ``python3 tests/interop/<generator>.py`` and put
this directory on ``sys.path`` first.  The helpers that are handed a
generator's random number generator draw from it exactly as the generators did
before they were shared, so the deterministic outputs stay byte for byte the
same.

The second half serves the two CRT generators: their input tables and draws,
the request scenarios, signing with one of botocore's CRT classes (capturing
the request as sent), the checks of what the CRT added, and the spec-level
canonical request of a recorded wire request.  Inputs where aws-c-auth (or
botocore around it) deviates from the specification are not generated; each
such rule is marked "AVOID".
"""

import argparse
import base64
import contextlib
import datetime
import hashlib
import hmac
import importlib.metadata
import json
import random
import sys
from unittest import mock
from urllib.parse import quote, unquote, urlsplit

import botocore
import botocore.auth  # before botocore.crt.auth (import cycle), which sign_with_crt imports
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

UNSIGNED = "UNSIGNED-PAYLOAD"
ALGORITHM = "AWS4-HMAC-SHA256"
ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"

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


def _encode(doc):
    return (json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main(doc, generate, argv=None, mask=None):
    """The command line: writes ``generate()`` as JSON (indent=1, sorted keys, UTF-8, trailing newline).

    With ``mask`` (a function from a document to the same document with what
    differs from run to run replaced), ``--check PATH`` compares the fresh
    document with the one in PATH, both masked, and exits 1 if they differ;
    it writes the fresh one only where ``--out`` says.
    """
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--out", metavar="PATH", help="write here instead of stdout")
    if mask is not None:
        ap.add_argument("--check", metavar="PATH",
                        help="compare with the document in PATH, run-to-run differences masked; exit 1 if they differ")
    args = ap.parse_args(argv)
    fresh = generate()
    data = _encode(fresh)
    if args.out:
        with open(args.out, "wb") as f:
            f.write(data)
    elif getattr(args, "check", None) is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if getattr(args, "check", None) is not None:
        with open(args.check, encoding="utf-8") as f:
            committed = json.load(f)
        differences = _differences(mask(committed), mask(json.loads(data)))
        if differences:
            print(f"{args.check} differs from a fresh run (run-to-run differences masked):", file=sys.stderr)
            for line in differences[:20]:
                print("  " + line, file=sys.stderr)
            if len(differences) > 20:
                print(f"  ... and {len(differences) - 20} more", file=sys.stderr)
            sys.exit(1)


def _differences(old, new, where="$"):
    """Where the JSON values ``old`` and ``new`` differ: a line per differing leaf, path first."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(old.keys() | new.keys()):
            if k not in old or k not in new:
                out.append(f"{where}.{k}: only in the {'fresh' if k in new else 'given'} document")
            else:
                out += _differences(old[k], new[k], f"{where}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = [f"{where}: {len(old)} entries given, {len(new)} fresh"] if len(old) != len(new) else []
        for i, (a, b) in enumerate(zip(old, new)):
            name = a.get("name") if isinstance(a, dict) else None
            out += _differences(a, b, f"{where}[{name or i}]")
        return out
    return [] if old == new else [f"{where}: given {old!r}, fresh {new!r}"[:400]]


# ===========================================================================
# the CRT generators (crt_vectors.py, crt_v4a_vectors.py)
# ---------------------------------------------------------------------------
# input tables

# Headers botocore's CRT signers never sign (should_sign_header callback).
NEVER_SIGNED = frozenset(botocore.auth.SIGNED_HEADERS_BLACKLIST)

TIMES = [
    "20150830T123600Z",
    "20130524T000000Z",
    "20200229T235959Z",
    "20261129T174501Z",
    "19991231T235959Z",
    "20380119T031408Z",
    "20000101T000000Z",
    "20991231T235959Z",
]

REGIONS = [
    "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-2",
    "ap-south-1", "ap-northeast-3", "me-central-1", "af-south-1",
    "us-gov-west-1", "cn-northwest-1",
]

# Decoded path segments; the wire form is quote(path, safe="/~"), so every
# reserved or non-ASCII character goes out percent-encoded.
SEGMENTS = [
    "docs", "Photos", "index.html", "v2", "item-42", "a_b", "x.y.z",
    "with space", "two  spaces", " edge ", "tab-free",
    "naïve", "Ω", "中文", "日本 語", "ሴ", "🙂", "Ünïcode",
    "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@",
    "!$&'()*+,;=:@", "50%", "%41", "a%2Fb", "q?x", "h#f", "[v]", "{w}",
    "p|q", "b\\s", "dq\"", "<gt>", "^", "`", "~home", "a~b", "...",
    ".rc", "..x",
]

QUERY_KEYS = [
    "a", "B", "key", "list-type", "max_items", "~t", "x.y", "k1", "K1",
    "名前", "ü", "sp ace", "p+lus", "eq=", "amp&", "sl/ash", "!*'()",
    "pct%", "colon:", "semi;", "at@", "uploadId", "marker", "Action",
]
QUERY_VALUES = [
    "", "0", "1", "10", "2", "+", "a+b", "a b", "  ", "x=y", "a&b", "50%",
    "/p/a/t/h", "?#", "😀", "日本語", "é", "~-._", "!*'()", "$,;:@",
    "VXBsb2Fk+/=", "2026-11-29", "TRUE", "value",
]

# (name as given, value as given).
# AVOID: tabs or other non-space whitespace inside values: aws-c-auth trims and
# collapses them like spaces ("a \t b" -> "a b"), while the specification only
# collapses sequential spaces.
# Header values are printable ASCII only: anything else is opaque "obs-text"
# to HTTP/1.1 and not something a SigV4 client sends.
# AVOID: Authorization, X-Amz-Date, X-Amz-Security-Token and
# X-Amz-Content-SHA256 as inputs: botocore deletes them before signing, and a
# given X-Amz-Content-SHA256 would be signed verbatim by CrtSigV4Auth
# (crt/auth.py add_auth: existing_sha256) whatever the body.  Host is left to
# botocore (it adds a lowercase "host").
HEADERS = [
    ("X-Amz-Meta-Owner", "  Jane   Q.   Public "),
    ("x-amz-meta-tags", "a  b   c"),
    ("X-Amz-Meta-Blank", ""),
    ("X-AMZ-META-SPACES", "    "),
    ("X-Amz-Meta-Punct", "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    ("X-Amz-Meta-Commas", "one, two ,three"),
    ("x-amz-meta-quoted", "\"a  b\"  'c'"),
    ("X-Custom", "  padded  value  "),
    ("x-lower", "v"),
    ("X-UPPER", "V"),
    ("Zz-Last", "zz"),
    ("Aa-First", "aa"),
    ("Accept", "application/json, text/plain;q=0.5"),
    ("Cache-Control", "max-age=0,  no-store"),
    ("If-Match", "\"0123  4567\""),
    ("Content-Language", "de-CH"),
    ("X-Amz-Meta-Path", "/a/./b/../c//d"),
    ("X-Forwarded-For", "192.0.2.1,  198.51.100.2"),
]

# Headers a real client or proxy adds that botocore's CRT signers leave
# unsigned (SIGNED_HEADERS_BLACKLIST); a verifier must ignore them.
UNSIGNED_EXTRAS = [
    ("User-Agent", "Boto3/1.40.0 md/Botocore#1.43.11 ua/2.1 os/linux md/awscrt#0.38.1"),
    ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
    ("Expect", "100-continue"),
]


S3_SUBRESOURCES = [
    [("uploads", None)],
    [("uploadId", "2~iCw_lDY8VoNsWMdpuMJ8cWB3R+/="), ("partNumber", "7")],
    [("list-type", "2"), ("prefix", "photos/2026 ü/"), ("delimiter", "/"), ("max-keys", "1000")],
    [("versionId", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo")],
    [("acl", "")],
    [("tagging", None)],
    [("response-content-disposition", "attachment; filename=\"na\u00efve file.txt\""),
     ("response-content-type", "text/plain; charset=utf-8")],
    [("continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="), ("list-type", "2")],
]


# ---------------------------------------------------------------------------
# random inputs


def make_credentials(rng, with_token):
    if rng.random() < 0.15:
        akid, secret = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    else:
        akid = ("ASIA" if with_token else "AKIA") + "".join(rng.choice(KEY_ALPHABET) for _ in range(16))
        secret = "".join(rng.choice(B64) for _ in range(40))
    token = None
    if with_token:
        length = rng.choice([40, 120, 300])
        token = "FwoGZXIvYXdzE" + "".join(rng.choice(B64) for _ in range(length)) + "/+" + "=" * rng.randint(0, 2)
    return {"access_key_id": akid, "secret_access_key": secret, "token": token}


def segments(rng, lo=1, hi=3):
    return [rng.choice(SEGMENTS) for _ in range(rng.randint(lo, hi))]


def normalized_path(rng):
    """A decoded path for CrtSigV4Auth / CrtSigV4QueryAuth (path normalized)."""
    # AVOID: a path ending in "/." or "/..".  aws-c-auth's normalization
    # (s_append_normalized_path) keeps a trailing slash only when the raw path
    # ends in '/', so "/a/b/." gives "/a/b" where RFC 3986 5.2.4 gives "/a/b/".
    # AVOID: empty segments together with ".." ("/a//../b").  aws-c-auth drops
    # empty segments before resolving "..", giving "/b", where RFC 3986
    # dot-segment removal followed by collapsing slashes gives "/a/b".
    # (A dot segment followed by a final '/', "/a/./" or "/a/b/../", is fine.)
    shape = rng.choice(["empty", "root", "plain", "plain", "trailing", "dot", "dotdot", "above-root",
                        "dot-trailing", "slashes", "slashes-trailing"])
    segs = segments(rng)
    path = shaped_path(rng, shape, segs)
    if path is not None:
        return path
    if shape == "dotdot":
        i = rng.randrange(len(segs))
        return "/" + "/".join(segs[:i] + [rng.choice(SEGMENTS), ".."] + segs[i:])
    if shape == "dot-trailing":
        return "/" + "/".join(segs) + rng.choice(["/./", "/" + rng.choice(SEGMENTS) + "/../", "/../"])
    if shape == "slashes":
        return "/" + "//".join(segs)
    raise AssertionError(shape)


def s3_key_path(rng):
    """A decoded S3 path: used verbatim by the S3 classes, so dot segments,
    empty segments and trailing dots are all fine."""
    r = rng.random()
    segs = segments(rng, 1, 4)
    if r < 0.5:
        return "/" + "/".join(segs) + ("/" if rng.random() < 0.2 else "")
    if r < 0.65:
        return "/" + "/".join(segs[:1] + [".", ".."] + segs[1:])
    if r < 0.8:
        return "/" + "//".join(segs) + rng.choice(["", "//"])
    if r < 0.9:
        return "/" + "/".join(segs) + rng.choice(["/.", "/..", "/...", "/./"])
    return "/"


def pick_query(rng, repeats, bare_keys, count=None):
    """A list of decoded (key, value) pairs; value None = no '='."""
    if count is None:
        count = rng.choice([0, 0, 1, 2, 3, 5])
    return draw_query(rng, QUERY_KEYS, QUERY_VALUES, count,
                      repeat_chance=0.3 if repeats else 0, bare_chance=0.15 if bare_keys else 0)


def pick_headers(rng, lo, hi, repeats):
    headers = rng.sample(HEADERS, rng.randint(lo, hi))
    if repeats and rng.random() < 0.2:
        # The same name twice (the second in another letter case).
        name, value = rng.choice(HEADERS[:3])
        headers.append((name, value))
        headers.append((name.swapcase(), rng.choice(["second", "  two  words ", ""])))
    if rng.random() < 0.3:
        headers.append(rng.choice(UNSIGNED_EXTRAS))
    return headers


def json_body(rng, obj):
    return json.dumps(obj, ensure_ascii=rng.random() < 0.5, separators=(",", ":") if rng.random() < 0.5 else None)


def add_port(rng, host):
    return with_port(rng, host, [":8443", ":4566"])


def draw_signing(rng, cls_name, token_chance):
    """The credentials, signing time, X-Amz-Expires (query classes) and whether the payload goes unsigned."""
    creds = make_credentials(rng, rng.random() < token_chance)
    stamp = rng.choice(TIMES)
    if is_query_class(cls_name):
        expires = rng.choice([1, 30, 900, 3600, 3600, 43200, 604800, rng.randint(2, 604799)])
        # S3 presigned URLs sign UNSIGNED-PAYLOAD; the others must sign the payload (see sign_with_crt).
        unsigned = is_s3_class(cls_name)
    else:
        expires = None
        unsigned = rng.random() < (0.4 if is_s3_class(cls_name) else 0.2)
    return creds, stamp, expires, unsigned


def case_name(index, slug, inputs):
    """``NNNN-slug-method-service[-tag]``."""
    name = f"{index:04d}-{slug}-{inputs['method'].lower()}-{inputs['service']}"
    return name + "-" + inputs["tag"] if inputs["tag"] else name


# ---------------------------------------------------------------------------
# scenarios: each returns the inputs handed to botocore (service, method,
# host, path, query, headers, body, tag; "form" for a form body)


def json_service(rng, query_cls, service, target_prefix, ops, make_body, host):
    """A POST to a JSON-protocol service: operation ``target_prefix + op``, body ``make_body(rng, op)``."""
    op = rng.choice(ops)
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target_prefix + op)]
    headers += pick_headers(rng, 0, 2, repeats=True)
    rng.shuffle(headers)
    body = ""
    # AVOID (query classes): a JSON body.  The query signers json.loads() it
    # and move its members into the query string (botocore.auth.
    # _get_body_as_dict), which no JSON-protocol service would accept.
    if not query_cls:
        body = json_body(rng, make_body(rng, op))
        if rng.random() < 0.3:
            headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    return dict(service=service, method="POST", host=add_port(rng, host), path=rng.choice(["/", "/", ""]),
                query=[], headers=headers, body=body, tag=op.lower())


def _secretsmanager_body(rng, op):
    obj = {"SecretId": rng.choice(["prod/db", "My Secret", "clé-ሴ", "arn:aws:secretsmanager:x"])}
    if op == "PutSecretValue":
        obj["SecretString"] = rng.choice(["{\"user\":\"u\",\"pass\":\"p w\"}", "s3cr3t\n", "日本"])
    elif op == "ListSecrets":
        obj = {"MaxResults": rng.randint(1, 100)}
    return obj


def scenario_secretsmanager(rng, query_cls, region):
    return json_service(rng, query_cls, "secretsmanager", "secretsmanager.",
                        ["GetSecretValue", "ListSecrets", "PutSecretValue", "DescribeSecret"], _secretsmanager_body,
                        f"secretsmanager.{region}.amazonaws.com")


def scenario_sts(rng, query_cls, region):
    host = add_port(rng, rng.choice([f"sts.{region}.amazonaws.com", "sts.amazonaws.com"]))
    action = rng.choice(["GetCallerIdentity", "GetSessionToken", "AssumeRole"])
    params = [("Action", action), ("Version", "2011-06-15")]
    if action == "AssumeRole":
        params += [("RoleArn", "arn:aws:iam::123456789012:role/demo role"),
                   ("RoleSessionName", rng.choice(["s1", "bob@example.com", "a+b=c"]))]
    form = wire_query(params)
    if rng.random() < 0.4:
        return dict(service="sts", method="GET", host=host, path="/", query=params,
                    headers=pick_headers(rng, 0, 2, repeats=True), body="", tag=action.lower())
    headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
    headers += pick_headers(rng, 0, 2, repeats=True)
    # For the query classes botocore moves a form body into the query string
    # and drops exactly this Content-Type (CrtSigV4QueryAuth.
    # _modify_request_before_signing); the request as sent is then a POST with
    # an empty body, which is still a consistent signed request.
    return dict(service="sts", method="POST", host=host, path="/", query=[],
                headers=headers, body=form, form=params, tag=action.lower())


def scenario_execute_api(rng, query_cls, region):
    api_id = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    method = rng.choice(["GET", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"])
    headers = pick_headers(rng, 0, 4, repeats=True)
    body = ""
    if not query_cls and method in ("PUT", "POST", "PATCH") and rng.random() < 0.85:
        if rng.random() < 0.6:
            headers.insert(rng.randint(0, len(headers)), ("Content-Type", "application/json"))
            body = json_body(rng, {"name": rng.choice(["Ω", "plain", "a  b", "日本"]),
                                   "count": rng.randint(-5, 10 ** 9), "ok": rng.random() < 0.5})
        else:
            headers.insert(0, ("content-type", "text/plain;  charset=utf-8"))
            body = rng.choice(["hi", "line one\nline two\n", "  spaced  ", "\u00e9\u00e8 \U0001f600", "a\r\nb"])
        if rng.random() < 0.3:
            headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    if rng.random() < 0.15:
        headers.append(("X-Amz-Target", "Example_20261129.DoThing"))
    # AVOID (query classes): repeated query keys.  botocore rebuilds the query
    # from parse_qs into a dict keeping the first value only, so the repeats
    # would silently vanish; they are exercised with header auth instead.
    query = pick_query(rng, repeats=not query_cls, bare_keys=True)
    return dict(service="execute-api", method=method,
                host=add_port(rng, f"{api_id}.execute-api.{region}.amazonaws.com"),
                path=normalized_path(rng), query=query, headers=headers, body=body, tag="")


def scenario_s3(rng, query_cls, region, mrap=0.0, virtual=0.6, no_path=0.2):
    """An S3 request: to a Multi-Region Access Point with chance ``mrap``, else to a
    virtual-hosted bucket up to chance ``virtual``, else path-style; without a path
    (sent as "/") with chance ``no_path``."""
    bucket = rng.choice(["examplebucket", "my-bucket-2026", "dots.in.name", "b1"])
    key_path = s3_key_path(rng)
    r = rng.random()
    if r < mrap:
        alias = rng.choice(["mfzwi23gnjvgw.mrap", "abcd1234efgh5.mrap"])
        host, path = f"{alias}.accesspoint.s3-global.amazonaws.com", key_path
    elif r < virtual:
        host, path = f"{bucket}.s3.{region}.amazonaws.com", key_path
    else:
        host = rng.choice([f"s3.{region}.amazonaws.com", "s3.amazonaws.com"])
        path = "/" + bucket + ("" if key_path == "/" and rng.random() < 0.5 else key_path)
    if rng.random() < no_path:
        path = ""  # URL without a path (bucket-level request): sent as "/"
    host = add_port(rng, host)
    method = rng.choice(["GET", "GET", "PUT", "POST", "DELETE", "HEAD"])
    r = rng.random()
    if r < 0.35:
        query = list(rng.choice(S3_SUBRESOURCES))
    elif r < 0.7:
        query = pick_query(rng, repeats=not query_cls, bare_keys=True)
    else:
        query = []
    headers = pick_headers(rng, 0, 3, repeats=True)
    body = ""
    if method == "GET" and rng.random() < 0.3:
        headers.append(("Range", rng.choice(["bytes=0-99", "bytes=1024-", "bytes=-64"])))
    if method in ("PUT", "POST"):
        if rng.random() < 0.6:
            headers.append(("Content-Type", rng.choice(["text/plain", "application/octet-stream",
                                                        "image/jpeg", "text/html;  charset=UTF-8"])))
        if rng.random() < 0.3:
            headers.append(("x-amz-storage-class", rng.choice(["STANDARD_IA", "GLACIER_IR"])))
        if not query_cls and rng.random() < 0.85:
            body = rng.choice(["Welcome to Amazon S3.", "ü ß 中文\n", "z" * 100, "{\"a\": [1, 2]}",
                               "crlf\r\nlines\r\n", " "])
            if rng.random() < 0.4:
                md5 = base64.b64encode(hashlib.md5(body.encode("utf-8")).digest()).decode("ascii")
                headers.append(("Content-MD5", md5))
            if rng.random() < 0.3:
                headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    if rng.random() < 0.15:
        headers.append(("x-amz-acl", rng.choice(["private", "bucket-owner-full-control"])))
    if rng.random() < 0.1:
        headers.append(("x-amz-checksum-sha256", base64.b64encode(
            hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")))
    return dict(service="s3", method=method, host=host, path=path, query=query, headers=headers, body=body, tag="")


# ---------------------------------------------------------------------------
# signing with the CRT


def is_query_class(cls_name):
    """Whether the botocore CRT class presigns (``...QueryAuth``)."""
    return cls_name.endswith("QueryAuth")


def is_s3_class(cls_name):
    """Whether the botocore CRT class signs with the S3 rules (``CrtS3...``)."""
    return cls_name.startswith("CrtS3")


def sign_with_crt(name, cls_name, inputs, creds, region, stamp, expires, unsigned):
    """Signs the inputs with the botocore CRT class ``cls_name``, for ``region`` (a region
    set for SigV4a); returns the request as sent."""
    import botocore.crt.auth  # here: botocore_vectors.py, which imports this module too, needs no awscrt

    query_cls, s3 = is_query_class(cls_name), is_s3_class(cls_name)
    auth = make_auth(getattr(botocore.crt.auth, cls_name), creds, inputs["service"], region, expires)

    # AVOID (S3 classes): reserved or other characters left unencoded in the
    # wire path ("/a!b(c)").  With use_double_uri_encode=False aws-c-auth
    # copies the wire path into the canonical request verbatim ("/a!b(c)"),
    # while the specification URI-encodes each segment once ("/a%21b%28c%29").
    # Every wire path here (wire_path) is fully encoded, which both rules
    # leave as it is.
    # AVOID: a raw '+' in the query (wire_query sends it as %2B).  botocore's
    # query signers rebuild the query with parse_qs, which turns a raw '+'
    # into a space, and servers disagree on its meaning.
    url = https_url(inputs["host"], wire_path(inputs["path"]), wire_query(inputs["query"]))
    body = inputs["body"].encode("utf-8")
    data = body or None
    if query_cls and "form" in inputs:
        # A query-protocol operation: botocore's serializer hands the signer
        # a dict, which the query signers move into the query string.
        data = dict(inputs["form"])
    request = AWSRequest(method=inputs["method"], url=url, data=data)
    for n, v in inputs["headers"]:
        request.headers[n] = v  # HTTPHeaders appends: repeated names are kept

    if not query_cls and s3:
        # An explicit s3 payload_signing_enabled wins over Content-MD5 /
        # streaming heuristics (CrtS3SigV4Auth._should_sha256_sign_payload).
        request.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    elif not query_cls:
        # Over https, request.context['payload_signing_enabled'] decides; when
        # False the CRT signs UNSIGNED-PAYLOAD and sends X-Amz-Content-SHA256.
        request.context["payload_signing_enabled"] = not unsigned
    elif not s3:
        # AVOID: CrtSigV4QueryAuth with payload signing disabled.  aws-c-auth
        # then signs UNSIGNED-PAYLOAD but the presigned URL does not say so
        # (no X-Amz-Content-SHA256 anywhere), so no verifier of a non-S3
        # service can know which payload line was signed.
        check(not unsigned, name, f"{cls_name} must sign the payload")
    else:
        check(unsigned, name, f"{cls_name} always signs UNSIGNED-PAYLOAD")

    seen = []
    original_apply = auth._apply_signing_changes

    def capture(aws_request, signed_crt_request):
        seen.append((signed_crt_request.method, signed_crt_request.path, list(signed_crt_request.headers)))
        return original_apply(aws_request, signed_crt_request)

    auth._apply_signing_changes = capture
    with fixed_clock(botocore.crt.auth, stamp):
        auth.add_auth(request)
    check(len(seen) == 1, name, "the CRT request was not captured exactly once")
    method, target, headers = seen[0]

    # The AWSRequest botocore updated must agree with the captured CRT request.
    final = urlsplit(request.url)
    check(method == inputs["method"], name, "method changed")
    check(final.netloc == inputs["host"], name, "host changed")
    check(final.path == target.partition("?")[0] or (final.path == "" and target.startswith("/")),
          name, f"path differs: {final.path!r} vs {target!r}")
    check(final.query == target.partition("?")[2], name, f"query differs: {final.query!r} vs {target!r}")
    check(list(request.headers.items()) == headers, name, "headers differ from the CRT request")
    sent_body = request.body or b""
    if query_cls:
        check(sent_body in (b"", body) and (sent_body == b"" or not body), name, "unexpected body")
    else:
        check(sent_body == body, name, "body changed")
    return {
        "method": method,
        "host": inputs["host"],
        "target": target,
        "headers": [[n, v] for n, v in headers],
        "body": sent_body.decode("utf-8"),
    }


def sent_signature(name, cls_name, request, algorithm, credential, expect):
    """The SignedHeaders and signature the CRT put into ``request`` (as sign_with_crt returns it), checked.

    ``expect`` maps the X-Amz-* names the CRT must send besides the
    signature's own to their values (None: not sent): query parameters for
    the query classes (which must send no Authorization header and none of
    these names as headers), else headers, each exactly once.  The
    Authorization header (header auth) must read ``algorithm
    Credential=credential, SignedHeaders=..., Signature=...``; the presigned
    X-Amz-Algorithm and X-Amz-Credential must say the same.  Every header but
    Authorization and botocore's blocklist must be signed.
    """
    hdrs = request["headers"]
    sent = {}
    for n, v in hdrs:
        sent.setdefault(n.lower(), []).append(v)
    if is_query_class(cls_name):
        amz = [(k, unquote(v or "")) for k, v in split_query(request["target"].partition("?")[2])
               if k.startswith("X-Amz-")]
        got = dict(amz)
        check(len(got) == len(amz), name, "repeated X-Amz-* parameter")
        for k, v in dict(expect, **{"X-Amz-Algorithm": algorithm, "X-Amz-Credential": credential}).items():
            check(got.get(k) == v, name, f"{k}: {got.get(k)!r}")
        check(not any(n in sent for n in ["authorization", *(k.lower() for k in expect)]), name,
              "Authorization or an X-Amz-* parameter as a header in query auth")
        signature, signed = got["X-Amz-Signature"], got["X-Amz-SignedHeaders"]
    else:
        for k, v in expect.items():
            check(sent.get(k.lower(), []) == ([] if v is None else [v]), name, f"{k}: {sent.get(k.lower())!r}")
        authz = sent.get("authorization", [])
        prefix = f"{algorithm} Credential={credential}, SignedHeaders="
        check(len(authz) == 1 and authz[0].startswith(prefix), name, f"Authorization {authz!r}")
        signed, _, signature = authz[0][len(prefix):].partition(", Signature=")
    expect_signed = sorted(set(sent) - NEVER_SIGNED - {"authorization"})
    check(signed == ";".join(expect_signed), name, f"SignedHeaders {signed!r}")
    return signed, signature


# ---------------------------------------------------------------------------
# cases and documents


def crt_case(rng, index, slug, cls_name, inputs, region, token_chance, v4a):
    """A case: ``inputs`` signed with the CRT class ``cls_name`` for ``region`` (SigV4)
    or region set ``region`` (SigV4a), checked, with the spec's canonical request of the
    request as sent.  Returns the case and its credential scope."""
    creds, stamp, expires, unsigned = draw_signing(rng, cls_name, token_chance)
    name = case_name(index, slug, inputs)
    request = sign_with_crt(name, cls_name, inputs, creds, region, stamp, expires, unsigned)
    case = {
        "name": name,
        "auth": cls_name,
        "service": inputs["service"],
        "region_set" if v4a else "region": region,
        "time": stamp,
        "credentials": creds,
        "expires": expires,
        "payload": "unsigned" if unsigned else "signed",
        "request": request,
    }

    # What the CRT put into the request; for SigV4a the region set is sent
    # unchanged and the credential scope has no region.
    expect = {"X-Amz-Date": stamp, "X-Amz-Security-Token": creds["token"]}
    if is_query_class(cls_name):
        expect["X-Amz-Expires"] = str(expires)
    if v4a:
        expect["X-Amz-Region-Set"] = region
        scope = f"{stamp[:8]}/{inputs['service']}/aws4_request"
    else:
        scope = f"{stamp[:8]}/{region}/{inputs['service']}/aws4_request"
    signed, signature = sent_signature(name, cls_name, request, ALGORITHM_V4A if v4a else ALGORITHM,
                                       f"{creds['access_key_id']}/{scope}", expect)
    creq, r_signed = reference_canonical_request(case)
    check(r_signed == signed, name, "SignedHeaders")
    case["signed_headers"] = signed
    case["signature"] = signature
    case["canonical_request"] = creq
    return case, scope


def crt_document(fmt, seed, rounds, class_order, build_case):
    """The document of ``rounds`` cases per class: ``build_case(rng, index, cls_name, round)`` for
    each class of ``class_order`` in turn, ``index`` counting from 1."""
    rng = random.Random(seed)
    cases = []
    for round_ in range(rounds):
        for cls_name in class_order:
            cases.append(build_case(rng, len(cases) + 1, cls_name, round_))
    return document(fmt, seed, cases, awscrt_version=importlib.metadata.version("awscrt"),
                    botocore_version=botocore.__version__)


# ---------------------------------------------------------------------------
# independent spec-level recomputation from the wire request


def canonical_query_of_wire(query, skip=()):
    """The canonical query of a wire query: each key and value decoded and encoded again; keys in ``skip`` left out."""
    pairs = []
    for k, v in split_query(query):
        dk = unquote(k, errors="strict")
        if dk in skip:
            continue
        pairs.append((quote(dk, safe="-_.~"), quote(unquote(v or "", errors="strict"), safe="-_.~")))
    return canonical_query(pairs)


def reference_canonical_request(case):
    """The spec's canonical request and SignedHeaders of the recorded wire request of a CRT case
    (whose payload line must be the one its "payload" says)."""
    req = case["request"]
    path, _, query = req["target"].partition("?")
    headers = req["headers"]
    query_auth, s3 = is_query_class(case["auth"]), is_s3_class(case["auth"])
    if query_auth:
        signed = {unquote(k): unquote(v or "") for k, v in split_query(query)}["X-Amz-SignedHeaders"]
        canon_query = canonical_query_of_wire(query, skip=("X-Amz-Signature",))
    else:
        authz = [v for n, v in headers if n.lower() == "authorization"]
        assert len(authz) == 1, authz
        signed = authz[0].split("SignedHeaders=", 1)[1].split(",", 1)[0]
        canon_query = canonical_query_of_wire(query)
    declared = [v for n, v in headers if n.lower() == "x-amz-content-sha256"]
    if declared:
        payload = declared[0]
    elif query_auth and s3:
        payload = UNSIGNED
    else:
        payload = sha256_hex(req["body"])
    creq = "\n".join([req["method"], canonical_uri(path, not s3), canon_query,
                      canonical_headers(headers, signed.split(";")), signed, payload])
    check(payload == (UNSIGNED if case["payload"] == "unsigned" else sha256_hex(req["body"])),
          case["name"], f"payload line {payload!r}")
    return creq, signed
