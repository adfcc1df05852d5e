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
the ``AWSRequest`` botocore updated from it (``_common.sign_with_crt``).

ECDSA signatures are randomized (aws-c-auth does not use RFC 6979), so two
runs differ in the signature bytes (Authorization header / X-Amz-Signature
parameter and "signature") and in nothing else: every input is drawn from a
fixed seed and the signing clock is fixed.  CI therefore cannot
``git diff --exit-code`` this file; it regenerates it and compares it with
the signatures masked, then verifies the fresh signatures::

    python3 tests/interop/crt_v4a_vectors.py --out "$tmp" --check tests/interop/crt_v4a_vectors.json
    SIGV4A_CRT_VECTORS="$tmp" cargo test --all-features --test interop verify_crt_v4a::

awscrt does not expose the canonical request.  The generator rebuilds it per
the specification from the wire request
(``_common.reference_canonical_request``), forms the string to sign, and
requires CRT's signature to verify (pure-Python ECDSA P-256 over SHA-256 of
the string to sign) with the public key derived from the
credentials by the SigV4a KDF (``derive_private_key``, itself checked
against ``/work/shared/vectors/aws-c-auth/extracted/sigv4a-key-derivation.json``
values embedded below).  A signature over any other string to sign would
not verify, so the recorded ``canonical_request`` / ``string_to_sign`` are
byte for byte those aws-c-auth signed.  The same string to sign with a
byte appended must NOT verify (guards the verifier itself).  The generator
fails loudly if any check fails.

Inputs are drawn from the tables and scenarios ``crt_vectors.py`` uses too
(``_common.py``: headers, path segments, query keys and values, credentials,
clocks; secretsmanager, sts, execute-api and s3 requests), so their "AVOID"
rules (inputs where aws-c-auth or botocore deviate from the specification)
apply here as well; the SigV4a-specific ones are marked "AVOID" below.

Output format: that of ``crt_vectors.py`` (``indent=1``, sorted keys,
UTF-8, trailing newline; the same case fields, the request as sent included),
with these differences::

    {
     "format": "sigv4-kit-crt-v4a/1",
     "seed": 20261130,
     "cases": [
      {
       "name": "0001-crtsigv4a-post-kms-encrypt",
       "auth": "CrtSigV4AsymAuth" | "CrtS3SigV4AsymAuth"
               | "CrtSigV4AsymQueryAuth" | "CrtS3SigV4AsymQueryAuth",
       "region_set": "us-east-1,us-west-2",  instead of "region": as passed to
                                             the signer and sent in
                                             X-Amz-Region-Set (a header for
                                             header auth, a parameter of the
                                             target for query auth)
       "signature": "3045...",               lowercase hex of the DER-encoded
                                             ECDSA signature (SEQUENCE of r, s),
                                             exactly as in the Authorization
                                             header / X-Amz-Signature; s is not
                                             normalized to the low half
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
import json
import os
import sys

sys.dont_write_bytecode = True  # importing _common leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402  (after the sys.path entry it needs)
    ALGORITHM_V4A, REGIONS, check, crt_case, crt_document, is_query_class, is_s3_class, json_service, main,
    scenario_execute_api, scenario_s3, scenario_secretsmanager, scenario_sts, sha256_hex,
)

FORMAT = "sigv4-kit-crt-v4a/1"
SEED = 20261130
CASES_PER_CLASS = 40

CLASS_ORDER = ("CrtSigV4AsymAuth", "CrtS3SigV4AsymAuth", "CrtSigV4AsymQueryAuth", "CrtS3SigV4AsymQueryAuth")
SLUG = {
    "CrtSigV4AsymAuth": "crtsigv4a",
    "CrtS3SigV4AsymAuth": "crts3sigv4a",
    "CrtSigV4AsymQueryAuth": "crtsigv4aquery",
    "CrtS3SigV4AsymQueryAuth": "crts3sigv4aquery",
}
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
# scenarios: each returns the inputs handed to botocore (see _common.py)


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


def _kms_body(rng, op):
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


def scenario_kms(rng, query_cls, region):
    return json_service(rng, query_cls, "kms", "TrentService.",
                        ["Encrypt", "Decrypt", "GenerateDataKey", "DescribeKey"], _kms_body,
                        f"kms.{region}.amazonaws.com")


def scenario_events(rng, query_cls, region):
    # EventBridge global endpoints are the SigV4a use case outside S3.
    endpoint = rng.choice(["abcde.veo", "xyz12.4kl", "glb01.q2r"])

    def body(rng, op):
        if op == "PutEvents":
            return {"Entries": [{"Source": "com.example", "DetailType": "demo  event",
                                 "Detail": rng.choice(["{}", "{\"k\":\"ü\"}"]), "EventBusName": "default"}],
                    "EndpointId": endpoint}
        return {"Name": "default"}
    host = rng.choice([f"{endpoint}.endpoint.events.amazonaws.com", f"events.{region}.amazonaws.com"])
    return json_service(rng, query_cls, "events", "AWSEvents.", ["PutEvents", "DescribeEventBus"], body, host)


def scenario_mrap_s3(rng, query_cls, region):
    # S3 Multi-Region Access Points are the S3 use case of SigV4a.
    return scenario_s3(rng, query_cls, region, mrap=0.4, virtual=0.75, no_path=0.15)


NON_S3_SCENARIOS = [scenario_secretsmanager, scenario_kms, scenario_events, scenario_sts, scenario_execute_api]
NON_S3_WEIGHTS = [2, 2, 2, 1, 4]


# ---------------------------------------------------------------------------
# cases


def build_case(rng, index, cls_name, round_):
    region_set, host_region = draw_region_set(rng, REGION_SET_KINDS[round_ % len(REGION_SET_KINDS)])
    if is_s3_class(cls_name):
        scenario = scenario_mrap_s3
    else:
        scenario = rng.choices(NON_S3_SCENARIOS, weights=NON_S3_WEIGHTS)[0]
    inputs = scenario(rng, is_query_class(cls_name), host_region)
    case, scope = crt_case(rng, index, SLUG[cls_name], cls_name, inputs, region_set, 0.4, v4a=True)

    # aws-c-auth's signature must verify over the spec's string to sign of the wire request.
    name, creq, signature = case["name"], case["canonical_request"], case["signature"]
    sts = "\n".join([ALGORITHM_V4A, case["time"], scope, sha256_hex(creq)])
    try:
        r, s = parse_der_signature(signature)
    except ValueError as e:
        raise AssertionError(f"{name}: signature {signature!r} is not DER hex: {e}")
    pub = key_for(case["credentials"])
    check(ecdsa_verify(pub, sts.encode("utf-8"), r, s), name,
          f"aws-c-auth's signature does not verify over the spec string to sign; canonical request:\n{creq}")
    check(not ecdsa_verify(pub, sts.encode("utf-8") + b"\n", r, s), name, "verifier accepts a wrong message")
    case["string_to_sign"] = sts
    case["public_key"] = {"x": f"{pub[0]:064x}", "y": f"{pub[1]:064x}"}
    return case


def generate():
    self_test()
    return crt_document(FORMAT, SEED, CASES_PER_CLASS, CLASS_ORDER, build_case)


MASKED = "<masked: ECDSA signatures differ from run to run>"


def mask_signatures(doc):
    """``doc`` with each case's signature replaced by MASKED: the "signature" field, and where the
    request carries it (the Authorization header's Signature=, the X-Amz-Signature parameter).
    A signature that is not where the case says stays, so that the comparison shows it."""
    for case in doc.get("cases", []):
        sig = case.get("signature")
        if not sig:
            continue
        req = case["request"]
        req["target"] = req["target"].replace("X-Amz-Signature=" + sig, "X-Amz-Signature=" + MASKED)
        req["headers"] = [[n, v.replace(", Signature=" + sig, ", Signature=" + MASKED)
                           if n.lower() == "authorization" else v] for n, v in req["headers"]]
        case["signature"] = MASKED
    return doc


if __name__ == "__main__":
    main(__doc__, generate, mask=mask_signatures)
