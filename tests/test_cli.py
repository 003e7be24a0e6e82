"""Tests for the ``alignlessons`` command: unknown names fail fast, clearly, and change nothing.

The expensive steps (nbgrader, kernels, HTML export) are replaced by tripwires, so a broken name
check fails the test at once instead of running nbgrader or touching the repository.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from alignlessons import cli, export, tooling

ROOT = Path(__file__).resolve().parents[1]
# What is really there, read straight from the folders.
ASSIGNMENTS = sorted(
    p.name
    for p in (ROOT / "solutions").iterdir()
    if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb"))
)
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("*.ipynb"))


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` with its size and modification time."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def course_roots() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("alignlessons-course-*")}


@pytest.fixture(autouse=True)
def tripwires(monkeypatch):
    def tripped(*args, **kwargs):
        pytest.fail("an unknown name must be rejected before any work starts")

    monkeypatch.setattr(tooling.Course, "create", tripped)
    monkeypatch.setattr(tooling, "execute_notebook", tripped)
    monkeypatch.setattr(export, "export_notebook", tripped)


def test_the_repository_has_something_to_list():
    assert ASSIGNMENTS and LESSONS


@pytest.mark.parametrize("names", [["no_such_thing"], [ASSIGNMENTS[0], "no_such_thing"]])
def test_generate_assignments_unknown_name(capsys, names):
    before, roots = snapshot(ROOT / "assignments"), course_roots()
    code = cli.main(["generate-assignments", *names])
    err = capsys.readouterr()
    assert code == 2
    assert "no_such_thing" in err.err
    available = err.err.split("available:", 1)[1]
    assert all(name in available for name in ASSIGNMENTS)
    assert err.out == ""
    assert snapshot(ROOT / "assignments") == before
    assert course_roots() == roots


def test_generate_assignments_suggests_a_close_match(capsys):
    assert "00_start_here" in ASSIGNMENTS
    code = cli.main(["generate-assignments", "00_start_her"])
    err = capsys.readouterr().err
    assert code == 2
    assert "did you mean '00_start_here'" in err
    assert "'00_start_her'" in err


@pytest.mark.parametrize("names", [["no_such_lesson"], [LESSONS[0], "no_such_lesson"]])
def test_refresh_outputs_unknown_lesson(capsys, names):
    before = snapshot(ROOT / "lessons")
    code = cli.main(["refresh-outputs", *names])
    err = capsys.readouterr()
    assert code == 2
    assert "no_such_lesson" in err.err
    available = err.err.split("available:", 1)[1]
    assert all(name in available for name in LESSONS)
    assert err.out == ""
    assert snapshot(ROOT / "lessons") == before


@pytest.mark.parametrize("names", [["no_such_lesson"], [LESSONS[0], "no_such_lesson"]])
def test_export_html_unknown_lesson(capsys, tmp_path, names):
    out = tmp_path / "html"
    code = cli.main(["export-html", *names, "--out", str(out)])
    err = capsys.readouterr()
    assert code == 2
    assert "no_such_lesson" in err.err
    available = err.err.split("available:", 1)[1]
    assert all(name in available for name in LESSONS)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_errors_are_prefixed_with_the_program_name(capsys):
    cli.main(["refresh-outputs", "nope"])
    assert capsys.readouterr().err.startswith("alignlessons: ")


@pytest.mark.parametrize("argv", [[], ["no-such-command"]])
def test_usage_errors_exit_with_2(capsys, argv):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    assert "usage: alignlessons" in capsys.readouterr().err


def test_resolvers_accept_known_names_and_default_to_all():
    assert tooling.resolve_assignments(None) == ASSIGNMENTS
    assert tooling.resolve_assignments([ASSIGNMENTS[0]]) == [ASSIGNMENTS[0]]
    assert [p.stem for p in tooling.resolve_lessons(None)] == LESSONS
    assert [p.stem for p in tooling.resolve_lessons([f"{LESSONS[0]}.ipynb"])] == [LESSONS[0]]
    assert [p.stem for p in tooling.resolve_lessons([f"lessons/{LESSONS[0]}"])] == [LESSONS[0]]


def test_resolvers_with_an_empty_folder(tmp_path):
    with pytest.raises(tooling.ToolingError, match="available: none"):
        tooling.resolve_assignments(["x"], tmp_path)
    with pytest.raises(tooling.ToolingError, match="available: none"):
        tooling.resolve_lessons(["x"], tmp_path)
    assert tooling.resolve_assignments(None, tmp_path / "missing") == []


def test_generate_student_versions_rejects_unknown_names_before_any_work(tmp_path):
    dest = tmp_path / "assignments"
    with pytest.raises(tooling.ToolingError, match="no_such_thing"):
        tooling.generate_student_versions(["no_such_thing"], dest=dest)
    assert not dest.exists()


def test_unknown_lesson_name_suggests_the_closest(capsys):
    from alignlessons import cli

    assert cli.main(["export-html", "00_start_her", "--out", "/nonexistent/never-written"]) == 2
    err = capsys.readouterr().err
    assert "did you mean '00_start_here'" in err
