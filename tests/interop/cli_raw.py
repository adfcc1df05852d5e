#!/usr/bin/env python3
"""Raw-text CLI interop: fresh botocore / awscrt signed requests through ``sigv4 verify``.

What it does
------------

Each run draws fresh random requests (secretsmanager, dynamodb, execute-api,
sts and s3 calls: JSON, form, text and binary bodies; paths with segments,
queries with several parameters, headers with odd spacing), signs each with
one of AWS's own signers, unmodified:

* botocore SigV4: ``botocore.auth.SigV4Auth``, ``S3SigV4Auth``,
  ``SigV4QueryAuth``, ``S3SigV4QueryAuth``;
* awscrt SigV4 (aws-c-auth, through ``botocore.crt.auth``): ``CrtSigV4Auth``,
  ``CrtS3SigV4Auth``, ``CrtSigV4QueryAuth``, ``CrtS3SigV4QueryAuth``;
* awscrt SigV4a: ``CrtSigV4AsymAuth``, ``CrtS3SigV4AsymAuth`` and their query
  variants, for region sets such as ``*``, ``us-*`` and ``us-east-1,us-west-2``;

with long-term or temporary credentials (a 300-800 character base64 session
token), header auth or a presigned URL, S3 rules or not; botocore header auth
also signs with a ``Date`` header instead of ``X-Amz-Date`` when the request
already carries one (``botocore.auth.SigV4Auth._set_necessary_date_headers``),
and some cases do.  The cases cycle through the 24 combinations of signer
family x token x header/presigned x S3/not (in a random order each round), so
every dimension is spread evenly.

Each signed request is written as raw HTTP/1.1 text the way ``curl -v`` shows
it: ``METHOD target HTTP/1.1``, ``Host: h``, every header as ``Name: value``
(one space after the colon, the signer's own name case and value), CRLF line
endings, a blank line and the body, with ``Content-Length`` where there is a
body (and sometimes curl's unsigned ``User-Agent`` and ``Accept``).  The keys
go into one shared-credentials file (``[profile]`` sections with
``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token`` for
temporary keys and, at times, ``aws_account_id`` / ``principal_kind``).

Then the release-built CLI checks every case (``sigv4 verify --credentials
INI [--s3] [--region R] [--service S] FILE``; requests are signed at the
current wall-clock time, so no ``--time`` is given): each must exit 0 with
``"verified": true`` and name the access key id, algorithm, service, region
(or region set), auth method and temporariness that were signed.  Tampered
copies of each case must all be refused (exit 1, ``"verified": false``): a
signed header's value changed, the body changed (where it is signed), the path
changed, a query parameter changed or added, the session token changed or
removed (or one added where there is none), a signature hex digit flipped.

Inputs where botocore or aws-c-auth deviate from the specification are not
drawn (see the "AVOID" notes in ``_common.py`` and ``botocore_vectors.py``):
the scenarios and tables are those of ``_common.py``, S3 requests signed by
botocore always have a path, non-S3 presigned URLs sign the payload, and no
body is sent with a presigned URL.

How to run it
-------------

::

    pip install -r tests/interop/requirements.txt
    python3 tests/interop/cli_raw.py                  # 320 fresh cases, seed printed
    python3 tests/interop/cli_raw.py --seed 1234      # the same inputs again
    python3 tests/interop/cli_raw.py --cases 2000 --keep /tmp/raw   # keep the files

It builds the CLI once (``cargo build --release --features cli --bin sigv4``,
honouring ``CARGO_TARGET_DIR``) unless ``--sigv4 PATH`` names a binary.  It
prints the pass rate per signer family, token and auth method, and on any
failure the failing raw request and the CLI's JSON; it exits 1 on a failure,
2 on a usage or setup error.  Without botocore / awscrt it exits 2, or 0 with
a reason when given ``--skip-if-missing`` (CI installs them and must not skip).

The fixed set
-------------

``--write-fixed DIR`` (committed as ``tests/interop/cli_raw/``) writes 24
cases, one per combination, drawn from a fixed seed and signed at the fixed
time 20260517T064000Z: ``NN-....http`` raw requests, ``credentials.ini`` and
``manifest.json`` (per case: file, CLI flags, expected access key id,
algorithm, service, region, auth, temporary), after checking them (and their
tampered copies) with ``--time``.  ``tests/cli/cli_raw.rs`` runs
``sigv4 verify --time 20260517T064000Z`` on every case of the manifest.  SigV4
HMAC signatures are deterministic, so the SigV4 files regenerate byte for
byte; SigV4a ECDSA signatures are random (aws-c-auth does not use RFC 6979),
so the SigV4a files are only ever verified, never regenerated identically.
"""

import argparse
import base64
import contextlib
import hashlib
import importlib.metadata
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, unquote, urlsplit

sys.dont_write_bytecode = True  # importing _common leaves no __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

try:
    import botocore
    import botocore.auth  # before botocore.crt.auth (import cycle)
    import botocore.crt.auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials

    import _common as C
except ImportError as e:  # reported by main(); --skip-if-missing turns it into a skip
    MISSING = e
else:
    MISSING = None

FORMAT = "sigv4-kit-cli-raw/1"
FIXED_SEED = 20260517
FIXED_TIME = "20260517T064000Z"
FIXED_CASES = 24
DEFAULT_CASES = 320

ALGORITHM = "AWS4-HMAC-SHA256"
ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"

# The signer classes by family and (S3 rules, presigned).
FAMILIES = ("botocore", "crt-v4", "crt-v4a")
CLASSES = {
    "botocore": {(False, False): "SigV4Auth", (True, False): "S3SigV4Auth",
                 (False, True): "SigV4QueryAuth", (True, True): "S3SigV4QueryAuth"},
    "crt-v4": {(False, False): "CrtSigV4Auth", (True, False): "CrtS3SigV4Auth",
               (False, True): "CrtSigV4QueryAuth", (True, True): "CrtS3SigV4QueryAuth"},
    "crt-v4a": {(False, False): "CrtSigV4AsymAuth", (True, False): "CrtS3SigV4AsymAuth",
                (False, True): "CrtSigV4AsymQueryAuth", (True, True): "CrtS3SigV4AsymQueryAuth"},
}

# SigV4a region sets, each with regions it covers (for the CLI's --region).
# AVOID: spaces or upper case in a region set (see crt_v4a_vectors.py).
REGION_SETS = {
    "*": ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"],
    "us-*": ["us-east-1", "us-west-2", "us-east-2"],
    "eu-*": ["eu-west-1", "eu-central-1"],
    "us-east-1,us-west-2": ["us-east-1", "us-west-2"],
    "eu-west-1,eu-central-1": ["eu-central-1"],
    "us-east-1,eu-*": ["us-east-1", "eu-west-3"],
    "us-west-2": ["us-west-2"],
    "ap-northeast-1": ["ap-northeast-1"],
}

# What curl adds that no signer signs.
CURL_USER_AGENTS = ["curl/8.5.0", "curl/7.88.1", "curl/8.11.1"]


# ---------------------------------------------------------------------------
# random inputs


def draw_credentials(rng, with_token, used):
    """A fresh key (unique in ``used``), its secret, and a realistic session token when ``with_token``."""
    while True:
        akid = ("ASIA" if with_token else "AKIA") + "".join(rng.choice(C.KEY_ALPHABET) for _ in range(16))
        if akid not in used:
            used.add(akid)
            break
    secret = "".join(rng.choice(C.B64) for _ in range(40))
    token = None
    if with_token:
        # STS tokens are base64 with '+', '/' and '=' padding; 300-800 characters.
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(213, 585)))
        token = rng.choice(["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", ""]) + base64.b64encode(raw).decode("ascii")
    profile = {}
    r = rng.random()
    if r < 0.3:
        profile["aws_account_id"] = "".join(rng.choice(string.digits) for _ in range(12))
    elif r < 0.4:
        profile["aws_account_id"] = "123456789012"
        profile["principal_kind"] = "federated-user" if with_token else "account-root"
    return {"access_key_id": akid, "secret_access_key": secret, "token": token, "profile": profile}


def _dynamodb_body(rng, op):
    table = rng.choice(["Music", "orders-2026", "Tëst"])
    if op == "GetItem":
        return {"TableName": table, "Key": {"pk": {"S": rng.choice(["a  b", "ü", "id#1"])}}}
    if op == "PutItem":
        return {"TableName": table, "Item": {"pk": {"S": "x"}, "n": {"N": str(rng.randint(0, 10 ** 6))}}}
    if op == "Query":
        return {"TableName": table, "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "v"}}}
    return {"Limit": rng.randint(1, 100)}


def scenario_dynamodb(rng, query_cls, region):
    inputs = C.json_service(rng, query_cls, "dynamodb", "DynamoDB_20120810.",
                            ["GetItem", "PutItem", "Query", "ListTables"], _dynamodb_body,
                            f"dynamodb.{region}.amazonaws.com")
    inputs["headers"] = [(n, "application/x-amz-json-1.0" if n == "Content-Type" else v)
                         for n, v in inputs["headers"]]
    return inputs


# The non-S3 scenarios and their weights (see draw_inputs).
NON_S3 = ([C.scenario_secretsmanager, scenario_dynamodb, C.scenario_execute_api, C.scenario_sts]
          if MISSING is None else [])


def draw_inputs(rng, family, s3, query_cls, region):
    """The request handed to the signer (see _common: service, method, host, path, query,
    headers, body, tag; "form" for a form body), the body as bytes."""
    if s3:
        # AVOID (botocore S3 classes): a URL without a path.  S3SigV4Auth and
        # S3SigV4QueryAuth leave the empty path as it is, so the canonical URI
        # is "" where the request line says "/" (botocore_vectors.py).
        inputs = C.scenario_s3(rng, query_cls, region, no_path=0.0 if family == "botocore" else 0.15)
        body = inputs["body"].encode("utf-8")
        if body and rng.random() < 0.4:
            # A binary-ish object: every byte value, not UTF-8.  Headers derived from the
            # text body are recomputed.
            body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
            fixed = []
            for n, v in inputs["headers"]:
                low = n.lower()
                if low == "content-md5":
                    v = base64.b64encode(hashlib.md5(body).digest()).decode("ascii")
                elif low == "content-length":
                    v = str(len(body))
                elif low == "x-amz-checksum-sha256":
                    v = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
                elif low == "content-type":
                    v = "application/octet-stream"
                fixed.append((n, v))
            inputs["headers"] = fixed
    else:
        scenario = rng.choices(NON_S3, weights=[2, 2, 4, 2])[0]
        inputs = scenario(rng, query_cls, region)
        body = inputs["body"].encode("utf-8")
    inputs["body"] = body
    return inputs


# ---------------------------------------------------------------------------
# signing


def sign(case, inputs, stamp):
    """Signs ``inputs`` with the case's class; returns the request as sent: method, host,
    target, headers (without Host) and body.  ``stamp`` fixes the signing clock (None: now)."""
    family, cls_name = case["family"], case["signer"]
    module = botocore.auth if family == "botocore" else botocore.crt.auth
    creds = case["credentials"]
    credentials = Credentials(creds["access_key_id"], creds["secret_access_key"], creds["token"])
    scope_region = case["region_set"] if family == "crt-v4a" else case["region"]
    cls = getattr(module, cls_name)
    if case["presigned"]:
        auth = cls(credentials, case["service"], scope_region, expires=case["expires"])
    else:
        auth = cls(credentials, case["service"], scope_region)

    url = C.https_url(inputs["host"], C.wire_path(inputs["path"]), C.wire_query(inputs["query"]))
    data = inputs["body"] or None
    if case["presigned"] and "form" in inputs:
        # A query-protocol form: the query signers move it into the query string.
        data = dict(inputs["form"])
    request = AWSRequest(method=inputs["method"], url=url, data=data)
    for n, v in inputs["headers"]:
        request.headers[n] = v  # HTTPHeaders appends: repeated names are kept
    if case["date_header"]:
        # botocore then signs a Date header (its own value) instead of X-Amz-Date.
        request.headers["Date"] = "Thu, 01 Jan 1970 00:00:00 GMT"

    unsigned = case["payload"] == "unsigned"
    if not case["presigned"] and case["s3"]:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    elif not case["presigned"]:
        request.context["payload_signing_enabled"] = not unsigned
    # AVOID: a non-S3 presigned URL with an unsigned payload: nothing in the URL
    # says UNSIGNED-PAYLOAD was signed (see _common.sign_with_crt).

    clock = C.fixed_clock(module, stamp) if stamp else contextlib.nullcontext()
    with clock:
        auth.add_auth(request)

    final = urlsplit(request.url)
    C.check(final.netloc == inputs["host"], case["name"], f"host changed: {final.netloc!r}")
    target = (final.path or "/") + ("?" + final.query if final.query else "")
    headers = [(n, v) for n, v in request.headers.items() if n.lower() != "host"]
    for n, v in request.headers.items():
        C.check(n.lower() != "host" or v == inputs["host"], case["name"], f"host header {v!r}")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if case["presigned"]:
        C.check(body == b"", case["name"], "a presigned request with a body")
    return {"method": inputs["method"], "host": inputs["host"], "target": target, "headers": headers, "body": body}


def curl_form(rng, sent):
    """The request as curl sends it: Host first, curl's unsigned User-Agent and Accept at times,
    the signed headers, and Content-Length where there is a body."""
    names = {n.lower() for n, _ in sent["headers"]}
    extra = []
    if "user-agent" not in names and rng.random() < 0.5:
        extra.append(("User-Agent", rng.choice(CURL_USER_AGENTS)))
    if "accept" not in names and rng.random() < 0.5:
        extra.append(("Accept", "*/*"))
    headers = extra + list(sent["headers"])
    if sent["body"] and "content-length" not in names:
        headers.append(("Content-Length", str(len(sent["body"]))))
    return dict(sent, headers=headers)


def render(req):
    """The raw HTTP/1.1 bytes of ``req``: CRLF, ``Name: value``, a blank line, the body."""
    lines = [f"{req['method']} {req['target']} HTTP/1.1", f"Host: {req['host']}"]
    lines += [f"{n}: {v}" for n, v in req["headers"]]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + req["body"]


def signed_header_names(req):
    """The SignedHeaders of the request: from Authorization or the X-Amz-SignedHeaders parameter."""
    for n, v in req["headers"]:
        if n.lower() == "authorization":
            return v.split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";")
    for k, v in C.split_query(req["target"].partition("?")[2]):
        if k == "X-Amz-SignedHeaders":
            return unquote(v or "").split(";")
    raise AssertionError("no SignedHeaders")


# ---------------------------------------------------------------------------
# cases


def cells(rng, count):
    """``count`` combinations of (family, token, presigned, s3): all 24 in a random order, again and again."""
    every = [(f, t, q, s) for f in FAMILIES for t in (False, True) for q in (False, True) for s in (False, True)]
    out = []
    while len(out) < count:
        block = list(every)
        rng.shuffle(block)
        out += block
    return out[:count]


def build_case(rng, index, cell, used_keys, stamp):
    """One case: inputs drawn, signed, put in curl's form; the CLI flags and expected result."""
    family, with_token, presigned, s3 = cell
    cls_name = CLASSES[family][(s3, presigned)]
    v4a = family == "crt-v4a"
    if v4a:
        region_set = rng.choice(sorted(REGION_SETS))
        covered = REGION_SETS[region_set]
        region = rng.choice(covered)  # the endpoint's region
    else:
        region_set, region = None, rng.choice(C.REGIONS)
    inputs = draw_inputs(rng, family, s3, presigned, region)
    if presigned:
        payload = "unsigned" if s3 else "signed"  # S3 presigned URLs always sign UNSIGNED-PAYLOAD
        expires = rng.choice([300, 900, 3600, 86400, 604800, rng.randint(120, 604800)])
    else:
        payload = "unsigned" if rng.random() < (0.3 if s3 else 0.1) else "signed"
        expires = None
    date_header = family == "botocore" and not presigned and rng.random() < 0.4
    slug = cls_name.lower().replace("auth", "")
    name = f"{index:04d}-{slug}-{'token' if with_token else 'key'}-{inputs['method'].lower()}-{inputs['service']}"
    if date_header:
        name += "-date"
    case = {
        "name": name, "index": index, "family": family, "signer": cls_name, "s3": s3, "presigned": presigned,
        "token": with_token, "date_header": date_header, "service": inputs["service"], "region": region,
        "region_set": region_set, "expires": expires, "payload": payload,
        "credentials": draw_credentials(rng, with_token, used_keys),
    }
    sent = sign(case, inputs, stamp)
    case["request"] = curl_form(rng, sent)

    flags = []
    if s3:
        flags.append("--s3")
    elif payload == "unsigned":
        flags.append("--allow-unsigned-payload")
    if rng.random() < 0.5:
        flags += ["--region", rng.choice(covered) if v4a else region]
    if rng.random() < 0.5:
        flags += ["--service", inputs["service"]]
    case["flags"] = flags
    case["expected"] = {
        "access_key_id": case["credentials"]["access_key_id"],
        "algorithm": ALGORITHM_V4A if v4a else ALGORITHM,
        "service": inputs["service"],
        "region": region_set if v4a else region,
        "auth": "presigned-query" if presigned else "header",
        "temporary": with_token,
    }
    if "aws_account_id" in case["credentials"]["profile"]:
        case["expected"]["account_id"] = case["credentials"]["profile"]["aws_account_id"]
    return case


def credentials_ini(cases):
    out = ["# Keys of the cases (tests/interop/cli_raw.py).", ""]
    for case in cases:
        creds = case["credentials"]
        out.append(f"[profile {case['name']}]")
        out.append(f"aws_access_key_id = {creds['access_key_id']}")
        out.append(f"aws_secret_access_key = {creds['secret_access_key']}")
        if creds["token"]:
            out.append(f"aws_session_token = {creds['token']}")
        for k, v in creds["profile"].items():
            out.append(f"{k} = {v}")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# tampering: each returns a changed copy of the request, or None where it does not apply


def _copy(req, **changes):
    out = dict(req, headers=list(req["headers"]))
    out.update(changes)
    return out


def mutate_text(rng, text):
    """``text`` with one ASCII letter or digit replaced by another of its kind (or "x" appended)."""
    spots = [i for i, c in enumerate(text) if c.isascii() and c.isalnum()]
    if not spots:
        return text + "x"
    i = rng.choice(spots)
    c = text[i]
    pool = string.digits if c.isdigit() else string.ascii_lowercase if c.islower() else string.ascii_uppercase
    return text[:i] + rng.choice([d for d in pool if d != c]) + text[i + 1:]


def _set_header(req, name, value):
    """The first header ``name`` (any case) set to ``value``, or removed when None; others kept."""
    out, done = [], False
    for n, v in req["headers"]:
        if not done and n.lower() == name:
            done = True
            if value is not None:
                out.append((n, value))
        else:
            out.append((n, v))
    return _copy(req, headers=out) if done else None


def _header(req, name):
    return next((v for n, v in req["headers"] if n.lower() == name), None)


def tamper_signed_header(rng, case, req):
    special = {"authorization", "host", "x-amz-date", "date", "x-amz-security-token", "x-amz-content-sha256"}
    names = [n for n in signed_header_names(req) if n not in special]
    if not names:
        return _copy(req, host=mutate_text(rng, req["host"]))
    name = rng.choice(names)
    return _set_header(req, name, mutate_text(rng, _header(req, name)))


def tamper_body(rng, case, req):
    if case["payload"] != "signed":
        return None
    body = req["body"]
    if body:
        i = rng.randrange(len(body))
        return _copy(req, body=body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:])
    out = _copy(req, body=b"x")
    out["headers"].append(("Content-Length", "1"))
    return out


def tamper_path(rng, case, req):
    path, sep, query = req["target"].partition("?")
    return _copy(req, target=path + "x" + sep + query)


def tamper_query(rng, case, req):
    path, _, query = req["target"].partition("?")
    pairs = C.split_query(query)
    user = [i for i, (k, _) in enumerate(pairs) if not k.startswith("X-Amz-")]
    if not user:
        pairs.append(("tampered", "1"))
    else:
        i = rng.choice(user)
        k, v = pairs[i]
        pairs[i] = (k, "0" if v is None else v + "0")
    return _copy(req, target=path + "?" + "&".join(k if v is None else f"{k}={v}" for k, v in pairs))


def _with_query_token(req, change):
    """The presigned request with X-Amz-Security-Token changed by ``change(decoded)`` (None: removed)."""
    path, _, query = req["target"].partition("?")
    pairs, found = [], False
    for k, v in C.split_query(query):
        if k == "X-Amz-Security-Token":
            found = True
            new = change(unquote(v or ""))
            if new is None:
                continue
            v = quote(new, safe="")
        pairs.append((k, v))
    if not found:
        return None
    return _copy(req, target=path + "?" + "&".join(k if v is None else f"{k}={v}" for k, v in pairs))


def tamper_token_changed(rng, case, req):
    if not case["token"]:
        return None
    if case["presigned"]:
        return _with_query_token(req, lambda t: mutate_text(rng, t))
    return _set_header(req, "x-amz-security-token", mutate_text(rng, _header(req, "x-amz-security-token")))


def tamper_token_removed(rng, case, req):
    if not case["token"]:
        return None
    if case["presigned"]:
        return _with_query_token(req, lambda t: None)
    return _set_header(req, "x-amz-security-token", None)


def tamper_token_added(rng, case, req):
    if case["token"]:
        return None
    token = base64.b64encode(bytes(rng.randrange(256) for _ in range(240))).decode("ascii")
    if case["presigned"]:
        return _copy(req, target=req["target"] + "&X-Amz-Security-Token=" + quote(token, safe=""))
    out = _copy(req)
    out["headers"].append(("X-Amz-Security-Token", token))
    return out


def tamper_signature(rng, case, req):
    def flip(text, at):
        end = at
        while end < len(text) and text[end] in "0123456789abcdef":
            end += 1
        i = rng.randrange(at, end)
        return text[:i] + rng.choice([d for d in "0123456789abcdef" if d != text[i]]) + text[i + 1:]

    if case["presigned"]:
        at = req["target"].index("X-Amz-Signature=") + len("X-Amz-Signature=")
        return _copy(req, target=flip(req["target"], at))
    authz = _header(req, "authorization")
    return _set_header(req, "authorization", flip(authz, authz.index("Signature=") + len("Signature=")))


TAMPERS = [
    ("signed-header", tamper_signed_header),
    ("body", tamper_body),
    ("path", tamper_path),
    ("query", tamper_query),
    ("token-changed", tamper_token_changed),
    ("token-removed", tamper_token_removed),
    ("token-added", tamper_token_added),
    ("signature", tamper_signature),
]


# ---------------------------------------------------------------------------
# the CLI


def build_cli():
    """``cargo build --release --features cli --bin sigv4``; the path of the binary."""
    subprocess.run(["cargo", "build", "--quiet", "--release", "--features", "cli", "--bin", "sigv4"],
                   cwd=REPO, check=True)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO, check=True,
                          capture_output=True, text=True)
    target = os.environ.get("CARGO_TARGET_DIR") or json.loads(meta.stdout)["target_directory"]
    path = os.path.join(os.path.abspath(os.path.join(REPO, target)), "release", "sigv4")
    if not os.path.exists(path):
        raise SystemExit(f"cli_raw: built, but {path} does not exist")
    return path


def run_cli(binary, ini, flags, path, at):
    cmd = [binary, "verify", "--credentials", ini] + (["--time", at] if at else []) + flags + [path]
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = None
    return {"rc": p.returncode, "json": out, "stdout": p.stdout.decode("utf-8", "replace"),
            "stderr": p.stderr.decode("utf-8", "replace"), "cmd": cmd}


def genuine_problems(case, result):
    """Why the genuine case's result is wrong ([] if right)."""
    out, exp = result["json"], case["expected"]
    if result["rc"] != 0 or not isinstance(out, dict) or out.get("verified") is not True:
        return [f"exit {result['rc']}, expected 0 with \"verified\": true"]
    got = {
        "access_key_id": out.get("access_key_id"),
        "algorithm": out.get("algorithm"),
        "service": (out.get("scope") or {}).get("service"),
        "region": (out.get("scope") or {}).get("region"),
        "auth": out.get("auth"),
        "temporary": (out.get("principal") or {}).get("temporary"),
        "account_id": (out.get("principal") or {}).get("account_id"),
    }
    return [f"{k}: got {got[k]!r}, signed {v!r}" for k, v in exp.items() if got[k] != v]


def show(raw, limit=1200):
    """The raw request for a report: CRLF shown as \\r\\n, binary bytes escaped, long bodies cut."""
    head, _, body = raw.partition(b"\r\n\r\n")
    text = head.decode("utf-8", "backslashreplace").replace("\r\n", "\\r\n") + "\\r\n\\r\n"
    shown = body[:limit].decode("utf-8", "backslashreplace").replace("\r", "\\r").replace("\n", "\\n")
    return text + shown + (f"... ({len(body)} bytes)" if len(body) > limit else "")


# ---------------------------------------------------------------------------
# a run


def generate(seed, count, stamp):
    rng = random.Random(seed)
    used = set()
    return [build_case(rng, i, cell, used, stamp) for i, cell in enumerate(cells(rng, count), start=1)]


def write_cases(cases, directory, seed):
    """The raw files, credentials.ini and tampered copies of ``cases`` under ``directory``;
    returns the jobs [(case, tamper or None, path)]."""
    rng = random.Random(seed ^ 0x7A3B)
    ini = os.path.join(directory, "credentials.ini")
    with open(ini, "w", encoding="utf-8") as f:
        f.write(credentials_ini(cases))
    jobs = []
    for case in cases:
        path = os.path.join(directory, case["name"] + ".http")
        with open(path, "wb") as f:
            f.write(render(case["request"]))
        jobs.append((case, None, path))
        for label, tamper in TAMPERS:
            changed = tamper(rng, case, case["request"])
            if changed is None:
                continue
            assert render(changed) != render(case["request"]), (case["name"], label)
            tpath = os.path.join(directory, "tampered", f"{case['name']}.{label}.http")
            os.makedirs(os.path.dirname(tpath), exist_ok=True)
            with open(tpath, "wb") as f:
                f.write(render(changed))
            jobs.append((case, label, tpath))
    return ini, jobs


def check_all(binary, ini, jobs, at):
    """Runs the CLI on every job; returns the failures and the counts."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda job: run_cli(binary, ini, job[0]["flags"], job[2], at), jobs))
    failures = []
    stats = {}
    for (case, label, path), result in zip(jobs, results):
        key = (case["family"], "token" if case["token"] else "no token",
               "presigned" if case["presigned"] else "header", "s3" if case["s3"] else "non-s3")
        s = stats.setdefault(key, {"cases": 0, "verified": 0, "tampered": 0, "refused": 0})
        if label is None:
            problems = genuine_problems(case, result)
            s["cases"] += 1
            s["verified"] += not problems
        else:
            out = result["json"]
            ok = result["rc"] == 1 and isinstance(out, dict) and out.get("verified") is False
            problems = [] if ok else [f"tampered ({label}) copy: exit {result['rc']}, expected 1 with "
                                      f"\"verified\": false"]
            s["tampered"] += 1
            s["refused"] += ok
        if problems:
            failures.append((case, label, path, result, problems))
    return failures, stats


def coverage(cases):
    """One line on what the cases hold beyond the table's dimensions."""
    services = {}
    for case in cases:
        services[case["service"]] = services.get(case["service"], 0) + 1
    bodies = [case["request"]["body"] for case in cases if case["request"]["body"]]
    binary = sum(1 for b in bodies if not _utf8(b))
    return (f"coverage: {sum(c['date_header'] for c in cases)} signed with Date, "
            f"{sum(c['payload'] == 'unsigned' for c in cases)} UNSIGNED-PAYLOAD, "
            f"{len(bodies)} bodies ({binary} binary), "
            f"{sum(len(c['request']['headers']) for c in cases)} header lines; "
            + ", ".join(f"{n} {k}" for k, n in sorted(services.items())))


def _utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def report(stats, failures, elapsed, show_failures):
    cases = sum(s["cases"] for s in stats.values())
    verified = sum(s["verified"] for s in stats.values())
    tampered = sum(s["tampered"] for s in stats.values())
    refused = sum(s["refused"] for s in stats.values())
    print(f"{'family':8} {'credentials':11} {'auth':9} {'rules':6} {'verified':>9} {'refused':>10}")
    for key in sorted(stats):
        s = stats[key]
        print(f"{key[0]:8} {key[1]:11} {key[2]:9} {key[3]:6} {s['verified']:>4}/{s['cases']:<4} "
              f"{s['refused']:>5}/{s['tampered']:<4}")
    for label, pick in (("token", lambda k: k[1] == "token"), ("no token", lambda k: k[1] != "token")):
        n = sum(s["cases"] for k, s in stats.items() if pick(k))
        ok = sum(s["verified"] for k, s in stats.items() if pick(k))
        if n:
            print(f"{label} cases: {ok}/{n} verified ({100 * ok / n:.1f} %), "
                  f"{n - ok} failed ({100 * (n - ok) / n:.1f} %)")
    shown = failures[:show_failures]
    for case, label, path, result, problems in shown:
        print(f"\n--- FAIL {case['name']} ({case['signer']}{', tampered: ' + label if label else ''})")
        for p in problems:
            print("    " + p)
        print("    $ " + " ".join(result["cmd"]))
        print("    CLI JSON: " + (result["stdout"].strip() or "(none)"))
        if result["stderr"].strip():
            print("    stderr: " + result["stderr"].strip())
        with open(path, "rb") as f:
            print("    raw request:\n" + "\n".join("      " + line for line in show(f.read()).split("\n")))
    if len(failures) > len(shown):
        print(f"\n... and {len(failures) - len(shown)} more failures")
    pct = 100 * verified / cases if cases else 0.0
    print(f"\ncli_raw: genuine {verified}/{cases} verified ({pct:.1f} %); "
          f"tampered {refused}/{tampered} refused; {elapsed:.1f} s")


def write_manifest(cases, directory):
    manifest = {
        "format": FORMAT,
        "generator": "tests/interop/cli_raw.py --write-fixed tests/interop/cli_raw",
        "seed": FIXED_SEED,
        "time": FIXED_TIME,
        "botocore_version": botocore.__version__,
        "awscrt_version": importlib.metadata.version("awscrt"),
        "credentials": "credentials.ini",
        "cases": [{
            "file": case["name"] + ".http",
            "signer": case["signer"],
            "ecdsa": case["family"] == "crt-v4a",
            "flags": case["flags"],
            "expected": case["expected"],
        } for case in cases],
    }
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"how many cases (default {DEFAULT_CASES})")
    ap.add_argument("--seed", type=int, help="the seed of the inputs (default: from os.urandom, printed)")
    ap.add_argument("--sigv4", metavar="PATH", help="the sigv4 binary (default: cargo build --release)")
    ap.add_argument("--keep", metavar="DIR", help="write the raw files here and keep them")
    ap.add_argument("--write-fixed", metavar="DIR",
                    help=f"write the fixed set ({FIXED_CASES} cases, seed {FIXED_SEED}, time {FIXED_TIME}) to DIR")
    ap.add_argument("--show-failures", type=int, default=5, metavar="N", help="print N failures in full (default 5)")
    ap.add_argument("--skip-if-missing", action="store_true",
                    help="exit 0 with a reason when botocore or awscrt is not installed")
    args = ap.parse_args(argv)

    if MISSING is not None:
        why = f"cli_raw: {MISSING}; pip install -r tests/interop/requirements.txt"
        print(why + (" (skipped)" if args.skip_if_missing else ""), file=sys.stderr)
        return 0 if args.skip_if_missing else 2
    if args.cases < 1:
        ap.error("--cases must be at least 1")

    fixed = args.write_fixed is not None
    seed = FIXED_SEED if fixed else args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    count = FIXED_CASES if fixed else args.cases
    stamp = FIXED_TIME if fixed else None
    print(f"cli_raw: seed {seed}, {count} cases"
          + (f", signed at {FIXED_TIME}" if fixed else f" (reproduce with --seed {seed} --cases {count})"),
          flush=True)
    binary = args.sigv4 or build_cli()
    start = time.monotonic()
    cases = generate(seed, count, stamp)

    if fixed:
        directory = args.write_fixed
        os.makedirs(directory, exist_ok=True)
        for old in os.listdir(directory):
            if old.endswith(".http") or old in ("manifest.json", "credentials.ini"):
                os.remove(os.path.join(directory, old))
        work = tempfile.mkdtemp(prefix="cli_raw_")
    else:
        directory = work = args.keep or tempfile.mkdtemp(prefix="cli_raw_")
        os.makedirs(directory, exist_ok=True)
    failures = []
    try:
        ini, jobs = write_cases(cases, work, seed)
        failures, stats = check_all(binary, ini, jobs, stamp)
        print(coverage(cases))
        report(stats, failures, time.monotonic() - start, args.show_failures)
        if fixed and not failures:
            for case in cases:
                shutil.copy(os.path.join(work, case["name"] + ".http"), directory)
            shutil.copy(ini, directory)
            write_manifest(cases, directory)
            print(f"cli_raw: wrote {len(cases)} cases, credentials.ini and manifest.json to {directory}")
    finally:
        if failures or work == args.keep:
            print(f"cli_raw: the raw requests are kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
