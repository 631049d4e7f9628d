"""CloudFront invalidation after a publish: one per run, only the rewritten manifests, never /*."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from schools import riyadh_school, save

from publisher.cdn.cloudfront import (
    MAX_PATHS,
    cloudfront_client,
    invalidate,
    invalidation_paths,
)
from publisher.db import School, transaction

DISTRIBUTION = {
    "CallerReference": "screens",
    "Comment": "",
    "Enabled": True,
    "Origins": {
        "Quantity": 1,
        "Items": [
            {
                "Id": "bucket",
                "DomainName": "screens.s3.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
            }
        ],
    },
    "DefaultCacheBehavior": {
        "TargetOriginId": "bucket",
        "ViewerProtocolPolicy": "redirect-to-https",
        "MinTTL": 0,
        "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": False, "Quantity": 0},
    },
}


@pytest.fixture
def aws(aws_credentials):
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="screens")
        cloudfront = boto3.client("cloudfront")
        distribution = cloudfront.create_distribution(DistributionConfig=DISTRIBUTION)
        yield cloudfront, distribution["Distribution"]["Id"]


def invalidated_paths(cloudfront, distribution_id):
    listing = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    batches = []
    for item in listing.get("Items", []):
        detail = cloudfront.get_invalidation(DistributionId=distribution_id, Id=item["Id"])
        batches.append(sorted(detail["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]))
    return batches


def test_a_run_invalidates_exactly_the_mutable_objects_it_rewrote(cli, sessions, aws):
    cloudfront, distribution_id = aws
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    args = ["publish", "--all", "--target", "s3://screens/site", "--invalidate", distribution_id]
    first = json.loads(cli(*args, "--json").stdout)
    assert first["invalidation"] is not None

    with transaction(sessions) as session:
        session.query(School).filter_by(slug="beta").one().name = "Beta renamed"
        beta_key = session.query(School).filter_by(slug="beta").one().public_key
    second = cli(*args)
    assert second.exit_code == 0, second.stderr
    # The name is in the manifest and, for the first load, in the school's page.
    assert "CloudFront invalidation" in second.stderr and "for 2 rewritten objects" in second.stderr

    batches = invalidated_paths(cloudfront, distribution_id)
    assert len(batches) == 2
    beta = f"/site/schools/{beta_key}/"
    assert sorted(batches[1]) == [f"{beta}index.html", f"{beta}manifest.json"]
    # The first run wrote every page, alert object and sw.js too; immutable files
    # are never named.
    assert all(
        path.endswith(("/manifest.json", "/index.html", "/alert.json", "/sw.js"))
        for batch in batches
        for path in batch
    )
    assert f"{beta}alert.json" in batches[0]
    assert "/site/sw.js" in batches[0] and "/site/sw.js" not in batches[1]


def test_a_run_that_rewrites_nothing_sends_no_invalidation(cli, sessions, aws):
    cloudfront, distribution_id = aws
    save(sessions, riyadh_school("alpha"))
    args = [
        "publish",
        "--all",
        "--target",
        "s3://screens",
        "--invalidate",
        distribution_id,
        "--json",
    ]
    cli(*args)
    assert json.loads(cli(*args).stdout)["invalidation"] is None
    assert len(invalidated_paths(cloudfront, distribution_id)) == 1


def test_an_unknown_distribution_is_reported_and_exits_1(cli, sessions, aws):
    save(sessions, riyadh_school("alpha"))
    result = cli("publish", "--all", "--target", "s3://screens", "--invalidate", "NOPE")
    assert result.exit_code == 1
    assert "Error: CloudFront distribution NOPE: NoSuchDistribution" in result.stderr
    assert "1 published" in result.stderr


def test_invalidation_needs_an_s3_target(cli, sessions):
    save(sessions, riyadh_school("alpha"))
    result = cli("publish", "--all", "--invalidate", "E123")
    assert result.exit_code == 2
    assert "--invalidate needs an s3:// target" in result.stderr


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        pytest.param(2, ["/p/schools/0/manifest.json", "/p/schools/1/manifest.json"], id="listed"),
        pytest.param(MAX_PATHS + 1, ["/p/schools/*"], id="too-many-become-one-wildcard"),
    ],
)
def test_paths_are_listed_until_there_are_too_many(count, expected):
    keys = [f"schools/{i}/manifest.json" for i in range(count)]
    assert invalidation_paths(keys, "p/") == expected


def test_throttling_is_retried(aws):
    _cloudfront, distribution_id = aws
    client = cloudfront_client()
    attempts = []

    def throttle_once(request, **_kwargs):
        attempts.append(request.url)
        if len(attempts) == 1:
            body = (
                b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                b"<Message>Rate exceeded</Message></Error></ErrorResponse>"
            )
            return AWSResponse(request.url, 400, {}, _RawBody(body))
        return None

    client.meta.events.register("before-send.cloudfront.CreateInvalidation", throttle_once)
    invalidation_id = invalidate(client, distribution_id, ["/schools/k/manifest.json"])
    assert invalidation_id
    assert len(attempts) == 2


class _RawBody:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_kwargs):
        yield self.content
