"""The instructor guide's grading cycle, run verbatim for every assignment with three students.

docs/instructors.md ("The grading cycle") is the script: the course root is created with its
`alignlessons course init` line, the instructor's commands run in the course root, and each
student runs the students' commands in their own home folder with the guide's student
configuration (`/etc/jupyter/nbgrader_config.py` on a hub). Between fetching and submitting,
the students answer: Ada with the full solution, Bo with part of it, Cy not at all. The test
checks each student's exact autograded score (derived from the source notebook's points),
their feedback, and the exported CSV.
"""

from __future__ import annotations

import csv
import re
import shlex
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from alignlessons import grading, tooling

from . import corpus as C
from .runner import Runner

NAMES = tooling.assignment_names()
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "instructors.md"
EXAMPLE = "00_start_here"
STUDENTS = ("ada", "bo", "cy")
pytestmark = [pytest.mark.slow]


def guide_script() -> list[tuple[str, list[str]]]:
    """(section comment, commands) of the tested block in the guide."""
    text = GUIDE.read_text()
    block = re.search(r"<!-- tested: tests/grading/test_classroom.py[^>]*-->\s*```bash\n(.*?)```", text, re.S)
    assert block, "the guide's grading cycle block is missing"
    sections: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        line = line.strip()
        if line.startswith("#"):
            sections.append((line.lstrip("# ").strip(), []))
        elif line:
            sections[-1][1].append(line)
    return sections


def guide_student_config() -> str:
    text = GUIDE.read_text()
    m = re.search(r"`/etc/jupyter/nbgrader_config.py`.*?```python\n(.*?)```", text, re.S)
    assert m, "the guide's student configuration is missing"
    return m.group(1)


def test_guide_lists_the_whole_cycle():
    sections = guide_script()
    roles = [title.split(",")[0] for title, _ in sections]
    assert roles == ["instructor", "instructor", "each student", "instructor", "each student", "instructor"]
    verbs = [cmd.split()[1] for _, cmds in sections for cmd in cmds if cmd.startswith("nbgrader")]
    assert verbs == [
        "generate_assignment",
        "release_assignment",
        "fetch_assignment",
        "submit",
        "collect",
        "autograde",
        "generate_feedback",
        "release_feedback",
        "fetch_feedback",
        "export",
    ]
    assert sections[0][1][0].startswith("alignlessons course init ")


class Classroom:
    def __init__(self, base: Path):
        self.base = base
        self.root = base / "alignlessons-2026"
        self.exchange = base / "exchange"
        self.homes = {s: base / "home" / s for s in STUDENTS}
        self.log: list[str] = []
        self.runner = Runner()

    def _argv(self, command: str, name: str) -> list[str]:
        command = (
            command.replace("~/alignlessons-2026", str(self.root))
            .replace("/srv/nbgrader/exchange", str(self.exchange))
            .replace(EXAMPLE, name)
        )
        argv = shlex.split(command)
        assert argv[0] in ("nbgrader", "alignlessons"), f"unexpected command in the guide: {command}"
        return argv

    def run(self, command: str, name: str, *, student: str | None = None) -> subprocess.CompletedProcess:
        if command.startswith("cd "):
            return subprocess.CompletedProcess(command, 0, "", "")
        env = tooling.tool_env()
        cwd = self.root
        if student:
            env.update(HOME=str(self.homes[student]), USER=student, LOGNAME=student)
            cwd = self.homes[student]
        cwd.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        proc = self.runner.run(self._argv(command, name), cwd, env)
        self.log.append(
            f"$ {command} [{student or 'instructor'}, {name}] -> {proc.returncode} in {time.monotonic() - t0:.1f} s"
        )
        assert proc.returncode == 0, (
            f"{command} ({student or 'instructor'}, {name}) failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
        )
        return proc


def answer(home: Path, name: str, student: str) -> None:
    """Ada answers everything, Bo the first half of the answer cells, Cy nothing."""
    for filename in C.notebook_names(name):
        path = home / name / filename
        fetched = nbformat.read(path, as_version=4)
        src = C.source_nb(name, filename)
        answers = C.solution_code_ids(src)
        solved = {"ada": None, "bo": set(answers[: (len(answers) + 1) // 2]), "cy": set()}[student]
        nbformat.write(C.solve(fetched, src, solved), path)


def expected(name: str, student: str) -> tuple[float, float]:
    code = total = 0.0
    for filename in C.notebook_names(name):
        src = C.source_nb(name, filename)
        answers = C.solution_code_ids(src)
        solved = {"ada": None, "bo": set(answers[: (len(answers) + 1) // 2]), "cy": set()}[student]
        code += C.expected_code_score(src, solved)
        total += sum(float(C.meta(c)["points"]) for c in src.cells if C.meta(c).get("grade"))
    return code, total


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """The guide's cycle for every assignment. Instructor steps run in order; students work
    in parallel (each in their own home), as they would in a real class."""
    room = Classroom(tmp_path_factory.mktemp("classroom"))
    sections = guide_script()
    (once, per_assignment, students_work, after_deadline, students_feedback, at_any_time) = sections
    for cmd in once[1]:
        room.run(cmd, EXAMPLE)
    # Here every "student" is the same Unix account (the test's own), so `collect` cannot tell
    # them apart by owner; on a real hub each student has an account and this stays off.
    with open(room.root / "nbgrader_config.py", "a") as fh:
        fh.write("\nc.SafeCollect.allow_unverified = True  # test only: one account for all students\n")
    config = guide_student_config().replace("/srv/nbgrader/exchange", str(room.exchange))
    for student, home in room.homes.items():
        home.mkdir(parents=True, exist_ok=True)
        # The last line stands in for each student's own Unix account on the hub.
        (home / "nbgrader_config.py").write_text(config + f"c.CourseDirectory.student_id = {student!r}\n")
    for name in NAMES:
        for cmd in per_assignment[1]:
            room.run(cmd, name)

    def work(job):
        student, name = job
        for cmd in students_work[1]:
            if cmd.split()[1] == "submit":
                answer(room.homes[student], name, student)
            room.run(cmd, name, student=student)

    def fetch_feedback(job):
        student, name = job
        for cmd in students_feedback[1]:
            room.run(cmd, name, student=student)

    jobs = [(s, n) for n in NAMES for s in STUDENTS]
    with ThreadPoolExecutor(max_workers=1) as pool:
        list(pool.map(work, jobs))
        for name in NAMES:
            for cmd in after_deadline[1]:
                room.run(cmd, name)
        list(pool.map(fetch_feedback, jobs))
    for cmd in at_any_time[1]:
        room.run(cmd, EXAMPLE)
    room.runner.close()
    print("\n".join(room.log))
    return room


@pytest.mark.sandbox
@pytest.mark.parametrize("name", NAMES)
def test_each_student_gets_exactly_their_score(classroom, name):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{classroom.root / 'gradebook.db'}", course_id=grading.COURSE_ID) as gb:
        subs = {s.student_id: s for s in gb.assignment_submissions(name)}
        assert sorted(subs) == sorted(STUDENTS)
        for student in STUDENTS:
            code, total = expected(name, student)
            sub = subs[student]
            assert float(sub.code_score) == code, (student, float(sub.code_score), code)
            assert float(sub.max_score) == total
            for nb in sub.notebooks:
                assert not nb.flagged, [c.auto_comment for c in nb.comments]
                awaiting = sorted(g.name for g in nb.grades if g.needs_manual_grade)
                src = C.source_nb(name, nb.name + ".ipynb")
                assert awaiting == (C.manual_ids(src) if student == "ada" else []), (student, awaiting)
    assert code == 0.0  # Cy, last in the loop, submitted the untouched student version


@pytest.mark.sandbox
@pytest.mark.parametrize("name", NAMES)
def test_every_student_received_feedback_without_hidden_tests(classroom, name):
    for student in STUDENTS:
        for filename in C.notebook_names(name):
            pages = list((classroom.homes[student] / name / "feedback").glob(f"*/{filename[:-6]}.html"))
            assert len(pages) == 1, f"{student} has no feedback for {name}"
            html = pages[0].read_text()
            leaked = [s for s in C.hidden_secrets(C.source_nb(name, filename)) if s in html]
            assert not leaked and "MARK SCHEME" not in html, (student, leaked[:3])


@pytest.mark.sandbox
def test_exported_csv_has_one_exact_row_per_student_and_assignment(classroom):
    rows = list(csv.DictReader(open(classroom.root / "grades.csv")))
    got = {(r["assignment"], r["student_id"]): (float(r["raw_score"]), float(r["max_score"])) for r in rows}
    want = {(name, s): expected(name, s) for name in NAMES for s in STUDENTS}
    assert got == want


@pytest.mark.sandbox
def test_course_root_holds_only_what_the_cycle_writes(classroom):
    made = {p.name for p in classroom.root.iterdir()}
    assert made <= {
        "nbgrader_config.py",
        "README.md",
        "kernels",
        "source",
        "release",
        "submitted",
        "autograded",
        "feedback",
        "gradebook.db",
        "grades.csv",
        ".nbgrader.log",
    }, made
    assert C.leftover_kernels() == []
