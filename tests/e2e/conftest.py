"""Shared fixtures of the end-to-end tests.

The gateway tests (test_gateway.py, test_proxy.py) sign with the keys of
examples/gateway/credentials, through boto3 and the aws CLI, as a user would: `aws_env` points
both at that file and shields them from the caller's own AWS settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from _gateway import CREDENTIALS, REGION, gateway


@pytest.fixture(scope="module")
def aws_env() -> Iterator[dict[str, str]]:
    """The environment for boto3 and the aws CLI: the gateway's credentials file, no config file,
    no instance metadata, region us-east-1, and none of the caller's `AWS_*` variables."""
    env = {
        "AWS_SHARED_CREDENTIALS_FILE": str(CREDENTIALS),
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        yield env


@pytest.fixture(scope="module")
def s3_gateway(aws_env) -> Iterator[str]:
    """The gateway as `cargo run --example gateway` starts it (S3, any region), on a free port."""
    with gateway() as url:
        yield url


@pytest.fixture(scope="module")
def secretsmanager_gateway(aws_env) -> Iterator[str]:
    """A gateway for a non-S3 service: Secrets Manager's JSON protocol, body hashes signed."""
    with gateway("--service", "secretsmanager") as url:
        yield url
