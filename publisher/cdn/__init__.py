"""The CDNs in front of the store: telling them that mutable objects changed.

`cloudfront.py` sends one CloudFront invalidation per run; `edges.py` refreshes
self-hosted nginx edges. `CdnTargets` does whichever are configured and reports
what it did as a `CdnReport`; the command line and `watch` need nothing else.
"""

from __future__ import annotations

from publisher.cdn.cloudfront import CdnReport, CdnTargets, InvalidationError
from publisher.cdn.edges import check_edge_url

__all__ = ["CdnReport", "CdnTargets", "InvalidationError", "check_edge_url"]
