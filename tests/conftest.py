"""Shared test configuration.

Tests run offline and deterministically: hypothesis is derandomized, every kernel started by a
test gets an isolated Jupyter/IPython configuration and a throwaway learner-data folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile(
    "alignlessons",
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("alignlessons")

# Isolate kernels and tools started by the tests from the developer's own configuration.
_isolated = Path(tempfile.mkdtemp(prefix="alignlessons-test-"))
for var, sub in (("JUPYTER_CONFIG_DIR", "jupyter-config"), ("IPYTHONDIR", "ipython"), ("ALIGNLESSONS_HOME", "learner")):
    os.environ[var] = str(_isolated / sub)
    (_isolated / sub).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


# --- system packages -------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SYSTEM_SKIPS: list[str] = []


def _sandbox_problem() -> str | None:
    from alignlessons import sandbox

    if not sandbox.available():
        return "missing system package: bubblewrap (install with: apt-get install bubblewrap)"
    problem = sandbox.probe()
    return None if problem is None else f"the grading sandbox cannot run on this machine: {problem}"


def pytest_collection_modifyitems(config, items):
    checks = [
        (
            "browser",
            lambda: None if CHROMIUM else "missing system package: chromium (install with: apt-get install chromium)",
        ),
        ("sandbox", _sandbox_problem),
    ]
    for marker, check in checks:
        marked = [item for item in items if marker in item.keywords]
        reason = check() if marked else None
        if reason is None:
            continue
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=reason))
            SYSTEM_SKIPS.append(f"{item.nodeid} ({reason})")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if SYSTEM_SKIPS:
        terminalreporter.section("SKIPPED for a missing system package", sep="=", yellow=True, bold=True)
        terminalreporter.write_line(
            f"{len(SYSTEM_SKIPS)} test(s) did not run because a system package is "
            "missing (`.ci/run` installs them: apt-get install chromium bubblewrap):"
        )
        for nodeid in SYSTEM_SKIPS:
            terminalreporter.write_line(f"  {nodeid}")
