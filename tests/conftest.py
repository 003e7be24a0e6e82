"""Shared test configuration.

Tests run offline and deterministically: hypothesis is derandomized, every kernel started by a
test gets an isolated Jupyter/IPython configuration and a throwaway learner-data folder.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
for var, sub in (("JUPYTER_CONFIG_DIR", "jupyter-config"), ("IPYTHONDIR", "ipython"),
                 ("ALIGNLESSONS_HOME", "learner")):
    os.environ[var] = str(_isolated / sub)
    (_isolated / sub).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


# --- system packages -------------------------------------------------------------------------
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SYSTEM_SKIPS: list[str] = []


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    reason = "missing system package: chromium (install with: apt-get install chromium)"
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))
            SYSTEM_SKIPS.append(item.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if SYSTEM_SKIPS:
        terminalreporter.section("SKIPPED for a missing system package", sep="=", yellow=True, bold=True)
        terminalreporter.write_line(f"{len(SYSTEM_SKIPS)} browser test(s) did not run because Debian's "
                                    "chromium is not installed (apt-get install chromium):")
        for nodeid in SYSTEM_SKIPS:
            terminalreporter.write_line(f"  {nodeid}")
