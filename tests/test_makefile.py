"""`make run` works with whichever Python 3.10-3.13 the machine has, and says which URL it serves."""

import os
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fake_python(directory: Path, name: str, exit_code: int) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _chosen(path: Path) -> str:
    env = {**os.environ, "PATH": f"{path}:/usr/bin:/bin"}
    env.pop("PYTHON", None)
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "which-python"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_takes_the_first_python_that_really_runs(tmp_path):
    _fake_python(tmp_path, "python3.11", 127)  # a pyenv shim pointing at nothing
    _fake_python(tmp_path, "python3.13", 0)
    _fake_python(tmp_path, "python3.10", 0)
    assert _chosen(tmp_path) == "python3.13"


def test_make_says_so_when_no_supported_python_runs(tmp_path):
    for name in ("python3.11", "python3.12", "python3.13", "python3.10", "python3"):
        _fake_python(tmp_path, name, 1)  # say, Python 3.9 under every name
    env = {**os.environ, "PATH": f"{tmp_path}:/usr/bin:/bin"}
    env.pop("PYTHON", None)
    # A fresh venv directory, so the rule that makes it must run.
    result = subprocess.run(
        ["make", "-s", "venv", "VENV=" + str(tmp_path / "venv")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "No Python 3.10 to 3.13 found" in result.stdout + result.stderr


def test_make_run_prints_the_url_it_serves():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:") : makefile.index("\ntest:")]
    assert "Serving on http://$(HOST):$(PORT)/" in run
    assert "runserver $(HOST):$(PORT)" in run
