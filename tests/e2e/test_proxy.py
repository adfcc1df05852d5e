"""End to end: the gateway as a reverse proxy (`--upstream`) in front of moto's S3.

boto3 and the aws CLI sign with the keys of examples/gateway/credentials and talk to the gateway;
the gateway verifies, removes the signature and forwards to moto, which runs without
authentication. `--max-body 2 MiB` makes the gateway check small bodies before forwarding them
and stream larger ones (the 8 MiB parts of a multipart upload) to moto as it checks them.

moto treats a request without an `Authorization` header as anonymous and refuses anonymous reads
of private objects; the bucket policy set below lets them through, as an upstream that trusts its
authenticating gateway would.

Run with `python3 -m pytest tests/e2e/test_proxy.py -q`.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator

import boto3
import boto3.s3.transfer
import botocore.auth
import botocore.exceptions
import pytest
from _gateway import (
    CONFIG,
    IAM_USER,
    REGION,
    RUN_TIMEOUT,
    TEMPORARY,
    aws_chunked_put,
    error_code,
    gateway,
    send,
    wrong,
)
from _moto import free_port, moto_server
from botocore.awsrequest import AWSRequest

BUCKET = "proxied-bucket"
MAX_BODY = 2 * 1024 * 1024
MiB = 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def moto(aws_env) -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def proxy(moto) -> Iterator[str]:
    with gateway("--upstream", moto, "--max-body", str(MAX_BODY)) as url:
        yield url


@pytest.fixture(scope="module")
def upstream(moto):
    """A client straight to moto (no gateway), to see what reached it."""
    return boto3.client(
        "s3", endpoint_url=moto, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y", config=CONFIG
    )


@pytest.fixture(scope="module")
def s3(proxy, upstream):
    """A boto3 S3 client through the gateway, and a bucket made through it."""
    client = boto3.Session(profile_name=IAM_USER.profile).client("s3", endpoint_url=proxy, config=CONFIG)
    client.create_bucket(Bucket=BUCKET)
    anyone = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(anyone))
    assert BUCKET in [b["Name"] for b in upstream.list_buckets()["Buckets"]]
    return client


def test_put_and_get_object(s3, upstream):
    data = os.urandom(MiB + 123)
    put = s3.put_object(Bucket=BUCKET, Key="one-mib", Body=data)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3.get_object(Bucket=BUCKET, Key="one-mib")["Body"].read()
    assert sha256(got) == sha256(data)
    # moto holds the very bytes.
    assert sha256(upstream.get_object(Bucket=BUCKET, Key="one-mib")["Body"].read()) == sha256(data)


def test_multipart_upload_and_download(s3, upstream, tmp_path):
    data = os.urandom(12 * MiB)
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(data)
    transfer = boto3.s3.transfer.TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB)
    s3.upload_file(str(source), BUCKET, "twelve-mib", Config=transfer)
    head = upstream.head_object(Bucket=BUCKET, Key="twelve-mib")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-2")  # a multipart upload of two parts
    s3.download_file(BUCKET, "twelve-mib", str(target), Config=transfer)
    assert sha256(target.read_bytes()) == sha256(data)


def test_aws_cli_round_trip(proxy, s3, tmp_path):
    data = os.urandom(300_000)
    (tmp_path / "up").write_bytes(data)
    for args in (
        ["s3", "cp", str(tmp_path / "up"), f"s3://{BUCKET}/cli"],
        ["s3", "cp", f"s3://{BUCKET}/cli", str(tmp_path / "down")],
    ):
        out = subprocess.run(
            ["aws", *args, "--endpoint-url", proxy, "--profile", TEMPORARY.profile],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        assert out.returncode == 0, out.stderr
    assert sha256((tmp_path / "down").read_bytes()) == sha256(data)


def test_wrong_secret_never_reaches_upstream(proxy, s3, upstream):
    bad = boto3.client(
        "s3",
        endpoint_url=proxy,
        region_name=REGION,
        aws_access_key_id=IAM_USER.access_key_id,
        aws_secret_access_key=wrong(IAM_USER.secret()),
        config=CONFIG,
    )
    with pytest.raises(botocore.exceptions.ClientError) as error:
        bad.put_object(Bucket=BUCKET, Key="forged", Body=b"forged")
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(botocore.exceptions.ClientError) as error:
        upstream.head_object(Bucket=BUCKET, Key="forged")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("size", [MiB, 3 * MiB], ids=["checked-then-forwarded", "checked-while-streamed"])
def test_tampered_body_never_lands_upstream(proxy, s3, upstream, size):
    """A body that does not match its signed hash is refused; a streamed one is cut off before
    its end reaches moto, so moto never stores it."""
    data = os.urandom(size)
    key = f"tampered-{size}"
    request = AWSRequest(method="PUT", url=f"{proxy}/{BUCKET}/{key}", data=data)
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    request.data = data[:-1] + bytes([data[-1] ^ 1])
    status, _, body = send(request)
    assert status == 400, body
    assert error_code(body) == "XAmzContentSHA256Mismatch"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        upstream.head_object(Bucket=BUCKET, Key=key)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_aws_chunked_upload_lands_decoded(proxy, s3, upstream):
    """moto receives and stores the decoded payload of an aws-chunked upload."""
    data = os.urandom(3 * MiB + 5)
    request = aws_chunked_put(f"{proxy}/{BUCKET}/chunked", data, transfer_chunked=True)
    status, _, body = send(request)
    assert status == 200, body
    stored = upstream.get_object(Bucket=BUCKET, Key="chunked")
    assert stored["ContentLength"] == len(data)
    assert sha256(stored["Body"].read()) == sha256(data)


def test_aws_chunked_upload_with_a_wrong_checksum_never_lands(proxy, s3, upstream):
    request = aws_chunked_put(f"{proxy}/{BUCKET}/chunked-bad", os.urandom(3 * MiB), corrupt_trailer=True)
    status, _, body = send(request)
    assert status == 400, body
    assert error_code(body) == "XAmzContentChecksumMismatch"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        upstream.head_object(Bucket=BUCKET, Key="chunked-bad")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# --- what the upstream receives --------------------------------------------------------------


class Echo(http.server.BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON."""

    def do_GET(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        doc = {
            "method": self.command,
            "path": self.path,
            # Repeated headers joined, so that a duplicate shows.
            "headers": {k.lower(): ", ".join(self.headers.get_all(k)) for k in self.headers.keys()},
            "body_sha256": sha256(body),
        }
        text = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)

    do_PUT = do_POST = do_HEAD = do_DELETE = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echo_proxy(aws_env) -> Iterator[tuple[str, str]]:
    """A gateway forwarding to an echo server under a base path: (gateway URL, upstream host)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_address[1]}"
    try:
        with gateway("--upstream", f"http://{host}/base/") as url:
            yield url, host
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


AUTH_HEADERS = ["authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"]


def test_upstream_gets_identity_without_signature(echo_proxy):
    url, host = echo_proxy
    s3 = boto3.Session(profile_name=TEMPORARY.profile).client("s3", endpoint_url=url, config=CONFIG)
    seen = json.loads(s3.get_object(Bucket="demo", Key="k", VersionId="7")["Body"].read())
    assert seen["method"] == "GET"
    assert seen["path"] == "/base/demo/k?versionId=7"
    headers = seen["headers"]
    assert headers["host"] == host
    assert headers["x-authenticated-principal"] == TEMPORARY.arn
    assert headers["x-authenticated-access-key"] == TEMPORARY.access_key_id
    assert not set(AUTH_HEADERS) & set(headers)


SPOOF = {"x-authenticated-principal": "arn:aws:iam::999999999999:root", "x-authenticated-access-key": "AKIASPOOF"}


def test_client_cannot_name_itself(echo_proxy):
    """The x-authenticated-* headers a client adds after signing are replaced."""
    url, _ = echo_proxy
    request = AWSRequest(method="GET", url=f"{url}/demo/k")
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    for name, value in SPOOF.items():
        request.headers[name] = value
    status, _, body = send(request)
    assert status == 200, body
    headers = json.loads(body)["headers"]
    assert headers["x-authenticated-principal"] == IAM_USER.arn
    assert headers["x-authenticated-access-key"] == IAM_USER.access_key_id


def test_signed_identity_headers_are_refused(echo_proxy):
    """Signed, they could not be forwarded as signed (the proxy sets them): 400, not replaced."""
    url, _ = echo_proxy
    request = AWSRequest(method="GET", url=f"{url}/demo/k", headers=SPOOF)
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    status, _, body = send(request)
    assert status == 400, body
    assert error_code(body) == "InvalidArgument"
    assert b"x-authenticated-" in body


SIGNED_PUT_HEADERS = {
    "Content-Type": "text/plain",
    "x-amz-server-side-encryption": "AES256",
    "x-amz-acl": "private",
    "Content-MD5": "XUFAKrxLKna5cZ2REBfFkg==",
}


def test_connection_cannot_drop_signed_headers(echo_proxy):
    """An unsigned `Connection` naming signed headers would have the proxy drop them (they are
    hop-by-hop once named): refused before anything is forwarded."""
    url, _ = echo_proxy
    request = AWSRequest(method="PUT", url=f"{url}/demo/k", data=b"hello", headers=dict(SIGNED_PUT_HEADERS))
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    signed = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"content-type", "x-amz-server-side-encryption", "x-amz-acl", "content-md5"} <= set(signed)
    request.headers["Connection"] = "keep-alive, x-amz-server-side-encryption, x-amz-acl, content-type, content-md5"
    status, _, body = send(request)
    assert status == 400, body
    assert error_code(body) == "InvalidArgument"
    assert b"x-amz-server-side-encryption" in body


def test_upstream_gets_every_signed_header(echo_proxy):
    """The control: without that `Connection`, the upstream gets the signed headers as signed."""
    url, _ = echo_proxy
    request = AWSRequest(method="PUT", url=f"{url}/demo/k", data=b"hello", headers=dict(SIGNED_PUT_HEADERS))
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    request.headers["Connection"] = "keep-alive, x-hop"
    request.headers["x-hop"] = "1"
    status, _, body = send(request)
    assert status == 200, body
    headers = json.loads(body)["headers"]
    for name, value in SIGNED_PUT_HEADERS.items():
        assert headers[name.lower()] == value
    assert "x-hop" not in headers


def test_upstream_gets_presigned_request_without_signature(echo_proxy):
    url, host = echo_proxy
    s3 = boto3.Session(profile_name=TEMPORARY.profile).client("s3", endpoint_url=url, config=CONFIG)
    presigned = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "demo", "Key": "k", "VersionId": "7"}, ExpiresIn=60
    )
    assert "X-Amz-Security-Token=" in presigned
    status, _, body = send(AWSRequest(method="GET", url=presigned))
    assert status == 200, body
    seen = json.loads(body)
    assert seen["path"] == "/base/demo/k?versionId=7"
    assert seen["headers"]["x-authenticated-principal"] == TEMPORARY.arn
    assert not set(AUTH_HEADERS) & set(seen["headers"])


def test_upstream_gets_the_body(echo_proxy):
    url, _ = echo_proxy
    data = os.urandom(3 * MiB)
    request = AWSRequest(method="PUT", url=f"{url}/demo/upload", data=data, headers={"x-amz-meta-a": "b"})
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    status, _, body = send(request)
    assert status == 200, body
    seen = json.loads(body)
    assert (seen["method"], seen["path"], seen["body_sha256"]) == ("PUT", "/base/demo/upload", sha256(data))
    assert seen["headers"]["x-amz-meta-a"] == "b"
    assert seen["headers"]["content-length"] == str(len(data))


def test_upstream_gets_the_decoded_aws_chunked_body(echo_proxy):
    """The framing is gone: no aws-chunked Content-Encoding, no x-amz-decoded-content-length or
    x-amz-trailer, a Content-Length of the decoded payload."""
    url, _ = echo_proxy
    data = os.urandom(300_000)
    status, _, body = send(aws_chunked_put(f"{url}/demo/chunked", data, transfer_chunked=True))
    assert status == 200, body
    seen = json.loads(body)
    assert seen["body_sha256"] == sha256(data)
    headers = seen["headers"]
    assert headers["content-length"] == str(len(data))
    assert not {"content-encoding", "x-amz-decoded-content-length", "x-amz-trailer", "transfer-encoding"} & set(headers)


def test_unreachable_upstream_is_bad_gateway(aws_env):
    with gateway("--upstream", f"http://127.0.0.1:{free_port()}") as url:
        request = AWSRequest(method="GET", url=f"{url}/demo/k")
        botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
        status, _, body = send(request)
    assert status == 502
    assert error_code(body) == "BadGateway"


def test_unsigned_request_is_not_forwarded(echo_proxy):
    url, _ = echo_proxy
    request = AWSRequest(method="GET", url=f"{url}/demo/k?{urllib.parse.urlencode({'a': 'b'})}")
    status, _, body = send(request)
    assert status == 403
    assert error_code(body) == "AccessDenied"
