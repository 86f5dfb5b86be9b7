"""The package builds a wheel with the standard backend and needs nothing outside the standard library."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def test_wheel_builds_with_setuptools_and_declares_no_dependencies(tmp_path: Any) -> None:
    pytest.importorskip("setuptools")
    script = "import setuptools.build_meta as backend, sys; print(backend.build_wheel(sys.argv[1]))"
    built = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = tmp_path / built.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {"portal_client/__init__.py", "portal_client/client.py", "portal_client/py.typed"} <= names
    assert "Name: portal-client" in metadata
    assert not [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]


def test_the_package_imports_only_the_standard_library() -> None:
    imported = set()
    for source in (PROJECT / "portal_client").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add((node.module or "").split(".")[0])
    assert imported - {"__future__"} <= set(sys.stdlib_module_names)
