"""Defensive handling of what students submit, before and after the sandboxed execution.

* :class:`SafeNotebookExporter` (``Autograde.exporter_class``): a submitted file that is not a
  readable notebook (invalid JSON, empty, too large, malformed cells) is graded as the blank
  student version, and the submission is flagged with the reason.
* :class:`InspectSubmission` (first sanitising step): replaces every cell's nbgrader metadata
  with the gradebook's (unknown or malformed metadata is dropped), restores locked cells the
  student deleted, and records flags for deleted, retyped, edited, duplicated or reordered
  cells and for code that looks like an attempt to game the grader.
* :class:`ApplyGradingFlags` (after ``SaveAutoGrades``): writes the flags into the gradebook --
  the notebook is flagged in formgrader, the reasons become the autograder's comments, cells
  that could not be graded honestly need a manual grade (scored 0 until then) -- and puts a note
  at the top of the autograded notebook.
* :func:`check_submitted_files` (``Autograde.pre_convert_hook``): a missing notebook (e.g. a
  wrong file name) is scored 0, needs a manual grade and is flagged with the names found.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import sys

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from .execute import FLAGS_KEY, cell_code
from .files import REFUSED, describe_refusal, open_regular, safe_name

EXPORTER_FLAGS = "alignlessons_exporter_flags"
CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
MiB = 1024 * 1024


def safe_text(text: str, limit: int = 200) -> str:
    """Student-controlled text made safe to show in a message that is rendered later (markdown,
    HTML): markup characters are replaced, length is bounded."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))[:limit]
    for a, b in (
        ("&", "＆"),
        ("<", "‹"),
        (">", "›"),
        ("`", "'"),
        ("[", "("),
        ("]", ")"),
        ("*", "∗"),
        ("_", " "),
        ("#", "№"),
        ("|", "¦"),
        ("\\", "/"),
        ("$", "S"),
    ):
        text = text.replace(a, b)
    return text


def _flag(severity: str, reason: str, cells=None, zero: bool = False) -> dict:
    return {"severity": severity, "reason": reason, "cells": cells, "zero": zero}


# --- the gradebook's view of a notebook -----------------------------------------------------------
class SourceNotebook:
    """The source cells, their order and their nbgrader roles, as recorded in the gradebook."""

    def __init__(self, db_url: str, notebook: str, assignment: str):
        from nbgrader.api import Gradebook

        with Gradebook(db_url) as gb:
            nb = gb.find_notebook(notebook, assignment)
            self.order = [c.name for c in nb.source_cells]
            self.cells = {c.name: (c.cell_type, bool(c.locked), c.source, c.checksum) for c in nb.source_cells}
            self.points = {c.name: float(c.max_score) for c in nb.grade_cells}
            self.solutions = {c.name for c in nb.solution_cells}
            self.tasks = {c.name: float(c.max_score) for c in nb.task_cells}
            self.kernelspec = nb.kernelspec

    @classmethod
    def from_resources(cls, resources) -> SourceNotebook | None:
        info = (resources or {}).get("nbgrader") or {}
        try:
            return cls(info["db_url"], info["notebook"], info["assignment"])
        except Exception:  # noqa: BLE001 - not in nbgrader, or unknown notebook
            return None

    def metadata(self, name: str) -> dict:
        cell_type, locked, _, checksum = self.cells[name]
        meta = {
            "grade": name in self.points,
            "grade_id": name,
            "locked": locked,
            "schema_version": 3,
            "solution": name in self.solutions,
            "task": name in self.tasks,
        }
        if name in self.points:
            meta["points"] = self.points[name]
        if name in self.tasks:
            meta["points"] = self.tasks[name]
        if checksum:
            meta["checksum"] = checksum
        return meta

    def new_cell(self, name: str) -> NotebookNode:
        cell_type, locked, source, _ = self.cells[name]
        maker = {
            "code": nbformat.v4.new_code_cell,
            "markdown": nbformat.v4.new_markdown_cell,
            "raw": nbformat.v4.new_raw_cell,
        }[cell_type]
        cell = maker(source=source)
        cell.metadata["nbgrader"] = self.metadata(name)
        if locked:
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        return cell

    def blank_notebook(self) -> NotebookNode:
        nb = nbformat.v4.new_notebook()
        nb.cells = [self.new_cell(name) for name in self.order]
        return nb


# --- reading the submitted file ----------------------------------------------------------------------
def _clean_notebook(nb) -> NotebookNode:
    """A structurally valid copy: only code/markdown/raw cells with string sources."""
    out = nbformat.v4.new_notebook()
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    if isinstance(meta, dict):
        out.metadata.update(meta)
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ValueError("the notebook has no list of cells")
    makers = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }
    ids: set[str] = set()
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") not in makers:
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        new = makers[cell["cell_type"]](source=source)
        cell_id = cell.get("id")
        if isinstance(cell_id, str) and CELL_ID.fullmatch(cell_id) and cell_id not in ids:
            new["id"] = cell_id
        ids.add(new["id"])
        if isinstance(cell.get("metadata"), dict):
            new.metadata.update(cell["metadata"])
        if cell["cell_type"] == "markdown" and isinstance(cell.get("attachments"), dict):
            new["attachments"] = cell["attachments"]
        out.cells.append(new)
    nbformat.validate(out)
    return out


class SafeNotebookExporter(NotebookExporter):
    """Notebook exporter that never fails on what a student submitted (see module docstring)."""

    max_notebook_bytes = Integer(100 * MiB, help="Larger submitted notebooks are not read.").tag(config=True)

    def from_filename(self, filename, resources=None, **kw):
        """Read the submitted notebook without following a symbolic link: a link (e.g. to
        another student's notebook or a course file), a hard link, a FIFO or a device is not
        read at all and is graded as the blank student version, flagged."""
        import datetime

        resources = resources if resources is not None else {}
        if not isinstance(resources.get("metadata"), dict):
            resources["metadata"] = {}
        # As nbconvert's own from_filename: the notebook's folder is where it runs.
        folder, basename = os.path.split(filename)
        resources["metadata"]["name"] = os.path.splitext(basename)[0]
        resources["metadata"]["path"] = folder
        try:
            mtime = os.lstat(filename).st_mtime
            resources["metadata"]["modified_date"] = datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC).strftime(
                "%B %d, %Y"
            )
        except OSError:
            pass
        refusal = describe_refusal(filename)
        if refusal is not None:
            return self._blank(resources, f"it was not read because {refusal}", **kw)
        fd = open_regular(filename)
        with os.fdopen(fd, "rb") as fh:
            return self.from_file(fh, resources=resources, **kw)

    def _blank(self, resources, why: str, **kw):
        source = SourceNotebook.from_resources(resources)
        if source is None:
            raise ValueError(f"the submitted notebook cannot be graded: {why}")
        name = safe_name((resources.get("nbgrader") or {}).get("notebook", "notebook"))
        reason = (
            f"The submitted file {name}.ipynb is not a readable notebook ({why}); it was "
            "graded as the blank student version."
        )
        flag = _flag("manual", reason, None, True)
        flag["unreadable"] = True
        resources.setdefault(EXPORTER_FLAGS, []).append(flag)
        return self.from_notebook_node(source.blank_notebook(), resources, **kw)

    def from_file(self, file_stream, resources=None, **kw):
        resources = resources if resources is not None else {}
        data = file_stream.read(self.max_notebook_bytes + 1)
        if isinstance(data, bytes):
            data = data.decode("utf-8", errors="replace")
        try:
            if len(data) > self.max_notebook_bytes:
                raise ValueError(f"the file is larger than {self.max_notebook_bytes // MiB} MiB")
            if not data.strip():
                raise ValueError("the file is empty")
            nb = _clean_notebook(nbformat.reads(data, as_version=4))
        except Exception as exc:  # anything unreadable is graded as blank
            if SourceNotebook.from_resources(resources) is None:
                raise
            return self._blank(resources, f"{type(exc).__name__}: {safe_text(str(exc), 200)}", **kw)
        return self.from_notebook_node(nb, resources, **kw)


# --- sanitising ------------------------------------------------------------------------------------
SUSPICIOUS_NAMES = {
    "get_ipython": "IPython's shell (get_ipython)",
    "__builtins__": "__builtins__",
    "__import__": "__import__",
    "exec": "exec",
    "eval": "eval",
    "compile": "compile",
    "globals": "globals()",
    "vars": "vars()",
    "setattr": "setattr",
    "delattr": "delattr",
    "breakpoint": "breakpoint",
    "locals": "locals()",
}
SUSPICIOUS_MODULES = {
    "builtins",
    "ctypes",
    "gc",
    "inspect",
    "importlib",
    "signal",
    "socket",
    "subprocess",
    "threading",
    "multiprocessing",
    "ipykernel",
    "atexit",
    "sysconfig",
    "resource",
    "pty",
    "faulthandler",
    "sqlite3",
    "urllib",
    "http",
    "requests",
    "zmq",
    "jupyter_client",
    "code",
    "codeop",
    "runpy",
    "pickle",
    "marshal",
    "pdb",
    "bdb",
    "posix",
    "_thread",
    "mmap",
    "fcntl",
    "linecache",
    "copyreg",
    "_io",
    "alignlessons.sandbox",
}
SUSPICIOUS_DUNDERS = {
    "__class__",
    "__bases__",
    "__subclasses__",
    "__globals__",
    "__code__",
    "__closure__",
    "__builtins__",
    "__dict__",
    "__mro__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__func__",
    "__self__",
    "__loader__",
    "__spec__",
    "__traceback__",
    "__defaults__",
    "__kwdefaults__",
    "f_back",
    "f_globals",
    "f_locals",
    "f_builtins",
    "gi_frame",
    "tb_frame",
    "cr_frame",
}
SUSPICIOUS_ATTRS = {
    ("sys", "modules"),
    ("sys", "exit"),
    ("sys", "settrace"),
    ("sys", "setprofile"),
    ("sys", "_getframe"),
    ("sys", "excepthook"),
    ("sys", "displayhook"),
    ("sys", "meta_path"),
    ("sys", "path"),
    ("os", "_exit"),
    ("os", "kill"),
    ("os", "system"),
    ("os", "fork"),
    ("os", "remove"),
    ("os", "unlink"),
    ("os", "rmdir"),
    ("os", "rename"),
    ("os", "replace"),
    ("os", "chdir"),
    ("os", "listdir"),
    ("os", "walk"),
    ("os", "scandir"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "spawnl"),
    ("os", "setsid"),
    ("os", "killpg"),
}
# Builtins a test relies on; redefining them is suspicious (redefining e.g. ``sum`` is not).
BUILTIN_NAMES = {
    n
    for n in dir(builtins)
    if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), BaseException)
} | {
    "isinstance",
    "issubclass",
    "callable",
    "hasattr",
    "getattr",
    "setattr",
    "type",
    "object",
    "super",
    "__import__",
    "repr",
    "hash",
    "id",
    "__build_class__",
}


def suspicious_constructs(source: str, protected: set[str], modules: set[str]) -> list[str]:
    """What in a student's cell looks like an attempt to game the grader (for the review note)."""
    found: list[str] = []
    text = cell_code(source)
    if any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        found.append("IPython magics or shell commands")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return found
    except (RecursionError, MemoryError, ValueError) as exc:
        return found + [f"code the checker cannot parse ({type(exc).__name__})"]
    aliases = {}  # `import sys as _sys`: _sys stands for sys
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name.split(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in SUSPICIOUS_NAMES:
            found.append(SUSPICIOUS_NAMES[node.id])
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for n in names:
                if (
                    n.split(".")[0] in SUSPICIOUS_MODULES
                    or n in SUSPICIOUS_MODULES
                    or n.startswith("alignlessons.sandbox")
                ):
                    found.append(f"import {n}")
        elif isinstance(node, ast.Attribute):
            base = aliases.get(node.value.id, node.value.id) if isinstance(node.value, ast.Name) else None
            if base is not None and (base, node.attr) in SUSPICIOUS_ATTRS:
                found.append(f"{base}.{node.attr}")
            if node.attr in SUSPICIOUS_DUNDERS:
                found.append(f"the special attribute {node.attr}")
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                root = node.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id in modules:
                    found.append(f"changes {ast.unparse(node)} (a module's attribute)")
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if node.id in protected:
                found.append(f"redefines {node.id} (defined by the course's cells)")
            elif node.id in BUILTIN_NAMES:
                found.append(f"redefines the builtin {node.id}")
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            if node.name in BUILTIN_NAMES or node.name in protected:
                found.append(f"redefines {node.name}")
    seen, out = set(), []
    for f in found:
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out


def _imported_modules(sources) -> set[str]:
    names = set()
    for source in sources:
        try:
            tree = ast.parse(cell_code(source))
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names |= {a.asname or a.name for a in node.names}
    return names


class InspectSubmission(NbGraderPreprocessor):
    """First sanitising step: canonical nbgrader metadata, deleted locked cells restored,
    structural changes and suspicious code recorded as flags (see the module docstring)."""

    def preprocess(self, nb, resources):
        flags = list(resources.pop(EXPORTER_FLAGS, []))
        nb.metadata.pop(FLAGS_KEY, None)
        info = resources.get("nbgrader") or {}
        refused = REFUSED.pop((info.get("assignment"), info.get("student")), None)
        if refused:
            flags.append(
                _flag(
                    "review",
                    "Files in the submission were not accepted (they were "
                    "neither copied nor read): "
                    + "; ".join(refused[:20])
                    + (f"; and {len(refused) - 20} more" if len(refused) > 20 else ""),
                )
            )
        source = SourceNotebook.from_resources(resources)
        if source is not None:
            for step in (self._structure, self._scan):
                try:
                    flags += step(nb, source)
                except (RecursionError, MemoryError, ValueError, TypeError) as exc:
                    flags.append(
                        _flag(
                            "manual",
                            "The submission could not be checked "
                            f"({type(exc).__name__}: {safe_text(str(exc), 120)}); "
                            "review it before trusting its score.",
                            None,
                            False,
                        )
                    )
        if flags:
            nb.metadata[FLAGS_KEY] = {"flags": flags}
        return nb, resources

    def _structure(self, nb, source: SourceNotebook) -> list[dict]:
        flags: list[dict] = []
        # Canonical metadata; count copies of each id (the last copy is the one nbgrader grades).
        positions: dict[str, list[int]] = {}
        for i, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(gid, str) or gid not in source.cells:
                del cell.metadata["nbgrader"]
                continue
            cell.metadata["nbgrader"] = source.metadata(gid)
            positions.setdefault(gid, []).append(i)
        for gid, where in positions.items():
            if len(where) > 1:
                flags.append(
                    _flag("review", f"Cell id '{gid}' appears {len(where)} times; only the last copy was graded.")
                )
                for i in where[:-1]:
                    del nb.cells[i].metadata["nbgrader"]
        last = {gid: where[-1] for gid, where in positions.items()}
        # Changes to locked cells (OverwriteCells restores them; here they are recorded).
        for gid, i in last.items():
            cell = nb.cells[i]
            cell_type, locked, text, _ = source.cells[gid]
            if cell.cell_type != cell_type:
                flags.append(
                    _flag(
                        "review",
                        f"Cell '{gid}' was changed from {cell_type} to {cell.cell_type}; the original was restored.",
                    )
                )
            elif locked and cell.source.rstrip() not in self._versions(text):
                what = "test cell" if gid in source.points and gid not in source.solutions else "locked cell"
                flags.append(_flag("review", f"The {what} '{gid}' was edited; the original was restored."))
        # Deleted locked cells and graded answer cells come back where they belong.
        order = [gid for gid in source.order if gid in last]
        placed = sorted(last.items(), key=lambda kv: kv[1])
        if [gid for gid, _ in placed] != order:
            flags.append(_flag("review", "Cells are not in their original order (graded in the submitted order)."))
        restored = []
        for k, gid in enumerate(source.order):
            cell_type, locked, _, _ = source.cells[gid]
            if gid in last or not (locked or gid in source.points):
                continue
            anchor = None
            for prev in reversed(source.order[:k]):
                if prev in last:
                    anchor = prev
                    break
            cell = source.new_cell(gid)
            index = 0 if anchor is None else last[anchor] + 1
            nb.cells.insert(index, cell)
            last = {g: (j + 1 if j >= index else j) for g, j in last.items()}
            last[gid] = index
            restored.append(gid)
        if restored:
            flags.append(
                _flag(
                    "review", f"Cells deleted from the submission were restored from the source: {', '.join(restored)}."
                )
            )
        return flags

    def _versions(self, text: str) -> set[str]:
        """The source text of a locked cell and what students see of it (hidden tests and mark
        schemes removed, as ``nbgrader generate_assignment`` does)."""
        from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme

        out = {text.rstrip()}
        for cls, method in (
            (ClearHiddenTests, "_remove_hidden_test_region"),
            (ClearMarkScheme, "_remove_mark_scheme_region"),
        ):
            try:
                cell = nbformat.v4.new_code_cell(source=text)
                getattr(cls(parent=self), method)(cell)
                out.add(cell.source.rstrip())
                text2 = cell.source
                cell = nbformat.v4.new_code_cell(source=text2)
                for cls2, method2 in (
                    (ClearHiddenTests, "_remove_hidden_test_region"),
                    (ClearMarkScheme, "_remove_mark_scheme_region"),
                ):
                    getattr(cls2(parent=self), method2)(cell)
                out.add(cell.source.rstrip())
            except Exception:  # noqa: BLE001 - malformed regions: compare with the source only
                continue
        return out

    def _scan(self, nb, source: SourceNotebook) -> list[dict]:
        locked_sources = [text for gid, (t, locked, text, _) in source.cells.items() if locked and t == "code"]
        protected: set[str] = set()
        from .execute import bound_names

        for gid, (t, locked, text, _) in source.cells.items():
            if locked and t == "code" and gid not in source.points:  # set-up cells, not tests
                protected |= bound_names(text)
        student_sources = [
            c.source
            for c in nb.cells
            if c.cell_type == "code" and not (c.metadata.get("nbgrader", {}) or {}).get("locked")
        ]
        modules = _imported_modules(locked_sources + student_sources)
        flags = []
        for i, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {}) or {}
            if cell.cell_type != "code" or meta.get("locked"):
                continue
            try:
                found = suspicious_constructs(cell.source, protected, modules)
            except (RecursionError, MemoryError) as exc:
                found = [f"code too deeply nested to check ({type(exc).__name__})"]
            if found:
                label = f"'{meta['grade_id']}'" if meta.get("grade_id") else f"number {i + 1}"
                flags.append(
                    _flag(
                        "review",
                        f"Cell {label} uses {', '.join(found[:8])}: check "
                        "for an attempt to game the grader (tests ran in a "
                        "separate kernel, so it cannot change their result).",
                    )
                )
        return flags


class ApplyGradingFlags(NbGraderPreprocessor):
    """After SaveAutoGrades: flags into the gradebook and a note into the autograded notebook."""

    def preprocess(self, nb, resources):
        store = resources.get(FLAGS_KEY) or {}
        flags = store.get("flags") or []
        info = resources.get("nbgrader") or {}
        if not flags or not info.get("db_url"):
            return nb, resources
        from nbgrader.api import Gradebook

        source = SourceNotebook.from_resources(resources)
        test_cells = set(store.get("test_cells") or [])
        with Gradebook(info["db_url"]) as gb:
            sub = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            sub.flagged = True
            grades = {g.name: g for g in sub.grades}
            for f in flags:
                if f.get("severity") != "manual":
                    continue
                names = f.get("cells")
                targets = [grades[n] for n in (names if names is not None else sorted(test_cells)) if n in grades]
                for g in targets:
                    if f.get("zero"):
                        g.auto_score = 0
                    g.needs_manual_grade = True
            comments = {c.name: c for c in sub.comments}
            notes: dict[str, list[str]] = {}
            first = next((n for n in (source.order if source else []) if n in comments), next(iter(comments), None))
            for f in flags:
                target = first
                cells = f.get("cells") or []
                if source is not None and cells:
                    k = min((source.order.index(c) for c in cells if c in source.order), default=None)
                    if k is not None:
                        target = next((n for n in reversed(source.order[: k + 1]) if n in comments), first)
                if target is not None:
                    notes.setdefault(target, []).append(f["reason"])
            for name, reasons in notes.items():
                text = "Autograder notes (review):\n" + "\n".join(f"- {r}" for r in dict.fromkeys(reasons))
                old = comments[name].auto_comment
                comments[name].auto_comment = f"{old}\n\n{text}" if old else text
            gb.db.commit()
        note = "**Autograder notes** — this submission was flagged for review:\n\n" + "\n".join(
            f"- {f['reason']}" for f in flags
        )
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(note))
        return nb, resources


# --- missing notebooks --------------------------------------------------------------------------
def _converter_context():
    """The running nbgrader converter and the (assignment, student) it is processing."""
    frame = sys._getframe(1)
    converter, ids = None, None
    while frame is not None:
        loc = frame.f_locals
        if converter is None and hasattr(loc.get("self"), "coursedir"):
            converter = loc["self"]
        gd = loc.get("gd")
        if ids is None and isinstance(gd, dict) and "student_id" in gd and "assignment_id" in gd:
            ids = (gd["assignment_id"], gd["student_id"])
        if converter is not None and ids is not None:
            break
        frame = frame.f_back
    return converter, ids


def check_submitted_files(assignment=None, student=None, notebooks=None, **_):
    """``Autograde.pre_convert_hook``: flag notebooks missing from a submission (wrong names)."""
    converter, ids = _converter_context()
    if converter is None or ids is None:
        return
    assignment_id, student_id = ids
    coursedir = converter.coursedir
    folder = coursedir.format_path(coursedir.submitted_directory, student_id, assignment_id)
    present = sorted(f for f in os.listdir(folder) if f.endswith(".ipynb")) if os.path.isdir(folder) else []
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            expected = [n.name for n in gb.find_assignment(assignment_id).notebooks]
        except MissingEntry:
            return
        missing = [n for n in expected if f"{n}.ipynb" not in present]
        if not missing:
            return
        gb.update_or_create_student(student_id)
        gb.update_or_create_submission(assignment_id, student_id)
        others = [f for f in present if f[:-6] not in expected]
        for name in missing:
            sub = gb.find_submission_notebook(name, assignment_id, student_id)
            sub.flagged = True
            for g in sub.grades:
                g.auto_score = 0
                g.needs_manual_grade = True
            reason = (
                f"No notebook named {name}.ipynb was submitted"
                + (f" (found: {', '.join(safe_name(o) for o in others[:20])})" if others else "")
                + f". If one of them is this notebook, rename it in "
                f"{os.path.relpath(folder, coursedir.root)} and run "
                f"`nbgrader autograde {assignment_id} --student {student_id} --force`."
            )
            for c in sub.comments[:1]:
                c.auto_comment = reason
        gb.db.commit()
    converter.log.warning(
        "alignlessons: %s/%s is missing %s; flagged for review",
        student_id,
        assignment_id,
        ", ".join(f"{m}.ipynb" for m in missing),
    )
