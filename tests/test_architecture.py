"""The architecture, checked: the layer contract holds and the pure modules never reach Django.

The layers and the list of pure modules are declared once, in pyproject.toml
([tool.importlinter]); `lint-imports` checks both in lint and here. A pure module is one whose
docstring says so ("Pure module", "pure: no Django", "No Django here"); every such module must
be in the list, and none may import Django, directly or through anything it imports (on the
static import graph, so an import inside a function counts too, and by importing them all in a
fresh interpreter).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

PYPROJECT = SRC.parent / "pyproject.toml"
IMPORTLINTER = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
# The one list of pure modules is the import-linter contract that forbids them Django.
PURE_MODULES = next(
    c["source_modules"]
    for c in IMPORTLINTER["contracts"]
    if c.get("forbidden_modules") == ["django"]
)

PURE_CLAIM = re.compile(r"pure module|pure: no django|no django", re.IGNORECASE)


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _env() -> dict[str, str]:
    """This tree's sources first, as in the test run itself."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("zerocrop", include_external_packages=True)


def test_every_module_that_claims_purity_is_listed() -> None:
    claimed = set()
    for path in (SRC / "zerocrop").rglob("*.py"):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if PURE_CLAIM.search(docstring):
            claimed.add(_module_name(path))
    assert claimed - set(PURE_MODULES) == set(), "add these to PURE_MODULES"


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_reaches_no_django(graph: grimp.ImportGraph, module: str) -> None:
    assert module in graph.modules
    chain = graph.find_shortest_chain(importer=module, imported="django")
    assert chain is None, " → ".join(chain or ())


def test_pure_modules_import_without_django_at_run_time() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {PURE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded[:5]\n"
    )
    env = _env()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, env=env)


def test_the_layer_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=SRC.parent,
        env=_env(),
    )
    assert result.returncode == 0, result.stdout[-3000:]
