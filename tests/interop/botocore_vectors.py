#!/usr/bin/env python3
"""Generate SigV4 interoperability vectors with botocore's own signers.

Usage::

    python3 tests/interop/botocore_vectors.py > tests/interop/botocore_vectors.json
    python3 tests/interop/botocore_vectors.py --out tests/interop/botocore_vectors.json

The botocore version is pinned in ``tests/interop/requirements.txt``.  The
output is deterministic (fixed seed, fixed signing clock, sorted keys), so CI
can regenerate it and ``git diff --exit-code`` the committed file.

Every case is signed by one of botocore's signers, unmodified:
``botocore.auth.SigV4Auth``, ``S3SigV4Auth``, ``SigV4QueryAuth`` and
``S3SigV4QueryAuth``, with ``botocore.credentials.Credentials`` and
``botocore.awsrequest.AWSRequest``.  The only thing replaced is the clock
(``botocore.auth.get_current_datetime``).  The canonical request, string to
sign and signature are captured by wrapping the signer instance's own
``canonical_request`` / ``string_to_sign`` / ``signature`` methods, i.e. the
values are exactly the ones ``add_auth`` computed.  The generator then checks
them against an independent, spec-level recomputation (see ``_reference``) and
against what botocore put into the request, and fails loudly on any mismatch.

Output format (``indent=1``, sorted keys, UTF-8, trailing newline)::

    {
     "format": "sigv4-kit-botocore/1",
     "botocore_version": "<botocore.__version__>",
     "seed": 20261128,
     "cases": [
      {
       "name": "0001-sigv4-get-secretsmanager",   unique; NNNN-class-method-service[-scenario]
       "auth": "SigV4Auth" | "S3SigV4Auth" | "SigV4QueryAuth" | "S3SigV4QueryAuth",
       "service": "s3", "region": "us-east-1",
       "time": "20150830T123600Z",                 signing time (UTC)
       "credentials": {"access_key_id": "...", "secret_access_key": "...",
                       "token": null | "..."},
       "expires": 3600 | null,                     X-Amz-Expires, query auth only
       "payload": "signed" | "unsigned",           the generator's choice: "signed" means
                                                   the canonical request ends in the hex
                                                   SHA-256 of the body; "unsigned" means it
                                                   ends in UNSIGNED-PAYLOAD
       "request": {
         "method": "GET",
         "host": "example.amazonaws.com",          as in the URL; a port is only ever a
                                                   non-default one (e.g. ":8443").
                                                   The scheme is always https.
         "path": "/wire%20encoded/path",           exactly as in the URL handed to botocore
                                                   ("" = no path at all)
         "query": "a=1&b=%2B",                     exactly as in the URL, "" if none
         "headers": [["Content-Type", "..."]],     given to botocore before signing, original
                                                   case and insertion order, never Host
         "body": "..."                             UTF-8 text, "" for none
       },
       "expected": {
         "canonical_request": "...",
         "string_to_sign": "...",
         "signature": "<hex>",
         "signed_headers": "host;x-amz-date",
         "added_headers": [["X-Amz-Date", "..."], ...],   header auth: every header botocore
                                                         added, in order, with its value;
                                                         [] for query auth
         "added_query": [["X-Amz-Algorithm", "AWS4-HMAC-SHA256"], ...]
                                                   query auth: the X-Amz-* parameters in the
                                                   final URL, in URL order, percent-DECODED,
                                                   including X-Amz-Signature; [] for header auth
       }
      }
     ]
    }

How the four classes treat the path: SigV4Auth and SigV4QueryAuth normalise the
path (RFC 3986 dot segments, empty segments removed) and then percent-encode the
already-encoded wire path once more (double encoding, e.g. ``%20`` -> ``%2520``).
S3SigV4Auth and S3SigV4QueryAuth use the wire path as it is.

Inputs where botocore deviates from the SigV4 specification are NOT generated;
each such rule is marked "AVOID" in the comments below with the reason.
"""

import base64
import hashlib
import json
import os
import random
import sys
from urllib.parse import quote, unquote, urlsplit

import botocore
import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config

sys.dont_write_bytecode = True  # importing _common leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402  (after the sys.path entry it needs)
    B64, KEY_ALPHABET, UNSIGNED, canonical_headers, canonical_query, canonical_uri, check, document,
    draw_query, fixed_clock, https_url, main, make_auth, sha256_hex, shaped_path, sign_reference, split_query,
    wire_path, wire_query, with_port,
)

FORMAT = "sigv4-kit-botocore/1"
SEED = 20261128
CASES_PER_CLASS = 160

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

CLASSES = {
    "SigV4Auth": SigV4Auth,
    "S3SigV4Auth": S3SigV4Auth,
    "SigV4QueryAuth": SigV4QueryAuth,
    "S3SigV4QueryAuth": S3SigV4QueryAuth,
}
SLUG = {
    "SigV4Auth": "sigv4",
    "S3SigV4Auth": "s3sigv4",
    "SigV4QueryAuth": "sigv4query",
    "S3SigV4QueryAuth": "s3sigv4query",
}
QUERY_CLASSES = ("SigV4QueryAuth", "S3SigV4QueryAuth")
S3_CLASSES = ("S3SigV4Auth", "S3SigV4QueryAuth")

TIMES = [
    "20150830T123600Z",
    "20130524T000000Z",
    "20200229T235959Z",
    "20261128T081500Z",
    "19991231T235959Z",
    "20380119T031408Z",
]

REGIONS = [
    "us-east-1",
    "us-west-2",
    "eu-central-1",
    "eu-west-3",
    "ap-northeast-1",
    "ap-southeast-2",
    "sa-east-1",
    "ca-central-1",
    "il-central-1",
    "cn-north-1",
]

METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]

# Path segments (decoded form).  The wire form is quote(path, safe='/~').
PATH_SEGMENTS = [
    "foo", "Bar", "example", "a b", "a  b", " lead", "trail ",
    "ሴ", "é", "日本", "日本 語", "café",
    "$", "&", "+", ",", ":", ";", "=", "@", "!", "*", "'", "(", ")",
    "$&+,:;=@!*'()", "~user", "a~b", "-_.~", "file.txt", "v1.2", "...",
    ".hidden", "%", "100%", "a+b", "key=value", "x@y", "(copy)", "it's",
    "?q", "#frag", "[x]", "{y}", "a|b", "back\\slash", "quo\"te",
    "ünïcödé", "😀",
]

QUERY_KEYS = [
    "a", "b", "Z", "key", "prefix", "max-keys", "x_y", "~tilde", "-dash",
    "dot.", "ሴ", "é", "日本", "sp ace", "plus+", "$&+,:;=@!*'()", "(", "=",
    "&", "a+b", "versionId", "Param1", "param1", "UPPER", "k/e/y", "é日本",
]
QUERY_VALUES = [
    "", "1", "0", "+", "a+b", "hello world", "  two  spaces ", "日本語",
    "é", "ሴ", "~-_.", "$&+,:;=@!*'()", "=", "&", "%", "a/b", "x?y#z",
    "2011-06-15", "AbC", "value1", "value2", "+/=", "😀",
]

# Header pool: (name as given, value as given).  Values contain spaces only
# (no tabs / other whitespace, see AVOID note in _pick_headers).
HEADER_POOL = [
    ("X-Amz-Meta-Author", "  Jane   Doe  "),
    ("x-amz-meta-Note", "a  b   c"),
    ("X-AMZ-META-EMPTY", ""),
    ("X-Amz-Meta-Colon", "a:b:c"),
    ("X-Amz-Meta-Comma", "a, b ,c"),
    ("x-amz-meta-quote", "'single'  \"double\""),
    ("X-Amz-Meta-Only-Spaces", "   "),
    ("My-Header1", "value1 "),
    ("my-header2", " value2"),
    ("X-Custom-Header", "   leading and trailing   "),
    ("ZZZ-Last", "z"),
    ("Aaa-First", "a"),
    ("Cache-Control", "no-cache"),
    ("If-None-Match", "\"etag   value\""),
    ("Accept", "application/json"),
    ("Content-Language", "en-US"),
    ("X-Amz-Meta-Path", "/a/b/../c"),
    ("X-Amz-Meta-Symbols", "$&+,:;=@!*'()~"),
]


# ---------------------------------------------------------------------------
# random inputs


def _credentials(rng, want_token):
    if rng.random() < 0.2:
        ak, sk = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    else:
        prefix = "ASIA" if want_token else "AKIA"
        ak = prefix + "".join(rng.choice(KEY_ALPHABET) for _ in range(16))
        sk = "".join(rng.choice(B64) for _ in range(40))
    token = None
    if want_token:
        # A session token with '/', '+' and '=' (base64 with padding).
        n = rng.choice([48, 100, 200, 356])
        body = "".join(rng.choice(B64) for _ in range(n))
        token = "IQoJb3JpZ2luX2Vj/" + body + "+x/y" + "=" * rng.choice([1, 2])
    return {"access_key_id": ak, "secret_access_key": sk, "token": token}


def _segments(rng, lo=1, hi=3):
    return [rng.choice(PATH_SEGMENTS) for _ in range(rng.randint(lo, hi))]


def _pick_path(rng, normalized):
    """Return a decoded path.

    ``normalized`` is True for SigV4Auth / SigV4QueryAuth.
    """
    # AVOID (normalizing classes): a path that ends in "/." or "/..".
    # botocore.utils.remove_dot_segments (utils.py:317-320) drops the
    # trailing slash ("/a/b/." -> "/a/b"), RFC 3986 5.2.4 keeps it
    # ("/a/b/").  No shape below ends that way.
    shapes = ["root", "plain", "plain", "trailing", "dot", "dotdot",
              "above-root", "double-slash", "slashes-trailing"]
    if normalized:
        # The empty path (URL without any path) is only used with the
        # normalizing classes, which turn it into "/".
        # AVOID for S3 classes: S3SigV4Auth/S3SigV4QueryAuth._normalize_url_path
        # (auth.py:538-540, 806-808) returns the path unchanged, so an empty
        # URL path gives an empty canonical URI instead of "/" as the spec
        # requires.
        shapes.append("empty")
    shape = rng.choice(shapes)
    segs = _segments(rng)
    path = shaped_path(rng, shape, segs)
    if path is not None:
        return path
    if shape == "dotdot":
        extra = rng.choice(PATH_SEGMENTS)
        i = rng.randint(0, len(segs) - 1)
        return "/" + "/".join(segs[:i] + [extra, ".."] + segs[i:])
    if shape == "double-slash":
        # AVOID for the normalizing classes: mixing empty segments with
        # ".." (e.g. "/a//../b").  botocore.utils.remove_dot_segments
        # (utils.py:297-321) drops empty segments *before* resolving "..",
        # giving "/b", whereas RFC 3986 5.2.4 followed by slash collapsing
        # gives "/a/b".  So double slashes are never combined with dot
        # segments here.
        return "/" + "//".join(segs) + ("/" if rng.random() < 0.5 else "")
    raise AssertionError(shape)


def _s3_path(rng):
    """S3 object paths: the wire path is used verbatim, anything goes
    (including dot segments and double slashes), except an empty path."""
    r = rng.random()
    if r < 0.65:
        return _pick_path(rng, normalized=False)
    if r < 0.8:
        # dot segments and double slashes together: fine for S3 (no
        # normalization at all).
        segs = _segments(rng, 2, 4)
        return "/" + "//".join(segs[:1]) + "/./" + "/".join(segs[1:]) + "/../"
    # key that ends in a dot segment: fine for S3 (no normalization)
    return "/" + "/".join(_segments(rng)) + rng.choice(["/.", "/..", "/"])


def _pick_query(rng, allow_repeats, allow_no_equals=True, n=None):
    """Return a list of (key, value-or-None) pairs (decoded)."""
    if n is None:
        n = rng.choice([0, 0, 1, 2, 3, 4, 5])
    return draw_query(rng, QUERY_KEYS, QUERY_VALUES, n,
                      repeat_chance=0.25 if allow_repeats else 0,
                      bare_chance=0.12 if allow_no_equals else 0)


def _pick_headers(rng, lo=0, hi=4):
    # AVOID: tabs, NBSP or other non-space whitespace in values.
    # SigV4Auth._header_value (auth.py:317-323) uses ' '.join(value.split()),
    # which also collapses/strips every Unicode whitespace character, while
    # the spec only trims and collapses spaces.
    # AVOID: Host, Date, X-Amz-Date, Authorization, X-Amz-Security-Token and
    # X-Amz-Content-SHA256 as inputs (botocore deletes/replaces them, see
    # auth.py:455-467, 473-486, 492-495; a user-supplied x-amz-content-sha256
    # would also be used verbatim as the payload hash by SigV4Auth,
    # auth.py:378-381), and the headers botocore never signs
    # (SIGNED_HEADERS_BLACKLIST, auth.py:64-76: user-agent, expect,
    # connection, transfer-encoding, x-amzn-trace-id, ...), which is a
    # botocore policy and not part of the spec.
    # Repeated header names are not generated (HTTPHeaders would need
    # duplicate __setitem__ calls; not useful here).
    n = rng.randint(lo, hi)
    return rng.sample(HEADER_POOL, n)


def _json_body(rng, obj):
    return json.dumps(obj, ensure_ascii=rng.random() < 0.5, separators=(",", ":"))


# ---------------------------------------------------------------------------
# scenario builders: each returns a partial case dict


def _host_port(rng, host):
    return with_port(rng, host, [":8443", ":9000", ":4566"])


def scenario_secretsmanager(rng, cls):
    region = rng.choice(REGIONS)
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", "secretsmanager.GetSecretValue"),
    ]
    extra = _pick_headers(rng, 0, 2)
    headers += extra
    rng.shuffle(headers)
    secret = rng.choice(["MySecret", "prod/db/password", "tést-ሴ", "a b+c"])
    body = ""
    method = "POST"
    if cls not in QUERY_CLASSES:
        obj = {"SecretId": secret}
        if rng.random() < 0.5:
            obj["VersionStage"] = "AWSCURRENT"
        body = _json_body(rng, obj)
    return dict(
        service="secretsmanager", region=region, method=method,
        host=_host_port(rng, f"secretsmanager.{region}.amazonaws.com"),
        path=rng.choice(["/", "/", ""]), query=[], headers=headers, body=body,
        tag="getsecretvalue",
    )


def scenario_sts(rng, cls):
    region = rng.choice(REGIONS)
    host = rng.choice([f"sts.{region}.amazonaws.com", "sts.amazonaws.com"])
    if cls in QUERY_CLASSES or rng.random() < 0.25:
        # GET with the query (query auth: no body, see AVOID in build_case)
        query = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]
        return dict(
            service="sts", region=region, method="GET",
            host=_host_port(rng, host), path="/", query=query,
            headers=_pick_headers(rng, 0, 2), body="", tag="getcalleridentity",
        )
    headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
    headers += _pick_headers(rng, 0, 2)
    return dict(
        service="sts", region=region, method="POST",
        host=_host_port(rng, host), path="/", query=[], headers=headers,
        body="Action=GetCallerIdentity&Version=2011-06-15",
        tag="getcalleridentity",
    )


def scenario_execute_api(rng, cls):
    region = rng.choice(REGIONS)
    api = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
    method = rng.choice(METHODS)
    query_cls = cls in QUERY_CLASSES
    path = _pick_path(rng, normalized=True)
    query = _pick_query(rng, allow_repeats=not query_cls)
    headers = _pick_headers(rng, 0, 4)
    body = ""
    if not query_cls and method in ("PUT", "POST") and rng.random() < 0.8:
        if rng.random() < 0.7:
            headers.insert(rng.randint(0, len(headers)), ("Content-Type", "application/json"))
            body = _json_body(rng, {"name": rng.choice(["日本", "é", "plain", "a b"]),
                                    "n": rng.randint(0, 10 ** 6)})
        else:
            headers.insert(0, ("content-type", "text/plain; charset=utf-8"))
            body = rng.choice(["hello", "hello world\n", "ሴ é 日本", "  spaced  body  "])
    if rng.random() < 0.2:
        headers.append(("X-Amz-Target", rng.choice(["Service.Operation", "DynamoDB_20120810.GetItem"])))
    return dict(
        service="execute-api", region=region, method=method,
        host=_host_port(rng, f"{api}.execute-api.{region}.amazonaws.com"),
        path=path, query=query, headers=headers, body=body, tag="",
    )


S3_SUBRESOURCE_QUERIES = [
    [("uploads", None)],
    [("uploadId", "VXBsb2FkIElE+/="), ("partNumber", "3")],
    [("list-type", "2"), ("prefix", "photos/2026 日本/"), ("delimiter", "/")],
    [("versionId", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo")],
    [("acl", "")],
    [("tagging", None)],
    [("response-content-disposition", "attachment; filename=\"r\u00e9sum\u00e9 (1).pdf\""),
     ("response-content-type", "application/pdf")],
    [("max-keys", "1000"), ("marker", "a+b c~d")],
]


def scenario_s3(rng, cls):
    region = rng.choice(REGIONS)
    bucket = rng.choice(["examplebucket", "my-bucket", "bucket.with.dots", "b123"])
    if rng.random() < 0.6:
        host = f"{bucket}.s3.{region}.amazonaws.com"
        path = _s3_path(rng)
    else:
        host = f"s3.{region}.amazonaws.com"
        path = "/" + bucket + _s3_path(rng)
    if rng.random() < 0.15:
        host = rng.choice([host, "s3.amazonaws.com", "examplebucket.s3.amazonaws.com"])
    method = rng.choice(METHODS)
    query_cls = cls in QUERY_CLASSES
    r = rng.random()
    if r < 0.35:
        query = list(rng.choice(S3_SUBRESOURCE_QUERIES))
    elif r < 0.7:
        query = _pick_query(rng, allow_repeats=not query_cls)
    else:
        query = []
    headers = _pick_headers(rng, 0, 3)
    body = ""
    if method == "GET" and rng.random() < 0.3:
        headers.append(("Range", rng.choice(["bytes=0-9", "bytes=100-", "bytes=-500"])))
    if method in ("PUT", "POST"):
        if rng.random() < 0.5:
            headers.append(("Content-Type", rng.choice(["text/plain", "application/octet-stream",
                                                         "image/png", "text/plain;  charset=UTF-8"])))
        if rng.random() < 0.4:
            headers.append(("x-amz-storage-class", "REDUCED_REDUNDANCY"))
        if not query_cls and rng.random() < 0.85:
            body = rng.choice(["Welcome to Amazon S3.", "ሴ é 日本\n", "x" * 64,
                               json.dumps({"k": "v"}), "line1\r\nline2\r\n"])
            if rng.random() < 0.4:
                md5 = base64.b64encode(hashlib.md5(body.encode("utf-8")).digest()).decode()
                headers.append(("Content-MD5", md5))
    if rng.random() < 0.15:
        headers.append(("x-amz-acl", "public-read"))
    return dict(
        service="s3", region=region, method=method, host=_host_port(rng, host),
        path=path, query=query, headers=headers, body=body, tag="",
    )


# ---------------------------------------------------------------------------
# independent spec-level recomputation (used only as a cross-check)


def _reference(case, auth_query):
    """Spec-level canonical request / string to sign / signature for the
    case, computed from the generator's own inputs and choices."""
    req = case["request"]
    cls = case["auth"]
    creds = case["credentials"]
    t = case["time"]
    scope = f"{t[:8]}/{case['region']}/{case['service']}/aws4_request"
    payload_hash = UNSIGNED if case["payload"] == "unsigned" else sha256_hex(req["body"])

    host = req["host"]
    headers = [(n.lower(), v) for n, v in req["headers"]]
    headers.append(("host", host))
    if cls not in QUERY_CLASSES:
        headers.append(("x-amz-date", t))
        if creds["token"] is not None:
            headers.append(("x-amz-security-token", creds["token"]))
        if cls == "S3SigV4Auth" or case["payload"] == "unsigned":
            headers.append(("x-amz-content-sha256", payload_hash))
    names = sorted({n for n, _ in headers})
    canon_headers = canonical_headers(headers, names)
    signed = ";".join(names)

    pairs = [(k, v or "") for k, v in split_query(req["query"])]
    if auth_query:
        ap = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
              ("X-Amz-Credential", f"{creds['access_key_id']}/{scope}"),
              ("X-Amz-Date", t),
              ("X-Amz-Expires", str(case["expires"])),
              ("X-Amz-SignedHeaders", signed)]
        if creds["token"] is not None:
            ap.append(("X-Amz-Security-Token", creds["token"]))
        pairs += [(quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in ap]
    canon_query = canonical_query(pairs)

    uri = canonical_uri(req["path"], cls not in S3_CLASSES)
    creq = "\n".join([req["method"], uri, canon_query, canon_headers, signed, payload_hash])
    sts, sig = sign_reference(creq, case)
    return creq, sts, sig, signed


# ---------------------------------------------------------------------------
# signing with botocore


def sign_with_botocore(case):
    cls_name = case["auth"]
    req = case["request"]
    creds = case["credentials"]
    url = https_url(req["host"], req["path"], req["query"])
    auth = make_auth(CLASSES[cls_name], creds, case["service"], case["region"], case["expires"])

    data = req["body"].encode("utf-8") if req["body"] else None
    request = AWSRequest(method=req["method"], url=url, data=data,
                         headers={n: v for n, v in req["headers"]})
    check(list(request.headers.items()) == [tuple(h) for h in req["headers"]], case["name"],
          "AWSRequest did not keep the headers as given")

    # Payload mode, set explicitly per case.
    unsigned = case["payload"] == "unsigned"
    if cls_name == "S3SigV4Auth":
        # S3SigV4Auth._should_sha256_sign_payload (auth.py:497-536): an explicit
        # client_config.s3['payload_signing_enabled'] wins over everything
        # (Content-MD5 / checksum context / streaming input).
        request.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    elif cls_name in ("SigV4Auth", "SigV4QueryAuth"):
        # SigV4Auth._should_sha256_sign_payload (auth.py:360-368): over https
        # request.context['payload_signing_enabled'] decides (default True).
        request.context["payload_signing_enabled"] = not unsigned
    else:
        # S3SigV4QueryAuth.payload (auth.py:810-815) is always UNSIGNED-PAYLOAD.
        check(unsigned, case["name"], "S3SigV4QueryAuth must be unsigned")

    captured = {}

    def wrap(name):
        orig = getattr(auth, name)

        def inner(*args, **kwargs):
            result = orig(*args, **kwargs)
            captured.setdefault(name, []).append(result)
            return result

        setattr(auth, name, inner)

    for name in ("canonical_request", "string_to_sign", "signature"):
        wrap(name)

    with fixed_clock(botocore.auth, case["time"]):
        auth.add_auth(request)

    for name in ("canonical_request", "string_to_sign", "signature"):
        check(len(captured.get(name, [])) == 1, case["name"], f"{name} called {len(captured.get(name, []))} times")
    creq = captured["canonical_request"][0]
    sts = captured["string_to_sign"][0]
    sig = captured["signature"][0]
    check(request.context["timestamp"] == case["time"], case["name"], "clock not fixed")

    # payload mode agrees with the canonical request's last line
    last = creq.rsplit("\n", 1)[1]
    want = UNSIGNED if unsigned else sha256_hex(req["body"])
    check(last == want, case["name"], f"payload line {last!r} != {want!r} for payload={case['payload']}")
    signed_headers = creq.rsplit("\n", 2)[1]

    final = urlsplit(request.url)
    added_headers = []
    added_query = []
    if cls_name in QUERY_CLASSES:
        check(list(request.headers.items()) == [tuple(h) for h in req["headers"]], case["name"],
              "query auth changed the headers")
        check((final.scheme, final.netloc, final.path) == ("https", req["host"], req["path"]),
              case["name"], "query auth changed the URL before the query")
        user, amz = [], []
        for k, v in split_query(final.query):
            (amz if k.startswith("X-Amz-") else user).append((k, v))
        check(all(v is not None for _, v in amz), case["name"], "X-Amz param without '='")
        added_query = [[k, unquote(v)] for k, v in amz]
        # botocore re-serializes the caller's query (parse_qs + percent_encode_sequence):
        # same pairs and order, but a key without '=' comes back as 'key='.
        orig = [(k, "" if v is None else v) for k, v in split_query(req["query"])]
        check([(k, v) for k, v in user] == orig, case["name"],
              f"query auth changed the caller's query: {final.query!r}")
        d = dict(added_query)
        check(d.get("X-Amz-Signature") == sig, case["name"], "X-Amz-Signature != captured signature")
        check(d.get("X-Amz-SignedHeaders") == signed_headers, case["name"], "X-Amz-SignedHeaders mismatch")
        check(added_query[-1][0] == "X-Amz-Signature", case["name"], "signature not last")
    else:
        after = list(request.headers.items())
        before = [tuple(h) for h in req["headers"]]
        check(after[: len(before)] == before, case["name"], "header auth changed the given headers")
        added_headers = [list(h) for h in after[len(before):]]
        check(str(request.url) == url, case["name"], "header auth changed the URL")
        authz = request.headers["Authorization"]
        check(authz.endswith(f", Signature={sig}"), case["name"], "Authorization signature mismatch")
        check(f"SignedHeaders={signed_headers}," in authz, case["name"], "Authorization SignedHeaders mismatch")

    # Cross-check against the independent spec-level computation.
    r_creq, r_sts, r_sig, r_signed = _reference(case, cls_name in QUERY_CLASSES)
    check(creq == r_creq, case["name"],
          f"botocore canonical request differs from spec reference:\n{creq}\n----\n{r_creq}")
    check(sts == r_sts and sig == r_sig and signed_headers == r_signed, case["name"],
          "string to sign / signature differs from spec reference")

    return {
        "canonical_request": creq,
        "string_to_sign": sts,
        "signature": sig,
        "signed_headers": signed_headers,
        "added_headers": added_headers,
        "added_query": added_query,
    }


# ---------------------------------------------------------------------------
# case assembly


def build_case(rng, index, cls_name):
    query_cls = cls_name in QUERY_CLASSES
    if cls_name in S3_CLASSES:
        sc = scenario_s3(rng, cls_name)
    else:
        sc = rng.choices(
            [scenario_secretsmanager, scenario_sts, scenario_execute_api],
            weights=[2, 2, 6],
        )[0](rng, cls_name)

    creds = _credentials(rng, rng.random() < 1 / 3)

    if query_cls:
        # AVOID: a body in query-auth cases.  SigV4QueryAuth._modify_request_before_signing
        # (auth.py:765-769) json.loads()s request.data and moves it into the
        # query string (a form body cannot even be parsed that way).
        assert sc["body"] == ""
        # AVOID: Content-Type 'application/x-www-form-urlencoded; charset=utf-8'
        # in query-auth cases: it is silently deleted before signing
        # (auth.py:725-730).
        sc["headers"] = [h for h in sc["headers"]
                         if h[1] != "application/x-www-form-urlencoded; charset=utf-8"]
        # AVOID: repeated query keys in query-auth cases.  The caller's query
        # is parsed with parse_qs and rebuilt from a dict keeping only the
        # first value of each key (auth.py:748-753, 770-771).  parse_qs would
        # also turn a raw '+' into a space; the generator always sends '+' as
        # %2B, which survives the round trip.  (A key without '=' comes back
        # as 'key=' in the final URL, which canonicalizes the same.)
        keys = [k for k, _ in sc["query"]]
        assert len(keys) == len(set(keys)), keys
        expires = rng.choice([1, 60, 300, 900, 3600, 3600, 86400, 604800,
                              rng.randint(1, 604800), rng.randint(1, 604800)])
    else:
        expires = None

    # Payload mode: the generator's choice.
    if cls_name == "S3SigV4QueryAuth":
        payload = "unsigned"  # fixed by botocore (auth.py:810-815)
    elif cls_name == "SigV4QueryAuth":
        payload = "unsigned" if rng.random() < 0.25 else "signed"
    elif cls_name == "S3SigV4Auth":
        payload = "unsigned" if rng.random() < 0.4 else "signed"
    else:
        payload = "unsigned" if rng.random() < 0.2 else "signed"

    name = f"{index:04d}-{SLUG[cls_name]}-{sc['method'].lower()}-{sc['service']}"
    if sc["tag"]:
        name += "-" + sc["tag"]

    return {
        "name": name,
        "auth": cls_name,
        "service": sc["service"],
        "region": sc["region"],
        "time": rng.choice(TIMES),
        "credentials": creds,
        "expires": expires,
        "payload": payload,
        "request": {
            "method": sc["method"],
            "host": sc["host"],
            "path": wire_path(sc["path"]),
            "query": wire_query(sc["query"]),
            "headers": [[n, v] for n, v in sc["headers"]],
            "body": sc["body"],
        },
    }


def generate():
    rng = random.Random(SEED)
    order = []
    for i in range(CASES_PER_CLASS):
        for cls_name in ("SigV4Auth", "S3SigV4Auth", "SigV4QueryAuth", "S3SigV4QueryAuth"):
            order.append(cls_name)
    cases = []
    for i, cls_name in enumerate(order, start=1):
        case = build_case(rng, i, cls_name)
        case["expected"] = sign_with_botocore(case)
        cases.append(case)
    return document(FORMAT, SEED, cases, botocore_version=botocore.__version__)


if __name__ == "__main__":
    main(__doc__, generate)
