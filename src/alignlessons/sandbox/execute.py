"""``IsolatedExecute``: nbgrader's execute step with student code and tests in separate jails.

Replaces ``nbgrader.preprocessors.Execute`` in ``Autograde.autograde_preprocessors`` (see
:func:`alignlessons.grading.configure`). For each notebook it starts two sandboxed kernels at
once (:class:`~alignlessons.sandbox.manager.SandboxKernelManager`) linked by a socket pair:

* cells the student wrote or could edit run in the *student kernel*, in notebook order;
* the course's locked set-up cells run in both kernels;
* autograder test cells -- recognised by their nbgrader id *and* by being byte-for-byte the
  locked source recorded in the gradebook -- run only in the *test kernel*, after the names they
  read have been copied from the student kernel (:func:`alignlessons.sandbox.bridge.fetch`).

Every test cell ends up with either its real outputs or an error output (nbgrader scores a
test cell without outputs as passed, so "not run" must never look like "passed"). A kernel that
dies, ignores interrupts, or is killed by a limit is recorded as a grading flag; the remaining
cells are marked as not run. Outputs are limited per cell and per notebook, rich outputs too.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import os
import socket
import threading
from pathlib import Path

import nbformat
from jupyter_client.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode
from zmq import ZMQError

from . import KERNEL_NAME
from .manager import SandboxKernelManager

FLAGS_KEY = "alignlessons"


def error_output(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _label(cell, index: int) -> str:
    gid = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"'{gid}'" if gid else f"number {index + 1}"


def cell_code(source: str) -> str:
    """The Python a cell runs (IPython syntax such as magics translated)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001
        return source


def loaded_names(source: str) -> list[str]:
    """Every name a cell reads anywhere, plus string constants that are identifiers (a test may
    look a name up with ``globals()[name]``): a superset of the globals it needs."""
    try:
        tree = ast.parse(cell_code(source))
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return []
    names = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            names.add(n.id)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.isidentifier():
            names.add(n.value)
    return sorted(names)


def bound_names(source: str) -> set[str]:
    """Names a cell binds at module level (assignments, imports, definitions, loop targets...)."""
    try:
        tree = ast.parse(cell_code(source))
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return set()
    out: set[str] = set()

    def targets(node):
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                out.add(n.id)

    def visit(stmts):
        for st in stmts:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.add(st.name)
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                for alias in st.names:
                    out.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                for t in st.targets if isinstance(st, ast.Assign) else [st.target]:
                    targets(t)
            elif isinstance(st, (ast.For, ast.AsyncFor)):
                targets(st.target)
                visit(st.body)
                visit(st.orelse)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                for item in st.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
                visit(st.body)
            elif isinstance(st, (ast.If, ast.While)):
                visit(st.body)
                visit(st.orelse)
            elif isinstance(st, ast.Try):
                for h in st.handlers:
                    if h.name:
                        out.add(h.name)
                    visit(h.body)
                visit(st.body)
                visit(st.orelse)
                visit(st.finalbody)
            elif isinstance(st, ast.Expr):
                for n in ast.walk(st):
                    if isinstance(n, ast.NamedExpr):
                        out.add(n.target.id)

    try:
        visit(tree.body)
    except RecursionError:
        pass
    return out


def visible_part(source: str) -> str:
    """A test cell as students see it: hidden-test regions removed (whatever the markers)."""
    out, inside = [], False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        if not inside:
            out.append(line)
        if "END HIDDEN TESTS" in line:
            inside = False
    return "\n".join(out)


class SourceCell:
    __slots__ = ("name", "cell_type", "locked", "source")

    def __init__(self, name, cell_type, locked, source):
        self.name, self.cell_type, self.locked, self.source = name, cell_type, locked, source


def load_source_cells(resources: dict):
    """(source cells by id, in order; grade ids; solution ids) from the gradebook, or None."""
    info = (resources or {}).get("nbgrader") or {}
    if not all(info.get(k) for k in ("db_url", "notebook", "assignment")):
        return None
    from nbgrader.api import Gradebook

    try:
        with Gradebook(info["db_url"]) as gb:
            nb = gb.find_notebook(info["notebook"], info["assignment"])
            cells = {c.name: SourceCell(c.name, c.cell_type, bool(c.locked), c.source) for c in nb.source_cells}
            return cells, {c.name for c in nb.grade_cells}, {c.name for c in nb.solution_cells}
    except Exception:  # noqa: BLE001 - no gradebook: callers fall back to safe defaults
        return None


def source_notebook_path(resources: dict, config) -> Path | None:
    info = (resources or {}).get("nbgrader") or {}
    if not info.get("assignment") or not info.get("notebook"):
        return None
    cd = config.get("CourseDirectory", {}) if config is not None else {}
    root = Path(cd.get("root") or os.getcwd())
    source = cd.get("source_directory") or "source"
    path = root / source / info["assignment"] / f"{info['notebook']}.ipynb"
    return path if path.is_file() else None


class GradingPlan:
    """Which kernel runs each cell, and which names a test copies from the student kernel."""

    def __init__(self, nb: NotebookNode, resources: dict, config=None):
        loaded = load_source_cells(resources)
        self.kinds: dict[int, str] = {}
        self.grade_ids: dict[int, str] = {}
        seen: set[str] = set()
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {}) or {}
            gid = meta.get("grade_id")
            kind = "student"
            if cell.cell_type == "code" and gid and gid not in seen:
                if loaded is not None:
                    sources, grades, solutions = loaded
                    src = sources.get(gid)
                    if src is not None and src.locked and src.cell_type == "code" and cell.source == src.source:
                        kind = "test" if (gid in grades and gid not in solutions) else "locked"
                elif meta.get("locked") and not meta.get("solution"):
                    kind = "test" if meta.get("grade") else "locked"
            if gid:
                seen.add(gid)
                if kind == "test":
                    self.grade_ids[index] = gid
            self.kinds[index] = kind
        self.answers: list[str] = []
        # Names the course's own cells bind (set-up and tests, hidden parts included): a
        # student's value never replaces one of them in the test kernel.
        self.protected: set[str] = set()
        if loaded is not None:
            for src in loaded[0].values():
                if src.locked and src.cell_type == "code":
                    self.protected |= bound_names(src.source)
        path = source_notebook_path(resources, config)
        if path is not None:
            try:
                source_nb = nbformat.read(path, as_version=4)
                names: set[str] = set()
                for cell in source_nb.cells:
                    m = cell.metadata.get("nbgrader", {}) or {}
                    if cell.cell_type == "code" and m.get("solution"):
                        names |= bound_names(cell.source)
                    elif cell.cell_type == "code" and m.get("locked"):
                        self.protected |= bound_names(cell.source)
                self.answers = sorted(names - self.protected)
            except Exception:  # noqa: BLE001 - answers are a refinement; fall back to the rule
                self.answers = []

    def request(self, source: str) -> list[str]:
        """The names to copy from the student kernel before a test or locked cell runs.

        Only what the student can know crosses to the student's side: every answer name of
        the assignment (the same list before every test), plus the names the *visible* part of
        the cell reads. Nothing of a hidden test -- its names, its string constants, which
        answers it uses -- is ever sent, and no name the course's cells bind is requested."""
        names = set(self.answers) | set(loaded_names(visible_part(source)))
        return sorted(names - self.protected)

    def kind(self, index: int) -> str:
        return self.kinds.get(index, "student")


class _OutputLimit:
    """Mixin for NotebookClient: drop outputs beyond a size per cell and per notebook."""

    max_cell_output = 1_000_000
    max_notebook_output = 10_000_000

    def _limit_init(self, per_cell: int, total: int, shared: dict | None = None) -> None:
        self.max_cell_output, self.max_notebook_output = per_cell, total
        self._out_sizes: dict[int, int] = {}
        self._out_total = shared if shared is not None else {"bytes": 0}
        self._out_noted: set[int] = set()

    @staticmethod
    def _size(msg) -> int:
        content = msg.get("content", {})
        size = len(content.get("text", "") or "")
        for value in (content.get("data") or {}).values():
            size += len(value) if isinstance(value, (str, bytes)) else len(str(value))
        for line in content.get("traceback", []) or []:
            size += len(line)
        for key in ("metadata", "transient"):
            if content.get(key):
                size += len(str(content[key]))
        return size

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widget messages are ignored while grading: no widget state is kept (it would bypass
        the output limits and is never needed to score), no Output widget is mimicked."""
        return None

    def output(self, outs, msg, display_id, cell_index):
        size = self._size(msg)
        used = self._out_sizes.get(cell_index, 0)
        if used + size > self.max_cell_output or self._out_total["bytes"] + size > self.max_notebook_output:
            if cell_index not in self._out_noted:
                self._out_noted.add(cell_index)
                outs.append(
                    nbformat.v4.new_output(
                        "display_data",
                        data={
                            "text/plain": (
                                f"[output truncated by the grader: more than {self.max_cell_output:,} bytes "
                                "in this cell or too much in the notebook]"
                            )
                        },
                    )
                )
            return None
        self._out_sizes[cell_index] = used + size
        self._out_total["bytes"] += size
        return super().output(outs, msg, display_id, cell_index)


class _TestKernel(_OutputLimit, Execute):
    """The client of the test kernel (same settings as the student kernel's client)."""


RESET_TEST_KERNEL = (
    "get_ipython().reset(new_session=False)\n__import__('alignlessons.sandbox.bridge', fromlist=['reset']).reset()"
)
ADOPT_LINK = "__import__('alignlessons.sandbox.bridge', fromlist=['adopt']).adopt()"


class _TestKernelPool:
    """One warm test kernel per nbgrader process, reused from notebook to notebook.

    The test kernel only ever runs the course's own cells and decoded plain data, so it can be
    reused safely: before each notebook its namespace is reset and it is handed the new
    student kernel's end of the link (over a control socket, as a file descriptor). A test
    kernel that failed in any way is discarded. Reuse saves a kernel start and the course's
    imports for every notebook."""

    def __init__(self):
        self.tester: _TestKernel | None = None
        self.control: socket.socket | None = None
        self.uses = 0
        self.key = None
        atexit.register(self.close)

    async def acquire(self, owner: IsolatedExecute, cwd: str) -> _TestKernel:
        key = (
            owner.kernel_name,
            owner.kernel_manager_class,
            repr(sorted((owner.config.get("SandboxKernelManager") or {}).items())),
            id(asyncio.get_running_loop()),
        )
        tester = self.tester
        if tester is not None and (self.key != key or self.uses >= owner.reuse_test_kernel):
            await self.discard()
            tester = None
        if tester is not None:
            try:
                ok, _, _ = await _silent(tester, RESET_TEST_KERNEL)
            except Exception:  # noqa: BLE001 - a broken kernel is replaced below
                ok = False
            if not ok or not await ensure_async(tester.km.is_alive()):
                await self.discard()
                tester = None
        if tester is None:
            owner.log.debug("alignlessons: starting a test kernel")
            tester = await self._start(owner, cwd)
            self.key, self.uses = key, 0
        else:
            owner.log.debug("alignlessons: reusing the test kernel (%d notebooks so far)", self.uses)
        self.uses += 1
        self.tester = tester
        self._configure(tester, owner)
        return tester

    async def _start(self, owner: IsolatedExecute, cwd: str) -> _TestKernel:
        mine, theirs = socket.socketpair()
        tester = _TestKernel(
            config=owner.config, kernel_name=owner.kernel_name, kernel_manager_class=owner.kernel_manager_class
        )
        tester.nb = owner.nb
        tester.resources = {"metadata": {"path": cwd}}
        tester.km = owner._manager("test", theirs.fileno())
        try:
            await tester.async_start_new_kernel(cwd=cwd)
        finally:
            theirs.close()
        self.control = mine
        self._configure(tester, owner)
        await tester.async_start_new_kernel_client()
        return tester

    @staticmethod
    def _configure(tester: _TestKernel, owner: IsolatedExecute) -> None:
        for trait in (
            "timeout",
            "startup_timeout",
            "interrupt_on_timeout",
            "iopub_timeout",
            "raise_on_iopub_timeout",
            "error_on_timeout",
            "shell_timeout_interval",
        ):
            setattr(tester, trait, getattr(owner, trait))
        tester.nb = owner.nb
        tester.shutdown_kernel = "immediate"
        tester._limit_init(owner.cell_output_limit, owner.notebook_output_limit, owner._out_total)
        tester.reset_execution_trackers()

    async def adopt(self, tester: _TestKernel, link: socket.socket) -> None:
        """Give the test kernel its end of the link to this notebook's student kernel."""
        assert self.control is not None
        socket.send_fds(self.control, [b"L"], [link.fileno()])
        ok, ename, evalue = await _silent(tester, ADOPT_LINK)
        if not ok:
            raise RuntimeError(f"the test kernel could not take the link ({ename}: {evalue})")

    async def release(self, tester: _TestKernel, *, healthy: bool) -> None:
        if not healthy or tester is not self.tester:
            await self.discard()

    async def discard(self) -> None:
        tester, self.tester = self.tester, None
        if self.control is not None:
            self.control.close()
            self.control = None
        if tester is not None and tester.km is not None:
            try:
                await tester._async_cleanup_kernel()
            except Exception:  # noqa: BLE001
                try:
                    await ensure_async(tester.km.cleanup_resources())
                except Exception:  # noqa: BLE001
                    pass

    def close(self) -> None:
        if self.tester is not None:
            try:
                run_sync(self.discard)()
            except Exception:  # noqa: BLE001 - at exit the kernel dies with its launcher anyway
                pass


async def _silent(client, code: str):
    """Run code in a kernel without recording it; returns (ok, ename, evalue)."""
    msg_id = await ensure_async(client.kc.execute(code, silent=True, store_history=False, allow_stdin=False))
    reply = await client.async_wait_for_reply(msg_id)
    if reply is None:
        return False, "Timeout", "no answer in time"
    content = reply.get("content", {})
    if content.get("status") == "ok":
        return True, "", ""
    return False, content.get("ename", "Error"), content.get("evalue", "")


class _PerThread(threading.local):
    def __init__(self):
        self.pool = _TestKernelPool()


_POOLS = _PerThread()


class _PoolProxy:
    """The current thread's pool (kernel clients belong to one thread's event loop)."""

    def __getattr__(self, name):
        return getattr(_POOLS.pool, name)


_POOL = _PoolProxy()


class IsolatedExecute(_OutputLimit, Execute):
    """Execute a submission with student code and tests in two separate sandboxed kernels."""

    kernel_name = Unicode(KERNEL_NAME, help="Kernel spec of the grading kernels.").tag(config=True)
    cell_output_limit = Integer(1_000_000, help="Bytes of output kept per cell (rich outputs included).").tag(
        config=True
    )
    notebook_output_limit = Integer(10_000_000, help="Bytes of output kept per notebook.").tag(config=True)
    reuse_test_kernel = Integer(
        200,
        help=(
            "Notebooks one test kernel grades before it is replaced (it never runs student code; "
            "its namespace is reset between notebooks). 1: a fresh test kernel per notebook."
        ),
    ).tag(config=True)
    student_cell_timeout = Integer(
        0,
        help=(
            "Seconds a cell the student can edit may run (0: the same as `timeout`). The course's "
            "own cells and the tests always get `timeout`."
        ),
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    # --- nbconvert entry point -------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._limit_init(self.cell_output_limit, self.notebook_output_limit)
        self.shutdown_kernel = "immediate"
        plan = GradingPlan(nb, self.resources or {}, self.config)
        self._flags: list[dict] = list((nb.metadata.get(FLAGS_KEY) or {}).get("flags") or [])
        self._student_down: str | None = None
        self._tester_down: str | None = None
        self._plan = plan
        self._student_cells = {id(c) for i, c in enumerate(nb.cells) if plan.kind(i) == "student"}
        if any(f.get("unreadable") for f in self._flags):
            # An unreadable file was replaced by the blank student version: nothing to run.
            for i, cell in enumerate(nb.cells):
                if plan.kind(i) == "test":
                    cell.outputs = [error_output("NotRun", "The submitted file could not be read.")]
        else:
            run_sync(self._async_grade)()
        self.nb.metadata.pop("widgets", None)  # never stored while grading (see handle_comm_msg)
        store = self.resources.setdefault(FLAGS_KEY, {})
        store["flags"] = self._flags
        store["test_cells"] = sorted(plan.grade_ids.values())
        return self.nb, self.resources

    def _get_timeout(self, cell):
        if cell is not None and self.student_cell_timeout and id(cell) in getattr(self, "_student_cells", ()):
            return self.student_cell_timeout
        return super()._get_timeout(cell)

    def flag(
        self,
        severity: str,
        reason: str,
        *,
        from_index: int | None = None,
        cells: list[str] | None = None,
        zero: bool = False,
    ) -> None:
        if from_index is not None:
            cells = [gid for i, gid in self._plan.grade_ids.items() if i >= from_index]
        self._flags.append({"severity": severity, "reason": reason, "cells": cells, "zero": zero})

    # --- the two kernels -------------------------------------------------------------------
    def _manager(self, role: str, fd: int) -> SandboxKernelManager:
        km = self.kernel_manager_class(kernel_name=self.kernel_name, config=self.config)
        if isinstance(km, SandboxKernelManager):
            km.role, km.bridge_fd = role, fd
            km.bridge_timeout = float(self.timeout or 60)
        return km

    async def _async_grade(self) -> None:
        cwd = (self.resources.get("metadata") or {}).get("path")
        if not cwd:  # never run a submission in (or copy into its jail) the grader's own folder
            import tempfile

            cwd = tempfile.mkdtemp(prefix="alignlessons-empty-")
        student_end, test_end = socket.socketpair()
        self.km = self._manager("student", student_end.fileno())
        tester = None
        try:
            try:
                started = await asyncio.gather(
                    self.async_start_new_kernel(cwd=cwd), _POOL.acquire(self, cwd), return_exceptions=True
                )
            finally:
                student_end.close()
            for result in started:
                if isinstance(result, BaseException):
                    raise result
            tester = self._tester = started[1]
            await self.async_start_new_kernel_client()
            await _POOL.adopt(tester, test_end)
            info = await self.async_wait_for_reply(await ensure_async(self.kc.kernel_info()))
            if info and "language_info" in info.get("content", {}):
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            self._tester_task = None
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code":
                    continue
                kind = self._plan.kind(index)
                if kind == "test":
                    await self._drain_tester()
                    await self._run_test(cell, index)
                elif kind == "locked":
                    # The course's own cell runs in both kernels at once: the names it needs are
                    # copied first (the student's state before this cell), then both execute.
                    await self._drain_tester()
                    await self._tester_fetch(self._plan.request(cell.source))
                    self._tester_task = asyncio.ensure_future(self._tester_exec(cell.source))
                    await self._run_student(cell, index)
                else:
                    await self._run_student(cell, index)
            await self._drain_tester()
        finally:
            test_end.close()
            await self._cleanup(self)
            if tester is not None:
                await _POOL.release(tester, healthy=not self._tester_down)

    @staticmethod
    async def _cleanup(client) -> None:
        if client.km is None:
            return
        try:
            await client._async_cleanup_kernel()
        except Exception:  # noqa: BLE001 - the kernel may already be gone
            try:
                await ensure_async(client.km.cleanup_resources())
            except Exception:  # noqa: BLE001
                pass

    # --- student cells -----------------------------------------------------------------------
    async def _student_kernel_down(self, reason: str, index: int, cell, *, kill: bool) -> None:
        self._student_down = reason
        if kill and self.km is not None:
            try:
                await ensure_async(self.km.shutdown_kernel(now=True))
            except Exception:  # noqa: BLE001
                pass
        cell.outputs.append(error_output("KernelStopped", reason))
        self.flag(
            "manual",
            f"Cell {_label(cell, index)}: {reason} Cells after it did not run; "
            "their tests score 0 until a grader reviews the submission.",
            from_index=index,
            zero=True,
        )

    async def _run_student(self, cell, index: int) -> None:
        if not cell.source.strip():
            return
        if self._student_down:
            cell.outputs = [error_output("NotRun", "This cell did not run: " + self._student_down)]
            return
        try:
            await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
        except (DeadKernelError, ZMQError):
            why = self.km.killed_reason if isinstance(self.km, SandboxKernelManager) else None
            reason = "the student's kernel stopped" + (
                f" ({why})." if why else " (the code ended the process, crashed, or exceeded a memory or CPU limit)."
            )
            await self._student_kernel_down(reason, index, cell, kill=False)
        except CellTimeoutError:
            await self._student_kernel_down(
                f"the code ran longer than {self._get_timeout(cell)} s and did not stop when "
                "interrupted; the kernel was stopped.",
                index,
                cell,
                kill=True,
            )
        else:
            if any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
                self.flag(
                    "review",
                    f"Cell {_label(cell, index)} ran longer than {self._get_timeout(cell)} s and was interrupted.",
                )

    # --- test cells --------------------------------------------------------------------------
    async def _silent(self, client, code: str):
        return await _silent(client, code)

    def _fetch_code(self, names: list[str]) -> str:
        return (
            "__import__('alignlessons.sandbox.bridge', fromlist=['fetch']).fetch("
            f"globals(), {names!r}, {self._plan.answers!r})"
        )

    async def _drain_tester(self) -> None:
        task, self._tester_task = getattr(self, "_tester_task", None), None
        if task is not None:
            await task

    async def _tester_fetch(self, names: list[str]) -> None:
        if self._tester_down or self._student_down or not names:
            return
        try:
            await self._silent(self._tester, self._fetch_code(names))
        except (DeadKernelError, CellTimeoutError, RuntimeError, ZMQError) as exc:
            self._tester_down = f"the grader's test kernel stopped ({exc})"

    async def _tester_exec(self, source: str) -> None:
        if self._tester_down:
            return
        try:
            ok, ename, evalue = await self._silent(self._tester, source)
            if not ok:
                self.log.info("alignlessons: a locked cell failed in the test kernel: %s: %s", ename, evalue)
        except (DeadKernelError, CellTimeoutError, RuntimeError, ZMQError) as exc:
            self._tester_down = f"the grader's test kernel stopped ({exc})"

    async def _run_test(self, cell, index: int) -> None:
        tester = self._tester
        self.code_cells_executed += 1
        if self._tester_down:
            cell.outputs = [error_output("NotRun", "This test did not run: " + self._tester_down)]
            return
        try:
            ok, ename, evalue = await self._silent(tester, self._fetch_code(self._plan.request(cell.source)))
        except (DeadKernelError, CellTimeoutError, RuntimeError, ZMQError) as exc:
            ok, ename, evalue = False, "GraderError", str(exc)
            self._tester_down = f"the grader's test kernel stopped ({exc})"
        if not ok:
            if ename in ("StudentKernelUnavailable", "StudentCodeTimeout"):
                msg = evalue
            else:
                msg = f"the answers could not be collected for this test ({ename}: {evalue})"
            cell.outputs = [error_output("NotRun", "This test did not run: " + msg)]
            cell.execution_count = self.code_cells_executed
            if ename == "StudentCodeTimeout":
                await self._stop_student_after_timeout(cell, index)
            return
        try:
            await tester.async_execute_cell(cell, index, execution_count=self.code_cells_executed)
        except (DeadKernelError, CellTimeoutError, ZMQError) as exc:
            self._tester_down = f"the grader's test kernel stopped ({type(exc).__name__})"
            cell.outputs.append(error_output("GraderError", self._tester_down))
            self.flag(
                "manual",
                f"Test cell {_label(cell, index)} could not be completed: {self._tester_down}.",
                from_index=index,
                zero=True,
            )
            return
        if any(o.get("output_type") == "error" and o.get("ename") == "StudentCodeTimeout" for o in cell.outputs):
            await self._stop_student_after_timeout(cell, index)

    async def _stop_student_after_timeout(self, cell, index: int) -> None:
        if self._student_down:
            return
        self._student_down = (
            "the student's code did not return when a test called it; the student's kernel was stopped."
        )
        try:
            await ensure_async(self.km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001
            pass
        self.flag(
            "manual",
            f"Test cell {_label(cell, index)}: {self._student_down} Later tests "
            "score 0 until a grader reviews the submission.",
            from_index=index,
            zero=True,
        )
