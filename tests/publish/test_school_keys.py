"""A school's public key is checked before anything is built under it.

The key is the unguessable part of a screen's URL and the folder of everything
the school publishes. One set with plain SQL (or by another application) that is
empty, short or not URL-safe fails that school alone, and nothing is written.
"""

from __future__ import annotations

import pytest
from schools import riyadh_school, save
from sqlalchemy import text
from store_checks import files

from publisher.db import transaction

BAD_KEYS = {
    "empty": "",
    "under 128 bits": "abcdefghijklmnopqrstu",  # 21 characters
    "a slash": "abcdefghijk/mnopqrstuvwxyz",
    "dot dot": "../abcdefghijklmnopqrstuvwxyz",
    "dots inside": "abcdefghijk..nopqrstuvwxyz",
    "a space": "abcdefghijk mnopqrstuvwxyz",
    "not ASCII": "مفتاحمفتاحمفتاحمفتاحمفتاح",
}


@pytest.mark.parametrize("bad_key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_a_malformed_key_fails_its_school_alone_and_nothing_is_written_under_it(
    cli, sessions, tmp_path, bad_key
):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    with transaction(sessions) as session:
        session.execute(
            text("UPDATE schools SET public_key = :key WHERE slug = 'beta'"), {"key": bad_key}
        )
        alpha = session.execute(
            text("SELECT public_key FROM schools WHERE slug = 'alpha'")
        ).scalar()

    result = cli("publish", "--all")

    assert result.exit_code == 1, result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error.startswith("Error: school beta: public key is not 22 to 64 URL-safe characters")
    assert "1 published, 0 unchanged, 1 failed" in result.stderr
    schools = [f for f in files(tmp_path) if "schools" in f]
    assert schools and all(f.startswith(f"public/schools/{alpha}/") for f in schools)


def test_a_dry_run_names_the_school_with_a_malformed_key(cli, sessions):
    save(sessions, riyadh_school("alpha"))
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET public_key = 'short'"))

    result = cli("publish", "--all", "--dry-run")

    assert result.exit_code == 1, result.output
    assert "school alpha: public key is not 22 to 64 URL-safe characters" in result.output
