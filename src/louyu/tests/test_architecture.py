"""The layer picture (STYLE.md, docs/architecture.md) holds: no app reaches an app above
it or beside it, through Python imports (import-linter's contract in pyproject.toml), nor
through what import-linter cannot see: templates (``extends``, ``include``, ``load``),
``apps.get_model("app.Model")`` and ``import_module("louyu.app...")`` strings."""

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]  # src/louyu
REPO = ROOT.parents[1]

# Rank of each app; a higher rank may use a lower one, equal ranks may not use each other.
RANKS = {
    "core": 0,
    "search": 0.5,
    "buildings": 1,
    "complaints": 2,
    "cases": 3,
    "workplans": 3,
    "inspections": 4,
    "reporting": 5,
    "articles": 5,
    "library": 6,
    "api": 7,
    "web": 7,
    "demo": 7,
}
# The shared presentation every app's pages build on: web's templates and template tags.
SHARED_PRESENTATION = "web"


def _app_of(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _templates() -> dict[str, str]:
    """Template name → owning app."""
    owners = {}
    for path in ROOT.glob("*/templates/**/*.html"):
        app = _app_of(path)
        owners[path.relative_to(ROOT / app / "templates").as_posix()] = app
    return owners


def _tag_libraries() -> dict[str, str]:
    return {path.stem: _app_of(path) for path in ROOT.glob("*/templatetags/*.py")}


def _allowed(user: str, used: str) -> bool:
    if used == user or used == SHARED_PRESENTATION:
        return True
    return RANKS[used] < RANKS[user]


def test_python_imports_point_down():
    result = subprocess.run(
        [pathlib.Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def template_violations() -> list[str]:
    owners, libraries = _templates(), _tag_libraries()
    found = []
    for path in ROOT.glob("*/templates/**/*.html"):
        app = _app_of(path)
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r'{%\s*(?:extends|include)\s+"([^"]+)"', text):
            owner = owners.get(name)
            if owner is not None and not _allowed(app, owner):
                found.append(f"{path.relative_to(ROOT)} uses {owner}'s template {name}")
        for group in re.findall(r"{%\s*load\s+([\w ]+?)\s*%}", text):
            for library in group.split():
                owner = libraries.get(library)
                if owner is not None and not _allowed(app, owner):
                    found.append(f"{path.relative_to(ROOT)} loads {owner}'s tags {library}")
    return found


def string_reference_violations() -> list[str]:
    found = []
    pattern = re.compile(r"""(?:get_model\(\s*["'](\w+)\.|import_module\(\s*["']louyu\.(\w+))""")
    for path in ROOT.glob("*/**/*.py"):
        if "migrations" in path.parts:
            continue  # migrations name their dependencies' models by design
        app = _app_of(path)
        if app not in RANKS:
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            used = match.group(1) or match.group(2)
            if used in RANKS and not _allowed(app, used):
                found.append(f"{path.relative_to(ROOT)} reaches {used} by name")
    return found


def test_templates_point_down():
    assert template_violations() == []


def test_no_app_reaches_above_it_by_name():
    assert string_reference_violations() == []


def test_every_app_has_a_rank():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(RANKS), f"add {sorted(apps - set(RANKS))} to RANKS and to pyproject.toml"


@pytest.mark.parametrize(
    ("snippet", "where", "check"),
    [
        ('{% include "cases/_files.html" %}', "buildings/templates/buildings/_probe.html", "t"),
        ('{% extends "complaints/detail.html" %}', "core/templates/core/_probe.html", "t"),
        ('apps.get_model("cases.Case")\n', "complaints/_probe.py", "s"),
        ('importlib.import_module("louyu.workplans.views")\n', "cases/_probe.py", "s"),
    ],
)
def test_the_checks_catch_an_upward_reference(snippet, where, check):
    """Each check fails on a reference that goes up or sideways (written, then removed)."""
    path = ROOT / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(snippet, encoding="utf-8")
    try:
        found = template_violations() if check == "t" else string_reference_violations()
        assert any(where.split("/")[0] in v for v in found)
    finally:
        path.unlink()
