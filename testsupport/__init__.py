"""Helpers that the tests and the benchmarks both use; not part of the shipped package.

- `s3_server`: moto's S3 on a real socket, a fresh bucket, and a fault proxy (with pytest
  fixtures to import into a test module);
- `edge`: Debian's nginx running the shipped edge configuration in front of a store;
- `wait`: polling a condition until it holds.

The folder sits at the top of the checkout, beside `publisher/`, and is imported as
`testsupport.x`: pytest puts the checkout on `sys.path` (`pythonpath` in pyproject.toml),
and the benchmarks run as modules from the checkout (`python -m bench.x`). The wheel
carries only `publisher` (pyproject.toml's `packages.find`), so none of this ships.
Helpers only the tests use (`schools`, `store_checks`, `page_server`) stay in tests/.
"""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
"""The checkout's root, for tests that read its files (examples, docs, templates)."""
