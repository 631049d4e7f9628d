"""`publisher watch` as a real process, for tests that run it beside their own edits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from testsupport import CHECKOUT


def start_watch(
    database_url: str, target: str, *options: str, endpoint: str | None = None
) -> subprocess.Popen[bytes]:
    """Starts `publisher watch` (two days, JSON logs) on the database and target."""
    env = {
        **os.environ,
        "PUBLISHER_DATABASE_URL": database_url,
        "PUBLISHER_TARGET": target,
        "PUBLISHER_DAYS": "2",
    }
    if endpoint:
        env["PUBLISHER_ENDPOINT_URL"] = endpoint
    return subprocess.Popen(
        [sys.executable, "cli.py", "watch", "--log-format", "json", *options],
        cwd=CHECKOUT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stop(process: subprocess.Popen[bytes]) -> tuple[int, list[dict]]:
    """Stops the watcher as cron or systemd would (SIGTERM); its exit code and log lines."""
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    return process.returncode, lines
