"""Contributor tooling: student versions, nbgrader round trips, refreshed lesson outputs.

Everything that runs nbgrader does so in a throwaway course root, so the repository never
receives a gradebook, submissions or half-written output. Results are moved into place only
when a step has fully succeeded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .grading import COURSE_ID
from .paths import ASSIGNMENTS, LESSONS, SOLUTIONS  # the repository's folders (alignlessons.paths)


class ToolingError(RuntimeError):
    """A contributor command could not do what was asked; nothing was changed."""


# --- discovery -------------------------------------------------------------------------------
def assignment_names(solutions: Path = SOLUTIONS) -> list[str]:
    """Names of the assignments in ``solutions/`` (folders holding at least one notebook)."""
    if not solutions.is_dir():
        return []
    return sorted(
        p.name for p in solutions.iterdir() if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb"))
    )


def lesson_paths(lessons: Path = LESSONS) -> list[Path]:
    return sorted(p for p in lessons.glob("*.ipynb") if p.is_file())


def resolve_assignments(names: Iterable[str] | None, solutions: Path = SOLUTIONS) -> list[str]:
    """Check requested assignment names against ``solutions/`` (all of them if none given)."""
    available = assignment_names(solutions)
    names = list(names or [])
    if not names:
        return available
    unknown = [n for n in names if n not in available]
    if unknown:
        import difflib

        hints = []
        for n in unknown:
            close = difflib.get_close_matches(n, available, n=1)
            hints.append(f"'{n}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise ToolingError(
            f"no assignment {', '.join(hints)} in {solutions}; available: {', '.join(available) or 'none'}"
        )
    return names


def resolve_lessons(names: Iterable[str] | None, lessons: Path = LESSONS) -> list[Path]:
    available = lesson_paths(lessons)
    names = list(names or [])
    if not names:
        return available
    by_name = {p.stem: p for p in available} | {p.name: p for p in available}
    chosen, unknown = [], []
    for n in names:
        key = Path(n).name
        (chosen.append(by_name[key]) if key in by_name else unknown.append(n))
    if unknown:
        import difflib

        stems = [p.stem for p in available]
        hints = []
        for n in unknown:
            close = difflib.get_close_matches(Path(n).stem, stems, n=1)
            hints.append(f"'{n}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise ToolingError(f"no lesson {', '.join(hints)} in {lessons}; available: {', '.join(stems) or 'none'}")
    return chosen


# --- running nbgrader ------------------------------------------------------------------------
def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for nbgrader subprocesses: the virtualenv's bin/ first on PATH."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    if extra:
        env.update(extra)
    return env


CONFIG_TEMPLATE = """\
c = get_config()  # noqa: F821
from alignlessons.grading import configure
configure(c)
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///" + {db!r}
{extra}
"""


@dataclass
class Course:
    """A throwaway nbgrader course root with ``source/`` copied from ``solutions/``."""

    root: Path
    assignments: list[str]
    log: list[str] = field(default_factory=list)

    @classmethod
    def create(
        cls, names: Iterable[str], *, solutions: Path = SOLUTIONS, root: Path | None = None, extra_config: str = ""
    ) -> Course:
        names = resolve_assignments(names, solutions)
        root = Path(root or tempfile.mkdtemp(prefix="alignlessons-course-"))
        (root / "source").mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copytree(
                solutions / name,
                root / "source" / name,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
        from .sandbox import available

        if not available():
            # These course roots run the course's own notebooks, not students' work: without
            # bubblewrap they opt out of the grading sandbox explicitly (see docs/instructors.md).
            extra_config = "c.SandboxKernelManager.allow_unsandboxed = True\n" + extra_config
        (root / "nbgrader_config.py").write_text(
            CONFIG_TEMPLATE.format(root=str(root), db=str(root / "gradebook.db"), extra=extra_config)
        )
        return cls(root, list(names))

    def run(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "nbgrader", *args]
        proc = subprocess.run(
            cmd,
            cwd=self.root,
            env=tool_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        self.log.append(f"$ nbgrader {' '.join(args)}\n{proc.stdout}{proc.stderr}")
        if check and proc.returncode != 0:
            raise ToolingError(
                f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n"
                f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
            )
        return proc

    def generate(self, name: str) -> Path:
        self.run("generate_assignment", name, "--force")
        return self.root / "release" / name

    def submit(self, name: str, student: str, notebooks: Mapping[str, Path | nbformat.NotebookNode]) -> Path:
        """Place a submission: ``notebooks`` maps file names to paths or notebook objects."""
        folder = self.root / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        for filename, nb in notebooks.items():
            target = folder / filename
            if isinstance(nb, (str, Path)):
                shutil.copyfile(nb, target)
            else:
                nbformat.write(nb, target)
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
        return folder

    def autograde(self, name: str, student: str | None = None, *, check: bool = False) -> subprocess.CompletedProcess:
        """Autograde one student's submission, or every submission when ``student`` is None."""
        args = ["autograde", name, "--force"] + (["--student", student] if student else [])
        return self.run(*args, check=check)

    def scores(self, name: str) -> dict[str, dict]:
        """Per student: autograded score and maximum, and which cells await manual grading."""
        from nbgrader.api import Gradebook

        out: dict[str, dict] = {}
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", course_id=COURSE_ID) as gb:
            assignment = gb.find_assignment(name)
            for sub in gb.assignment_submissions(name):
                needs_manual = []
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if g.needs_manual_grade:
                            needs_manual.append(g.name)
                out[sub.student_id] = {
                    "code_score": float(sub.code_score),
                    "max_code_score": float(assignment.max_code_score),
                    "score": float(sub.score),
                    "max_score": float(assignment.max_score),
                    "needs_manual_grade": sorted(needs_manual),
                }
        return out


def normalise_student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what nbgrader may vary between runs; nothing a student sees is touched."""
    nb.metadata.pop("widgets", None)
    return nb


def generate_student_versions(
    names: Iterable[str] | None = None, *, solutions: Path = SOLUTIONS, dest: Path = ASSIGNMENTS
) -> list[Path]:
    """Regenerate ``assignments/NAME`` from ``solutions/NAME`` for each name (all by default).

    Generation happens in a temporary course root; each assignment's folder is replaced only
    after its generation succeeded, so a failure leaves ``assignments/`` as it was.
    """
    names = resolve_assignments(names, solutions)
    course = Course.create(names, solutions=solutions)
    try:
        staged = {}
        for name in names:
            release = course.generate(name)
            for path in release.glob("*.ipynb"):
                nb = nbformat.read(path, as_version=4)
                nbformat.write(normalise_student_version(nb), path)
            staged[name] = release
        written = []
        dest.mkdir(parents=True, exist_ok=True)
        for name, release in staged.items():
            target = dest / name
            tmp = dest / f".{name}.new"
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(release, tmp)
            old = dest / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
            written.append(target)
        return written
    finally:
        shutil.rmtree(course.root, ignore_errors=True)


# --- lesson outputs ---------------------------------------------------------------------------
def execute_notebook(path: Path, *, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute a notebook top to bottom in a fresh kernel, in its own folder, and return it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="alignlessons-home-") as home:
        old = os.environ.get("ALIGNLESSONS_HOME")
        os.environ["ALIGNLESSONS_HOME"] = home  # the lesson must not write into a learner's folder
        try:
            NotebookClient(
                nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            ).execute()
        finally:
            if old is None:
                os.environ.pop("ALIGNLESSONS_HOME", None)
            else:
                os.environ["ALIGNLESSONS_HOME"] = old
    nb.metadata.pop("widgets", None)  # widget state is large and meaningless without a kernel
    return nb


def refresh_outputs(names: Iterable[str] | None = None) -> list[Path]:
    """Re-execute lessons and store their outputs; a lesson that errors is left unchanged."""
    done = []
    for path in resolve_lessons(names):
        nb = execute_notebook(path)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            nbformat.write(nb, tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        done.append(path)
    return done
