"""End to end: `cargo run --example gateway` against the clients people use, boto3, the aws CLI
and curl, signing with the keys of examples/gateway/credentials.

Every accepted request is answered with the verified identity as JSON (the body, and the
`x-sigv4-identity` header; for S3 writes only the header, as S3 SDKs read a non-XML 200 body as
an error); every rejected one with AWS's XML error, which botocore turns into a `ClientError`.

Run with `python3 -m pytest tests/e2e/test_gateway.py -q` (needs cargo, curl, and the packages
pinned in tests/interop/requirements.txt).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import boto3
import botocore.auth
import botocore.compat
import botocore.exceptions
import pytest
from _cargo import cargo_example
from _gateway import (
    ACCOUNT,
    CONFIG,
    IAM_USER,
    IDENTITY_HEADER,
    REGION,
    RUN_TIMEOUT,
    TEMPORARY,
    Key,
    aws_chunked_put,
    error_code,
    gateway,
    send,
    wrong,
)
from botocore.awsrequest import AWSRequest

KEYS = pytest.mark.parametrize("key", [IAM_USER, TEMPORARY], ids=lambda k: k.profile)


def client(url: str, key: Key, service: str = "s3"):
    """A boto3 client for the gateway, signing with the key's profile."""
    return boto3.Session(profile_name=key.profile).client(service, endpoint_url=url, config=CONFIG)


def keyed_client(url: str, access_key_id: str, secret: str, token: str | None = None, service: str = "s3"):
    """A boto3 client for the gateway, signing with explicit keys."""
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=CONFIG,
    )


def assert_identity(doc: dict, key: Key, auth: str, service: str = "s3", body_bytes: int = 0) -> None:
    """The JSON names the key's principal, scope and auth kind."""
    assert doc["principal"] == {"arn": key.arn, "account_id": ACCOUNT, "kind": key.kind}
    assert doc["access_key_id"] == key.access_key_id
    assert (doc["region"], doc["service"], doc["auth"]) == (REGION, service, auth)
    assert doc["body_bytes"] == body_bytes
    signed = doc["signed_headers"]
    assert signed == sorted(signed) and "host" in signed
    if auth == "presigned":
        assert signed == ["host"]
    else:
        assert "x-amz-date" in signed
        assert ("x-amz-security-token" in signed) == (key.token() is not None)


def curl(url: str, *args: str) -> tuple[int, bytes]:
    """Fetches `url` with curl; returns the status and the body."""
    out = subprocess.run(
        ["curl", "--silent", "--show-error", "--write-out", "\n%{http_code}", *args, url],
        capture_output=True,
        timeout=RUN_TIMEOUT,
        check=True,
    )
    body, _, status = out.stdout.rpartition(b"\n")
    return int(status), body


def aws(*args: str, config_file: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the aws CLI in the test's AWS environment."""
    env = dict(os.environ)
    if config_file is not None:
        env["AWS_CONFIG_FILE"] = str(config_file)
    return subprocess.run(["aws", *args], capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)


def signed_s3(url: str, key: Key, method: str = "GET", path: str = "/demo/whoami", body: bytes = b"", **headers):
    """A request signed by botocore's pure-Python S3 signer (payload hash signed)."""
    request = AWSRequest(method=method, url=url + path, data=body, headers=headers)
    botocore.auth.S3SigV4Auth(key.credentials(), "s3", REGION).add_auth(request)
    return request


# --- S3, header-signed -----------------------------------------------------------------------


@KEYS
def test_boto3_get_and_head_object(s3_gateway, key):
    s3 = client(s3_gateway, key)
    got = s3.get_object(Bucket="demo", Key="whoami")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["ContentType"] == "application/json"
    body = got["Body"].read()
    assert_identity(json.loads(body), key, "header")
    assert json.loads(got["ResponseMetadata"]["HTTPHeaders"][IDENTITY_HEADER]) == json.loads(body)

    head = s3.head_object(Bucket="demo", Key="whoami")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    headers = head["ResponseMetadata"]["HTTPHeaders"]
    assert_identity(json.loads(headers[IDENTITY_HEADER]), key, "header")
    # HEAD answers what GET of the same request would (its own signed headers differ here).
    assert head["ContentLength"] == len(headers[IDENTITY_HEADER])


@KEYS
def test_head_and_get_of_one_request_answer_the_same_json(s3_gateway, key):
    """What the aws CLI relies on when it HEADs an object and then GETs it."""
    get_status, get_headers, get_body = send(signed_s3(s3_gateway, key, "GET"))
    head_status, head_headers, head_body = send(signed_s3(s3_gateway, key, "HEAD"))
    assert (get_status, head_status, head_body) == (200, 200, b"")
    assert head_headers[IDENTITY_HEADER].encode() == get_body == get_headers[IDENTITY_HEADER].encode()
    assert int(head_headers["content-length"]) == len(get_body)
    assert_identity(json.loads(get_body), key, "header")


@KEYS
def test_boto3_put_object(s3_gateway, key):
    body = os.urandom(100_000)
    put = client(s3_gateway, key).put_object(Bucket="demo", Key="upload", Body=body)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    identity = json.loads(put["ResponseMetadata"]["HTTPHeaders"][IDENTITY_HEADER])
    # Over plain HTTP botocore signs the payload's SHA-256 (aws-chunked is for HTTPS only).
    assert_identity(identity, key, "header", body_bytes=len(body))
    assert "x-amz-content-sha256" in identity["signed_headers"]


def test_aws_chunked_upload_is_decoded(s3_gateway):
    """The aws-chunked framing botocore sends over HTTPS (STREAMING-UNSIGNED-PAYLOAD-TRAILER with
    a CRC32 trailer), made by botocore's own `AwsChunkedWrapper` and signed by its signer: the
    handler reads the decoded payload. botocore never sends it over plain HTTP, so this builds
    the request by hand."""
    data = os.urandom(3 * 1024 * 1024 + 17)  # four chunks of botocore's 1 MiB
    status, headers, body = send(aws_chunked_put(s3_gateway + "/demo/chunked", data))
    assert (status, body) == (200, b""), body
    assert_identity(json.loads(headers[IDENTITY_HEADER]), IAM_USER, "streaming", body_bytes=len(data))


def test_aws_chunked_upload_with_a_wrong_checksum_is_refused(s3_gateway):
    data = os.urandom(200_000)
    request = aws_chunked_put(s3_gateway + "/demo/chunked", data, corrupt_trailer=True)
    status, headers, body = send(request)
    assert status == 400
    assert error_code(body) == "XAmzContentChecksumMismatch"
    assert IDENTITY_HEADER not in headers


# --- S3, presigned ---------------------------------------------------------------------------


@KEYS
def test_boto3_presigned_url_with_curl(s3_gateway, key):
    url = client(s3_gateway, key).generate_presigned_url(
        "get_object", Params={"Bucket": "demo", "Key": "whoami"}, ExpiresIn=300
    )
    assert "X-Amz-Signature=" in url
    assert ("X-Amz-Security-Token=" in url) == (key.token() is not None)
    status, body = curl(url)
    assert status == 200, body
    assert_identity(json.loads(body), key, "presigned")


def test_presigned_url_expires(s3_gateway):
    url = client(s3_gateway, IAM_USER).generate_presigned_url(
        "get_object", Params={"Bucket": "demo", "Key": "whoami"}, ExpiresIn=2
    )
    status, body = curl(url)
    assert status == 200, body
    assert_identity(json.loads(body), IAM_USER, "presigned")

    # Wait until the clock is past X-Amz-Date + X-Amz-Expires (whole seconds).
    signed_at = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Date"][0]
    start = datetime.datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    expired_at = start.timestamp() + 2 + 1.2
    time.sleep(max(0.0, expired_at - time.time()))
    status, body = curl(url)
    assert status == 403
    assert error_code(body) == "AccessDenied"
    assert b"expired" in body


def test_presigned_url_for_get_does_not_allow_head(s3_gateway):
    url = client(s3_gateway, IAM_USER).generate_presigned_url(
        "get_object", Params={"Bucket": "demo", "Key": "whoami"}, ExpiresIn=300
    )
    status, _ = curl(url, "--head")
    assert status == 403


# --- the aws CLI -----------------------------------------------------------------------------


@KEYS
def test_aws_cli_cp_to_stdout(s3_gateway, key):
    out = aws("s3", "cp", "s3://demo/whoami", "-", "--endpoint-url", s3_gateway, "--profile", key.profile)
    assert out.returncode == 0, out.stderr
    assert_identity(json.loads(out.stdout), key, "header")


@KEYS
def test_aws_cli_put_object(s3_gateway, key, tmp_path):
    data = os.urandom(50_000)
    (tmp_path / "file").write_bytes(data)
    out = aws(
        "--debug",
        "s3api",
        "put-object",
        "--bucket",
        "demo",
        "--key",
        "uploaded",
        "--body",
        str(tmp_path / "file"),
        "--endpoint-url",
        s3_gateway,
        "--profile",
        key.profile,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    # PutObject has no output members, so the identity is read from botocore's debug log of
    # the response headers.
    match = re.search(r"'x-sigv4-identity': '(\{[^']*\})'", out.stderr)
    assert match, out.stderr[-3000:]
    assert_identity(json.loads(match.group(1)), key, "header", body_bytes=len(data))


@KEYS
def test_aws_cli_presign(s3_gateway, key, tmp_path):
    # `aws s3 presign` makes SigV2 URLs unless the profile asks for s3v4, which only a config
    # file can (the gateway, like S3 in newer regions, knows only SigV4).
    config = tmp_path / "config"
    section = "default" if key.profile == "default" else f"profile {key.profile}"
    config.write_text(f"[{section}]\ns3 =\n    signature_version = s3v4\n")
    out = aws(
        "s3",
        "presign",
        "s3://demo/whoami",
        "--expires-in",
        "300",
        "--endpoint-url",
        s3_gateway,
        "--profile",
        key.profile,
        config_file=config,
    )
    assert out.returncode == 0, out.stderr
    url = out.stdout.strip()
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
    status, body = curl(url)
    assert status == 200, body
    assert_identity(json.loads(body), key, "presigned")


def test_sigv2_presigned_url_is_refused(s3_gateway):
    """What `aws s3 presign` makes without the s3v4 setting."""
    out = aws("s3", "presign", "s3://demo/whoami", "--endpoint-url", s3_gateway)
    assert out.returncode == 0, out.stderr
    assert "Signature=" in out.stdout and "X-Amz-Signature" not in out.stdout
    status, body = curl(out.stdout.strip())
    assert status == 403
    assert error_code(body) == "AccessDenied"


# --- a non-S3 service ------------------------------------------------------------------------


def raw_bodies(client_) -> list[bytes]:
    """Records the raw body of every response `client_` receives."""
    bodies: list[bytes] = []
    client_.meta.events.register("after-call", lambda http_response, **_: bodies.append(http_response.content))
    return bodies


@KEYS
def test_boto3_json_protocol_client(secretsmanager_gateway, key):
    sm = client(secretsmanager_gateway, key, "secretsmanager")
    bodies = raw_bodies(sm)
    response = sm.get_secret_value(SecretId="prod/db")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    request_body = json.dumps({"SecretId": "prod/db"}).encode()
    # The body's hash is signed (no x-amz-content-sha256 outside S3): the gateway read it all.
    assert_identity(json.loads(bodies[-1]), key, "header", "secretsmanager", body_bytes=len(request_body))


@KEYS
def test_botocore_query_signed_url_for_a_non_s3_service(secretsmanager_gateway, key):
    request = AWSRequest(method="GET", url=secretsmanager_gateway + "/?Action=Whoami&Version=1")
    botocore.auth.SigV4QueryAuth(key.credentials(), "secretsmanager", REGION, expires=60).add_auth(request)
    status, _, body = send(request)
    assert status == 200, body
    assert_identity(json.loads(body), key, "presigned", "secretsmanager")


def test_s3_signature_is_refused_by_a_secretsmanager_gateway(secretsmanager_gateway):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(secretsmanager_gateway, IAM_USER).get_object(Bucket="demo", Key="whoami")
    assert error.value.response["Error"]["Code"] == "AuthorizationHeaderMalformed"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# --- rejections ------------------------------------------------------------------------------


def test_wrong_secret_is_signature_does_not_match(s3_gateway):
    s3 = keyed_client(s3_gateway, IAM_USER.access_key_id, wrong(IAM_USER.secret()))
    with pytest.raises(botocore.exceptions.ClientError) as error:
        s3.get_object(Bucket="demo", Key="whoami")
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(botocore.exceptions.ClientError) as error:
        s3.put_object(Bucket="demo", Key="upload", Body=b"data")
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_wrong_secret_json_protocol(secretsmanager_gateway):
    """A JSON-protocol client gets the 403, and the code in `x-amzn-ErrorType`."""
    with pytest.raises(botocore.exceptions.ClientError) as error:
        wrong_secret_secretsmanager(secretsmanager_gateway).get_secret_value(SecretId="prod/db")
    metadata = error.value.response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 403
    assert metadata["HTTPHeaders"]["x-amzn-errortype"] == "SignatureDoesNotMatch"


def test_wrong_secret_json_protocol_error_code(secretsmanager_gateway):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        wrong_secret_secretsmanager(secretsmanager_gateway).get_secret_value(SecretId="prod/db")
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def wrong_secret_secretsmanager(url: str):
    return keyed_client(url, IAM_USER.access_key_id, wrong(IAM_USER.secret()), service="secretsmanager")


def test_wrong_session_token_is_refused(s3_gateway):
    s3 = keyed_client(s3_gateway, TEMPORARY.access_key_id, TEMPORARY.secret(), "not-the-token")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        s3.get_object(Bucket="demo", Key="whoami")
    assert error.value.response["Error"]["Code"] == "InvalidToken"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_temporary_key_without_its_token_is_refused(s3_gateway):
    s3 = keyed_client(s3_gateway, TEMPORARY.access_key_id, TEMPORARY.secret())
    with pytest.raises(botocore.exceptions.ClientError) as error:
        s3.get_object(Bucket="demo", Key="whoami")
    assert error.value.response["Error"]["Code"] == "InvalidToken"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_access_key(s3_gateway):
    s3 = keyed_client(s3_gateway, "AKIAI44QH8DHBEXAMPLE", IAM_USER.secret())
    with pytest.raises(botocore.exceptions.ClientError) as error:
        s3.get_object(Bucket="demo", Key="whoami")
    assert error.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_clock_five_hours_ahead_is_request_time_too_skewed(s3_gateway):
    real = botocore.compat.get_current_datetime

    def skewed(*args, **kwargs):
        return real(*args, **kwargs) + datetime.timedelta(hours=5)

    s3 = client(s3_gateway, IAM_USER)
    with contextlib.ExitStack() as patches:
        # botocore signs in Python (botocore.auth) or, with awscrt installed, in the CRT
        # (botocore.crt.auth); both take the time from get_current_datetime.
        patches.enter_context(mock.patch("botocore.auth.get_current_datetime", skewed))
        if botocore.compat.HAS_CRT:
            patches.enter_context(mock.patch("botocore.crt.auth.get_current_datetime", skewed))
        with pytest.raises(botocore.exceptions.ClientError) as error:
            s3.get_object(Bucket="demo", Key="whoami")
    assert error.value.response["Error"]["Code"] == "RequestTimeTooSkewed"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # The answer carries a Date header, from which SDKs correct their clock.
    assert "date" in error.value.response["ResponseMetadata"]["HTTPHeaders"]


def test_signed_request_is_accepted_as_the_control(s3_gateway):
    status, headers, body = send(signed_s3(s3_gateway, IAM_USER))
    assert status == 200, body
    assert_identity(json.loads(body), IAM_USER, "header")


@pytest.mark.parametrize(
    ("name", "value"), [("x-amz-meta-evil", "1"), ("Content-Type", "text/evil"), ("x-amz-acl", "public-read")]
)
def test_header_added_after_signing_is_refused(s3_gateway, name, value):
    request = signed_s3(s3_gateway, IAM_USER)
    request.headers[name] = value
    status, headers, body = send(request)
    assert status == 403, body
    assert error_code(body) == "AccessDenied"
    assert name.lower().encode() in body  # the message names the unsigned header
    assert IDENTITY_HEADER not in headers


def test_signed_header_changed_after_signing_is_refused(s3_gateway):
    request = signed_s3(s3_gateway, IAM_USER, "PUT", "/demo/upload", b"data", **{"x-amz-meta-color": "blue"})
    request.headers.replace_header("x-amz-meta-color", "red")
    status, _, body = send(request)
    assert status == 403
    assert error_code(body) == "SignatureDoesNotMatch"


def test_body_changed_after_signing_is_refused(s3_gateway):
    request = signed_s3(s3_gateway, IAM_USER, "PUT", "/demo/upload", b"the signed body")
    assert request.headers["X-Amz-Content-SHA256"] == hashlib.sha256(b"the signed body").hexdigest()
    request.data = b"the other body!"
    status, headers, body = send(request)
    assert status == 400
    assert error_code(body) == "XAmzContentSHA256Mismatch"
    assert IDENTITY_HEADER not in headers


def test_unsigned_request_is_refused(s3_gateway):
    status, body = curl(s3_gateway + "/demo/whoami")
    assert status == 403
    assert error_code(body) == "AccessDenied"


# --- server-side limits (--header-read-timeout-ms, --body-idle-timeout-ms, --max-connections) ---


@pytest.fixture(scope="module")
def limited_gateway(aws_env) -> Iterator[str]:
    """A gateway with short timeouts and a single connection slot."""
    with gateway(
        "--header-read-timeout-ms", "800", "--body-idle-timeout-ms", "800", "--max-connections", "1"
    ) as url:
        yield url


def raw_head(url: str, request: AWSRequest) -> bytes:
    """The request line and headers of a signed botocore request as http.client sends them (with
    Host, and Content-Length for a body), without the body."""
    target = urllib.parse.urlsplit(request.url)
    path = target.path + (f"?{target.query}" if target.query else "")
    lines = [f"{request.method} {path} HTTP/1.1", f"Host: {urllib.parse.urlsplit(url).netloc}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    if request.body and "Content-Length" not in request.headers:
        lines.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def connect(url: str, timeout: float = 10.0) -> socket.socket:
    target = urllib.parse.urlsplit(url)
    return socket.create_connection((target.hostname, target.port), timeout=timeout)


def read_answer(sock: socket.socket) -> bytes:
    """Reads until the server has sent one whole response (Content-Length framed) or closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_stalled_headers_are_disconnected(limited_gateway):
    with connect(limited_gateway) as sock:
        sock.sendall(b"GET /demo/whoami HT")
        started = time.monotonic()
        assert sock.recv(65536) == b""
        assert 0.6 < time.monotonic() - started < 5


def test_stalled_body_is_request_timeout(limited_gateway):
    request = signed_s3(limited_gateway, IAM_USER, "PUT", "/demo/upload", b"x" * 5_000_000)
    with connect(limited_gateway) as sock:
        sock.sendall(raw_head(limited_gateway, request) + b"x" * 1000)
        started = time.monotonic()
        answer = read_answer(sock)
        assert 0.6 < time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert error_code(answer) == "RequestTimeout"


def test_connections_beyond_the_limit_wait(limited_gateway):
    request = signed_s3(limited_gateway, IAM_USER)
    with connect(limited_gateway) as first:
        first.sendall(raw_head(limited_gateway, request))
        assert read_answer(first).startswith(b"HTTP/1.1 200 ")
        second = connect(limited_gateway, timeout=0.5)
        try:
            second.sendall(raw_head(limited_gateway, request))
            with pytest.raises(TimeoutError):
                second.recv(65536)
            first.close()
            second.settimeout(5)
            assert read_answer(second).startswith(b"HTTP/1.1 200 ")
        finally:
            second.close()


@pytest.mark.parametrize("flag", ["--header-read-timeout-ms", "--body-idle-timeout-ms", "--max-connections"])
def test_limits_must_be_positive(flag):
    out = subprocess.run(
        [str(cargo_example("gateway")), flag, "0"], capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    assert out.returncode == 2
    assert flag in out.stderr


# --- paths that SigV4 normalizes, and a literal '+' (--rewrite-paths, --literal-plus) ---


def signed_api(url: str, path_and_query: str) -> AWSRequest:
    """A GET signed by botocore's SigV4Auth for execute-api, which signs the normalized path."""
    request = AWSRequest(method="GET", url=url + path_and_query)
    botocore.auth.SigV4Auth(IAM_USER.credentials(), "execute-api", REGION).add_auth(request)
    return request


def answer_status(url: str, request: AWSRequest) -> tuple[int, bytes]:
    """Sends the request's head as written (no client-side path normalization) and reads the answer."""
    with connect(url) as sock:
        sock.sendall(raw_head(url, request))
        answer = read_answer(sock)
    return int(answer.split(b" ", 2)[1]), answer


@pytest.mark.parametrize("flags", [(), ("--rewrite-paths", "--literal-plus")])
def test_unnormalized_paths_and_literal_plus(aws_env, flags):
    with gateway("--service", "execute-api", "--no-s3", *flags) as url:
        assert answer_status(url, signed_api(url, "/pets"))[0] == 200
        # botocore signs these as /pets, /a/pets and /pets.
        requests = [signed_api(url, target) for target in ["/admin/../pets", "/a//pets", "/./pets"]]
        # Signed over a=1%2B2 (a plus sign), sent with a literal '+'.
        plus = signed_api(url, "/q?a=1%2B2")
        plus.url = plus.url.replace("%2B", "+")
        for request in [*requests, plus]:
            status, answer = answer_status(url, request)
            if flags:
                assert status == 200, (request.url, answer)
            else:
                assert (status, error_code(answer)) == (400, "InvalidArgument"), (request.url, answer)
        # A dot segment in another reading of the path: refused by default, a name as AWS reads it.
        status, answer = answer_status(url, signed_api(url, "/pets/..%2Fadmin"))
        if flags:
            assert status == 200, answer
        else:
            assert (status, error_code(answer)) == (400, "InvalidArgument"), answer
