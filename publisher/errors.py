"""The few exceptions people read: each carries one line naming what is wrong.

The command line maps them to exit codes: `ConfigError` is bad usage or
configuration (exit 2); the others concern one school or one file and only make
the run as a whole exit 1 while everything else goes ahead.
"""

from __future__ import annotations


class PublisherError(Exception):
    """Base class: `str(error)` is the one line shown to the user."""


class ConfigError(PublisherError):
    """Bad usage or configuration: unknown school, unreadable database URL, unreachable target."""


class ValidationError(PublisherError):
    """A document or a school's data is invalid; the message names the file or school and field."""


class BuildError(PublisherError):
    """A school's rows cannot be turned into day snapshots."""


class StoreError(PublisherError):
    """The target store refused or failed a read or a write."""
