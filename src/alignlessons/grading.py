"""nbgrader settings shared by this repository, the tests and instructors' course roots.

* Mark schemes live in the locked question cell above each essay answer, between
  ``=== BEGIN MARK SCHEME ===`` and ``=== END MARK SCHEME ===``. nbgrader removes them from the
  student version, restores them in the autograded copy that graders see in formgrader, and
  (with the settings below) removes them again, with hidden tests, from students' feedback.
* Warnings printed to stderr by a correct answer must not cost points (nbgrader scores a test
  cell with any stderr as 0): ``IgnorePattern`` drops warning lines before scoring.
* Autograding is sandboxed (:mod:`alignlessons.sandbox`): student code runs in a bubblewrap
  jail, test cells run in a second jail that no student code ever touches, and what students
  submit is checked and repaired before it runs. Without bubblewrap, autograding refuses to run
  unless ``c.SandboxKernelManager.allow_unsandboxed = True``. docs/instructors.md explains it all.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

COURSE_ID = "alignlessons"
EXECUTE_TIMEOUT = 120  # seconds per cell while autograding

SANITIZE_PREPROCESSORS = [
    "nbgrader.preprocessors.ClearOutput",
    "alignlessons.sandbox.submission.InspectSubmission",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
AUTOGRADE_PREPROCESSORS = [
    "alignlessons.sandbox.execute.IsolatedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "alignlessons.sandbox.submission.ApplyGradingFlags",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "alignlessons.sandbox.inert.NeutraliseContent",
]
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "alignlessons.grading.WithholdHiddenTestDetails",
    "alignlessons.grading.SafeClearHiddenTests",
    "alignlessons.grading.SafeClearMarkScheme",
    "alignlessons.grading.NeutraliseFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


def configure(c, *, sandbox: bool = True) -> None:
    """Apply the course's nbgrader settings to a traitlets config object ``c``.

    With ``sandbox`` (the default) autograding runs student code only in the bubblewrap jail and
    the tests in a separate jail (:mod:`alignlessons.sandbox`); see :func:`configure_sandbox`.
    """
    c.CourseDirectory.course_id = COURSE_ID
    c.ClearMarkScheme.enforce_metadata = False
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ExecutePreprocessor.timeout = EXECUTE_TIMEOUT
    c.Execute.timeout = EXECUTE_TIMEOUT
    c.Execute.interrupt_on_timeout = True
    c.IgnorePattern.pattern = r"[^\n]*(?:Warning|warnings\.warn)[^\n]*\n?"
    c.IgnorePattern.enabled = True
    c.GenerateFeedback.preprocessors = list(FEEDBACK_PREPROCESSORS)
    c.OverwriteCells.add_missing_cells = True
    # Formgrader and feedback render notebooks to HTML: sanitise what they render as well
    # (autograded notebooks are already made inert, alignlessons.sandbox.inert).
    c.HTMLExporter.sanitize_html = True
    install_formgrader_csp()
    if sandbox:
        configure_sandbox(c)


def configure_sandbox(c) -> None:
    """Sandboxed autograding: submission checks, the two-kernel execute step, grading flags."""
    from .sandbox import KERNEL_NAME

    c.Autograde.exporter_class = "alignlessons.sandbox.submission.SafeNotebookExporter"
    c.Autograde.sanitize_preprocessors = list(SANITIZE_PREPROCESSORS)
    c.Autograde.autograde_preprocessors = list(AUTOGRADE_PREPROCESSORS)
    c.Autograde.pre_convert_hook = "alignlessons.sandbox.submission.check_submitted_files"
    c.IsolatedExecute.kernel_name = KERNEL_NAME
    c.ExchangeFactory.collect = "alignlessons.sandbox.exchange.SafeCollect"
    from .sandbox.files import install_autograde_copy

    install_autograde_copy()


def solutions_dir() -> Path:
    """The source notebooks shipped with the course: the repository's ``solutions/`` in a
    checkout, the copy inside the package when installed (:mod:`alignlessons.paths`)."""
    from .paths import solutions_dir

    return solutions_dir()


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^-+> *(\d+)", re.M)
HIDDEN_FAILURE = (
    "A hidden test failed. Your answer passes the visible examples but not every case "
    "the question describes: re-read the question and test your answer more widely."
)


#: Errors the grader itself puts into a test cell (a test that could not run, a stopped kernel,
#: a time-out): their messages say what happened and reveal nothing about the tests.
GRADER_ERRORS = {
    "NotRun",
    "KernelStopped",
    "GraderError",
    "CellTimeoutError",
    "StudentCodeTimeout",
    "StudentKernelUnavailable",
}


def _hidden_lines(source: str) -> set[int]:
    lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        if inside:
            lines.add(number)
        if "END HIDDEN TESTS" in line:
            inside = False
    return lines


class WithholdHiddenTestDetails(NbGraderPreprocessor):
    """Feedback preprocessor: errors in test cells show only their last line, and an error raised
    inside a hidden-test region shows a generic message, so feedback never reveals hidden tests.

    Runs before ``ClearHiddenTests`` (it needs the hidden region to locate the failing line).
    Graders still see full tracebacks in the autograded notebooks.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade"):
            return cell, resources
        hidden = _hidden_lines(cell.source)
        if hidden:  # whatever a hidden test prints or displays could reveal it: keep only errors
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            text = _ANSI.sub("", "\n".join(out.get("traceback", [])))
            arrow = _ARROW.search(text)
            failing_line = int(arrow.group(1)) if arrow else None
            if out.get("ename") in GRADER_ERRORS:  # the grader's own messages reveal no test
                pass
            elif hidden and (failing_line is None or failing_line in hidden):
                out["ename"], out["evalue"] = "HiddenTestFailed", HIDDEN_FAILURE
            out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources


def _course_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader") or {}
    return bool(meta.get("locked"))


class _OnlyCourseCells(NbGraderPreprocessor):
    """Runs nbgrader's region-clearing step on the course's own (locked) cells only; a student
    cell is never parsed for markers (a stray BEGIN marker there must not stop feedback), and a
    course cell whose markers cannot be processed loses its source rather than show it."""

    base = None

    def preprocess(self, nb, resources):
        from traitlets.config import Config

        step = self.base(config=self.config if self.config is not None else Config())
        for cell in nb.cells:
            if not _course_cell(cell):
                continue
            try:
                step.preprocess_cell(cell, resources, 0)
            except Exception:  # noqa: BLE001 - malformed regions: show nothing of the cell
                cell.source = "# (this cell cannot be shown)"
                if cell.cell_type == "code":
                    cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        return nb, resources


def _base(name):
    import nbgrader.preprocessors as pp

    return getattr(pp, name)


class SafeClearHiddenTests(_OnlyCourseCells):
    """``ClearHiddenTests`` for feedback, on course cells only (see :class:`_OnlyCourseCells`)."""

    def preprocess(self, nb, resources):
        self.base = _base("ClearHiddenTests")
        return super().preprocess(nb, resources)


class SafeClearMarkScheme(_OnlyCourseCells):
    """``ClearMarkScheme`` for feedback, on course cells only (see :class:`_OnlyCourseCells`)."""

    def preprocess(self, nb, resources):
        self.base = _base("ClearMarkScheme")
        return super().preprocess(nb, resources)


class NeutraliseFeedback(NbGraderPreprocessor):
    """Feedback pages are made from autograded notebooks, already inert; this makes feedback
    generated from notebooks graded before that step was added inert too."""

    def preprocess(self, nb, resources):
        from .sandbox.inert import neutralise_notebook

        meta = dict(nb.metadata)
        neutralise_notebook(nb)
        nb.metadata.update({k: v for k, v in meta.items() if k in ("kernelspec", "language_info")})
        return nb, resources


# --- formgrader: a content security policy for submission pages ----------------------------------
#: The two inline event handlers of nbgrader's formgrade template (show/hide the student's name).
_TEMPLATE_HANDLERS = ("toggle_name(true);", "toggle_name(false);")
_NOTEBOOK_START, _NOTEBOOK_END = 'id="notebook-container"', '<div class="help">'


def formgrader_policy(nonce: str) -> str:
    """Scripts run only if the page itself carries the nonce (the template's scripts); nothing
    from the notebook's content -- inline scripts, event handlers, ``javascript:`` links,
    plug-ins, frames -- can run, and the page cannot be framed by another site."""
    import base64
    import hashlib

    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(h.encode()).digest()).decode() + "'" for h in _TEMPLATE_HANDLERS
    )
    return (
        f"default-src 'self'; script-src 'nonce-{nonce}' 'unsafe-hashes' {hashes}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'self'"
    )


def add_script_nonces(html: str, nonce: str) -> str:
    """Give the nonce to every ``<script`` of the page outside the notebook's own content."""
    import re

    start = html.find(_NOTEBOOK_START)
    end = html.find(_NOTEBOOK_END, start if start >= 0 else 0)
    if start < 0 or end < 0:
        start = end = len(html)  # not a formgrade page: no script runs from inside anything

    def tag(text: str) -> str:
        return re.sub(r"<script(?=[\s>])", f'<script nonce="{nonce}"', text, flags=re.I)

    return tag(html[:start]) + html[start:end] + tag(html[end:])


def install_formgrader_csp() -> None:
    """Serve formgrader's submission pages (the rendered autograded notebooks) with
    :func:`formgrader_policy`. Installed by :func:`configure`, which formgrader runs when it
    loads the course's ``nbgrader_config.py``; idempotent."""
    try:
        from nbgrader.server_extensions.formgrader import handlers
    except Exception:  # noqa: BLE001 - formgrader not installed
        return
    cls = handlers.SubmissionHandler
    if getattr(cls, "_alignlessons_csp", False):
        return
    original = cls.write

    def write(self, chunk):
        if isinstance(chunk, (str, bytes)):
            import secrets

            text = chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk
            nonce = secrets.token_urlsafe(18)
            chunk = add_script_nonces(text, nonce)
            self.set_header("Content-Security-Policy", formgrader_policy(nonce))
        return original(self, chunk)

    cls.write = write
    cls._alignlessons_csp = True
