"""CloudFront invalidation, and `CdnTargets`: every CDN a run must tell what changed.

For CloudFront: one invalidation per run, naming only the mutable paths that
were rewritten (manifests, pages), never `/*`: immutable day files are new keys
and need none. For self-hosted nginx edges: one refresh per rewritten object
and edge (`edges.py`). `CdnTargets` does whichever are configured, so an
admin's republish shows at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from publisher.cdn.edges import EdgeRefreshError, refresh_edges
from publisher.errors import PublisherError, mask_userinfo
from publisher.retry import CLOUDFRONT_ATTEMPTS, botocore_retries

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
    import boto3  # here: a run that tells no CloudFront distribution never loads it
    from botocore.config import Config

    config = Config(retries=botocore_retries(CLOUDFRONT_ATTEMPTS))  # see publisher.retry
    return boto3.session.Session().client("cloudfront", endpoint_url=endpoint_url, config=config)


def invalidate(client: Any, distribution_id: str, paths: Sequence[str]) -> str:
    """Send one invalidation; returns its id."""
    from botocore.exceptions import BotoCoreError, ClientError

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


@dataclass(frozen=True)
class CdnReport:
    """What one `CdnTargets.tell` did."""

    invalidation: str | None  # the CloudFront invalidation's id
    edges: tuple[str, ...]  # the edges refreshed
    objects: int

    def describe(self) -> str:
        done = []
        if self.invalidation:
            done.append(f"CloudFront invalidation {self.invalidation}")
        if self.edges:
            done.append(f"{len(self.edges)} edge{'s' if len(self.edges) > 1 else ''} refreshed")
        objects = f"{self.objects} rewritten object{'s' if self.objects != 1 else ''}"
        return f"{' and '.join(done)} for {objects}"


@dataclass(frozen=True)
class CdnTargets:
    """The CDNs that must forget rewritten manifests and pages: a CloudFront
    distribution, nginx edges (`--refresh-edge`), or both."""

    distribution_id: str | None = None
    edge_urls: tuple[str, ...] = ()
    prefix: str = ""  # the target's prefix, which CloudFront paths include
    endpoint_url: str | None = None

    def __bool__(self) -> bool:
        return bool(self.distribution_id or self.edge_urls)

    def tell(self, keys: Sequence[str]) -> CdnReport:
        """Invalidate and refresh `keys` everywhere configured.

        Every target is tried; one failing raises an InvalidationError naming
        each failure (the objects themselves are published either way).
        """
        invalidation, problems = None, []
        if self.distribution_id:
            paths = invalidation_paths(keys, self.prefix)
            try:
                client = cloudfront_client(self.endpoint_url)
                invalidation = invalidate(client, self.distribution_id, paths)
            except InvalidationError as error:
                problems.append(str(error))
        if self.edge_urls:
            try:
                refresh_edges(self.edge_urls, keys)
            except EdgeRefreshError as error:
                problems.append(str(error))
        if problems:
            raise InvalidationError("; ".join(problems))
        # Shown in `--json` summaries and log lines: without any password.
        edges = tuple(mask_userinfo(url) for url in self.edge_urls)
        return CdnReport(invalidation, edges, len(set(keys)))
