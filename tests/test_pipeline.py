"""The nbgrader round trip, parametrised over every assignment in solutions/.

For each assignment: the committed student version is exactly what nbgrader generates; it
holds no solution code, hidden tests or mark schemes and fails its own tests; autograding the
solution gives full autograded marks with the manual cells awaiting a grader, and autograding
the untouched student version gives zero.
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from alignlessons import tooling

NAMES = tooling.assignment_names()
REGION = re.compile(
    r"(BEGIN SOLUTION|BEGIN HIDDEN TESTS|BEGIN MARK SCHEME)(.*?)(END SOLUTION|END HIDDEN TESTS|END MARK SCHEME)", re.S
)

pytestmark = pytest.mark.slow


def test_there_is_at_least_the_pilot_assignment():
    assert "00_start_here" in NAMES


def _notebooks(folder):
    return sorted(p.name for p in folder.glob("*.ipynb"))


@pytest.fixture(scope="module")
def course():
    c = tooling.Course.create(NAMES)
    yield c
    shutil.rmtree(c.root, ignore_errors=True)


@pytest.fixture(scope="module")
def generated(course):
    return {name: course.generate(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_committed_student_version_is_up_to_date(name, generated):
    committed = tooling.ASSIGNMENTS / name
    assert committed.is_dir(), f"assignments/{name} is missing: run `make assignments`"
    assert _notebooks(committed) == _notebooks(generated[name])
    for filename in _notebooks(committed):
        fresh = tooling.normalise_student_version(nbformat.read(generated[name] / filename, as_version=4))
        stored = nbformat.read(committed / filename, as_version=4)
        assert json.loads(nbformat.writes(stored)) == json.loads(nbformat.writes(fresh)), (
            f"assignments/{name}/{filename} is out of date with solutions/{name}: run `make assignments`"
        )


def _secret_lines(source_nb):
    """Lines that must never reach students: inside solution, hidden-test and mark-scheme regions,
    and the model answers of manually graded markdown cells."""
    secrets, visible = set(), set()
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        text = cell.source
        for match in REGION.finditer(text):
            secrets.update(line.strip() for line in match.group(2).splitlines())
        if cell.cell_type == "markdown" and meta.get("solution"):
            secrets.update(line.strip() for line in text.splitlines())
        else:
            visible.update(line.strip() for line in REGION.sub("", text).splitlines())
    # Lines the source also shows outside any protected region (e.g. a stub) are not secrets.
    return {s for s in secrets - visible if len(s) >= 12 and not s.startswith("#")}


@pytest.mark.parametrize("name", NAMES)
def test_student_version_leaks_nothing(name):
    for filename in _notebooks(tooling.SOLUTIONS / name):
        source = nbformat.read(tooling.SOLUTIONS / name / filename, as_version=4)
        student_text = (tooling.ASSIGNMENTS / name / filename).read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "MARK SCHEME", "END SOLUTION"):
            assert marker not in student_text, f"{marker!r} leaked into assignments/{name}/{filename}"
        secrets = _secret_lines(source)
        assert secrets, "the source notebook should contain solutions to protect"
        student_cells = "\n".join(
            c.source for c in nbformat.read(tooling.ASSIGNMENTS / name / filename, as_version=4).cells
        )
        leaked = sorted(s for s in secrets if s in student_cells)
        assert not leaked, f"solution lines leaked into the student version: {leaked[:5]}"


@pytest.mark.parametrize("name", NAMES)
def test_student_version_fails_its_own_tests(name):
    from nbgrader.validator import Validator

    for filename in _notebooks(tooling.ASSIGNMENTS / name):
        results = Validator(invert=True).validate(str(tooling.ASSIGNMENTS / name / filename))
        assert "passed" not in results, f"a test cell passes on the blank student version: {results}"
        assert "changed" not in results


def _manual_ids(nb):
    return sorted(
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
        and (c.cell_type == "markdown" or c.metadata["nbgrader"].get("task"))
    )


@pytest.mark.parametrize("name", NAMES)
def test_autograde_solution_full_marks_and_blank_zero(name, course, generated):
    source_files = {f: tooling.SOLUTIONS / name / f for f in _notebooks(tooling.SOLUTIONS / name)}
    blank_files = {f: generated[name] / f for f in _notebooks(generated[name])}
    course.submit(name, "solver", source_files)
    course.submit(name, "blank", blank_files)
    proc = course.autograde(name)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    scores = course.scores(name)
    solver, blank = scores["solver"], scores["blank"]
    assert solver["max_code_score"] > 0
    assert solver["code_score"] == solver["max_code_score"], f"solution lost autograded marks: {solver}"
    assert blank["code_score"] == 0, f"the untouched student version earned points: {blank}"
    manual = []
    for f in source_files.values():
        manual += _manual_ids(nbformat.read(f, as_version=4))
    assert solver["needs_manual_grade"] == sorted(manual), "answered essays must await a grader"
    assert blank["needs_manual_grade"] == [], "unanswered essays score 0 without a grader"

    # Graders see the mark scheme in the autograded copy; students never see it in feedback.
    autograded = (course.root / "autograded" / "solver" / name / next(iter(source_files))).read_text()
    if "MARK SCHEME" in "".join(p.read_text() for p in source_files.values()):
        assert "BEGIN MARK SCHEME" in autograded
    course.run("generate_feedback", name, "--force")
    for student in ("solver", "blank"):
        for f in source_files:
            html = (course.root / "feedback" / student / name / f.replace(".ipynb", ".html")).read_text()
            assert "MARK SCHEME" not in html and "HIDDEN TESTS" not in html, "feedback leaks graders' material"
