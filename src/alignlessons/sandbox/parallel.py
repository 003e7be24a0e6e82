"""Autograde with several nbgrader processes over disjoint groups of students.

Each process is an ordinary ``nbgrader autograde ASSIGNMENT`` that skips the other groups'
students (``--CourseDirectory.student_id_exclude``), so no submission is graded twice. The
processes share the SQLite gradebook; nbgrader writes one submission's grades in short
transactions, which SQLite serialises.

    from alignlessons.sandbox.parallel import autograde_parallel
    results = autograde_parallel("/srv/course", "00_start_here", jobs=2)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def submitted_students(root: str | os.PathLike, assignment: str) -> list[str]:
    submitted = Path(root) / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())


def autograde_parallel(
    root: str | os.PathLike,
    assignment: str,
    *,
    jobs: int = 2,
    extra_args: tuple[str, ...] = (),
    env: dict | None = None,
    timeout: float | None = None,
) -> list[subprocess.CompletedProcess]:
    """Run ``jobs`` autograde processes over disjoint students; returns their results."""
    students = submitted_students(root, assignment)
    jobs = max(1, min(jobs, len(students) or 1))
    groups = [students[i::jobs] for i in range(jobs)]
    if env is None:
        from ..tooling import tool_env

        env = tool_env()
    procs = []
    for group in groups:
        others = sorted(set(students) - set(group))
        args = [sys.executable, "-m", "nbgrader", "autograde", assignment, *extra_args]
        if others:
            args.append(f"--CourseDirectory.student_id_exclude={','.join(others)}")
        procs.append(
            subprocess.Popen(
                args,
                cwd=root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                stdin=subprocess.DEVNULL,
            )
        )
    results = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results
