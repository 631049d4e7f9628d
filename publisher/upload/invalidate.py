"""Telling CloudFront that mutable objects changed, so an admin's republish shows at once.

One invalidation per run, naming only the mutable paths that were rewritten
(manifests, pages), never `/*`: immutable day files are new keys and need none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from publisher.errors import PublisherError

MAX_PATHS = 3000
"""CloudFront accepts at most this many paths in progress; past it, one wildcard per prefix."""


class InvalidationError(PublisherError):
    """The CDN did not accept the invalidation (the objects themselves are published)."""


def invalidation_paths(keys: Sequence[str], prefix: str) -> list[str]:
    """CDN paths for changed mutable keys under the target's `prefix` (sorted, unique).

    More paths than CloudFront takes at once become one wildcard over the
    schools' folder: still not `/*`, and cheaper than many batches.
    """
    paths = sorted({f"/{prefix}{key}" for key in keys})
    if len(paths) > MAX_PATHS:
        return [f"/{prefix}schools/*"]
    return paths


def cloudfront_client(endpoint_url: str | None = None) -> Any:
    # Standard retry mode retries throttling (TooManyInvalidationsInProgress is not
    # retryable: it is reported) with exponential backoff and jitter.
    config = Config(retries={"mode": "standard", "max_attempts": 8})
    return boto3.session.Session().client("cloudfront", endpoint_url=endpoint_url, config=config)


def invalidate(client: Any, distribution_id: str, paths: Sequence[str]) -> str:
    """Send one invalidation; returns its id."""
    try:
        response = client.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": f"publisher-{uuid.uuid4()}",
            },
        )
    except ClientError as error:
        details = error.response.get("Error", {})
        raise InvalidationError(
            f"CloudFront distribution {distribution_id}: "
            f"{details.get('Code', 'error')} {details.get('Message', '')}".strip()
        ) from None
    except BotoCoreError as error:
        raise InvalidationError(f"CloudFront distribution {distribution_id}: {error}") from None
    return str(response["Invalidation"]["Id"])
