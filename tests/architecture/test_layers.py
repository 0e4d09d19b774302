"""Dependencies point one way: core <- domains <- portfolio <- governance <- the top (web, reporting,
exchange, demo). A module may import its own app and the apps below it, never one above; `config` wires
everything and may import anything. Imports inside functions count too: a lazy import upward is
still a dependency upward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Layer of each app: an app may import apps of a lower or equal number (equal only for itself).
LAYERS = {"core": 0, "domains": 1, "portfolio": 2, "governance": 3, "web": 4, "reporting": 4, "exchange": 4, "demo": 5}


def _imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            else:
                names.add(node.module)
    return names


def _files_of(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def _upward_imports(app: str) -> list[str]:
    found = []
    for path in _files_of(app):
        for module in sorted(_imported_modules(path)):
            other = module.split(".")[0]
            if other in LAYERS and other != app and LAYERS[other] >= LAYERS[app]:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("app", [app for app in LAYERS if (ROOT / app).is_dir()])
def test_no_app_imports_an_app_above_it(app):
    assert _upward_imports(app) == []


def test_every_project_app_has_a_layer():
    from django.conf import settings

    project_apps = {name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()}
    assert project_apps <= set(LAYERS)


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    # A file of domains that imports governance, lazily, inside a function.
    app = tmp_path / "domains"
    app.mkdir()
    (app / "sneaky.py").write_text("def f():\n    from governance.selectors import committee_for\n")
    (app / "fine.py").write_text("from core.models import TimeStampedModel\nfrom .models import UseCase\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert _upward_imports("domains") == ["domains/sneaky.py imports governance.selectors"]
