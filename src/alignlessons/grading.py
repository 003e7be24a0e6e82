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
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "alignlessons.grading.WithholdHiddenTestDetails",
        "nbgrader.preprocessors.ClearHiddenTests",
        "nbgrader.preprocessors.ClearMarkScheme",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
    c.OverwriteCells.add_missing_cells = True
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


def solutions_dir() -> Path:
    """The source notebooks shipped with the course (the repository's ``solutions/``)."""
    return Path(__file__).resolve().parents[2] / "solutions"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARROW = re.compile(r"^-+> *(\d+)", re.M)
HIDDEN_FAILURE = ("A hidden test failed. Your answer passes the visible examples but not every case "
                  "the question describes: re-read the question and test your answer more widely.")


#: Errors the grader itself puts into a test cell (a test that could not run, a stopped kernel,
#: a time-out): their messages say what happened and reveal nothing about the tests.
GRADER_ERRORS = {"NotRun", "KernelStopped", "GraderError", "CellTimeoutError", "StudentCodeTimeout",
                 "StudentKernelUnavailable"}


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
