"""The README's instructor commands, run exactly as written, in a copy of the repository layout."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alignlessons import tooling
from tests.helpers import ROOT

pytestmark = pytest.mark.slow


def readme_nbgrader_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## For instructors", 1)[1].split("\n## ", 1)[0]
    return [m.group(1).strip() for m in re.finditer(r"^(\.venv/bin/nbgrader [^#\n]+)", section, re.M)]


def test_readme_lists_the_grading_cycle():
    verbs = [cmd.split()[1] for cmd in readme_nbgrader_commands()]
    assert verbs == ["generate_assignment", "autograde", "generate_feedback", "export"]


@pytest.mark.sandbox  # the repository's nbgrader_config.py grades in the sandbox
def test_readme_instructor_commands_work(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("solutions", "nbgrader_config.py"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, repo / name)
    # A student submission where nbgrader expects it (as `nbgrader collect` would leave it).
    venv_bin = Path(sys.executable).parent
    env = tooling.tool_env()
    results = []
    for cmd in readme_nbgrader_commands():
        argv = cmd.split()
        argv[0] = str(venv_bin / "nbgrader")
        if argv[1] == "autograde":
            sub = repo / ".nbgrader" / "submitted" / "ada" / "00_start_here"
            sub.mkdir(parents=True)
            shutil.copy(ROOT / "solutions" / "00_start_here" / "00_start_here.ipynb", sub)
        proc = subprocess.run(
            argv, cwd=repo, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
        )
        results.append(proc)
        assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    assert (repo / "assignments" / "00_start_here" / "00_start_here.ipynb").exists()
    assert (repo / ".nbgrader" / "feedback" / "ada" / "00_start_here" / "00_start_here.html").exists()
    assert (repo / ".nbgrader" / "gradebook.db").exists()
    rows = list(csv.DictReader(open(repo / "grades.csv")))
    ada = [r for r in rows if r["student_id"] == "ada"]
    assert len(ada) == 1 and float(ada[0]["max_score"]) == 20.0
    # Nothing nbgrader wrote landed outside .nbgrader/, assignments/ and the export.
    written = {p.relative_to(repo).parts[0] for p in repo.iterdir()}
    assert written <= {"solutions", "nbgrader_config.py", "assignments", ".nbgrader", "grades.csv"}, written
