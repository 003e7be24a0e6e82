"""Hostile submissions, autograded in one batch per assignment together with honest ones.

For every assignment the corpus is built from its student version (as released) and its source
notebook. Each assignment gets its own course root (made by ``alignlessons course init``) and
the batches of all assignments run at once. Required for every submission: the batch finishes,
honest students get exactly their score, a hostile one gets the score its honest content earns
(zero where it tampered) or is flagged with a clear reason, and no file of the course changes
except what grading writes. Feedback never shows hidden tests.
"""
from __future__ import annotations

import ast
import copy
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from alignlessons import grading, tooling
from alignlessons.course import init_course

from . import corpus as C

NAMES = tooling.assignment_names()
pytestmark = [pytest.mark.slow, pytest.mark.sandbox]

TEST_CONFIG = """
# --- test overrides: short time-outs and a 1 GiB memory limit ---
c.Execute.timeout = 90
c.Execute.iopub_timeout = 2
c.IsolatedExecute.student_cell_timeout = 6
c.SandboxKernelManager.memory_limit = 1024 ** 3
c.SandboxKernelManager.cpu_limit = 120
c.SandboxKernelManager.wall_limit = 400
"""
CANARY = "CANARY-31415-other-students-secret"

TAMPER = '''
# Try to make every test pass without answering anything.
import builtins, math, sys
import numpy as np
math.isclose = lambda *a, **k: True
np.allclose = np.isclose = np.array_equal = lambda *a, **k: True
class AssertionError(Exception):
    pass
builtins.AssertionError = AssertionError
class _Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __bool__(self): return True
    __hash__ = float.__hash__
    __class__ = property(lambda self: dict)
for _name in ANSWER_NAMES:
    globals()[_name] = _Anything(0.5)
def _swallow(*args, **kwargs):
    return None
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
ip.input_transformers_cleanup.append(lambda lines: [] if any("assert" in l for l in lines) else lines)
ip.showtraceback = _swallow
import alignlessons.content as _content
_content.sources = _content.annotations = lambda *a, **k: None
builtins.isinstance = lambda *a, **k: True
'''

SNOOP = '''
import glob, os
_paths = ([PATHS] + glob.glob(ROOT + "/submitted/*/*/*") + glob.glob("../../../submitted/*/*/*")
          + ["../../../gradebook.db", "../../../source"])
for _p in _paths:
    try:
        with open(_p, "rb") as _f:
            print("FOUND", _p, _f.read(200))
    except OSError as _e:
        print("blocked", _p, type(_e).__name__)
for _d in [ROOT, ROOT + "/submitted", SOLUTIONS]:
    try:
        print("LISTED" if os.listdir(_d) else "empty", _d)
    except OSError as _e:
        print("blocked", _d, type(_e).__name__)
'''

VANDAL = '''
import os, shutil
for _p in [PATHS, "../../../gradebook.db", "../../../nbgrader_config.py"]:
    for _how in ("remove", "overwrite"):
        try:
            if _how == "remove":
                os.remove(_p)
            else:
                open(_p, "w").write("vandalised")
            print("CHANGED", _how, _p)
        except OSError as _e:
            print("blocked", _how, _p, type(_e).__name__)
shutil.rmtree(ROOT, ignore_errors=True)
os.system("rm -rf " + ROOT + " ../../../gradebook.db 2>/dev/null")
'''

NETWORK = '''
import socket
for _host in ("127.0.0.1", "localhost"):
    try:
        _s = socket.create_connection((_host, PORT), timeout=3)
        _s.sendall(b"exfiltrated answers")
        print("CONNECTED", _host)
    except OSError as _e:
        print("blocked", _host, type(_e).__name__)
'''

WARN = '''
import functools as _functools
import warnings as _warnings
_warnings.warn("this answer uses a deprecated call", FutureWarning)
def _noisy(_f):
    @_functools.wraps(_f)
    def _g(*args, **kwargs):
        _warnings.warn("deprecated: still correct", FutureWarning)
        return _f(*args, **kwargs)
    return _g
'''

STUBBORN_LOOP = '''
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
'''


@dataclass
class Case:
    expected: float
    flag: str | None = None            # None: must not be flagged; "review" or "manual"
    reason: str = ""                   # text the flag's reason must contain
    autograded: bool = True            # an autograded notebook must exist


@dataclass
class Batch:
    name: str
    root: Path
    filename: str
    source: nbformat.NotebookNode
    cases: dict[str, Case] = field(default_factory=dict)
    proc: subprocess.CompletedProcess | None = None
    seconds: float = 0.0


def _functions(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def build_corpus(batch: Batch, port: int) -> None:
    name, root, fname, src = batch.name, batch.root, batch.filename, batch.source
    student = nbformat.read(root / "release" / name / fname, as_version=4)
    points = C.test_points(src)
    M = sum(points.values())
    tests = list(points)
    answers = C.solution_code_ids(src)
    ids = [C.gid(c) for c in src.cells]
    first_test = tests[0]
    first_answer = [a for a in answers if ids.index(a) < ids.index(first_test)][-1]
    last_answer = [a for a in answers if C.tests_after(src, a)][-1]
    tail = sum(points[t] for t in C.tests_after(src, last_answer))
    full = C.solve(student, src)
    cases, files = batch.cases, {}

    def add(student_id, nb_or_files, case):
        cases[student_id] = case
        is_files = isinstance(nb_or_files, dict) and "cells" not in nb_or_files
        files[student_id] = nb_or_files if is_files else {fname: nb_or_files}

    # Honest students.
    add("honest_full", full, Case(M))
    half = set(answers[: (len(answers) + 1) // 2])
    add("honest_partial", C.solve(student, src, half), Case(C.expected_code_score(src, half)))
    add("honest_blank", copy.deepcopy(student), Case(0.0))
    warn = copy.deepcopy(full)
    for a in answers:
        i = C.locate(warn, a)
        wraps = "\n".join(f"{f} = _noisy({f})" for f in _functions(warn.cells[i].source))
        warn.cells[i].source += "\n" + WARN + "\n" + wraps + "\n"
    add("honest_warns", warn, Case(M))

    # Changes to the notebook's structure: restored, scored on the honest content, flagged.
    nb = copy.deepcopy(full)
    del nb.cells[C.locate(nb, first_test)]
    add("h_deleted_test", nb, Case(M, "review", "restored"))
    nb = copy.deepcopy(full)
    nb.cells[C.locate(nb, first_test)].source = "pass"
    add("h_test_is_pass", nb, Case(M, "review", "edited"))
    nb = copy.deepcopy(full)
    i = C.locate(nb, first_test)
    md = nbformat.v4.new_markdown_cell(nb.cells[i].source, metadata=nb.cells[i].metadata)
    nb.cells[i] = md
    add("h_test_to_markdown", nb, Case(M, "review", "changed from code to markdown"))
    nb = copy.deepcopy(full)
    i, j = C.locate(nb, first_answer), C.locate(nb, first_test)
    nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    reordered = M - points[first_test] if first_answer in C.depends_on(src, first_test) else M
    add("h_reordered", nb, Case(reordered, "review", "original order"))
    nb = copy.deepcopy(full)
    i = C.locate(nb, first_test)
    fake = copy.deepcopy(nb.cells[i])
    fake.source = "pass"
    fake["id"] = "fake-copy"
    nb.cells.insert(i + 1, fake)
    add("h_duplicate_ids", nb, Case(M, "review", "appears 2 times"))

    # Runaway or destructive code: the batch goes on; the rest of the notebook still counts.
    add("h_infinite_loop", C.append_to(copy.deepcopy(full), first_answer, "while True:\n    pass"),
        Case(M, "review", "was interrupted"))
    add("h_ignores_interrupt", C.append_to(copy.deepcopy(full), last_answer, STUBBORN_LOOP),
        Case(M - tail, "manual", "did not stop when interrupted"))
    add("h_sys_exit", C.append_to(copy.deepcopy(full), last_answer, "import sys\nsys.exit()"),
        Case(M, "review", "sys.exit"))
    add("h_os_exit", C.append_to(copy.deepcopy(full), last_answer, "import os\nos._exit(1)"),
        Case(M - tail, "manual", "kernel stopped"))
    add("h_memory_hog", C.append_to(copy.deepcopy(full), first_answer,
                                    "_hog = [bytearray(64 * 2**20) for _ in range(10**4)]"), Case(M))
    add("h_huge_output", C.append_to(copy.deepcopy(full), first_answer,
                                     "print('x' * 50_000_000)\n"
                                     "from IPython.display import HTML, display\n"
                                     "display(HTML('<b>big</b>' * 2_500_000))"), Case(M))

    # Files that are not (this) notebook.
    add("h_invalid_json", {fname: "{ this is not json"}, Case(0.0, "manual", "not a readable notebook"))
    add("h_empty_file", {fname: b""}, Case(0.0, "manual", "not a readable notebook"))
    add("h_wrong_filename", {"my_answers.ipynb": full}, Case(0.0, "manual", "No notebook named",
                                                            autograded=False))

    # Gaming the tests: redefine checks, builtins, numpy/math, IPython's error handling.
    answer_names = sorted({n for a in answers for n in C.bound_names(C.student_answer(
        src.cells[ids.index(a)].source))})
    nb = copy.deepcopy(student)
    for a in answers:
        nb.cells[C.locate(nb, a)].source = "pass"
    C.insert_after_setup(nb, TAMPER.replace("ANSWER_NAMES", repr(answer_names)))
    add("h_tamper", nb, Case(0.0, "review", "game the grader"))

    # A module in the submission folder that shadows one the tests import.
    nb = copy.deepcopy(student)
    shadow = "allclose = isclose = lambda *a, **k: True\ndef __getattr__(name):\n    return lambda *a, **k: True\n"
    add("h_shadow_module", {fname: nb, "numpy.py": shadow, "math.py": shadow}, Case(0.0))

    # Reaching outside: other students, solutions, the gradebook, course files, the network.
    secrets = [root / "submitted" / "honest_full" / name / fname, root / "source" / name / fname,
               root / "gradebook.db", root / "canary.txt", grading.solutions_dir() / name / fname]
    snoop = (SNOOP.replace("PATHS", ", ".join(repr(str(p)) for p in secrets))
             .replace("ROOT", repr(str(root))).replace("SOLUTIONS", repr(str(grading.solutions_dir()))))
    add("h_snoop", C.append_to(copy.deepcopy(full), last_answer, snoop), Case(M, "review"))
    targets = [root / "gradebook.db", root / "nbgrader_config.py", root / "canary.txt",
               root / "source" / name / fname, root / "release" / name / fname,
               root / "submitted" / "honest_full" / name / fname]
    vandal = VANDAL.replace("PATHS", ", ".join(repr(str(p)) for p in targets)).replace("ROOT", repr(str(root)))
    add("h_vandal", C.append_to(copy.deepcopy(full), last_answer, vandal), Case(M, "review"))
    add("h_network", C.append_to(copy.deepcopy(full), last_answer, NETWORK.replace("PORT", str(port))),
        Case(M, "review"))

    for student_id, content in files.items():
        C.place_submission(root, name, student_id, content)
    (root / "submitted" / "honest_full" / name / "secret.txt").write_text(CANARY)
    (root / "canary.txt").write_text(CANARY)


class Listener:
    """A loopback TCP server that records every connection (there must be none)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.received.append(conn.recv(100) or b"<connected>")
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


PROTECTED_SKIP = ("autograded", "feedback", "gradebook.db", ".nbgrader.log")


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    listener = Listener()
    out: dict[str, Batch] = {}
    try:
        for name in NAMES:
            base = tmp_path_factory.mktemp(f"hostile-{name}")
            made = init_course(base / "course", exchange=base / "exchange", assignments=[name])
            with open(made.root / "nbgrader_config.py", "a") as fh:
                fh.write(TEST_CONFIG)
            proc = C.nbgrader("generate_assignment", name, "--force", cwd=made.root)
            assert proc.returncode == 0, proc.stderr[-3000:]
            fname = C.notebook_names(name)[0]
            batch = Batch(name, made.root, fname, C.source_nb(name, fname))
            build_corpus(batch, listener.port)
            out[name] = batch
        before = {n: C.tree_hashes(b.root, skip=PROTECTED_SKIP) for n, b in out.items()}
        structure = {n: C.gradebook_structure(b.root / "gradebook.db") for n, b in out.items()}
        # One batch per assignment, all assignments at once (each in its own course root).
        t0 = time.monotonic()
        procs = {n: subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", n],
                                     cwd=b.root, env=tooling.tool_env(), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
                 for n, b in out.items()}
        for n, p in procs.items():
            stdout, stderr = p.communicate(timeout=1500)
            out[n].proc = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
            out[n].seconds = time.monotonic() - t0
            print(f"autograde {n}: {len(out[n].cases)} submissions in {out[n].seconds:.0f} s")
        for n, b in out.items():
            b.after = C.tree_hashes(b.root, skip=PROTECTED_SKIP)
            b.before = before[n]
            b.structure_before, b.structure_after = structure[n], C.gradebook_structure(b.root / "gradebook.db")
        feedback = {n: subprocess.Popen([sys.executable, "-m", "nbgrader", "generate_feedback", n],
                                        cwd=b.root, env=tooling.tool_env(), stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
                    for n, b in out.items()}
        for n, p in feedback.items():
            stdout, stderr = p.communicate(timeout=600)
            out[n].feedback_proc = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
        for b in out.values():
            b.received = list(listener.received)
            b.leftover = C.leftover_kernels()
        yield out
    finally:
        listener.close()


def _gradebook(batch: Batch) -> dict[str, dict]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{batch.root / 'gradebook.db'}", course_id=grading.COURSE_ID) as gb:
        for sub in gb.assignment_submissions(batch.name):
            nb = next(n for n in sub.notebooks if n.name == batch.filename[:-6])
            out[sub.student_id] = {
                "code_score": float(sub.code_score),
                "flagged": bool(nb.flagged),
                "manual": sorted(g.name for g in nb.grades if g.needs_manual_grade),
                "comments": "\n".join(c.auto_comment or "" for c in nb.comments),
            }
    return out


@pytest.mark.parametrize("name", NAMES)
def test_batch_finishes_and_only_the_misnamed_file_is_an_error(name, batches):
    batch = batches[name]
    failed = set(re.findall(r"error processing assignment '[^']+' for student '([^']+)'", batch.proc.stderr))
    assert failed <= {"h_wrong_filename"}, batch.proc.stderr[-4000:]
    for student, case in batch.cases.items():
        path = batch.root / "autograded" / student / name / batch.filename
        assert path.exists() == case.autograded, (student, batch.proc.stderr[-3000:])
    assert batch.leftover == [], "kernels outlived the batch"


@pytest.mark.parametrize("name", NAMES)
def test_every_score_is_exact_and_every_hostile_case_is_scored_or_flagged(name, batches):
    batch = batches[name]
    book = _gradebook(batch)
    problems = []
    for student, case in batch.cases.items():
        got = book.get(student)
        if got is None:
            problems.append(f"{student}: not in the gradebook")
            continue
        if got["code_score"] != case.expected:
            problems.append(f"{student}: autograded {got['code_score']}, expected {case.expected}")
        if case.flag is None and got["flagged"]:
            problems.append(f"{student}: flagged without reason: {got['comments']}")
        if case.flag is not None:
            if not got["flagged"]:
                problems.append(f"{student}: not flagged")
            elif case.reason and case.reason not in got["comments"]:
                problems.append(f"{student}: flag reason lacks {case.reason!r}: {got['comments']}")
        if case.flag == "manual" and not got["manual"]:
            problems.append(f"{student}: should need a manual grade")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_course_files_and_gradebook_are_intact(name, batches):
    batch = batches[name]
    assert batch.after == batch.before, sorted(set(batch.after.items()) ^ set(batch.before.items()))
    assert batch.structure_after == batch.structure_before
    assert (batch.root / "canary.txt").read_text() == CANARY
    assert batch.received == [], "a submission reached the network"


@pytest.mark.parametrize("name", NAMES)
def test_nothing_leaks_into_outputs_or_feedback(name, batches):
    batch = batches[name]
    assert batch.feedback_proc.returncode == 0, batch.feedback_proc.stderr[-3000:]
    secrets = C.hidden_secrets(batch.source)
    assert secrets, "the source notebook should have hidden tests"
    for student, case in batch.cases.items():
        if not case.autograded:
            continue
        graded = (batch.root / "autograded" / student / name / batch.filename).read_text()
        nb = nbformat.reads(graded, as_version=4)
        student_outputs = "".join(str(c.get("outputs", "")) for c in nb.cells
                                  if not C.meta(c).get("locked"))
        for marker in ("FOUND", "LISTED", "CHANGED", "CONNECTED", CANARY, "BEGIN SOLUTION", "HIDDEN TESTS"):
            assert marker not in student_outputs, (student, marker)
        assert len(graded) < 5_000_000, f"{student}: outputs were not limited ({len(graded)} bytes)"
        html = (batch.root / "feedback" / student / name / batch.filename.replace(".ipynb", ".html")).read_text()
        leaked = [s for s in secrets if s in html]
        assert not leaked, f"{student}'s feedback shows hidden tests: {leaked[:3]}"
        assert "MARK SCHEME" not in html


def test_warnings_are_ignored_when_scoring():
    """IgnorePattern is configured and removes warning lines from a test cell's stderr."""
    from nbgrader.preprocessors import IgnorePattern
    from traitlets.config import Config

    c = Config()
    grading.configure(c)
    assert c.IgnorePattern.enabled is True
    cell = nbformat.v4.new_code_cell("x", metadata={"nbgrader": {"grade": True, "solution": False,
                                                                 "grade_id": "t", "points": 1}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=(
        "/tmp/ipykernel_1/2.py:3: FutureWarning: use the new API\n  warnings.warn('use the new API', FutureWarning)\n"))]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = IgnorePattern(config=c).preprocess(nb, {})
    from nbgrader.utils import determine_grade

    assert determine_grade(nb.cells[0])[0] == 1.0
