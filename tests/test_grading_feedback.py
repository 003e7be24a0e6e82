"""Tests for alignlessons.grading.WithholdHiddenTestDetails: feedback never reveals hidden tests."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from alignlessons.grading import HIDDEN_FAILURE, WithholdHiddenTestDetails

SECRET = "zebra_secret_value"
# Line numbers:           1                       2                      3
SOURCE = "\n".join(
    [
        "# visible tests",  # 1
        "assert square(2) == 4, 'square(2) should be 4'",  # 2
        "assert square(3) == 9",  # 3
        "### BEGIN HIDDEN TESTS",  # 4
        f"{SECRET} = 12345",  # 5
        f"assert square(5) == 25, 'hidden: {SECRET}'",  # 6
        f"assert square(-{SECRET}) >= 0",  # 7
        "### END HIDDEN TESTS",  # 8
    ]
)
HIDDEN_TOKENS = [SECRET, "12345", "square(5)", "hidden:"]


def ansi_arrow(line: int, code: str) -> str:
    return f"\x1b[0;32m----> {line}\x1b[0m {code}"


def traceback_for(line: int, ename="AssertionError", evalue="", colour=True) -> list[str]:
    lines = SOURCE.splitlines()
    context = []
    for n in range(max(1, line - 2), min(len(lines), line + 2) + 1):
        if n == line:
            context.append(ansi_arrow(n, lines[n - 1]) if colour else f"----> {n} {lines[n - 1]}")
        else:
            context.append(f"\x1b[0;32m      {n}\x1b[0m {lines[n - 1]}" if colour else f"      {n} {lines[n - 1]}")
    return [
        "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
        f"\x1b[0;31m{ename}\x1b[0m                            Traceback (most recent call last)",
        f"Cell \x1b[0;32mIn[7], line {line}\x1b[0m\n" + "\n".join(context) + "\n",
        f"\x1b[0;31m{ename}\x1b[0m: {evalue}",
    ]


def error_output(line: int, ename="AssertionError", evalue="", colour=True):
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=traceback_for(line, ename, evalue, colour)
    )


def graded_cell(outputs, source=SOURCE, grade=True, cell_type="code"):
    meta = {
        "nbgrader": {
            "grade": grade,
            "grade_id": "test-square",
            "locked": True,
            "points": 2,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
    }
    if cell_type == "markdown":
        cell = nbformat.v4.new_markdown_cell(source, metadata=meta)
        cell["outputs"] = outputs  # not valid nbformat, but a preprocessor must still leave it alone
        return cell
    return nbformat.v4.new_code_cell(source, metadata=meta, outputs=outputs)


def run(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells.extend(cells)
    nb, _ = WithholdHiddenTestDetails().preprocess(nb, {})
    return nb


def outputs_text(cell) -> str:
    return json.dumps(cell.get("outputs", []))


# --- failures inside the hidden region ---------------------------------------------------------
@pytest.mark.parametrize("line", [4, 5, 6, 7, 8])
@pytest.mark.parametrize("colour", [True, False], ids=["ansi", "plain"])
def test_hidden_failure_is_generic(line, colour):
    cell = graded_cell([error_output(line, evalue=f"hidden: {SECRET}", colour=colour)])
    out = run(cell).cells[0].outputs[0]
    assert out.ename == "HiddenTestFailed"
    assert out.evalue == HIDDEN_FAILURE
    assert len(out.traceback) == 1
    assert out.traceback[0] == f"HiddenTestFailed: {HIDDEN_FAILURE}"
    text = outputs_text(run(graded_cell([error_output(line, evalue=f"hidden: {SECRET}", colour=colour)])).cells[0])
    for token in HIDDEN_TOKENS:
        assert token not in text


def test_hidden_failure_with_another_error_type():
    cell = graded_cell([error_output(7, ename="NameError", evalue=f"name '{SECRET}' is not defined")])
    out = run(cell).cells[0].outputs[0]
    assert (out.ename, out.evalue) == ("HiddenTestFailed", HIDDEN_FAILURE)
    assert SECRET not in outputs_text(
        run(graded_cell([error_output(7, ename="NameError", evalue=f"name '{SECRET}' is not defined")])).cells[0]
    )


def test_failure_without_a_located_line_in_a_cell_with_hidden_tests_is_generic():
    out = nbformat.v4.new_output(
        "error", ename="TimeoutError", evalue=f"stuck on {SECRET}", traceback=["\x1b[0;31mTimeoutError\x1b[0m: stuck"]
    )
    result = run(graded_cell([out])).cells[0].outputs[0]
    assert (result.ename, result.evalue) == ("HiddenTestFailed", HIDDEN_FAILURE)
    assert SECRET not in outputs_text(run(graded_cell([copy.deepcopy(out)])).cells[0])


# --- failures in the visible part -----------------------------------------------------------
@pytest.mark.parametrize("line", [2, 3])
@pytest.mark.parametrize("colour", [True, False], ids=["ansi", "plain"])
def test_visible_failure_keeps_its_message_in_one_line(line, colour):
    evalue = "square(2) should be 4" if line == 2 else ""
    cell = graded_cell([error_output(line, evalue=evalue, colour=colour)])
    out = run(cell).cells[0].outputs[0]
    assert out.ename == "AssertionError"
    assert out.evalue == evalue
    assert out.traceback == [f"AssertionError: {evalue}"]
    text = outputs_text(run(graded_cell([error_output(line, evalue=evalue, colour=colour)])).cells[0])
    for token in HIDDEN_TOKENS:
        assert token not in text


def test_graded_cell_without_hidden_tests_keeps_its_message():
    source = "assert add(1, 1) == 2\nassert add(2, 2) == 4, 'add(2, 2) should be 4'"
    tb = [
        "\x1b[0;31mAssertionError\x1b[0m   Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[3], line 2\x1b[0m\n      1 assert add(1, 1) == 2\n"
        "\x1b[0;32m----> 2\x1b[0m assert add(2, 2) == 4, 'add(2, 2) should be 4'\n",
        "\x1b[0;31mAssertionError\x1b[0m: add(2, 2) should be 4",
    ]
    cell = graded_cell(
        [nbformat.v4.new_output("error", ename="AssertionError", evalue="add(2, 2) should be 4", traceback=tb)],
        source=source,
    )
    out = run(cell).cells[0].outputs[0]
    assert (out.ename, out.evalue) == ("AssertionError", "add(2, 2) should be 4")
    assert out.traceback == ["AssertionError: add(2, 2) should be 4"]


def test_other_outputs_of_a_cell_with_hidden_tests_are_dropped():
    # Anything printed in a cell with hidden tests may come from the hidden part: only errors stay.
    stream = nbformat.v4.new_output("stream", name="stdout", text="visible print\n")
    cell = graded_cell([stream, error_output(6, evalue=f"hidden: {SECRET}")])
    result = run(cell).cells[0]
    assert len(result.outputs) == 1
    assert result.outputs[0].ename == "HiddenTestFailed"
    assert result.source == SOURCE  # removing the hidden source is ClearHiddenTests' job


# --- a real IPython traceback (no kernel: an in-process shell) -------------------------------------
def ipython_error(source: str):
    shell = InteractiveShell.instance()
    shell.run_cell("def square(x):\n    return x * x\n", store_history=False)
    with capture_output():
        result = shell.run_cell(source, store_history=True)
    exc = result.error_in_exec
    assert exc is not None
    return nbformat.v4.new_output(
        "error",
        ename=type(exc).__name__,
        evalue=str(exc),
        traceback=shell.InteractiveTB.structured_traceback(type(exc), exc, exc.__traceback__),
    )


def test_real_traceback_from_hidden_region():
    source = SOURCE.replace("square(5) == 25", "square(5) == 26")
    error = ipython_error(source)
    assert any(SECRET in line for line in error.traceback)  # the raw traceback does leak
    out = run(graded_cell([error], source=source)).cells[0].outputs[0]
    assert (out.ename, out.evalue) == ("HiddenTestFailed", HIDDEN_FAILURE)
    assert len(out.traceback) == 1
    assert SECRET not in json.dumps(out)


def test_real_traceback_from_visible_part():
    source = SOURCE.replace("square(3) == 9", "square(3) == 10")
    error = ipython_error(source)
    out = run(graded_cell([error], source=source)).cells[0].outputs[0]
    assert out.ename == "AssertionError"
    assert out.traceback == ["AssertionError: "]
    assert SECRET not in json.dumps(out)


def test_real_traceback_through_a_function_called_from_the_hidden_region():
    # The error is raised inside a helper; the first arrow is the cell's own (hidden) line.
    source = SOURCE.replace(f"assert square(-{SECRET}) >= 0", "assert square('x') >= 0")
    error = ipython_error(source)
    out = run(graded_cell([error], source=source)).cells[0].outputs[0]
    assert (out.ename, out.evalue) == ("HiddenTestFailed", HIDDEN_FAILURE)


# --- cells that are not graded ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["no nbgrader metadata", "solution cell", "markdown"])
def test_cells_that_are_not_graded_code_are_untouched(kind):
    outputs = [error_output(6, evalue=f"hidden: {SECRET}")]
    if kind == "no nbgrader metadata":
        cell = nbformat.v4.new_code_cell(SOURCE, outputs=outputs)
    elif kind == "solution cell":
        cell = graded_cell(outputs, grade=False)
        cell.metadata["nbgrader"]["solution"] = True
    else:
        cell = graded_cell(outputs, cell_type="markdown")
    before = copy.deepcopy(cell)
    after = run(cell).cells[0]
    assert after == before


def test_only_graded_cells_change_in_a_mixed_notebook():
    plain = nbformat.v4.new_code_cell(SOURCE, outputs=[error_output(6, evalue=SECRET)])
    graded = graded_cell([error_output(6, evalue=SECRET)])
    plain_before = copy.deepcopy(plain)
    nb = run(plain, graded)
    assert nb.cells[0] == plain_before
    assert nb.cells[1].outputs[0].ename == "HiddenTestFailed"


def test_printed_output_of_hidden_tests_is_dropped():
    import nbformat

    from alignlessons.grading import WithholdHiddenTestDetails

    cell = nbformat.v4.new_code_cell(
        "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nprint('secret', f(7))\n### END HIDDEN TESTS"
    )
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "points": 1,
        "grade_id": "t",
        "schema_version": 3,
    }
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="secret 49\n")]
    out, _ = WithholdHiddenTestDetails().preprocess_cell(cell, {}, 0)
    assert out.outputs == []


def test_outputs_of_a_graded_cell_without_hidden_tests_are_kept():
    stream = nbformat.v4.new_output("stream", name="stdout", text="visible print\n")
    visible_only = "assert square(2) == 4, 'square(2) should be 4'"
    result = run(graded_cell([stream], source=visible_only)).cells[0]
    assert result.outputs == [stream]
