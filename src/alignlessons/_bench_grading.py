"""Autograding throughput, sandbox included (``python -m alignlessons.bench grading``).

Grades a batch of 50 submissions of one assignment (the full solution, so every test runs) in
a course root made by ``alignlessons course init``, once with one ``nbgrader autograde`` process
and once with two processes over disjoint students, and compares the cost per submission with
``jupyter nbconvert --execute`` of the same notebook (a fresh kernel, no sandbox, no grading).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH = 50


def _nbconvert_seconds(notebook: Path, runs: int = 3) -> float:
    from .tooling import tool_env

    times = []
    with tempfile.TemporaryDirectory(prefix="alignlessons-bench-nbconvert-") as tmp:
        target = Path(tmp) / notebook.name
        shutil.copy(notebook, target)
        for _ in range(runs):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "jupyter",
                    "nbconvert",
                    "--execute",
                    "--to",
                    "notebook",
                    "--output",
                    "executed.ipynb",
                    str(target),
                ],
                cwd=tmp,
                env=tool_env(),
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr[-2000:])
    return statistics.median(times)


def _nbclient_seconds(notebook: Path, runs: int = 3) -> float:
    """Executing the notebook in-process with nbclient (no process start-up, no sandbox)."""
    import nbformat
    from nbclient import NotebookClient

    times = []
    for _ in range(runs):
        nb = nbformat.read(notebook, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
        ).execute(stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _course(name: str, base: Path) -> Path:
    from .course import init_course
    from .tooling import tool_env

    made = init_course(base / "course", exchange=base / "exchange", assignments=[name])
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"],
        cwd=made.root,
        env=tool_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return made.root


def _submit(root: Path, name: str, notebooks: list[Path], n: int) -> None:
    for i in range(n):
        folder = root / "submitted" / f"student{i:03d}" / name
        folder.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            shutil.copy(nb, folder / nb.name)
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")


def _scores(root: Path, name: str) -> list[float]:
    from nbgrader.api import Gradebook

    from .grading import COURSE_ID

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        return sorted(float(s.code_score) for s in gb.assignment_submissions(name))


def bench_grading() -> None:
    from . import sandbox
    from .sandbox.parallel import autograde_parallel
    from .tooling import SOLUTIONS, assignment_names, tool_env

    print(f"== Grading: autograde throughput for a batch of {BATCH} submissions (sandbox included) ==")
    problem = sandbox.probe()
    if problem:
        print(f"the sandboxed autograder cannot run here: {problem}")
        return
    name = assignment_names()[0]
    notebooks = sorted((SOLUTIONS / name).glob("*.ipynb"))
    cores = os.cpu_count() or 1
    print(f"assignment {name}, {len(notebooks)} notebook(s), full solutions; {cores} CPU core(s)")
    reference = _nbconvert_seconds(notebooks[0])
    inprocess = _nbclient_seconds(notebooks[0])
    print(f"jupyter nbconvert --execute (fresh kernel, no sandbox):  {reference:6.2f} s per notebook")
    print(f"nbclient in-process (fresh kernel, no sandbox, no CLI):  {inprocess:6.2f} s per notebook")

    results = {}
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory(prefix="alignlessons-bench-grading-") as tmp:
            root = _course(name, Path(tmp))
            _submit(root, name, notebooks, BATCH)
            t0 = time.perf_counter()
            if jobs == 1:
                procs = [
                    subprocess.run(
                        [sys.executable, "-m", "nbgrader", "autograde", name],
                        cwd=root,
                        env=tool_env(),
                        capture_output=True,
                        text=True,
                    )
                ]
            else:
                procs = autograde_parallel(root, name, jobs=jobs)
            seconds = time.perf_counter() - t0
            failed = [p for p in procs if p.returncode != 0]
            scores = _scores(root, name)
            ok = len(scores) == BATCH and len(set(scores)) == 1 and not failed
            results[jobs] = seconds
            per = seconds / BATCH
            print(
                f"nbgrader autograde, {jobs} process{'es' if jobs > 1 else '  '}:  {seconds:7.1f} s for "
                f"{BATCH} = {60 * BATCH / seconds:5.1f} submissions/min, {per:5.2f} s each = "
                f"{per / reference:4.2f}x nbconvert (target <= 1.5x), {per / inprocess:4.2f}x in-process"
                + ("" if ok else f"  CHECK FAILED: {len(failed)} process(es) failed, scores {set(scores)}")
            )
    print(f"speed-up from 2 processes: {results[1] / results[2]:.2f}x")
