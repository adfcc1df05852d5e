"""End to end: `examples/secrets_manager.rs` and `examples/sign_request.rs` against moto.

moto runs with IAM authentication on, so it recomputes every request's SigV4 signature with
botocore's signer, looks the access key up in its own IAM, and enforces the user's policies.
The first `SETUP_CALLS` actions (creating the user, its key, its policy and the secret) are
let through unauthenticated (`INITIAL_NO_AUTH_ACTION_COUNT`); every later one is checked.

Run with `python3 -m pytest tests/e2e/test_secrets_manager.py -q` (needs cargo, and the
packages pinned in tests/interop/requirements.txt).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions
import pytest
from _cargo import cargo_example
from _moto import moto_server

REGION = "us-east-1"
SECRET_ID = "prod/db"
# Quotes, a newline, a trailing space and non-ASCII: the example must print it byte for byte.
SECRET_VALUE = 'user=app password="p@ss w0rd/+="\nnote: ünïcode ✓ '
READ_ONLY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}],
}
# The unauthenticated actions in `moto`'s setup below; moto checks every action after these.
SETUP_CALLS = 4
RUN_TIMEOUT = 60
BOTO_CONFIG = botocore.config.Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1})


@dataclass(frozen=True)
class Moto:
    endpoint: str
    access_key_id: str
    secret_access_key: str

    def client(self, secret_access_key: str | None = None):
        """A boto3 Secrets Manager client signing with the user's key (or another secret)."""
        return boto3.client(
            "secretsmanager",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=secret_access_key or self.secret_access_key,
            config=BOTO_CONFIG,
        )


@pytest.fixture(scope="module")
def moto():
    """moto with IAM auth on, a user allowed only `GetSecretValue`, its access key, a secret."""
    with moto_server({"INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_CALLS)}) as endpoint:
        unchecked = {
            "endpoint_url": endpoint,
            "region_name": REGION,
            "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key": "not checked during setup",
            "config": BOTO_CONFIG,
        }
        iam = boto3.client("iam", **unchecked)
        iam.create_user(UserName="reader")
        iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps(READ_ONLY_POLICY))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        boto3.client("secretsmanager", **unchecked).create_secret(Name=SECRET_ID, SecretString=SECRET_VALUE)
        yield Moto(endpoint, key["AccessKeyId"], key["SecretAccessKey"])


@pytest.fixture(scope="module")
def secrets_manager() -> Path:
    return cargo_example("secrets_manager")


@pytest.fixture(scope="module")
def sign_request() -> Path:
    return cargo_example("sign_request")


def run(binary: Path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Runs an example with only `env` for AWS settings (none leak in from the caller)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([binary, *args], env={**clean, **env}, capture_output=True, timeout=RUN_TIMEOUT)


def credentials(moto: Moto, secret_access_key: str | None = None) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": moto.access_key_id,
        "AWS_SECRET_ACCESS_KEY": secret_access_key or moto.secret_access_key,
    }


def wrong(secret: str) -> str:
    """The secret with its last character changed."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def test_prints_the_secret(moto, secrets_manager):
    out = run(secrets_manager, ["--endpoint", moto.endpoint, SECRET_ID], **credentials(moto))
    assert (out.returncode, out.stderr.decode()) == (0, "")
    assert out.stdout.decode() == SECRET_VALUE


def test_endpoint_and_region_from_environment(moto, secrets_manager):
    env = {**credentials(moto), "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.endpoint, "AWS_REGION": REGION}
    out = run(secrets_manager, [SECRET_ID], **env)
    assert (out.returncode, out.stderr.decode()) == (0, "")
    assert out.stdout.decode() == SECRET_VALUE


def test_wrong_secret_key_is_rejected(moto, secrets_manager):
    args = ["--endpoint", moto.endpoint, SECRET_ID]
    out = run(secrets_manager, args, **credentials(moto, wrong(moto.secret_access_key)))
    assert out.returncode == 1
    assert out.stdout == b""
    assert out.stderr.decode().startswith("secrets_manager: SignatureDoesNotMatch: ")
    assert "(HTTP 403 Forbidden)" in out.stderr.decode()


def test_unknown_access_key_is_rejected(moto, secrets_manager):
    env = {"AWS_ACCESS_KEY_ID": "AKIAI44QH8DHBEXAMPLE", "AWS_SECRET_ACCESS_KEY": moto.secret_access_key}
    out = run(secrets_manager, ["--endpoint", moto.endpoint, SECRET_ID], **env)
    assert out.returncode == 1
    assert out.stderr.decode().startswith("secrets_manager: InvalidClientTokenId: ")


def test_missing_secret_reports_the_aws_error(moto, secrets_manager):
    out = run(secrets_manager, ["--endpoint", moto.endpoint, "no/such/secret"], **credentials(moto))
    assert out.returncode == 1
    assert out.stderr.decode().startswith("secrets_manager: ResourceNotFoundException: ")


def test_moto_checks_signatures_itself(moto):
    """The control: botocore's own signer passes with the right secret and fails with a wrong one."""
    assert moto.client().get_secret_value(SecretId=SECRET_ID)["SecretString"] == SECRET_VALUE
    with pytest.raises(botocore.exceptions.ClientError) as error:
        moto.client(wrong(moto.secret_access_key)).get_secret_value(SecretId=SECRET_ID)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in str(error.value)


def test_https_endpoint_is_refused_without_connecting(secrets_manager):
    out = run(secrets_manager, [SECRET_ID], AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret")
    assert out.returncode == 2
    assert "https://secretsmanager.us-east-1.amazonaws.com is https" in out.stderr.decode()
    assert "plain HTTP" in out.stderr.decode()


def sign_request_args(moto: Moto, target: str, body: dict) -> list[str]:
    """A signed Secrets Manager call through the general-purpose example."""
    return [
        "--method",
        "POST",
        "--service",
        "secretsmanager",
        "--region",
        REGION,
        "--header",
        f"X-Amz-Target: secretsmanager.{target}",
        "--header",
        "Content-Type: application/x-amz-json-1.1",
        "--data",
        json.dumps(body),
        moto.endpoint + "/",
    ]


def test_sign_request_gets_the_secret(moto, sign_request):
    out = run(sign_request, sign_request_args(moto, "GetSecretValue", {"SecretId": SECRET_ID}), **credentials(moto))
    assert out.returncode == 0, out.stderr.decode()
    assert out.stderr.decode().startswith("HTTP/1.1 200 OK\n")
    assert json.loads(out.stdout)["SecretString"] == SECRET_VALUE


def test_sign_request_with_wrong_secret_key_exits_nonzero(moto, sign_request):
    args = sign_request_args(moto, "GetSecretValue", {"SecretId": SECRET_ID})
    out = run(sign_request, args, **credentials(moto, wrong(moto.secret_access_key)))
    assert out.returncode == 1
    assert out.stderr.decode().startswith("HTTP/1.1 403 Forbidden\n")
    assert b"<Code>SignatureDoesNotMatch</Code>" in out.stdout


def test_sign_request_signature_accepted_but_action_denied(moto, sign_request):
    """A valid signature for an action the policy does not allow: moto's IAM says AccessDenied."""
    out = run(sign_request, sign_request_args(moto, "ListSecrets", {}), **credentials(moto))
    assert out.returncode == 1
    assert b"<Code>AccessDenied</Code>" in out.stdout
    assert b"secretsmanager:ListSecrets" in out.stdout
