#!/usr/bin/env python3
"""Generate SigV4 requests signed by AWS's C signer (aws-c-auth, through awscrt).

Usage::

    python3 tests/interop/crt_vectors.py > tests/interop/crt_vectors.json
    python3 tests/interop/crt_vectors.py --out tests/interop/crt_vectors.json

``botocore`` and ``awscrt`` are pinned in ``tests/interop/requirements.txt``.
The output is deterministic (fixed seed, fixed signing clock, sorted keys, and
SigV4 HMAC signing has no randomness), so CI can regenerate it and
``git diff --exit-code`` the committed file.  ``tests/interop/verify_crt.rs`` verifies
every case with ``sigv4_kit::verify::Verifier``.

Every case is signed by one of botocore's CRT signers, unmodified:
``botocore.crt.auth.CrtSigV4Auth``, ``CrtS3SigV4Auth``, ``CrtSigV4QueryAuth``
and ``CrtS3SigV4QueryAuth`` (SigV4a is out of scope).  They hand the request
to ``awscrt.auth.aws_sign_request``, i.e. to aws-c-auth, which computes the
canonical request and signature and adds the headers / query parameters.
The only thing replaced is the clock: ``botocore.crt.auth`` imports
``get_current_datetime`` from ``botocore.compat`` into its own namespace and
calls it once per ``add_auth``; the generator patches that name
(``_common.fixed_clock``).

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
deviates are not generated; each such rule is marked "AVOID" in
``_common.py``, which holds the input tables, the scenarios, the signing and
the reference canonical request this generator shares with
``crt_v4a_vectors.py``.

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


import os
import sys

sys.dont_write_bytecode = True  # importing _common leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402  (after the sys.path entry it needs)
    REGIONS, check, crt_case, crt_document, is_query_class, is_s3_class, main, scenario_execute_api, scenario_s3,
    scenario_secretsmanager, scenario_sts, sign_reference,
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


def build_case(rng, index, cls_name, _round):
    if is_s3_class(cls_name):
        scenario = scenario_s3
    else:
        scenario = rng.choices([scenario_secretsmanager, scenario_sts, scenario_execute_api], weights=[2, 2, 5])[0]
    region = rng.choice(REGIONS)
    inputs = scenario(rng, is_query_class(cls_name), region)
    case, _ = crt_case(rng, index, SLUG[cls_name], cls_name, inputs, region, 0.35, v4a=False)
    # The spec's canonical request of the wire request must give aws-c-auth's signature.
    check(sign_reference(case["canonical_request"], case)[1] == case["signature"], case["name"],
          "aws-c-auth's signature differs from the spec reference; reference canonical request:\n"
          + case["canonical_request"])
    return case


def generate():
    return crt_document(FORMAT, SEED, CASES_PER_CLASS, CLASS_ORDER, build_case)


if __name__ == "__main__":
    main(__doc__, generate)
