#!/usr/bin/env python3
"""Generate SigV4a requests signed by AWS's C signer (aws-c-auth, through awscrt).

Usage::

    python3 tests/interop/crt_v4a_vectors.py > tests/interop/crt_v4a_vectors.json
    python3 tests/interop/crt_v4a_vectors.py --out tests/interop/crt_v4a_vectors.json

``botocore`` and ``awscrt`` are pinned in ``tests/interop/requirements.txt``;
nothing else is needed (the P-256 arithmetic below is pure Python).

Every case is signed by one of botocore's SigV4a ("AWS4-ECDSA-P256-SHA256")
CRT signers, unmodified: ``botocore.crt.auth.CrtSigV4AsymAuth``,
``CrtS3SigV4AsymAuth``, ``CrtSigV4AsymQueryAuth`` and
``CrtS3SigV4AsymQueryAuth``.  Their constructors take ``(credentials,
service_name, region_name)`` (the query classes also ``expires``); the region
SET is passed as ``region_name`` verbatim ("*", "us-*", "us-east-1,us-west-2",
"eu-west-1") and aws-c-auth sends it unchanged in an ``X-Amz-Region-Set``
header (header classes; signed) or an ``X-Amz-Region-Set`` query parameter
(query classes; percent-encoded, '*' -> %2A, ',' -> %2C).  The credential
scope has no region: ``YYYYMMDD/service/aws4_request``.  As in
``crt_vectors.py`` the only thing replaced is the clock
(``_common.fixed_clock``), and the request recorded is the request AS SENT,
captured in the signer's own ``_apply_signing_changes`` and checked against
the ``AWSRequest`` botocore updated from it.

ECDSA signatures are randomized (aws-c-auth does not use RFC 6979), so two
runs differ in the signature bytes (Authorization header / X-Amz-Signature
parameter and "signature") and in nothing else: every input is drawn from a
fixed seed and the signing clock is fixed.  CI therefore cannot
``git diff --exit-code`` this file; it can regenerate it and compare it with
the signatures masked.

awscrt does not expose the canonical request.  The generator rebuilds it per
the specification from the wire request (``_reference``), forms the string to
sign, and requires CRT's signature to verify (pure-Python ECDSA P-256 over
SHA-256 of the string to sign) with the public key derived from the
credentials by the SigV4a KDF (``derive_private_key``, itself checked
against ``/work/shared/vectors/aws-c-auth/extracted/sigv4a-key-derivation.json``
values embedded below).  A signature over any other string to sign would
not verify, so the recorded ``canonical_request`` / ``string_to_sign`` are
byte for byte those aws-c-auth signed.  The same string to sign with a
byte appended must NOT verify (guards the verifier itself).  The generator
fails loudly if any check fails.

Inputs are drawn from ``crt_vectors.py``'s tables (headers, path segments,
query keys and values, credentials, clocks), so its "AVOID" rules (inputs
where aws-c-auth or botocore deviate from the specification) apply here as
well; the SigV4a-specific ones are marked "AVOID" below.

Output format (``indent=1``, sorted keys, UTF-8, trailing newline)::

    {
     "format": "sigv4-kit-crt-v4a/1",
     "awscrt_version": "0.38.1",
     "botocore_version": "1.43.11",
     "seed": 20261130,
     "cases": [
      {
       "name": "0001-crtsigv4a-post-kms-encrypt",
                                            unique; NNNN-class-method-service[-tag]
       "auth": "CrtSigV4AsymAuth" | "CrtS3SigV4AsymAuth"
               | "CrtSigV4AsymQueryAuth" | "CrtS3SigV4AsymQueryAuth",
       "service": "kms",
       "region_set": "us-east-1,us-west-2",  as passed to the signer and sent
                                             in X-Amz-Region-Set
       "time": "20150830T123600Z",           signing time (UTC) = X-Amz-Date
       "credentials": {"access_key_id": "...", "secret_access_key": "...",
                       "token": null | "..."},
       "expires": 3600 | null,               X-Amz-Expires, query auth only
       "payload": "signed" | "unsigned",     "unsigned": the canonical request
                                             ends in UNSIGNED-PAYLOAD, else in
                                             the hex SHA-256 of the body
       "request": {                          the signed request as sent
         "method": "POST",
         "host": "kms.us-east-1.amazonaws.com",
                                             the URL authority (scheme https; a
                                             port only if non-default); the
                                             same value is in the host header
         "target": "/path?query",            path and query exactly as on the
                                             wire (the query includes the
                                             X-Amz-* parameters for query auth)
         "headers": [["host", "..."], ...],  every header, in the order of the
                                             signed CRT request, names in the
                                             case CRT/botocore used, values as
                                             sent; names may repeat; includes
                                             Authorization, X-Amz-Date,
                                             X-Amz-Region-Set, ... for header
                                             auth
         "body": "..."                       UTF-8 text, "" for none
       },
       "signed_headers": "host;x-amz-date;x-amz-region-set",
                                             the SignedHeaders aws-c-auth chose
       "signature": "3045...",               lowercase hex of the DER-encoded
                                             ECDSA signature (SEQUENCE of r, s),
                                             exactly as in the Authorization
                                             header / X-Amz-Signature; s is not
                                             normalized to the low half
       "canonical_request": "...",           the spec's canonical request of
                                             this wire request
       "string_to_sign": "AWS4-ECDSA-P256-SHA256\\n<time>\\n<YYYYMMDD>/<service>/aws4_request\\n<hex SHA-256 of canonical_request>",
       "public_key": {"x": "<64 hex>", "y": "<64 hex>"}
                                             the P-256 key derived from the
                                             credentials; "signature" verifies
                                             over SHA-256(string_to_sign)
      }
     ]
    }

Path and query handling is the same as for SigV4 (see ``crt_vectors.py``):
CrtSigV4AsymAuth / CrtSigV4AsymQueryAuth normalise the path and encode the
wire path once more; the S3 classes use the wire path verbatim.
"""

import hashlib
import hmac
import importlib.metadata
import os
import random
import sys
from urllib.parse import unquote, urlsplit

sys.dont_write_bytecode = True  # importing _common / crt_vectors leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore  # noqa: E402
import botocore.auth  # noqa: E402,F401  (must come before botocore.crt.auth: import cycle)
import botocore.crt.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402

from _common import (  # noqa: E402
    UNSIGNED, canonical_headers, canonical_uri, check, document, fixed_clock, https_url, main, make_auth,
    sha256_hex, split_query, wire_path, wire_query,
)
from crt_vectors import (  # noqa: E402  (input tables and draws shared with the SigV4 generator)
    NEVER_SIGNED, REGIONS, S3_SUBRESOURCES, TIMES, _canonical_query, add_port, json_body, make_credentials,
    normalized_path, pick_headers, pick_query, s3_key_path,
)

FORMAT = "sigv4-kit-crt-v4a/1"
SEED = 20261130
CASES_PER_CLASS = 40
ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"

CLASS_ORDER = ("CrtSigV4AsymAuth", "CrtS3SigV4AsymAuth", "CrtSigV4AsymQueryAuth", "CrtS3SigV4AsymQueryAuth")
SLUG = {
    "CrtSigV4AsymAuth": "crtsigv4a",
    "CrtS3SigV4AsymAuth": "crts3sigv4a",
    "CrtSigV4AsymQueryAuth": "crtsigv4aquery",
    "CrtS3SigV4AsymQueryAuth": "crts3sigv4aquery",
}
QUERY_CLASSES = ("CrtSigV4AsymQueryAuth", "CrtS3SigV4AsymQueryAuth")
S3_CLASSES = ("CrtS3SigV4AsymAuth", "CrtS3SigV4AsymQueryAuth")

# Region sets by kind; each class gets the kinds in turn (equal shares).
# AVOID: spaces or upper case in a region set ("us-east-1, us-west-2").  The
# value is a header (trimmed/collapsed) for header auth but a query parameter
# (kept) for query auth, and no service accepts it.
REGION_SET_KINDS = ("wildcard", "prefix", "list", "single")
REGION_SETS = {
    "wildcard": ["*"],
    "prefix": ["us-*", "eu-*", "ap-*", "us-east-*"],
    "list": ["us-east-1,us-west-2", "eu-west-1,eu-central-1", "us-east-1,eu-west-1,ap-southeast-2",
             "us-west-2,us-east-1", "us-east-1,eu-*"],
    "single": ["us-east-1", "eu-west-1", "us-west-2", "ap-northeast-1", "sa-east-1", "eu-central-2",
               "me-central-1", "us-gov-west-1", "cn-north-1"],
}
EXPIRES = [1, 30, 900, 3600, 3600, 43200, 604800]


# ---------------------------------------------------------------------------
# P-256 (pure Python): the SigV4a key derivation and ECDSA verification

P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
P256_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
          0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)
_INF = (0, 1, 0)  # Jacobian point at infinity


def _jdouble(pt):
    x, y, z = pt
    p = P256_P
    if z == 0 or y == 0:
        return _INF
    delta, gamma = z * z % p, y * y % p
    beta = x * gamma % p
    alpha = 3 * (x - delta) * (x + delta) % p  # a = -3
    x3 = (alpha * alpha - 8 * beta) % p
    z3 = ((y + z) ** 2 - gamma - delta) % p
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % p
    return (x3, y3, z3)


def _jadd(p1, p2):
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    p = P256_P
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    if u1 == u2:
        return _jdouble(p1) if s1 == s2 else _INF
    h, r = (u2 - u1) % p, (s2 - s1) % p
    h2 = h * h % p
    h3, u1h2 = h * h2 % p, u1 * h2 % p
    x3 = (r * r - h3 - 2 * u1h2) % p
    y3 = (r * (u1h2 - x3) - s1 * h3) % p
    return (x3, y3, h * z1 * z2 % p)


def _jmul(k, affine):
    acc, base = _INF, (affine[0], affine[1], 1)
    for bit in bin(k)[2:]:
        acc = _jdouble(acc)
        if bit == "1":
            acc = _jadd(acc, base)
    return acc


def _affine(pt):
    if pt[2] == 0:
        return None
    zi = pow(pt[2], -1, P256_P)
    return (pt[0] * zi * zi % P256_P, pt[1] * zi * zi * zi % P256_P)


def on_curve(pt):
    x, y = pt
    return (y * y - (x * x * x - 3 * x + P256_B)) % P256_P == 0


def derive_private_key(access_key_id, secret_access_key):
    """The SigV4a private key d (aws-c-auth source/key_derivation.c, NIST SP 800-108 counter-mode KDF)."""
    key = ("AWS4A" + secret_access_key).encode("utf-8")
    for counter in range(1, 255):
        msg = (b"\x00\x00\x00\x01" + ALGORITHM_V4A.encode("ascii") + b"\x00"
               + access_key_id.encode("utf-8") + bytes([counter]) + b"\x00\x00\x01\x00")
        k0 = int.from_bytes(hmac.new(key, msg, hashlib.sha256).digest(), "big")
        if k0 <= P256_N - 2:
            return k0 + 1
    raise AssertionError("SigV4a key derivation did not converge")


def public_key(d):
    pt = _affine(_jmul(d, P256_G))
    assert pt is not None and on_curve(pt)
    return pt


def parse_der_signature(hex_sig):
    """(r, s) of a strict DER ECDSA-Sig-Value given as lowercase hex; ValueError otherwise."""
    if hex_sig != hex_sig.lower():
        raise ValueError("not lowercase hex")
    der = bytes.fromhex(hex_sig)

    def integer(buf, i):
        if i + 2 > len(buf) or buf[i] != 0x02 or buf[i + 1] == 0 or buf[i + 1] > 33:
            raise ValueError("bad INTEGER")
        n = buf[i + 1]
        body = buf[i + 2:i + 2 + n]
        if len(body) != n or body[0] & 0x80 or (n > 1 and body[0] == 0 and not body[1] & 0x80):
            raise ValueError("non-minimal or negative INTEGER")
        return int.from_bytes(body, "big"), i + 2 + n

    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise ValueError("bad SEQUENCE")
    r, i = integer(der, 2)
    s, i = integer(der, i)
    if i != len(der):
        raise ValueError("trailing bytes")
    return r, s


def ecdsa_verify(pub, message, r, s):
    """ECDSA P-256 verification of (r, s) over SHA-256(message) with the affine public key ``pub``."""
    if not (1 <= r < P256_N and 1 <= s < P256_N):
        return False
    e = int.from_bytes(hashlib.sha256(message).digest(), "big")
    w = pow(s, -1, P256_N)
    pt = _affine(_jadd(_jmul(e * w % P256_N, P256_G), _jmul(r * w % P256_N, pub)))
    return pt is not None and pt[0] % P256_N == r


# Values from /work/shared/vectors/aws-c-auth/extracted/sigv4a-key-derivation.json
# (aws-c-auth tests/key_derivation_tests.c, tests/aws-signing-test-suite/v4a/
# get-vanilla/public-key.json and tests/test_chunked_signing.c), embedded so
# the generator runs anywhere.  (access key id, secret, private key or None,
# public x, public y).
KDF_VECTORS = [
    ("AKISORANDOMAASORANDOM", "q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom",
     0x7FD3BD010C0D9C292141C2B77BFBDE1042C92E6836FFF749D1269EC890FCA1BD,
     0x15D242CEEBF8D8169FD6A8B5A746C41140414C3B07579038DA06AF89190FFFCB,
     0x0515242CEDD82E94799482E4C0514B505AFCCF2C0C98D6A553BF539F424C5EC0),
    ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None,
     0xB6618F6A65740A99E650B33B6B4B5BD0D43B176D721A3EDFEA7E7D2D56D936B1,
     0x865ED22A7EADC9C5CB9D2CBACA1B3699139FEDC5043DC6661864218330C8E518),
    ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None,
     0x18B7D04643359F6EC270DCBAB8DCE6D169D66DDC9778C75CFB08DFDB701637AB,
     0xFA36B35E4FE67E3112261D2E17A956EF85B06E44712D2850BCD3C2161E9993F2),
]
KDF_VECTORS_FILE = "/work/shared/vectors/aws-c-auth/extracted/sigv4a-key-derivation.json"


def self_test():
    """The KDF against aws-c-auth's published keys (and the shared JSON, when present); ECDSA sanity."""
    vectors = list(KDF_VECTORS)
    if os.path.exists(KDF_VECTORS_FILE):
        import json
        with open(KDF_VECTORS_FILE, encoding="utf-8") as f:
            for v in json.load(f)["vectors"]:
                pub = v.get("expected_public_key")
                priv = v.get("expected_private_key")
                vectors.append((v["access_key_id"], v["secret_access_key"], priv and int(priv, 16),
                                pub and int(pub["x"], 16), pub and int(pub["y"], 16)))
    for akid, secret, priv, x, y in vectors:
        d = derive_private_key(akid, secret)
        assert 1 <= d < P256_N, akid
        if priv is not None:
            assert d == priv, f"SigV4a private key of {akid} differs from aws-c-auth's"
        if x is not None:
            assert public_key(d) == (x, y), f"SigV4a public key of {akid} differs from aws-c-auth's"
    # Order of the base point and group law sanity.
    assert _jmul(P256_N, P256_G)[2] == 0
    assert _affine(_jadd(_jmul(2, P256_G), (P256_G[0], P256_G[1], 1))) == _affine(_jmul(3, P256_G))


_KEYS = {}


def key_for(creds):
    ident = (creds["access_key_id"], creds["secret_access_key"])
    if ident not in _KEYS:
        _KEYS[ident] = public_key(derive_private_key(*ident))
    return _KEYS[ident]


# ---------------------------------------------------------------------------
# scenarios: each returns the inputs handed to botocore


def draw_region_set(rng, kind):
    region_set = rng.choice(REGION_SETS[kind])
    # The region of a regional endpoint, when the request uses one.
    if kind == "single":
        host_region = region_set
    elif kind == "list":
        first = region_set.split(",")[0]
        host_region = first if "*" not in first else rng.choice(REGIONS)
    else:
        host_region = rng.choice(REGIONS)
    return region_set, host_region


def json_service(rng, cls, service, region, target_prefix, ops, make_body, host):
    op = rng.choice(ops)
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target_prefix + op)]
    headers += pick_headers(rng, 0, 2, repeats=True)
    rng.shuffle(headers)
    body = ""
    # AVOID (query classes): a JSON body, which CrtSigV4AsymQueryAuth json.loads()
    # and moves into the query string (see crt_vectors.py).
    if cls not in QUERY_CLASSES:
        body = json_body(rng, make_body(op))
        if rng.random() < 0.3:
            headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    return dict(service=service, method="POST", host=add_port(rng, host), path=rng.choice(["/", "/", ""]),
                query=[], headers=headers, body=body, tag=op.lower())


def scenario_secretsmanager(rng, cls, region):
    def body(op):
        if op == "ListSecrets":
            return {"MaxResults": rng.randint(1, 100)}
        obj = {"SecretId": rng.choice(["prod/db", "My Secret", "clé-ሴ", "arn:aws:secretsmanager:x"])}
        if op == "PutSecretValue":
            obj["SecretString"] = rng.choice(["{\"user\":\"u\",\"pass\":\"p w\"}", "s3cr3t\n", "日本"])
        return obj
    return json_service(rng, cls, "secretsmanager", region, "secretsmanager.",
                        ["GetSecretValue", "ListSecrets", "PutSecretValue", "DescribeSecret"], body,
                        f"secretsmanager.{region}.amazonaws.com")


def scenario_kms(rng, cls, region):
    def body(op):
        key = rng.choice(["alias/mrk-demo", "mrk-1234abcd12ab34cd56ef1234567890ab",
                          "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"])
        if op == "Encrypt":
            return {"KeyId": key, "Plaintext": rng.choice(["SGVsbG8=", "w7zDn+S4reaWhw=="]),
                    "EncryptionContext": {"purpose": rng.choice(["test", "naïve ctx"])}}
        if op == "Decrypt":
            return {"CiphertextBlob": "AQICAHh+/=", "KeyId": key}
        if op == "GenerateDataKey":
            return {"KeyId": key, "KeySpec": "AES_256"}
        return {"KeyId": key}
    return json_service(rng, cls, "kms", region, "TrentService.",
                        ["Encrypt", "Decrypt", "GenerateDataKey", "DescribeKey"], body,
                        f"kms.{region}.amazonaws.com")


def scenario_events(rng, cls, region):
    # EventBridge global endpoints are the SigV4a use case outside S3.
    endpoint = rng.choice(["abcde.veo", "xyz12.4kl", "glb01.q2r"])

    def body(op):
        if op == "PutEvents":
            return {"Entries": [{"Source": "com.example", "DetailType": "demo  event",
                                 "Detail": rng.choice(["{}", "{\"k\":\"ü\"}"]), "EventBusName": "default"}],
                    "EndpointId": endpoint}
        return {"Name": "default"}
    host = rng.choice([f"{endpoint}.endpoint.events.amazonaws.com", f"events.{region}.amazonaws.com"])
    return json_service(rng, cls, "events", region, "AWSEvents.", ["PutEvents", "DescribeEventBus"], body,
                        host)


def scenario_sts(rng, cls, region):
    params = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]
    host = add_port(rng, rng.choice([f"sts.{region}.amazonaws.com", "sts.amazonaws.com"]))
    if rng.random() < 0.5:
        return dict(service="sts", method="GET", host=host, path="/", query=params,
                    headers=pick_headers(rng, 0, 2, repeats=True), body="", tag="getcalleridentity")
    headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
    headers += pick_headers(rng, 0, 2, repeats=True)
    # For the query classes botocore moves the form into the query string and
    # drops exactly this Content-Type (see crt_vectors.py).
    return dict(service="sts", method="POST", host=host, path="/", query=[], headers=headers,
                body=wire_query(params), form=params, tag="getcalleridentity")


def scenario_execute_api(rng, cls, region):
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
    # AVOID (query classes): repeated query keys (botocore keeps the first only).
    query = pick_query(rng, repeats=not query_cls, bare_keys=True)
    host = rng.choice([f"{api_id}.execute-api.{region}.amazonaws.com", "api.example.com"])
    return dict(service="execute-api", method=method, host=add_port(rng, host), path=normalized_path(rng),
                query=query, headers=headers, body=body, tag="")


def scenario_s3(rng, cls, region):
    bucket = rng.choice(["examplebucket", "my-bucket-2026", "dots.in.name", "b1"])
    key_path = s3_key_path(rng)
    r = rng.random()
    if r < 0.4:  # Multi-Region Access Point, the S3 SigV4a use case
        alias = rng.choice(["mfzwi23gnjvgw.mrap", "abcd1234efgh5.mrap"])
        host, path = f"{alias}.accesspoint.s3-global.amazonaws.com", key_path
    elif r < 0.75:
        host, path = f"{bucket}.s3.{region}.amazonaws.com", key_path
    else:
        host = rng.choice([f"s3.{region}.amazonaws.com", "s3.amazonaws.com"])
        path = "/" + bucket + ("" if key_path == "/" and rng.random() < 0.5 else key_path)
    if rng.random() < 0.15:
        path = ""  # URL without a path: sent as "/"
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
                                                        "text/html;  charset=UTF-8"])))
        if not query_cls and rng.random() < 0.85:
            body = rng.choice(["Welcome to Amazon S3.", "ü ß 中文\n", "z" * 100, "{\"a\": [1, 2]}",
                               "crlf\r\nlines\r\n", " "])
            if rng.random() < 0.3:
                headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    if rng.random() < 0.15:
        headers.append(("x-amz-acl", rng.choice(["private", "bucket-owner-full-control"])))
    return dict(service="s3", method=method, host=host, path=path, query=query, headers=headers, body=body,
                tag="")


NON_S3_SCENARIOS = [scenario_secretsmanager, scenario_kms, scenario_events, scenario_sts, scenario_execute_api]
NON_S3_WEIGHTS = [2, 2, 2, 1, 4]


# ---------------------------------------------------------------------------
# independent spec-level recomputation from the wire request


def _reference(case):
    """Canonical request, SignedHeaders, payload line and string to sign of the recorded wire request."""
    req = case["request"]
    path, _, query = req["target"].partition("?")
    headers = req["headers"]
    query_auth = case["auth"] in QUERY_CLASSES
    if query_auth:
        signed = {unquote(k): unquote(v or "") for k, v in split_query(query)}["X-Amz-SignedHeaders"]
        canon_query = _canonical_query(query, skip=("X-Amz-Signature",))
    else:
        authz = [v for n, v in headers if n.lower() == "authorization"]
        assert len(authz) == 1, authz
        signed = authz[0].split("SignedHeaders=", 1)[1].split(",", 1)[0]
        canon_query = _canonical_query(query)
    declared = [v for n, v in headers if n.lower() == "x-amz-content-sha256"]
    if declared:
        payload = declared[0]
    elif query_auth and case["auth"] in S3_CLASSES:
        payload = UNSIGNED
    else:
        payload = sha256_hex(req["body"])
    creq = "\n".join([req["method"], canonical_uri(path, case["auth"] not in S3_CLASSES), canon_query,
                      canonical_headers(headers, signed.split(";")), signed, payload])
    t = case["time"]
    sts = "\n".join([ALGORITHM_V4A, t, f"{t[:8]}/{case['service']}/aws4_request", sha256_hex(creq)])
    return creq, signed, payload, sts


# ---------------------------------------------------------------------------
# signing with the CRT


def sign_with_crt(name, cls_name, inputs, creds, region_set, stamp, expires, unsigned):
    """Signs the inputs with botocore's CRT SigV4a class; returns the request as sent."""
    auth = make_auth(getattr(botocore.crt.auth, cls_name), creds, inputs["service"], region_set, expires)
    url = https_url(inputs["host"], wire_path(inputs["path"]), wire_query(inputs["query"]))
    body = inputs["body"].encode("utf-8")
    data = body or None
    if cls_name in QUERY_CLASSES and "form" in inputs:
        data = dict(inputs["form"])
    request = AWSRequest(method=inputs["method"], url=url, data=data)
    for n, v in inputs["headers"]:
        request.headers[n] = v  # HTTPHeaders appends: repeated names are kept

    if cls_name == "CrtS3SigV4AsymAuth":
        request.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    elif cls_name == "CrtSigV4AsymAuth":
        request.context["payload_signing_enabled"] = not unsigned
    elif cls_name == "CrtSigV4AsymQueryAuth":
        # AVOID: payload signing disabled; the presigned URL would not say
        # that UNSIGNED-PAYLOAD was signed (see crt_vectors.py).
        check(not unsigned, name, "CrtSigV4AsymQueryAuth must sign the payload")
    else:
        check(unsigned, name, "CrtS3SigV4AsymQueryAuth always signs UNSIGNED-PAYLOAD")

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


def build_case(rng, index, cls_name, kind):
    region_set, host_region = draw_region_set(rng, kind)
    if cls_name in S3_CLASSES:
        inputs = scenario_s3(rng, cls_name, host_region)
    else:
        inputs = rng.choices(NON_S3_SCENARIOS, weights=NON_S3_WEIGHTS)[0](rng, cls_name, host_region)
    creds = make_credentials(rng, rng.random() < 0.4)
    stamp = rng.choice(TIMES)
    expires = None
    if cls_name in QUERY_CLASSES:
        expires = rng.choice(EXPIRES + [rng.randint(2, 604799)])
    if cls_name == "CrtS3SigV4AsymQueryAuth":
        unsigned = True
    elif cls_name == "CrtSigV4AsymQueryAuth":
        unsigned = False
    elif cls_name == "CrtS3SigV4AsymAuth":
        unsigned = rng.random() < 0.4
    else:
        unsigned = rng.random() < 0.2

    name = f"{index:04d}-{SLUG[cls_name]}-{inputs['method'].lower()}-{inputs['service']}"
    if inputs["tag"]:
        name += "-" + inputs["tag"]
    request = sign_with_crt(name, cls_name, inputs, creds, region_set, stamp, expires, unsigned)
    case = {
        "name": name,
        "auth": cls_name,
        "service": inputs["service"],
        "region_set": region_set,
        "time": stamp,
        "credentials": creds,
        "expires": expires,
        "payload": "unsigned" if unsigned else "signed",
        "request": request,
    }

    # What the CRT put into the request.
    hdrs = request["headers"]
    scope = f"{creds['access_key_id']}/{stamp[:8]}/{inputs['service']}/aws4_request"
    if cls_name in QUERY_CLASSES:
        amz = [(k, unquote(v or "")) for k, v in split_query(request["target"].partition("?")[2])
               if k.startswith("X-Amz-")]
        d = dict(amz)
        check(len(d) == len(amz), name, "repeated X-Amz-* parameter")
        check(d.get("X-Amz-Algorithm") == ALGORITHM_V4A, name, "X-Amz-Algorithm")
        check(d.get("X-Amz-Credential") == scope, name, f"X-Amz-Credential {d.get('X-Amz-Credential')!r}")
        check(d.get("X-Amz-Date") == stamp, name, "clock not fixed")
        check(d.get("X-Amz-Expires") == str(expires), name, "X-Amz-Expires")
        check(d.get("X-Amz-Region-Set") == region_set, name, "X-Amz-Region-Set")
        check(d.get("X-Amz-Security-Token") == creds["token"], name, "session token")
        check(not any(n.lower() in ("authorization", "x-amz-region-set") for n, _ in hdrs), name,
              "Authorization / X-Amz-Region-Set header in query auth")
        signature, signed = d["X-Amz-Signature"], d["X-Amz-SignedHeaders"]
    else:
        got = {}
        for n, v in hdrs:
            got.setdefault(n.lower(), []).append(v)
        for n in ("x-amz-date", "x-amz-region-set", "authorization"):
            check(len(got.get(n, [])) == 1, name, f"{n} not sent exactly once")
        check(got["x-amz-date"] == [stamp], name, "clock not fixed")
        check(got["x-amz-region-set"] == [region_set], name, "X-Amz-Region-Set")
        check(got.get("x-amz-security-token", [None]) == [creds["token"]], name, "session token")
        authz = got["authorization"][0]
        prefix = f"{ALGORITHM_V4A} Credential={scope}, SignedHeaders="
        check(authz.startswith(prefix), name, f"Authorization {authz!r}")
        signed, _, signature = authz[len(prefix):].partition(", Signature=")
    # Every header is signed except Authorization and botocore's blocklist.
    expect_signed = sorted({n.lower() for n, _ in hdrs} - NEVER_SIGNED - {"authorization"})
    check(signed == ";".join(expect_signed), name, f"SignedHeaders {signed!r}")

    creq, r_signed, payload, sts = _reference(case)
    check(r_signed == signed, name, "SignedHeaders")
    check(payload == (UNSIGNED if unsigned else sha256_hex(request["body"])), name, f"payload line {payload!r}")
    check(sts.rsplit("\n", 1)[1] == hashlib.sha256(creq.encode("utf-8")).hexdigest(), name,
          "string to sign does not hash the canonical request")
    try:
        r, s = parse_der_signature(signature)
    except ValueError as e:
        raise AssertionError(f"{name}: signature {signature!r} is not DER hex: {e}")
    pub = key_for(creds)
    check(ecdsa_verify(pub, sts.encode("utf-8"), r, s), name,
          f"aws-c-auth's signature does not verify over the spec string to sign; canonical request:\n{creq}")
    check(not ecdsa_verify(pub, sts.encode("utf-8") + b"\n", r, s), name, "verifier accepts a wrong message")
    case["signed_headers"] = signed
    case["signature"] = signature
    case["canonical_request"] = creq
    case["string_to_sign"] = sts
    case["public_key"] = {"x": f"{pub[0]:064x}", "y": f"{pub[1]:064x}"}
    return case


def generate():
    self_test()
    rng = random.Random(SEED)
    cases = []
    index = 0
    for round_ in range(CASES_PER_CLASS):
        for cls_name in CLASS_ORDER:
            index += 1
            cases.append(build_case(rng, index, cls_name, REGION_SET_KINDS[round_ % len(REGION_SET_KINDS)]))
    return document(FORMAT, SEED, cases, awscrt_version=importlib.metadata.version("awscrt"),
                    botocore_version=botocore.__version__)


if __name__ == "__main__":
    main(__doc__, generate)
