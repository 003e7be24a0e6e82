"""Submissions built from an assignment's source notebook and student version, and the scores
they must earn -- derived from the source notebook's cell points, never from grader output."""

from __future__ import annotations

import copy
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from alignlessons import tooling
from alignlessons.sandbox.execute import bound_names, loaded_names

MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
REGION = re.compile(
    r"(BEGIN SOLUTION|BEGIN HIDDEN TESTS|BEGIN MARK SCHEME)(.*?)(END SOLUTION|END HIDDEN TESTS|END MARK SCHEME)", re.S
)


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {}) or {}


def gid(cell):
    return meta(cell).get("grade_id")


def notebook_names(name: str) -> list[str]:
    return sorted(p.name for p in (tooling.SOLUTIONS / name).glob("*.ipynb"))


def source_nb(name: str, filename: str):
    return nbformat.read(tooling.SOLUTIONS / name / filename, as_version=4)


def is_test(cell) -> bool:
    m = meta(cell)
    return cell.cell_type == "code" and m.get("grade") and not m.get("solution")


def test_points(src) -> dict[str, float]:
    return {gid(c): float(meta(c)["points"]) for c in src.cells if is_test(c)}


def solution_code_ids(src) -> list[str]:
    return [gid(c) for c in src.cells if c.cell_type == "code" and meta(c).get("solution")]


def manual_ids(src) -> list[str]:
    return sorted(
        gid(c)
        for c in src.cells
        if meta(c).get("grade") and (c.cell_type == "markdown" or meta(c).get("task") or meta(c).get("solution"))
    )


def student_answer(source: str) -> str:
    """The solution as a student would type it: the solution markers dropped."""
    return "\n".join(line for line in source.splitlines() if not MARKER.match(line))


def solve(student, src, solved: set[str] | None = None):
    """The student version with the solution's answers in the answer cells named in ``solved``
    (all of them when None); other answer cells stay as the student version has them."""
    answers = {gid(c): c for c in src.cells if meta(c).get("solution")}
    nb = copy.deepcopy(student)
    for cell in nb.cells:
        g = gid(cell)
        if g in answers and (solved is None or g in solved):
            cell.source = student_answer(answers[g].source)
    return nb


def _owners(src) -> dict[str, str]:
    owners = {}
    for c in src.cells:
        if c.cell_type == "code" and meta(c).get("solution"):
            for name in bound_names(c.source):
                owners.setdefault(name, gid(c))
    return owners


def depends_on(src, test_id: str) -> set[str]:
    """Answer cells a test needs: the cells binding the names it reads, and what those read."""
    owners = _owners(src)
    sources = {gid(c): c.source for c in src.cells}
    need, todo = set(), [test_id]
    while todo:
        cell_id = todo.pop()
        for name in loaded_names(sources[cell_id]):
            owner = owners.get(name)
            if owner and owner not in need and owner != cell_id:
                need.add(owner)
                todo.append(owner)
    return need


def expected_code_score(src, solved: set[str] | None = None, *, failing: set[str] = frozenset()) -> float:
    """Points of the tests whose answer cells are all solved (and not in ``failing``)."""
    solved_ids = set(solution_code_ids(src)) if solved is None else set(solved)
    total = 0.0
    for test_id, points in test_points(src).items():
        if test_id in failing:
            continue
        if depends_on(src, test_id) <= solved_ids:
            total += points
    return total


def tests_after(src, cell_id: str) -> set[str]:
    """Test cells placed after the given cell in the notebook."""
    ids = [gid(c) for c in src.cells]
    k = ids.index(cell_id)
    return {gid(c) for c in src.cells[k + 1 :] if is_test(c)}


def hidden_secrets(src) -> set[str]:
    """Lines of hidden tests (never shown to students) long enough to be distinctive."""
    out = set()
    for cell in src.cells:
        for m in REGION.finditer(cell.source):
            if m.group(1) == "BEGIN HIDDEN TESTS":
                out |= {line.strip() for line in m.group(2).splitlines() if len(line.strip()) >= 25}
    visible = set()
    for cell in src.cells:
        visible |= {line.strip() for line in REGION.sub("", cell.source).splitlines()}
    return {s for s in out - visible if not s.startswith("#")}


def locate(nb, cell_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if gid(c) == cell_id)


def append_to(nb, cell_id: str, code: str):
    i = locate(nb, cell_id)
    nb.cells[i].source = nb.cells[i].source.rstrip() + "\n\n" + code.strip() + "\n"
    return nb


def insert_after_setup(nb, code: str):
    first_locked_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and meta(c).get("locked"))
    nb.cells.insert(first_locked_code + 1, nbformat.v4.new_code_cell(code))
    return nb


# --- files -------------------------------------------------------------------------------------
def tree_hashes(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(rel == s or rel.startswith(s + "/") for s in skip):
            continue
        if path.is_symlink():  # a link planted by a test: its target, never what it points to
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def gradebook_structure(db: Path) -> list[tuple]:
    """Everything in the gradebook that autograding must not change (assignments, notebooks,
    cells and their sources and checksums, students)."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = []
        for table in (
            "course",
            "assignment",
            "notebook",
            "base_cell",
            "source_cell",
            "grade_cells",
            "solution_cells",
            "task_cells",
        ):
            try:
                rows += [(table, *r) for r in con.execute(f"SELECT * FROM {table} ORDER BY 1")]
            except sqlite3.OperationalError:
                continue
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return rows
    finally:
        con.close()


def nbgrader(*args: str, cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd,
        env=env or tooling.tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def place_submission(root: Path, name: str, student: str, files: dict) -> Path:
    """Put files where `nbgrader collect` leaves them; values are notebooks or raw bytes/text."""
    folder = root / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    for filename, content in files.items():
        target = folder / filename
        if isinstance(content, (bytes, bytearray)):
            target.write_bytes(content)
        elif isinstance(content, str):
            target.write_text(content)
        else:
            nbformat.write(content, target)
    (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
    return folder


def leftover_kernels() -> list[str]:
    """Grading kernels that outlived their launcher (orphans). Kernels of other, still running
    graders are not counted: their launcher is alive."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    procs = {}
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3:
            procs[int(parts[0])] = (int(parts[1]), parts[2])
    orphans = []
    for pid, (ppid, args) in procs.items():
        if "alignlessons.sandbox.inner" not in args:
            continue
        seen, parent = set(), ppid
        while parent in procs and parent not in seen:
            seen.add(parent)
            if "alignlessons.sandbox.launch" in procs[parent][1]:
                break
            parent = procs[parent][0]
        else:
            orphans.append(f"{pid} {args}")
    return orphans
