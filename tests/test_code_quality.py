"""Static checks as tests: bandit (medium and high findings), ruff and mypy must report nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a tool from this virtualenv at the repository root."""
    executable = BIN / tool
    if not executable.exists():
        pytest.fail(f"{tool} is not installed: pip install -e '.[test]'")
    return subprocess.run(
        [str(executable), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_bandit_finds_nothing_at_medium_or_high():
    result = run("bandit", "-r", "tracker", "config.py", "-ll", "-q", "-f", "txt")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_is_clean():
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
