"""A normal install works: the wheel and the sdist carry the whole package, display page included.

The other tests import the package from the checkout, where every file is at
hand whatever the packaging says. Here the sdist and the wheel are built from a
copy of the checkout (a build writes `build/` and `*.egg-info` next to the
sources; the copy keeps them out of the checkout and apart from any other test
run), the wheel is installed into a fresh virtual environment (its dependencies
come from PyPI, through pip's cache), and the installed `publisher` runs from a
folder outside the checkout with no PYTHONPATH. What it publishes must be a
complete tree: every page, service worker and asset a screen will ask for.
It takes a minute or two and needs PyPI, as the test command of CI does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from publisher import __version__
from testsupport import CHECKOUT

ROOT = CHECKOUT
SITE = ROOT / "publisher" / "site"
PAGE_FILES = sorted(
    f"publisher/site/{path.relative_to(SITE).as_posix()}"
    for path in SITE.rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)
ASSET_FOLDERS = ("js", "css", "fonts")
BUILD_TIMEOUT = 600
INSTALL_TIMEOUT = 900  # dependencies may have to come from PyPI
RUN_TIMEOUT = 300

LEFT_OUT_ANYWHERE = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
LEFT_OUT_AT_THE_TOP = {".git", ".venv", "build", "dist", "public"}
"""Not sources: caches, environments and earlier outputs of a checkout (`build/` only at the
top: publisher/build/ is a package)."""


def _left_out(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {
        name
        for name in names
        if name in LEFT_OUT_ANYWHERE
        or name.endswith((".egg-info", ".db"))
        or (top and name in LEFT_OUT_AT_THE_TOP)
    }


def run(*command: str | Path, timeout: float, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a command; a failure shows its output, which is what anyone would look at first."""
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, command))} exited {done.returncode}\n"
        f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"
    )
    return done


def _clean_environment() -> dict[str, str]:
    """This environment without what points Python at the checkout or the publisher at a store."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
        and not name.startswith("PUBLISHER_")
    }
    return env | {
        "PYTHONNOUSERSITE": "1",
        "PIP_NO_INPUT": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path  # built from the sdist, as `python -m build` (and so PyPI) does
    tree_wheel: Path  # built straight from the sources, as `pip install .` does


@dataclass(frozen=True)
class Installed:
    bin: Path  # the fresh environment's scripts: python, pip, publisher
    work: Path  # a working folder outside the checkout
    env: dict[str, str]

    def run(self, *command: str | Path) -> subprocess.CompletedProcess[str]:
        return run(*command, timeout=RUN_TIMEOUT, cwd=self.work, env=self.env)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This module's own folder; the environment in it is large, so it goes at the end."""
    folder = tmp_path_factory.mktemp("install")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def built(scratch: Path) -> Built:
    sources = scratch / "sources"
    shutil.copytree(ROOT, sources, ignore=_left_out, symlinks=True)
    dist, tree = scratch / "dist", scratch / "tree"
    env = _clean_environment()
    run(sys.executable, "-m", "build", "--outdir", dist, sources, timeout=BUILD_TIMEOUT, env=env)
    pip_wheel = (sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir")
    run(*pip_wheel, tree, sources, timeout=BUILD_TIMEOUT, env=env)
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    (tree_wheel,) = tree.glob("*.whl")
    return Built(sdist, wheel, tree_wheel)


@pytest.fixture(scope="module")
def installed(built: Built, scratch: Path) -> Installed:
    venv, work = scratch / "venv", scratch / "work"
    work.mkdir()
    env = _clean_environment() | {
        "PUBLISHER_DATABASE_URL": f"sqlite:///{work / 'publisher.db'}",
        "PUBLISHER_TARGET": f"file://{work / 'public'}",
    }
    run(sys.executable, "-m", "venv", venv, timeout=BUILD_TIMEOUT, env=env)
    pip_install = (venv / "bin" / "python", "-m", "pip", "install")
    run(*pip_install, built.wheel, timeout=INSTALL_TIMEOUT, cwd=work, env=env)
    return Installed(venv / "bin", work, env)


# -- What the archives hold -----------------------------------------------------------------------


def test_the_wheel_holds_every_page_file_the_license_and_the_module_entry(built: Built):
    names = set(zipfile.ZipFile(built.wheel).namelist())
    assert set(PAGE_FILES) <= names, f"missing: {sorted(set(PAGE_FILES) - names)}"
    assert "publisher/__main__.py" in names
    dist_info = f"school_snapshot_publisher-{__version__}.dist-info"
    assert f"{dist_info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(built.wheel).read(f"{dist_info}/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata


def test_the_sdist_holds_every_page_file_and_the_license(built: Built):
    with tarfile.open(built.sdist) as sdist:
        top = f"school_snapshot_publisher-{__version__}/"
        names = {name.removeprefix(top) for name in sdist.getnames()}
    assert set(PAGE_FILES) <= names, f"missing: {sorted(set(PAGE_FILES) - names)}"
    assert {"LICENSE", "pyproject.toml", "README.md"} <= names


def test_a_wheel_built_from_the_checkout_equals_one_built_from_the_sdist(built: Built):
    assert sorted(zipfile.ZipFile(built.tree_wheel).namelist()) == sorted(
        zipfile.ZipFile(built.wheel).namelist()
    )


# -- What the installed package does -------------------------------------------------------------


def test_the_installed_package_is_the_one_that_runs(installed: Installed):
    where = installed.run(
        installed.bin / "python", "-c", "import publisher; print(publisher.__file__)"
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.bin.parent)
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)


def test_python_m_publisher_prints_the_one_version(installed: Installed):
    assert installed.run(installed.bin / "python", "-m", "publisher", "--version").stdout == (
        f"publisher, version {__version__}\n"
    )
    metadata = installed.run(
        installed.bin / "python",
        "-c",
        "from importlib.metadata import version; print(version('school-snapshot-publisher'))",
    )
    assert metadata.stdout.strip() == __version__


def test_the_installed_publisher_publishes_a_complete_tree_from_any_folder(installed: Installed):
    publisher = installed.bin / "publisher"
    installed.run(publisher, "demo")
    installed.run(publisher, "publish", "--all")
    installed.run(publisher, "verify")

    public = installed.work / "public"
    pages = sorted(public.glob("schools/*/index.html"))
    assert len(pages) == 4, "the demo's four schools"
    assert (public / "sw.js").is_file()
    named = set(_named_by_service_worker(public))
    for page in pages:
        assert (page.parent / "manifest.json").is_file()
        named |= _named_by_page(public, page)
    missing = sorted(path for path in named if not (public / path).is_file())
    assert not missing, f"named but not published: {missing}"

    (build,) = (public / "assets").iterdir()
    published = sorted(p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file())
    assert published == sorted(
        path.removeprefix("publisher/site/")
        for path in PAGE_FILES
        if path.removeprefix("publisher/site/").startswith(ASSET_FOLDERS)
    )
    assert f"assets/{build.name}/js/main.js" in named


# -- Reading what a screen will ask for ----------------------------------------------------------

ORIGIN = "https://screens.test/"
JS_IMPORT = re.compile(
    r"""^\s*(?:(?:import|export)\s[^;"'()]*?\bfrom\s*|import\s*)["']([^"']+)["']""", re.M
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")
SW_ASSET = re.compile(r'"(assets/[0-9a-f]+/[^"]+)"')


class _References(HTMLParser):
    """The src and href of a page's elements (scripts, stylesheets, preloaded fonts)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def _named_by_page(public: Path, page: Path) -> set[str]:
    """Every published path the page loads: its assets, their ES-module imports, CSS urls."""
    parser = _References()
    parser.feed(page.read_text(encoding="utf-8"))
    page_url = ORIGIN + page.relative_to(public).as_posix()
    to_read = [urljoin(page_url, url) for url in parser.urls if not url.startswith("data:")]
    named: set[str] = set()
    while to_read:
        url = to_read.pop()
        assert url.startswith(ORIGIN), f"{page}: {url} leaves the published tree"
        path = urlsplit(url).path.removeprefix("/")
        if path in named:
            continue
        named.add(path)
        references = {".js": JS_IMPORT, ".css": CSS_URL}.get(Path(path).suffix)
        if references and (public / path).is_file():
            text = (public / path).read_text(encoding="utf-8")
            to_read += [urljoin(url, found) for found in references.findall(text)]
    assert any(path.endswith(".woff2") for path in named), "no font reached from the page"
    return named


def _named_by_service_worker(public: Path) -> list[str]:
    """The assets sw.js precaches: a missing one would fail its install."""
    names = SW_ASSET.findall((public / "sw.js").read_text(encoding="utf-8"))
    assert names, "sw.js precaches nothing"
    return names
