"""Reading a metrics file as Prometheus would (`--metrics-file`), for the tests of
`publish` and `watch`."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families


def read_metrics(path: Path) -> dict[str, float]:
    """The file's samples by name (the summary's quantile as `name{quantile}`), after
    checking what the text format and the collector ask: every family documented and
    typed, every sample labelled with its target and the command that wrote it, and
    nothing else."""
    metrics: dict[str, float] = {}
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        assert family.name.startswith("publisher_")
        assert family.documentation and family.type in {"gauge", "summary"}, family.name
        for sample in family.samples:
            assert sample.labels.pop("target")
            assert sample.labels.pop("command") in {"publish", "watch"}
            quantile = sample.labels.pop("quantile", None)
            assert sample.labels == {}
            metrics[sample.name + (f"{{{quantile}}}" if quantile else "")] = sample.value
    return metrics
