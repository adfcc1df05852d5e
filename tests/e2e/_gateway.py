"""The `gateway` example as a throwaway server for end-to-end tests, and what its tests share.

    with gateway("--service", "secretsmanager") as url:   # url = "http://127.0.0.1:PORT"
        ...

The example is built once per test session (`_cargo.cargo_example`), started on 127.0.0.1 and a
free port (`--listen 127.0.0.1:0`; the port comes from the `listening on http://ADDR` line it
prints), in its own process group, and always stopped when the block ends.
"""

from __future__ import annotations

import configparser
import contextlib
import http.client
import io
import os
import re
import select
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import botocore.auth
import botocore.config
import botocore.credentials
import botocore.httpchecksum
from _cargo import CRATE, cargo_example
from _moto import stop
from botocore.awsrequest import AWSRequest

CREDENTIALS = CRATE / "examples" / "gateway" / "credentials"
LISTENING = "listening on "
REGION = "us-east-1"


@contextlib.contextmanager
def gateway(*args: str, timeout: float = 30.0) -> Iterator[str]:
    """Start the gateway with `args` (after `--listen 127.0.0.1:0`) and yield its base URL.

    Raises `RuntimeError` with the gateway's stderr if it exits or does not announce itself within
    `timeout` seconds. Its stderr (one line per request) is kept in a temporary file and shown on
    failure.
    """
    binary = cargo_example("gateway")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(binary), "--listen", "127.0.0.1:0", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,  # its own process group, so that stop() reaches all of it
        )
        try:
            yield read_url(process, timeout, log)
        finally:
            stop(process)
            if process.stdout:
                process.stdout.close()


def read_url(process: subprocess.Popen, timeout: float, log) -> str:
    """Reads the `listening on http://ADDR` line and returns `http://ADDR`."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError(f"the gateway did not start within {timeout} s:\n{read_log(log)}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1024)
        if not chunk:
            process.wait(timeout=5)
            raise RuntimeError(f"the gateway exited with {process.returncode}:\n{read_log(log)}")
        line += chunk
    text = line.decode().strip()
    if not text.startswith(LISTENING + "http://"):
        raise RuntimeError(f"unexpected first line {text!r} from the gateway:\n{read_log(log)}")
    return text[len(LISTENING) :]


def read_log(log) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


ACCOUNT = "123456789012"
IDENTITY_HEADER = "x-sigv4-identity"
CONFIG = botocore.config.Config(
    # boto3 and the aws CLI presign S3 URLs with SigV2 unless told otherwise.
    signature_version="s3v4",
    # One attempt: a retry (or botocore's clock-skew correction) would hide the first answer.
    retries={"max_attempts": 1},
    connect_timeout=5,
    read_timeout=30,
)
RUN_TIMEOUT = 60


@dataclass(frozen=True)
class Key:
    """A key of examples/gateway/credentials, and the identity the gateway must report for it."""

    profile: str
    access_key_id: str
    arn: str
    kind: str

    def secret(self) -> str:
        return read_profile(self.profile)["aws_secret_access_key"]

    def token(self) -> str | None:
        return read_profile(self.profile).get("aws_session_token")

    def credentials(self, secret: str | None = None) -> botocore.credentials.Credentials:
        return botocore.credentials.Credentials(self.access_key_id, secret or self.secret(), self.token())


IAM_USER = Key("default", "AKIAIOSFODNN7EXAMPLE", f"arn:aws:iam::{ACCOUNT}:user/alice", "iam-user")
TEMPORARY = Key(
    "temporary", "ASIAIOSFODNN7EXAMPLE", f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/session-1", "assumed-role"
)


def read_profile(profile: str) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(CREDENTIALS)
    return dict(parser[profile])


def wrong(secret: str) -> str:
    """The secret with its last character changed."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def send(request: AWSRequest) -> tuple[int, dict[str, str], bytes]:
    """Sends a (signed) botocore request as it is: http.client adds only Host, Content-Length
    and Accept-Encoding, none of which needs signing. With `Transfer-Encoding: chunked`, the
    body goes in 64 KiB HTTP chunks."""
    url = urllib.parse.urlsplit(request.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    headers = dict(request.headers.items())
    body = request.body
    chunked = headers.get("Transfer-Encoding") == "chunked"
    if chunked:
        body = iter([body[i : i + 64 * 1024] for i in range(0, len(body), 64 * 1024)])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(request.method, target, body=body, headers=headers, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def aws_chunked_put(url: str, data: bytes, corrupt_trailer: bool = False, transfer_chunked: bool = False):
    """A PUT of `data` to `url` as botocore uploads over HTTPS: framed aws-chunked by its own
    `AwsChunkedWrapper` with a CRC32 trailer, signed `STREAMING-UNSIGNED-PAYLOAD-TRAILER` by its
    signer, sent with `Transfer-Encoding: chunked` (or a `Content-Length`). botocore never sends
    this over plain HTTP, so the tests build it by hand."""
    framed = botocore.httpchecksum.AwsChunkedWrapper(
        io.BytesIO(data), checksum_cls=botocore.httpchecksum.Crc32Checksum, checksum_name="x-amz-checksum-crc32"
    ).read()
    if corrupt_trailer:
        head, _, tail = framed.rpartition(b"x-amz-checksum-crc32:")
        framed = head + b"x-amz-checksum-crc32:AAAAAA==" + tail[tail.index(b"\r\n") :]
    headers = {
        "Content-Encoding": "aws-chunked",
        "X-Amz-Trailer": "x-amz-checksum-crc32",
        "X-Amz-Decoded-Content-Length": str(len(data)),
    }
    if transfer_chunked:
        headers["Transfer-Encoding"] = "chunked"  # botocore does not sign it
    else:
        headers["Content-Length"] = str(len(framed))
    request = AWSRequest(method="PUT", url=url, data=framed, headers=headers)
    request.context["checksum"] = {
        "request_algorithm": {"in": "trailer", "algorithm": "crc32", "name": "x-amz-checksum-crc32"}
    }
    botocore.auth.S3SigV4Auth(IAM_USER.credentials(), "s3", REGION).add_auth(request)
    assert request.headers["X-Amz-Content-SHA256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    return request


def error_code(body: bytes) -> str:
    match = re.search(rb"<Code>([^<]*)</Code>", body)
    assert match, body
    return match.group(1).decode()
