"""Several publishers at once, as real processes against moto's S3 (invariant 8).

Two `publish --all` started together share the schools between them, each
school published by exactly one; a SIGTERM ends a run cleanly and the next run
completes the rest. Every manifest in the bucket names only stored files.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter

from schools import riyadh_school, save
from store_checks import PREFIX, checked_manifests, wait_for_puts

from testsupport import CHECKOUT
from testsupport.s3_server import (  # noqa: F401  (the fixtures register by being imported)
    Bucket,
    aws_env_fixture,
    bucket_fixture,
    moto_server_fixture,
    proxy_fixture,
)

REPO = CHECKOUT
DAYS = 2
PER_SCHOOL = (
    DAYS + 1
) + 3  # day files (the window holds one more than DAYS), manifest, page, alert


def command_env(database_url: str, bucket: Bucket, endpoint: str) -> dict[str, str]:
    return {
        **os.environ,
        "PUBLISHER_DATABASE_URL": database_url,
        "PUBLISHER_TARGET": bucket.target(PREFIX),
        "PUBLISHER_ENDPOINT_URL": endpoint,
        "PUBLISHER_DAYS": str(DAYS),
    }


def start_publish(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "cli.py", "publish", "--all", "--json", "--concurrency", "4"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finished(process: subprocess.Popen[bytes]) -> tuple[int, dict, str]:
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, json.loads(stdout or b"{}"), stderr.decode()


def test_two_publish_all_started_together_publish_each_school_exactly_once(
    database_url, sessions, aws_env, bucket, proxy
):
    schools = 200
    save(sessions, *[riyadh_school(f"s{i:03}") for i in range(schools)])
    env = command_env(database_url, bucket, proxy.url)

    first, second = start_publish(env), start_publish(env)
    (code1, one, err1), (code2, two, err2) = finished(first), finished(second)

    assert (code1, code2) == (0, 0), err1 + err2
    assert not set(one["published"]) & set(two["published"])
    assert len(one["published"]) + len(two["published"]) == schools
    assert one["failed"] == two["failed"] == []
    manifest_puts = Counter(e.path for e in proxy.puts("/manifest.json") if e.status == 200)
    assert len(manifest_puts) == schools and set(manifest_puts.values()) == {1}
    school_puts = [e for e in proxy.puts("/schools/") if e.status == 200]
    assert len(school_puts) == schools * PER_SCHOOL  # nothing written twice
    assert checked_manifests(bucket) == schools


def test_sigterm_ends_a_run_cleanly_and_the_next_run_completes_the_rest(
    database_url, sessions, aws_env, bucket, proxy
):
    schools = 40
    save(sessions, *[riyadh_school(f"s{i:03}") for i in range(schools)])
    env = command_env(database_url, bucket, proxy.url)

    process = start_publish(env)
    wait_for_puts(proxy, PER_SCHOOL * 3, process)
    process.send_signal(signal.SIGTERM)
    code, summary, stderr = finished(process)

    assert code == 0, stderr
    assert "SIGTERM: finishing the schools under way, then stopping" in stderr
    done = len(summary["published"])
    assert 0 < done < schools and summary["counts"]["stopped"] == schools - done
    assert checked_manifests(bucket) == done

    code, rest, stderr = finished(start_publish(env))
    assert code == 0, stderr
    assert len(rest["published"]) == schools - done and rest["counts"]["stopped"] == 0
    assert checked_manifests(bucket) == schools
