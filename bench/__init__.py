"""Benchmarks of the publisher, the watcher and the display page under load.

Each script runs as a module from the top of the checkout (`python -m bench.publish_local
--help`), so it imports the installed package `publisher`, its sibling modules as
`bench.x`, and the helpers it shares with the tests from `testsupport`. See README.md.
"""
