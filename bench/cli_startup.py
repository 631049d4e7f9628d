"""Benchmark: how long the command line takes to answer `--help` and `--version`.

    python -m bench.cli_startup [--runs 15]

Each command runs `--runs` times, each time in a fresh process with its output
discarded, after one untimed run that warms the file cache; the table gives the
median and the best wall-clock time, and the median less that of `python -c pass`
(the interpreter's own start-up, the floor any command pays). Beside the
publisher's help, for comparison: the start-up alone, and an interpreter that
imports boto3 and SQLAlchemy, what every command paid before they were imported
only by the commands that use them.

The publisher runs as `python -m publisher` from the checkout; the `publisher`
script installed beside this interpreter, when there is one, gets a row too.
The machine's load average is printed before and after: on a busy machine every
figure grows, start-up most.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PYTHON = sys.executable
BASELINE = "python -c pass"


def commands() -> list[tuple[str, list[str]]]:
    """What to time: a label as the table shows it, and the command line."""
    found = [
        (BASELINE, [PYTHON, "-c", "pass"]),
        ('python -c "import boto3, sqlalchemy"', [PYTHON, "-c", "import boto3, sqlalchemy"]),
        ("python -m publisher --help", [PYTHON, "-m", "publisher", "--help"]),
        ("python -m publisher --version", [PYTHON, "-m", "publisher", "--version"]),
        ("python -m publisher publish --help", [PYTHON, "-m", "publisher", "publish", "--help"]),
    ]
    script = shutil.which("publisher", path=str(Path(PYTHON).parent))
    if script is not None:
        found.append(("publisher --help (installed script)", [script, "--help"]))
    return found


def run_once(command: list[str]) -> float:
    """Seconds from starting `command` in a fresh process to its exit; stops on failure."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """The median and the best of `runs` times, after one untimed run."""
    run_once(command)
    times = [run_once(command) for _ in range(runs)]
    return statistics.median(times), min(times)


def load() -> str:
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command")
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs each")
    print(f"load average (1, 5, 15 min) before: {load()}")
    rows = [(label, *timed(command, args.runs)) for label, command in commands()]
    print(f"load average (1, 5, 15 min) after: {load()}\n")

    floor = next(median for label, median, _best in rows if label == BASELINE)
    print("| command | median s | best s | median over `python -c pass` s |")
    print("|---|---:|---:|---:|")
    for label, median, best in rows:
        over = "-" if label == BASELINE else f"{median - floor:.3f}"
        print(f"| `{label}` | {median:.3f} | {best:.3f} | {over} |")


if __name__ == "__main__":
    main()
