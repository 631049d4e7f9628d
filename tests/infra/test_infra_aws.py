"""The CloudFormation template in infra/aws/ deploys what the publisher and the screens rely on.

cfn-lint checks the template against CloudFormation's resource schemas. The
other tests read the template and check each property that keeps the bucket
private, makes the CDN follow the publisher's Cache-Control (but keep alert
objects an hour, until `publisher alert` invalidates them), and keeps the
publisher's credentials narrow. Every check also runs on a copy of the template
broken the way the check guards against, to prove that it can fail.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cfnlint.api
import cfnlint.decode
import click
import pytest

from publisher.build.alert import alert_key
from publisher.build.layout import (
    SERVICE_WORKER_KEY,
    day_key,
    day_name,
    logo_key,
    manifest_key,
    page_key,
)
from publisher.build.source import Logo
from publisher.cdn.cloudfront import invalidation_paths
from publisher.cli import main
from publisher.page import TIMING, asset_build_hash, asset_files
from publisher.stores.s3 import parse_s3_target
from testsupport import CHECKOUT

ROOT = CHECKOUT
TEMPLATE = ROOT / "infra" / "aws" / "publisher.yaml"
REGIONS = ["us-east-1", "eu-central-1", "me-central-1"]
YEAR = 31_536_000
HOUR = 3600  # how long the shipped edges (nginx and CloudFront) keep an alert object
SCHOOL = "Xq3vT9bLk2PzR8mWc4YhJd"  # a school's key, as the publisher draws them
DISTRIBUTION_ARN = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${NAME}"
PUBLIC_ACCESS_BLOCK = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)
CURRENT_OBJECT_ACTIONS = {"ExpirationInDays", "ExpirationDate", "Transition", "Transitions"}
OBJECT_ACTIONS = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
PUBLISHER_ACTIONS = OBJECT_ACTIONS | {"s3:ListBucket", "cloudfront:CreateInvalidation"}
OUTPUTS = {
    "BucketName",
    "DistributionId",
    "PublicUrl",
    "PublisherPolicyArn",
    "PublisherEnvironment",
}
EXAMPLE = {  # what the stack's references stand for, to render its outputs
    "Bucket": "screens-bucket",
    "Prefix": "v1/",
    "Distribution": "E2ABCDEF123456",
    "Host": "d111111abcdef8.cloudfront.net",
    "AWS::Region": "eu-central-1",
}


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as plain dicts, lists and strings (!Ref becomes {"Ref": ...} and so on)."""
    template, problems = cfnlint.decode.decode(str(path))
    assert not problems, [str(problem) for problem in problems]
    return json.loads(json.dumps(template))


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load()


# -- reading the template -----------------------------------------------------------------


def the(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    """The logical id and properties of the template's only resource of this type."""
    found = [
        (name, resource.get("Properties", {}))
        for name, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    ]
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]


def props(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return the(template, resource_type)[1]


def distribution_config(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = props(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
    return config


def the_origin(template: dict[str, Any]) -> dict[str, Any]:
    origins = distribution_config(template)["Origins"]
    assert len(origins) == 1, "the distribution has one origin, the bucket"
    origin: dict[str, Any] = origins[0]
    return origin


def default_behaviour(template: dict[str, Any]) -> dict[str, Any]:
    behaviour: dict[str, Any] = distribution_config(template)["DefaultCacheBehavior"]
    return behaviour


def the_alert_behaviour(template: dict[str, Any]) -> dict[str, Any]:
    """The distribution's only cache behaviour besides the default one: alert objects'."""
    behaviours = distribution_config(template).get("CacheBehaviors", [])
    assert len(behaviours) == 1, (
        f"expected one cache behaviour besides the default (alert objects), found "
        f"{len(behaviours)}: any other would escape these checks"
    )
    behaviour: dict[str, Any] = behaviours[0]
    return behaviour


def cache_policy(template: dict[str, Any], behaviour: dict[str, Any]) -> dict[str, Any]:
    """The CachePolicyConfig of the template's cache policy that `behaviour` uses."""
    reference = behaviour.get("CachePolicyId")
    assert isinstance(reference, dict) and set(reference) == {"Ref"}, (
        f"cache policy {reference} is not one of the template's"
    )
    resource = template["Resources"].get(reference["Ref"], {})
    assert resource.get("Type") == "AWS::CloudFront::CachePolicy", reference
    config: dict[str, Any] = resource["Properties"]["CachePolicyConfig"]
    return config


def cloudfront_matches(pattern: str, path: str) -> bool:
    """Whether CloudFront sends a request for `path` to a behaviour with this PathPattern:
    `*` is any characters (`/` included), `?` one; case-sensitive; the leading `/` optional."""
    wildcards = {"*": ".*", "?": "."}
    regex = "".join(wildcards.get(char, re.escape(char)) for char in pattern.lstrip("/"))
    return re.fullmatch(regex, path.lstrip("/")) is not None


def other_published_keys(school_key: str) -> list[str]:
    """Besides its alert object, a key of every kind the publisher writes for a school
    and its page (publisher.build.layout)."""
    files = asset_files()
    build = asset_build_hash(files)
    return [
        manifest_key(school_key),
        page_key(school_key),
        day_key(school_key, day_name(dt.date(2026, 12, 4), 3, "0" * 64)),
        logo_key(school_key, Logo(b"logo", "png")),
        SERVICE_WORKER_KEY,
        *(f"assets/{build}/{path}" for path in files),  # js/alert.js among them
    ]


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    found = policy["PolicyDocument"]["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def distribution_arn(template: dict[str, Any]) -> dict[str, str]:
    name, _ = the(template, "AWS::CloudFront::Distribution")
    return {"Fn::Sub": DISTRIBUTION_ARN.replace("NAME", name)}


def objects_under_prefix(template: dict[str, Any]) -> dict[str, str]:
    name, _ = the(template, "AWS::S3::Bucket")
    return {"Fn::Sub": "${" + name + ".Arn}/${Prefix}*"}


def render(value: Any) -> str:
    """A value with EXAMPLE's values for the references in its Fn::Sub (a string as it is)."""
    if isinstance(value, str):
        return value
    text = value["Fn::Sub"]
    if isinstance(text, list):
        text = text[0]
    return re.sub(r"\$\{([^}]+)\}", lambda found: EXAMPLE[found.group(1)], text)


def environment_variables_read() -> set[str]:
    """Every environment variable an option of the command line reads."""

    def commands(group: click.Group) -> Iterator[click.Command]:
        for command in group.commands.values():
            yield command
            if isinstance(command, click.Group):
                yield from commands(command)

    names: set[str] = set()
    for command in commands(main):
        for param in command.params:
            envvar = getattr(param, "envvar", None) or []
            names.update([envvar] if isinstance(envvar, str) else envvar)
    return names


# -- the checks ---------------------------------------------------------------------------


def check_bucket_private(template: dict[str, Any]) -> None:
    bucket = props(template, "AWS::S3::Bucket")
    block = bucket.get("PublicAccessBlockConfiguration", {})
    for setting in PUBLIC_ACCESS_BLOCK:
        assert block.get(setting) is True, f"{setting} is not true"
    assert bucket.get("OwnershipControls") == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }, "ACLs must stay disabled (BucketOwnerEnforced)"


def check_bucket_encrypted(template: dict[str, Any]) -> None:
    rules = (
        props(template, "AWS::S3::Bucket")
        .get("BucketEncryption", {})
        .get("ServerSideEncryptionConfiguration", [])
    )
    algorithms = {
        rule.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for rule in rules
    }
    # SSE-S3: with KMS, CloudFront and the publisher would need key permissions
    # this template does not grant.
    assert algorithms == {"AES256"}, f"default encryption is {algorithms or 'off'}, not SSE-S3"


def check_lifecycle_spares_current_objects(template: dict[str, Any]) -> None:
    rules = props(template, "AWS::S3::Bucket")["LifecycleConfiguration"]["Rules"]
    for rule in rules:
        acting_on_current = sorted(CURRENT_OBJECT_ACTIONS & set(rule))
        assert not acting_on_current, (
            f"lifecycle rule {rule.get('Id')} acts on current objects ({acting_on_current}): "
            "it could delete or archive manifests, pages and assets the screens still read"
        )
    actions = {key for rule in rules for key in rule}
    assert {"AbortIncompleteMultipartUpload", "NoncurrentVersionExpiration"} <= actions


def check_bucket_policy(template: dict[str, Any]) -> None:
    bucket, _ = the(template, "AWS::S3::Bucket")
    policy = props(template, "AWS::S3::BucketPolicy")
    assert policy["Bucket"] == {"Ref": bucket}
    found = statements(policy)
    assert found
    for statement in found:
        assert set(statement) <= {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
        assert statement["Effect"] == "Allow"
        assert statement.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
        assert as_list(statement.get("Action")) == ["s3:GetObject"]
        assert statement.get("Resource") == objects_under_prefix(template)
        assert statement.get("Condition") == {
            "StringEquals": {"AWS:SourceArn": distribution_arn(template)}
        }, "only this distribution may read, by its ARN"


def check_origin_access_control(template: dict[str, Any]) -> None:
    bucket, _ = the(template, "AWS::S3::Bucket")
    name, control = the(template, "AWS::CloudFront::OriginAccessControl")
    config = control["OriginAccessControlConfig"]
    assert config["OriginAccessControlOriginType"] == "s3"
    assert config["SigningBehavior"] == "always"
    assert config["SigningProtocol"] == "sigv4"
    origin = the_origin(template)
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket, "RegionalDomainName"]}
    assert origin.get("OriginAccessControlId") == {"Fn::GetAtt": [name, "Id"]}
    assert origin.get("S3OriginConfig", {}).get("OriginAccessIdentity") == ""
    # Invalidation paths and PUBLISHER_PUBLIC_URL assume the URL path is the key.
    assert "OriginPath" not in origin, "the distribution must serve the bucket root"


def check_cache_policy(template: dict[str, Any]) -> None:
    behaviour = default_behaviour(template)
    config = cache_policy(template, behaviour)
    assert config["MinTTL"] == 0, "a MinTTL would keep manifests past their max-age"
    assert config["MaxTTL"] >= YEAR, "day files and assets are cached for a year"
    assert config["DefaultTTL"] <= 300
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["EnableAcceptEncodingGzip"] is True
    assert key["EnableAcceptEncodingBrotli"] is True
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}
    assert behaviour.get("Compress") is True
    assert "ForwardedValues" not in behaviour


def check_alert_behaviour(template: dict[str, Any]) -> None:
    """Alert objects, and nothing else, are kept an hour; otherwise served as the default serves.

    Screens poll alert.json every 8 to 12 s and it says max-age=5: the hour keeps
    those polls off the bucket, and `publisher alert --invalidate` makes a new
    alert show once the invalidation completes. Nothing else may get a behaviour
    of its own.
    """
    behaviour = the_alert_behaviour(template)
    default = default_behaviour(template)
    pattern = render(behaviour["PathPattern"])
    prefix = EXAMPLE["Prefix"]
    # The path of the alert object the publisher writes, and invalidates, under the prefix.
    [alert] = invalidation_paths([alert_key(SCHOOL)], prefix)
    assert cloudfront_matches(pattern, alert), f"{pattern} misses alert objects ({alert})"
    for path in invalidation_paths(other_published_keys(SCHOOL), prefix):
        assert not cloudfront_matches(pattern, path), f"{pattern} would keep {path} an hour"
    outside = f"/{alert_key(SCHOOL)}"
    assert not cloudfront_matches(pattern, outside), f"{pattern} is not under the prefix"

    config = cache_policy(template, behaviour)
    # MinTTL is what counts: CloudFront keeps an object at least that long
    # whatever its max-age; DefaultTTL only serves objects without Cache-Control.
    ttls = (config["MinTTL"], config["DefaultTTL"], config["MaxTTL"])
    assert ttls == (HOUR, HOUR, HOUR), (
        f"alert objects are kept {ttls} (Min, Default, Max), not an hour"
    )
    assert (
        config["ParametersInCacheKeyAndForwardedToOrigin"]
        == cache_policy(template, default)["ParametersInCacheKeyAndForwardedToOrigin"]
    ), "alert objects' cache key differs from the default behaviour's"

    assert behaviour["TargetOriginId"] == the_origin(template)["Id"]
    assert behaviour["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only")
    assert sorted(behaviour["AllowedMethods"]) == ["GET", "HEAD"]
    assert behaviour.get("Compress") is True
    served = {k: v for k, v in behaviour.items() if k not in ("PathPattern", "CachePolicyId")}
    assert served == {k: v for k, v in default.items() if k != "CachePolicyId"}, (
        "alert objects are served otherwise than the default behaviour serves"
    )


def check_viewers(template: dict[str, Any]) -> None:
    behaviour = default_behaviour(template)
    assert behaviour["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only")
    assert sorted(behaviour["AllowedMethods"]) == ["GET", "HEAD"]
    assert distribution_config(template)["HttpVersion"] == "http2and3"


def check_origin_timeouts(template: dict[str, Any]) -> None:
    # Missing values take CloudFront's defaults (3 attempts, 10 s, 30 s). When
    # the bucket fails, CloudFront answers with its stale copy only after these
    # run out, which should happen before a polling screen gives up waiting.
    origin = the_origin(template)
    attempts = origin.get("ConnectionAttempts", 3)
    connect = origin.get("ConnectionTimeout", 10)
    read = origin.get("S3OriginConfig", {}).get("OriginReadTimeout", 30)
    assert attempts <= 2
    assert read <= 10
    assert connect + read < TIMING["poll_timeout_ms"] / 1000, (
        f"connecting ({connect} s) and waiting for the bucket ({read} s) outlast "
        f"a screen's manifest poll ({TIMING['poll_timeout_ms']} ms)"
    )


def check_publisher_policy(template: dict[str, Any]) -> None:
    bucket, _ = the(template, "AWS::S3::Bucket")
    granted: dict[str, list[Any]] = {}
    for statement in statements(props(template, "AWS::IAM::ManagedPolicy")):
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource"}
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"wildcard action {action}"
            granted.setdefault(action, []).extend(as_list(statement["Resource"]))
    assert set(granted) == PUBLISHER_ACTIONS
    for action in OBJECT_ACTIONS:
        assert granted[action] == [objects_under_prefix(template)], action
    assert granted["s3:ListBucket"] == [{"Fn::GetAtt": [bucket, "Arn"]}]
    assert granted["cloudfront:CreateInvalidation"] == [distribution_arn(template)]


def check_outputs(template: dict[str, Any]) -> None:
    outputs = template.get("Outputs", {})
    assert set(outputs) >= OUTPUTS, f"missing outputs {sorted(OUTPUTS - set(outputs))}"
    assert outputs["BucketName"]["Value"] == {"Ref": the(template, "AWS::S3::Bucket")[0]}
    assert outputs["DistributionId"]["Value"] == {
        "Ref": the(template, "AWS::CloudFront::Distribution")[0]
    }
    assert outputs["PublisherPolicyArn"]["Value"] == {
        "Ref": the(template, "AWS::IAM::ManagedPolicy")[0]
    }


def check_environment_line(template: dict[str, Any]) -> None:
    """The PublisherEnvironment output sets what the command line reads, to the stack's values."""
    outputs = template["Outputs"]
    line = render(outputs["PublisherEnvironment"]["Value"])
    settings = dict(item.split("=", 1) for item in line.split())
    assert set(settings) == {
        "PUBLISHER_TARGET",
        "PUBLISHER_CLOUDFRONT_DISTRIBUTION",
        "PUBLISHER_PUBLIC_URL",
        "AWS_DEFAULT_REGION",
    }
    assert set(settings) - {"AWS_DEFAULT_REGION"} <= environment_variables_read()
    assert parse_s3_target(settings["PUBLISHER_TARGET"]) == (EXAMPLE["Bucket"], EXAMPLE["Prefix"])
    assert settings["PUBLISHER_CLOUDFRONT_DISTRIBUTION"] == EXAMPLE["Distribution"]
    public_url = render(outputs["PublicUrl"]["Value"])
    assert (
        settings["PUBLISHER_PUBLIC_URL"]
        == public_url
        == "https://d111111abcdef8.cloudfront.net/v1/"
    )
    assert settings["AWS_DEFAULT_REGION"] == EXAMPLE["AWS::Region"]
    # The path of a manifest's public URL is the path the publisher invalidates.
    manifest = "schools/k/manifest.json"
    assert [urlsplit(public_url + manifest).path] == invalidation_paths([manifest], "v1/")


# -- the tests ----------------------------------------------------------------------------


def test_cfn_lint_finds_no_error_or_warning() -> None:
    problems = cfnlint.api.lint_file(TEMPLATE, cfnlint.api.ManualArgs(regions=REGIONS))
    assert [f"{p.rule.id} line {p.linenumber}: {p.message}" for p in problems] == []


def test_no_cfn_lint_check_is_switched_off_in_the_template(template: dict[str, Any]) -> None:
    assert "cfn-lint" not in template.get("Metadata", {})
    for name, resource in template["Resources"].items():
        assert "cfn-lint" not in resource.get("Metadata", {}), name


def test_the_bucket_is_private(template: dict[str, Any]) -> None:
    check_bucket_private(template)


def test_the_bucket_is_encrypted(template: dict[str, Any]) -> None:
    check_bucket_encrypted(template)


def test_lifecycle_rules_never_touch_what_screens_read(template: dict[str, Any]) -> None:
    check_lifecycle_spares_current_objects(template)


def test_only_the_distribution_may_read_the_bucket(template: dict[str, Any]) -> None:
    check_bucket_policy(template)


def test_the_distribution_signs_every_request_to_the_bucket_root(template: dict[str, Any]) -> None:
    check_origin_access_control(template)


def test_the_cdn_follows_the_publishers_cache_control(template: dict[str, Any]) -> None:
    check_cache_policy(template)


def test_the_cdn_keeps_alert_objects_an_hour_and_nothing_else_has_a_behaviour_of_its_own(
    template: dict[str, Any],
) -> None:
    check_alert_behaviour(template)


def test_viewers_use_https_and_only_read(template: dict[str, Any]) -> None:
    check_viewers(template)


def test_origin_timeouts_are_short(template: dict[str, Any]) -> None:
    check_origin_timeouts(template)


def test_the_publisher_gets_exactly_what_it_uses(template: dict[str, Any]) -> None:
    check_publisher_policy(template)


def test_outputs_name_the_stack_s_parts(template: dict[str, Any]) -> None:
    check_outputs(template)


def test_the_environment_output_configures_the_publisher(template: dict[str, Any]) -> None:
    check_environment_line(template)


@pytest.mark.parametrize("prefix", ["", "v1/", "screens/v1/"])
def test_the_prefix_parameter_takes_prefixes_as_the_publisher_writes_them(
    template: dict[str, Any], prefix: str
) -> None:
    pattern = template["Parameters"]["Prefix"]["AllowedPattern"]
    assert re.fullmatch(pattern, prefix)
    assert parse_s3_target(f"s3://screens-bucket/{prefix}") == ("screens-bucket", prefix)


@pytest.mark.parametrize("prefix", ["v1", "/v1/", "v1//", "v1/*"])
def test_the_prefix_parameter_refuses_other_forms(template: dict[str, Any], prefix: str) -> None:
    assert not re.fullmatch(template["Parameters"]["Prefix"]["AllowedPattern"], prefix)


# -- each check can fail ------------------------------------------------------------------


def _bucket(t: dict[str, Any]) -> dict[str, Any]:
    return props(t, "AWS::S3::Bucket")


def _read_statement(t: dict[str, Any]) -> dict[str, Any]:
    return statements(props(t, "AWS::S3::BucketPolicy"))[0]


def _cache_key(t: dict[str, Any]) -> dict[str, Any]:
    return cache_policy(t, default_behaviour(t))


def _alert_policy(t: dict[str, Any]) -> dict[str, Any]:
    return cache_policy(t, the_alert_behaviour(t))


def _publisher_statements(t: dict[str, Any]) -> list[dict[str, Any]]:
    return statements(props(t, "AWS::IAM::ManagedPolicy"))


def _environment(t: dict[str, Any]) -> list[Any]:
    value: list[Any] = t["Outputs"]["PublisherEnvironment"]["Value"]["Fn::Sub"]
    return value


Breakage = Callable[[dict[str, Any]], Any]
BREAKAGES: list[tuple[str, Breakage, Callable[[dict[str, Any]], None]]] = [
    (
        "public-access-block-one-setting-off",
        lambda t: _bucket(t)["PublicAccessBlockConfiguration"].update(RestrictPublicBuckets=False),
        check_bucket_private,
    ),
    (
        "public-access-block-missing",
        lambda t: _bucket(t).pop("PublicAccessBlockConfiguration"),
        check_bucket_private,
    ),
    (
        "acls-enabled",
        lambda t: _bucket(t)["OwnershipControls"]["Rules"][0].update(
            ObjectOwnership="ObjectWriter"
        ),
        check_bucket_private,
    ),
    ("no-encryption", lambda t: _bucket(t).pop("BucketEncryption"), check_bucket_encrypted),
    (
        "lifecycle-expires-schools-folder",
        lambda t: _bucket(t)["LifecycleConfiguration"]["Rules"].append(
            {"Id": "old", "Status": "Enabled", "Prefix": "schools/", "ExpirationInDays": 30}
        ),
        check_lifecycle_spares_current_objects,
    ),
    (
        "bucket-policy-any-principal",
        lambda t: _read_statement(t).update(Principal="*"),
        check_bucket_policy,
    ),
    (
        "bucket-policy-any-distribution",
        lambda t: _read_statement(t).pop("Condition"),
        check_bucket_policy,
    ),
    (
        "bucket-policy-lets-cloudfront-list",
        lambda t: _read_statement(t).update(Action=["s3:GetObject", "s3:ListBucket"]),
        check_bucket_policy,
    ),
    (
        "oac-signs-only-some-requests",
        lambda t: props(t, "AWS::CloudFront::OriginAccessControl")[
            "OriginAccessControlConfig"
        ].update(SigningBehavior="no-override"),
        check_origin_access_control,
    ),
    (
        "origin-path",
        lambda t: the_origin(t).update(OriginPath="/v1"),
        check_origin_access_control,
    ),
    ("min-ttl-a-minute", lambda t: _cache_key(t).update(MinTTL=60), check_cache_policy),
    ("max-ttl-a-day", lambda t: _cache_key(t).update(MaxTTL=86400), check_cache_policy),
    (
        "no-brotli",
        lambda t: _cache_key(t)["ParametersInCacheKeyAndForwardedToOrigin"].update(
            EnableAcceptEncodingBrotli=False
        ),
        check_cache_policy,
    ),
    (
        "query-strings-in-key",
        lambda t: _cache_key(t)["ParametersInCacheKeyAndForwardedToOrigin"].update(
            QueryStringsConfig={"QueryStringBehavior": "all"}
        ),
        check_cache_policy,
    ),
    ("no-compression", lambda t: default_behaviour(t).update(Compress=False), check_cache_policy),
    (
        "viewers-allow-http",
        lambda t: default_behaviour(t).update(ViewerProtocolPolicy="allow-all"),
        check_viewers,
    ),
    (
        "alert-ttl-a-day",
        lambda t: _alert_policy(t).update(MinTTL=86400, DefaultTTL=86400, MaxTTL=86400),
        check_alert_behaviour,
    ),
    (
        "alert-follows-its-max-age",
        lambda t: _alert_policy(t).update(MinTTL=0),
        check_alert_behaviour,
    ),
    (
        "alert-on-the-default-policy",
        lambda t: the_alert_behaviour(t).update(
            CachePolicyId=default_behaviour(t)["CachePolicyId"]
        ),
        check_alert_behaviour,
    ),
    (
        "alert-pattern-outside-the-prefix",
        lambda t: the_alert_behaviour(t).update(PathPattern="schools/*/alert.json"),
        check_alert_behaviour,
    ),
    (
        "alert-pattern-at-any-depth",
        lambda t: the_alert_behaviour(t).update(PathPattern="*/alert.json"),
        check_alert_behaviour,
    ),
    (
        "alert-pattern-takes-manifests-too",
        lambda t: the_alert_behaviour(t).update(PathPattern={"Fn::Sub": "${Prefix}schools/*"}),
        check_alert_behaviour,
    ),
    (
        "alert-pattern-misnamed",
        lambda t: the_alert_behaviour(t).update(
            PathPattern={"Fn::Sub": "${Prefix}schools/*/alerts.json"}
        ),
        check_alert_behaviour,
    ),
    (
        "alert-query-string-in-key",
        lambda t: _alert_policy(t)["ParametersInCacheKeyAndForwardedToOrigin"].update(
            QueryStringsConfig={"QueryStringBehavior": "all"}
        ),
        check_alert_behaviour,
    ),
    (
        "alert-no-brotli",
        lambda t: _alert_policy(t)["ParametersInCacheKeyAndForwardedToOrigin"].update(
            EnableAcceptEncodingBrotli=False
        ),
        check_alert_behaviour,
    ),
    (
        "alert-other-origin",
        lambda t: the_alert_behaviour(t).update(TargetOriginId="elsewhere"),
        check_alert_behaviour,
    ),
    (
        "alert-viewers-allow-http",
        lambda t: the_alert_behaviour(t).update(ViewerProtocolPolicy="allow-all"),
        check_alert_behaviour,
    ),
    (
        "alert-viewers-may-write",
        lambda t: the_alert_behaviour(t).update(
            AllowedMethods=["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
        ),
        check_alert_behaviour,
    ),
    (
        "alert-not-compressed",
        lambda t: the_alert_behaviour(t).update(Compress=False),
        check_alert_behaviour,
    ),
    (
        "alert-served-with-a-function",
        lambda t: the_alert_behaviour(t).update(
            FunctionAssociations=[{"EventType": "viewer-request", "FunctionARN": "arn"}]
        ),
        check_alert_behaviour,
    ),
    (
        "no-alert-behaviour",
        lambda t: distribution_config(t).pop("CacheBehaviors"),
        check_alert_behaviour,
    ),
    (
        "another-cache-behaviour",
        lambda t: distribution_config(t)["CacheBehaviors"].append(
            {**default_behaviour(t), "PathPattern": {"Fn::Sub": "${Prefix}assets/*"}}
        ),
        check_alert_behaviour,
    ),
    (
        "read-timeout-default",
        lambda t: the_origin(t)["S3OriginConfig"].pop("OriginReadTimeout"),
        check_origin_timeouts,
    ),
    (
        "three-connection-attempts",
        lambda t: the_origin(t).update(ConnectionAttempts=3),
        check_origin_timeouts,
    ),
    (
        "publisher-s3-star",
        lambda t: _publisher_statements(t)[0].update(Action=["s3:*"]),
        check_publisher_policy,
    ),
    (
        "publisher-extra-action",
        lambda t: _publisher_statements(t)[0]["Action"].append("s3:PutBucketPolicy"),
        check_publisher_policy,
    ),
    (
        "publisher-objects-outside-prefix",
        lambda t: _publisher_statements(t)[0].update(Resource={"Fn::Sub": "${Bucket.Arn}/*"}),
        check_publisher_policy,
    ),
    (
        "publisher-invalidates-any-distribution",
        lambda t: _publisher_statements(t)[-1].update(Resource="*"),
        check_publisher_policy,
    ),
    (
        "output-missing",
        lambda t: t["Outputs"].pop("PublicUrl"),
        check_outputs,
    ),
    (
        "environment-variable-misnamed",
        lambda t: _environment(t).__setitem__(
            0, _environment(t)[0].replace("PUBLISHER_CLOUDFRONT_", "PUBLISHER_CDN_")
        ),
        check_environment_line,
    ),
]


@pytest.mark.parametrize(
    ("breakage", "check"),
    [pytest.param(breakage, check, id=name) for name, breakage, check in BREAKAGES],
)
def test_each_check_fails_on_a_template_broken_as_it_guards_against(
    template: dict[str, Any], breakage: Breakage, check: Callable[[dict[str, Any]], None]
) -> None:
    check(template)
    broken = copy.deepcopy(template)
    breakage(broken)
    with pytest.raises(AssertionError):
        check(broken)
