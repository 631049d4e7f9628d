"""The layout's rules: all SQL lives behind `publisher/db/`; the publish room is used
through the names its package exports.

Outside `publisher/db/`, a module of the package
- never imports `publisher.db.models`, nor a model class through `publisher.db`
  (`from publisher.db import School`): it calls a function of `publisher.db`,
  which hands back plain values;
- imports from SQLAlchemy only the type names of a session
  (`from sqlalchemy.orm import Session, sessionmaker`: sessions are passed down
  from the command line) and its exception classes (`from sqlalchemy.exc import
  ...`: a database fault is caught where it is reported). Nothing else: no
  `select`, no `text`, no `inspect`, no `make_url`, no `import sqlalchemy`.

So a query, a statement or a question about a database URL has one place to
live. Tests may use the models to set up data. docs/architecture.md states the
same rule.

Outside `publisher/publish/`, a module of the package imports the publish room
as `from publisher.publish import ...`, never from a module inside it
(`publisher.publish.run`, ...): `publisher/publish/__init__.py` lists what the
room offers on purpose, and its modules may be re-cut without touching the
other rooms. Tests may reach inside, to test a module on its own.

The tests mirror the rooms: each folder of `tests/` is named after a package of
`publisher/`, or after a folder of the checkout beside it (`tests/infra/` tests
`infra/`); the tests of top-level modules, and of the project as a whole, sit in
`tests/` itself, and no test module imports another: what tests share lives
in `tests/`'s helper modules or in `testsupport/`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from testsupport import CHECKOUT

PACKAGE = CHECKOUT / "publisher"
DB = PACKAGE / "db"
PUBLISH = PACKAGE / "publish"
SESSION_TYPES = frozenset({"Session", "sessionmaker"})


def model_names() -> frozenset[str]:
    """The classes `publisher/db/models.py` defines."""
    tree = ast.parse((DB / "models.py").read_text(encoding="utf-8"))
    return frozenset(node.name for node in tree.body if isinstance(node, ast.ClassDef))


def violations(source: str, models: frozenset[str]) -> Iterator[str]:
    """Each import in `source` that breaks the rule, as `line: what`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _allowed(alias.name, frozenset(), models):
                    yield f"{node.lineno}: import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names = frozenset(alias.name for alias in node.names)
            if not _allowed(node.module, names, models):
                yield f"{node.lineno}: from {node.module} import {', '.join(sorted(names))}"


def _allowed(module: str, names: frozenset[str], models: frozenset[str]) -> bool:
    """Whether importing `names` from `module` (none: the module itself) keeps the rule."""
    if module == "publisher.db.models":
        return False
    if module == "publisher.db":
        return not names & (models | {"models"})
    if module == "sqlalchemy.orm":
        return bool(names) and names <= SESSION_TYPES
    if module == "sqlalchemy.exc":
        return bool(names)
    return module != "sqlalchemy" and not module.startswith("sqlalchemy.")


def modules_outside_db() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if DB not in p.parents)


def test_no_module_outside_db_queries_the_database() -> None:
    models = model_names()
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{problem}"
        for path in modules_outside_db()
        for problem in violations(path.read_text(encoding="utf-8"), models)
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from publisher.db.models import School",
        "import publisher.db.models",
        "from publisher.db import School, transaction",
        "from publisher.db import models",
        "from sqlalchemy import select",
        "from sqlalchemy.orm import Session, joinedload",
        "from sqlalchemy.engine import make_url",
        "import sqlalchemy",
        "def f():\n    from sqlalchemy import text\n",
    ],
    ids=[
        "models module",
        "import models module",
        "model through db",
        "models through db",
        "select",
        "orm beyond session types",
        "engine helpers",
        "whole library",
        "inside a function",
    ],
)
def test_the_rule_catches(source: str) -> None:
    assert list(violations(source, model_names()))


@pytest.mark.parametrize(
    "source",
    [
        "from publisher.db import transaction",
        "from publisher.db.records import changed_school_ids",
        "from sqlalchemy.orm import Session, sessionmaker",
        "from sqlalchemy.exc import SQLAlchemyError",
    ],
    ids=["transaction", "a db function", "session types", "exceptions"],
)
def test_the_rule_allows(source: str) -> None:
    assert not list(violations(source, model_names()))


def inside_publish(source: str) -> Iterator[str]:
    """Each import in `source` of a module inside the publish room, as `line: what`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            modules = [node.module]
        else:
            continue
        for module in modules:
            if module.startswith("publisher.publish."):
                yield f"{node.lineno}: {module}"


def test_other_rooms_use_the_publish_room_through_its_package() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{problem}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if PUBLISH not in path.parents
        for problem in inside_publish(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from publisher.publish.run import publish", True),
        ("import publisher.publish.plan", True),
        ("def f():\n    from publisher.publish.apply import apply_writes\n", True),
        ("from publisher.publish import publish", False),
        ("from publisher.publisher_tools import x", False),
    ],
    ids=["from a module", "import a module", "inside a function", "the package", "a namesake"],
)
def test_the_publish_rule(source: str, caught: bool) -> None:
    assert bool(list(inside_publish(source))) == caught


def test_each_test_folder_is_named_after_a_room_of_the_package() -> None:
    rooms = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    rooms |= {"infra"}  # the deployment files beside the package
    folders = {
        path.name
        for path in (CHECKOUT / "tests").iterdir()
        if path.is_dir() and path.name not in {"data", "__pycache__"}
    }
    assert folders, "the tests sit in folders named after the rooms"
    assert folders <= rooms, f"test folders with no room: {sorted(folders - rooms)}"


def test_no_test_module_imports_another() -> None:
    tests = sorted((CHECKOUT / "tests").rglob("test_*.py"))
    names = {path.stem for path in tests}
    found = [
        f"{path.relative_to(CHECKOUT)}: {module}"
        for path in tests
        for module in _imported_modules(path.read_text(encoding="utf-8"))
        if module.split(".")[0] in names
    ]
    assert not found, "\n".join(found)


def _imported_modules(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and not node.level:
            yield node.module
