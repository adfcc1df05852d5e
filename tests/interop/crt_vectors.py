#!/usr/bin/env python3
"""Generate SigV4 requests signed by AWS's C signer (aws-c-auth, through awscrt).

Usage::

    python3 tests/interop/crt_vectors.py > tests/interop/crt_vectors.json
    python3 tests/interop/crt_vectors.py --out tests/interop/crt_vectors.json

``botocore`` and ``awscrt`` are pinned in ``tests/interop/requirements.txt``.
The output is deterministic (fixed seed, fixed signing clock, sorted keys, and
SigV4 HMAC signing has no randomness), so CI can regenerate it and
``git diff --exit-code`` the committed file.  ``tests/verify_crt.rs`` verifies
every case with ``sigv4_kit::verify::Verifier``.

Every case is signed by one of botocore's CRT signers, unmodified:
``botocore.crt.auth.CrtSigV4Auth``, ``CrtS3SigV4Auth``, ``CrtSigV4QueryAuth``
and ``CrtS3SigV4QueryAuth`` (SigV4a is out of scope).  They hand the request
to ``awscrt.auth.aws_sign_request``, i.e. to aws-c-auth, which computes the
canonical request and signature and adds the headers / query parameters.
The only thing replaced is the clock: ``botocore.crt.auth`` imports
``get_current_datetime`` from ``botocore.compat`` into its own namespace and
calls it once per ``add_auth``; the generator patches that name.

What is recorded is the request AS SENT: the method, the request target
(path and query) and the headers of the signed ``awscrt.http.HttpRequest``
(captured in the signer's own ``_apply_signing_changes``, and checked against
the ``AWSRequest`` botocore updated from it), plus the body.

Each case is then cross-checked against an independent, spec-level
recomputation from the recorded request (``_reference``): the canonical
request built from the wire request must give CRT's signature.  So the
recorded ``canonical_request`` is, byte for byte, the one aws-c-auth signed
(equal signatures), and every generated input is one where aws-c-auth follows
the SigV4 specification.  Inputs where aws-c-auth (or botocore around it)
deviates are not generated; each such rule is marked "AVOID" below.

Output format (``indent=1``, sorted keys, UTF-8, trailing newline)::

    {
     "format": "sigv4-kit-crt/1",
     "awscrt_version": "0.38.1",
     "botocore_version": "1.43.11",
     "seed": 20261129,
     "cases": [
      {
       "name": "0001-crtsigv4-post-secretsmanager-getsecretvalue",
                                            unique; NNNN-class-method-service[-tag]
       "auth": "CrtSigV4Auth" | "CrtS3SigV4Auth" | "CrtSigV4QueryAuth"
               | "CrtS3SigV4QueryAuth",
       "service": "secretsmanager", "region": "us-east-1",
       "time": "20150830T123600Z",           signing time (UTC) = X-Amz-Date
       "credentials": {"access_key_id": "...", "secret_access_key": "...",
                       "token": null | "..."},
       "expires": 3600 | null,               X-Amz-Expires, query auth only
       "payload": "signed" | "unsigned",     "unsigned": the canonical request
                                             ends in UNSIGNED-PAYLOAD, else in
                                             the hex SHA-256 of the body
       "request": {                          the signed request as sent
         "method": "POST",
         "host": "secretsmanager.us-east-1.amazonaws.com",
                                             the URL authority (scheme https; a
                                             port only if non-default); the
                                             same value is in the host header
         "target": "/path?query",            path and query exactly as on the
                                             wire (the query includes the
                                             X-Amz-* parameters for query auth)
         "headers": [["host", "..."], ...],  every header, in the order of the
                                             signed CRT request, names in the
                                             case CRT/botocore used, values as
                                             sent (awscrt trims leading and
                                             trailing whitespace); names may
                                             repeat; includes Authorization,
                                             X-Amz-Date, ... for header auth
         "body": "..."                       UTF-8 text, "" for none
       },
       "signed_headers": "host;x-amz-date",  the SignedHeaders aws-c-auth chose
       "signature": "<hex>",                 the signature aws-c-auth computed
       "canonical_request": "..."            the canonical request of the spec
                                             for this wire request; its
                                             signature equals "signature"
      }
     ]
    }

How the classes treat the path: CrtSigV4Auth and CrtSigV4QueryAuth normalise
it (dot segments and empty segments removed) and percent-encode the wire path
once more (``%20`` -> ``%2520``); CrtS3SigV4Auth and CrtS3SigV4QueryAuth use
the wire path verbatim.  All four decode each query key and value and encode
it again (RFC 3986 unreserved characters kept) before sorting.
"""

import base64
import hashlib
import importlib.metadata
import json
import os
import random
import sys
from urllib.parse import quote, unquote, urlsplit

import botocore
import botocore.auth  # must come before botocore.crt.auth (import cycle)
import botocore.crt.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config

sys.dont_write_bytecode = True  # importing _common leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402  (after the sys.path entry it needs)
    B64, KEY_ALPHABET, UNSIGNED, canonical_headers, canonical_query, canonical_uri, check, document,
    draw_query, fixed_clock, https_url, main, make_auth, sha256_hex, shaped_path, sign_reference, split_query,
    wire_path, wire_query, with_port,
)

FORMAT = "sigv4-kit-crt/1"
SEED = 20261129
CASES_PER_CLASS = 75

CLASS_ORDER = ("CrtSigV4Auth", "CrtS3SigV4Auth", "CrtSigV4QueryAuth", "CrtS3SigV4QueryAuth")
SLUG = {
    "CrtSigV4Auth": "crtsigv4",
    "CrtS3SigV4Auth": "crts3sigv4",
    "CrtSigV4QueryAuth": "crtsigv4query",
    "CrtS3SigV4QueryAuth": "crts3sigv4query",
}
QUERY_CLASSES = ("CrtSigV4QueryAuth", "CrtS3SigV4QueryAuth")
S3_CLASSES = ("CrtS3SigV4Auth", "CrtS3SigV4QueryAuth")

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


# ---------------------------------------------------------------------------
# scenarios: each returns the inputs handed to botocore


def scenario_secretsmanager(rng, cls):
    region = rng.choice(REGIONS)
    op = rng.choice(["GetSecretValue", "ListSecrets", "PutSecretValue", "DescribeSecret"])
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "secretsmanager." + op)]
    headers += pick_headers(rng, 0, 2, repeats=True)
    rng.shuffle(headers)
    body = ""
    # AVOID (query classes): a JSON body.  CrtSigV4QueryAuth json.loads() it
    # and moves its members into the query string (botocore.auth.
    # _get_body_as_dict), which no JSON-protocol service would accept.
    if cls not in QUERY_CLASSES:
        obj = {"SecretId": rng.choice(["prod/db", "My Secret", "clé-ሴ", "arn:aws:secretsmanager:x"])}
        if op == "PutSecretValue":
            obj["SecretString"] = rng.choice(["{\"user\":\"u\",\"pass\":\"p w\"}", "s3cr3t\n", "日本"])
        elif op == "ListSecrets":
            obj = {"MaxResults": rng.randint(1, 100)}
        body = json_body(rng, obj)
        if rng.random() < 0.3:
            headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    return dict(service="secretsmanager", region=region, method="POST",
                host=add_port(rng, f"secretsmanager.{region}.amazonaws.com"),
                path=rng.choice(["/", "/", ""]), query=[], headers=headers, body=body,
                tag=op.lower())


def scenario_sts(rng, cls):
    region = rng.choice(REGIONS)
    host = add_port(rng, rng.choice([f"sts.{region}.amazonaws.com", "sts.amazonaws.com"]))
    action = rng.choice(["GetCallerIdentity", "GetSessionToken", "AssumeRole"])
    params = [("Action", action), ("Version", "2011-06-15")]
    if action == "AssumeRole":
        params += [("RoleArn", "arn:aws:iam::123456789012:role/demo role"),
                   ("RoleSessionName", rng.choice(["s1", "bob@example.com", "a+b=c"]))]
    form = wire_query(params)
    if rng.random() < 0.4:
        return dict(service="sts", region=region, method="GET", host=host, path="/", query=params,
                    headers=pick_headers(rng, 0, 2, repeats=True), body="", tag=action.lower())
    headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
    headers += pick_headers(rng, 0, 2, repeats=True)
    # For the query classes botocore moves a form body into the query string
    # and drops exactly this Content-Type (CrtSigV4QueryAuth.
    # _modify_request_before_signing); the request as sent is then a POST with
    # an empty body, which is still a consistent signed request.
    return dict(service="sts", region=region, method="POST", host=host, path="/", query=[],
                headers=headers, body=form, form=params, tag=action.lower())


def scenario_execute_api(rng, cls):
    region = rng.choice(REGIONS)
    api_id = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    method = rng.choice(["GET", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"])
    query_cls = cls in QUERY_CLASSES
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
    return dict(service="execute-api", region=region, method=method,
                host=add_port(rng, f"{api_id}.execute-api.{region}.amazonaws.com"),
                path=normalized_path(rng), query=query, headers=headers, body=body, tag="")


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


def scenario_s3(rng, cls):
    region = rng.choice(REGIONS)
    bucket = rng.choice(["examplebucket", "my-bucket-2026", "dots.in.name", "b1"])
    key_path = s3_key_path(rng)
    if rng.random() < 0.6:
        host, path = f"{bucket}.s3.{region}.amazonaws.com", key_path
    else:
        host = rng.choice([f"s3.{region}.amazonaws.com", "s3.amazonaws.com"])
        path = "/" + bucket + ("" if key_path == "/" and rng.random() < 0.5 else key_path)
    if rng.random() < 0.2:
        path = ""  # URL without a path (bucket-level request): sent as "/"
    host = add_port(rng, host)
    method = rng.choice(["GET", "GET", "PUT", "POST", "DELETE", "HEAD"])
    query_cls = cls in QUERY_CLASSES
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
    return dict(service="s3", region=region, method=method, host=host, path=path, query=query,
                headers=headers, body=body, tag="")


# ---------------------------------------------------------------------------
# independent spec-level recomputation from the wire request


def _canonical_query(query, skip=()):
    pairs = []
    for k, v in split_query(query):
        dk = unquote(k, errors="strict")
        if dk in skip:
            continue
        pairs.append((quote(dk, safe="-_.~"), quote(unquote(v or "", errors="strict"), safe="-_.~")))
    return canonical_query(pairs)


def _reference(case):
    """Canonical request and signature for the recorded wire request."""
    req = case["request"]
    path, _, query = req["target"].partition("?")
    headers = req["headers"]
    query_auth = case["auth"] in QUERY_CLASSES
    if query_auth:
        params = {unquote(k): unquote(v or "") for k, v in split_query(query)}
        signed = params["X-Amz-SignedHeaders"]
        canon_query = _canonical_query(query, skip=("X-Amz-Signature",))
    else:
        authz = [v for n, v in headers if n.lower() == "authorization"]
        assert len(authz) == 1, authz
        signed = authz[0].split("SignedHeaders=", 1)[1].split(",", 1)[0]
        canon_query = _canonical_query(query)
    names = signed.split(";")
    canon_headers = canonical_headers(headers, names)
    declared = [v for n, v in headers if n.lower() == "x-amz-content-sha256"]
    if declared:
        payload = declared[0]
    elif query_auth and case["auth"] in S3_CLASSES:
        payload = UNSIGNED
    else:
        payload = sha256_hex(req["body"])
    creq = "\n".join([req["method"], canonical_uri(path, case["auth"] not in S3_CLASSES), canon_query,
                      canon_headers, signed, payload])
    _, sig = sign_reference(creq, case)
    return creq, signed, payload, sig


# ---------------------------------------------------------------------------
# signing with the CRT


def sign_with_crt(name, cls_name, inputs, creds, stamp, expires, unsigned):
    """Signs the inputs with botocore's CRT class; returns the request as sent."""
    auth = make_auth(getattr(botocore.crt.auth, cls_name), creds, inputs["service"], inputs["region"], expires)

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
    if cls_name in QUERY_CLASSES and "form" in inputs:
        # A query-protocol operation: botocore's serializer hands the signer
        # a dict, which the query signers move into the query string.
        data = dict(inputs["form"])
    request = AWSRequest(method=inputs["method"], url=url, data=data)
    for n, v in inputs["headers"]:
        request.headers[n] = v  # HTTPHeaders appends: repeated names are kept

    if cls_name == "CrtS3SigV4Auth":
        # An explicit s3 payload_signing_enabled wins over Content-MD5 /
        # streaming heuristics (CrtS3SigV4Auth._should_sha256_sign_payload).
        request.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    elif cls_name == "CrtSigV4Auth":
        # Over https, request.context['payload_signing_enabled'] decides; when
        # False the CRT signs UNSIGNED-PAYLOAD and sends X-Amz-Content-SHA256.
        request.context["payload_signing_enabled"] = not unsigned
    elif cls_name == "CrtSigV4QueryAuth":
        # AVOID: CrtSigV4QueryAuth with payload signing disabled.  aws-c-auth
        # then signs UNSIGNED-PAYLOAD but the presigned URL does not say so
        # (no X-Amz-Content-SHA256 anywhere), so no verifier of a non-S3
        # service can know which payload line was signed.
        check(not unsigned, name, "CrtSigV4QueryAuth must sign the payload")
    else:
        check(unsigned, name, "CrtS3SigV4QueryAuth always signs UNSIGNED-PAYLOAD")

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
    if cls_name in QUERY_CLASSES:
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


def build_case(rng, index, cls_name):
    if cls_name in S3_CLASSES:
        inputs = scenario_s3(rng, cls_name)
    else:
        inputs = rng.choices([scenario_secretsmanager, scenario_sts, scenario_execute_api],
                             weights=[2, 2, 5])[0](rng, cls_name)
    creds = make_credentials(rng, rng.random() < 0.35)
    stamp = rng.choice(TIMES)
    expires = None
    if cls_name in QUERY_CLASSES:
        expires = rng.choice([1, 30, 900, 3600, 3600, 43200, 604800, rng.randint(2, 604799)])
    if cls_name == "CrtS3SigV4QueryAuth":
        unsigned = True
    elif cls_name == "CrtSigV4QueryAuth":
        unsigned = False
    elif cls_name == "CrtS3SigV4Auth":
        unsigned = rng.random() < 0.4
    else:
        unsigned = rng.random() < 0.2

    name = f"{index:04d}-{SLUG[cls_name]}-{inputs['method'].lower()}-{inputs['service']}"
    if inputs["tag"]:
        name += "-" + inputs["tag"]
    request = sign_with_crt(name, cls_name, inputs, creds, stamp, expires, unsigned)
    case = {
        "name": name,
        "auth": cls_name,
        "service": inputs["service"],
        "region": inputs["region"],
        "time": stamp,
        "credentials": creds,
        "expires": expires,
        "payload": "unsigned" if unsigned else "signed",
        "request": request,
    }

    # What the CRT put into the request.
    hdrs = request["headers"]
    path, _, query = request["target"].partition("?")
    if cls_name in QUERY_CLASSES:
        params = split_query(query)
        amz = [(k, unquote(v or "")) for k, v in params if k.startswith("X-Amz-")]
        d = dict(amz)
        check(len(d) == len(amz), name, "repeated X-Amz-* parameter")
        check(d.get("X-Amz-Date") == stamp, name, "clock not fixed")
        check(d.get("X-Amz-Expires") == str(expires), name, "X-Amz-Expires")
        check(d.get("X-Amz-Security-Token") == creds["token"], name, "session token")
        check(not any(n.lower() == "authorization" for n, _ in hdrs), name, "Authorization in query auth")
        signature, signed = d["X-Amz-Signature"], d["X-Amz-SignedHeaders"]
    else:
        got = dict((n.lower(), v) for n, v in hdrs)
        check(got.get("x-amz-date") == stamp, name, "clock not fixed")
        check(got.get("x-amz-security-token") == creds["token"], name, "session token")
        authz = got["authorization"]
        signature = authz.rsplit("Signature=", 1)[1]
        signed = authz.split("SignedHeaders=", 1)[1].split(",", 1)[0]
    # Every header is signed except Authorization and botocore's blocklist.
    expect_signed = sorted({n.lower() for n, _ in hdrs} - NEVER_SIGNED - {"authorization"})
    check(signed == ";".join(expect_signed), name, f"SignedHeaders {signed!r}")

    creq, r_signed, payload, r_sig = _reference(case)
    check(payload == (UNSIGNED if unsigned else sha256_hex(request["body"])),
          name, f"payload line {payload!r}")
    check(r_signed == signed, name, "SignedHeaders")
    check(r_sig == signature, name,
          f"aws-c-auth's signature differs from the spec reference; reference canonical request:\n{creq}")
    case["signed_headers"] = signed
    case["signature"] = signature
    case["canonical_request"] = creq
    return case


def generate():
    rng = random.Random(SEED)
    cases = []
    index = 0
    for _ in range(CASES_PER_CLASS):
        for cls_name in CLASS_ORDER:
            index += 1
            cases.append(build_case(rng, index, cls_name))
    return document(FORMAT, SEED, cases, awscrt_version=importlib.metadata.version("awscrt"),
                    botocore_version=botocore.__version__)


if __name__ == "__main__":
    main(__doc__, generate)
