"""End to end, SigV4a: boto3 (`signature_version="s3v4a"`) and botocore's CRT signer (AWS's C
signer, aws-c-auth through awscrt) sign for a region set, and the example gateway, serving
us-west-2, verifies it.

Run with `python3 -m pytest tests/e2e/test_sigv4a.py -q`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import botocore.auth  # before botocore.crt.auth
import botocore.config
import botocore.crt.auth
import botocore.exceptions
import pytest
from _gateway import IAM_USER, IDENTITY_HEADER, RUN_TIMEOUT, TEMPORARY, Key, error_code, gateway, send, wrong
from botocore.awsrequest import AWSRequest
from test_gateway import curl

KEYS = pytest.mark.parametrize("key", [IAM_USER, TEMPORARY], ids=lambda k: k.profile)
ALGORITHM = "AWS4-ECDSA-P256-SHA256"


@pytest.fixture(scope="module")
def us_west_2(aws_env) -> Iterator[str]:
    """A gateway that serves S3 in us-west-2 only."""
    with gateway("--region", "us-west-2") as url:
        yield url


def v4a_client(url: str, key: Key, secret: str | None = None):
    """A boto3 S3 client that signs SigV4a. With a custom endpoint, botocore signs for the
    client's region (us-west-2) as the region set."""
    config = botocore.config.Config(
        signature_version="s3v4a",
        retries={"max_attempts": 1},
        connect_timeout=5,
        read_timeout=RUN_TIMEOUT,
    )
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-west-2",
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=secret or key.secret(),
        aws_session_token=key.token(),
        config=config,
    )


def crt_signed(url: str, key: Key, region_set: str, secret: str | None = None) -> AWSRequest:
    """GET /demo/whoami signed by botocore's CRT SigV4a signer for `region_set`."""
    request = AWSRequest(method="GET", url=url + "/demo/whoami")
    botocore.crt.auth.CrtS3SigV4AsymAuth(key.credentials(secret), "s3", region_set).add_auth(request)
    return request


@KEYS
def test_boto3_sigv4a_get_and_put(us_west_2, key):
    s3 = v4a_client(us_west_2, key)
    doc = json.loads(s3.get_object(Bucket="demo", Key="whoami")["Body"].read())
    assert doc["principal"]["arn"] == key.arn
    assert (doc["algorithm"], doc["region"], doc["auth"]) == (ALGORITHM, "us-west-2", "header")
    assert "x-amz-region-set" in doc["signed_headers"]
    put = s3.put_object(Bucket="demo", Key="k", Body=b"x" * 1000)
    doc = json.loads(put["ResponseMetadata"]["HTTPHeaders"][IDENTITY_HEADER])
    assert (doc["algorithm"], doc["body_bytes"]) == (ALGORITHM, 1000)


@KEYS
@pytest.mark.parametrize("region_set", ["*", "us-*", "us-east-1,us-west-2", "us-west-2"])
def test_crt_signed_region_sets_are_accepted(us_west_2, key, region_set):
    status, _, body = send(crt_signed(us_west_2, key, region_set))
    assert status == 200, body
    doc = json.loads(body)
    assert doc["principal"]["arn"] == key.arn
    assert (doc["algorithm"], doc["region"]) == (ALGORITHM, region_set)


@KEYS
def test_boto3_sigv4a_presigned_url_with_curl(us_west_2, key):
    url = v4a_client(us_west_2, key).generate_presigned_url(
        "get_object", Params={"Bucket": "demo", "Key": "whoami"}, ExpiresIn=300
    )
    assert "X-Amz-Region-Set=us-west-2" in url and f"X-Amz-Algorithm={ALGORITHM}" in url
    status, body = curl(url)
    assert status == 200, body
    doc = json.loads(body)
    assert (doc["algorithm"], doc["region"], doc["auth"]) == (ALGORITHM, "us-west-2", "presigned")


@pytest.mark.parametrize("region_set", ["eu-*", "us-east-1", "ap-southeast-2,eu-west-1"])
def test_a_region_set_without_this_region_is_refused(us_west_2, region_set):
    status, _, body = send(crt_signed(us_west_2, IAM_USER, region_set))
    assert (status, error_code(body)) == (400, "AuthorizationHeaderMalformed")


def test_a_wrong_secret_is_signature_does_not_match(us_west_2):
    s3 = v4a_client(us_west_2, IAM_USER, secret=wrong(IAM_USER.secret()))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket="demo", Key="whoami")
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    status, _, body = send(crt_signed(us_west_2, IAM_USER, "*", secret=wrong(IAM_USER.secret())))
    assert (status, error_code(body)) == (403, "SignatureDoesNotMatch")
