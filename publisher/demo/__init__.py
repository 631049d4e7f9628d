"""Realistic demo schools for trying the publisher out and for benchmarks, as `SchoolData` values.

Pure: the caller passes `today`; the same arguments always give equal values.
"""

from publisher.demo.schools import (
    DEFAULT_SCHOOLS,
    NAMED_OUTLINES,
    SchoolOutline,
    build_school,
    demo_school,
    demo_schools,
    generated_outline,
    school_outline,
)

__all__ = [
    "DEFAULT_SCHOOLS",
    "NAMED_OUTLINES",
    "SchoolOutline",
    "build_school",
    "demo_school",
    "demo_schools",
    "generated_outline",
    "school_outline",
]
