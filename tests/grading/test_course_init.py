"""`alignlessons course init`: a ready course root, never overwritten by accident."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from alignlessons import cli, grading, sandbox, tooling
from alignlessons.course import CourseInitError, init_course

from .corpus import nbgrader

NAMES = tooling.assignment_names()


def test_init_creates_a_ready_course_root(tmp_path, capsys):
    root = tmp_path / "course"
    assert cli.main(["course", "init", str(root), "--exchange", str(tmp_path / "exchange")]) == 0
    out = capsys.readouterr().out
    assert str(root) in out and "README.md" in out
    assert sorted(p.name for p in (root / "source").iterdir()) == NAMES
    for name in NAMES:
        for nb in (tooling.SOLUTIONS / name).glob("*.ipynb"):
            assert (root / "source" / name / nb.name).read_bytes() == nb.read_bytes()
    assert (tmp_path / "exchange").is_dir()
    spec = json.loads((root / "kernels" / sandbox.KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "alignlessons.sandbox.launch"]
    assert spec["interrupt_mode"] == "message"
    readme = (root / "README.md").read_text()
    assert "nbgrader autograde" in readme and "instructors.md" in readme
    config = (root / "nbgrader_config.py").read_text()
    assert "configure(c)" in config and str(tmp_path / "exchange") in config
    assert "# c.SandboxKernelManager.allow_unsandboxed = True" in config  # opting out is explicit
    assert not [line for line in config.splitlines() if line.startswith("c.") and "allow_unsandboxed" in line]


def test_the_written_config_is_what_nbgrader_uses(tmp_path):
    made = init_course(tmp_path / "course", exchange=tmp_path / "exchange", assignments=[NAMES[0]])
    code = f"""
from traitlets.config import PyFileConfigLoader
c = PyFileConfigLoader("nbgrader_config.py", path={str(made.root)!r}).load_config()
print(c.CourseDirectory.course_id, c.CourseDirectory.root, c.Exchange.root)
print(c.IsolatedExecute.kernel_name, c.Autograde.exporter_class)
print(c.Autograde.autograde_preprocessors[0], c.OverwriteCells.add_missing_cells)
print(c.SandboxKernelManager.kernel_spec_file)
print(c.IgnorePattern.enabled, "ClearHiddenTests" in str(c.GenerateFeedback.preprocessors))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == f"{grading.COURSE_ID} {made.root} {tmp_path / 'exchange'}"
    assert lines[1] == f"{sandbox.KERNEL_NAME} alignlessons.sandbox.submission.SafeNotebookExporter"
    assert lines[2] == "alignlessons.sandbox.execute.IsolatedExecute True"
    assert lines[3].endswith("kernels/alignlessons-sandbox/kernel.json")
    assert lines[4] == "True True"


def test_refuses_to_overwrite_a_course_root_without_force(tmp_path, capsys):
    root = tmp_path / "course"
    made = init_course(root, exchange=tmp_path / "exchange")
    (root / "gradebook.db").write_text("grades of a whole semester")
    (root / "submitted" / "ada").mkdir(parents=True)
    (root / "source" / NAMES[0] / "note.txt").write_text("local edit")
    assert cli.main(["course", "init", str(root)]) == 2
    assert "already a course root" in capsys.readouterr().err
    with pytest.raises(CourseInitError):
        init_course(root)
    assert (root / "source" / NAMES[0] / "note.txt").exists()
    # --force rewrites configuration and source/, never the gradebook or submissions.
    init_course(root, force=True, exchange=made.exchange)
    assert (root / "gradebook.db").read_text() == "grades of a whole semester"
    assert (root / "submitted" / "ada").is_dir()
    assert not (root / "source" / NAMES[0] / "note.txt").exists()


def test_refuses_a_non_empty_folder_and_unknown_assignments(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("x")
    with pytest.raises(CourseInitError, match="not empty"):
        init_course(folder)
    with pytest.raises(CourseInitError, match="no assignment"):
        init_course(tmp_path / "new", assignments=["99_nope"])
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())


@pytest.mark.slow
def test_autograde_refuses_without_bubblewrap_and_says_so(tmp_path):
    made = init_course(tmp_path / "course", exchange=tmp_path / "exchange", assignments=[NAMES[0]])
    with open(made.root / "nbgrader_config.py", "a") as fh:
        fh.write('c.SandboxKernelManager.bwrap = "/nonexistent/bwrap"\n')
    name = NAMES[0]
    assert nbgrader("generate_assignment", name, "--force", cwd=made.root).returncode == 0
    sub = made.root / "submitted" / "ada" / name
    sub.mkdir(parents=True)
    for nb in (tooling.SOLUTIONS / name).glob("*.ipynb"):
        (sub / nb.name).write_bytes(nb.read_bytes())
    proc = nbgrader("autograde", name, cwd=made.root)
    assert proc.returncode != 0
    assert "refuses to run student code without its sandbox" in proc.stderr
    assert "allow_unsandboxed = True" in proc.stderr
