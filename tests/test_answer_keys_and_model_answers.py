"""Guards from issue 14 (the Fidelity checklist), over every assignment in solutions/.

1. No course-data loader holds an autograded answer key. Every mapping of strings to strings that
   a solution or hidden test spells out (an answer to a classification, e.g. note id -> kind) is
   compared with every pair of columns of every table the student can load from
   ``alignlessons.content``: if the table reproduces the mapping, the key is one call away.
2. Model answers are computed, then written. Each solution notebook is executed in-process; every
   decimal number and percentage a model answer (a graded markdown solution cell starting
   "*Model answer") cites must equal, at the precision cited, a number a solution cell computed (a
   value bound to a public name, a number it printed) or wrote in its code (a parameter).
Integers written without a decimal point or a % sign ("four teams") are not checked.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import math
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from alignlessons import content

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))

#: Answers that are deliberately open-book: the question tells the student to check the answer
#: against course data, so a key in that data is intended. (notebook stem, grade_id) -> reason.
OPEN_BOOK = {
    ("00_start_here", "q3-answer"): "who wrote what: the question invites checking against content.sources()",
}


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {}) or {}


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold()


# --------------------------------------------------------------------------------------
# 1. Answer keys
# --------------------------------------------------------------------------------------


def _string_mappings(source: str) -> list[dict[str, str]]:
    """Dict literals with at least three entries whose keys and values are all string constants."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Dict)
            and len(node.keys) >= 3
            and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys)
            and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values)
        ):
            found.append({k.value: v.value for k, v in zip(node.keys, node.values)})
    return found


def _course_tables() -> dict[str, pd.DataFrame]:
    """Every table a student can load from alignlessons.content with one call and no arguments."""
    tables = {}
    for name in content.__all__:
        obj = getattr(content, name)
        if not inspect.isfunction(obj):
            continue
        if any(
            p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in inspect.signature(obj).parameters.values()
        ):
            continue
        result = obj()
        if isinstance(result, pd.DataFrame):
            tables[name] = result
    return tables


def _leaks(mapping: dict[str, str], tables: dict[str, pd.DataFrame]) -> list[str]:
    """Table columns (a, b) whose rows reproduce at least half the mapping (and three entries)."""
    wanted = {(_norm(k), _norm(v)) for k, v in mapping.items()}
    need = max(3, math.ceil(len(wanted) / 2))
    hits = []
    for name, frame in tables.items():
        cells = {c: [_norm(x) for x in frame[c]] for c in frame.columns}
        for a in frame.columns:
            for b in frame.columns:
                if a == b:
                    continue
                pairs = set(zip(cells[a], cells[b]))
                matched = len(wanted & pairs)
                if matched >= need:
                    hits.append(f"content.{name}() columns {a!r} -> {b!r} reproduce {matched} of {len(wanted)}")
    return hits


def _mappings_in(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade")):
            for mapping in _string_mappings(cell.source):
                yield meta.get("grade_id"), mapping


@pytest.fixture(scope="module")
def tables():
    return _course_tables()


def test_the_loaders_are_found(tables):
    assert {"annotations", "sources", "quotes", "glossary", "plan_steps"} <= set(tables)


def test_detector_catches_a_key_copied_from_course_data(tables):
    # The shape of assignment 01's first Question 1: labels keyed by note id, as in annotations().
    key = dict(zip(content.annotations()["id"], content.annotations()["kind"]))
    assert _string_mappings(repr(key)) == [key]
    assert _leaks(key, tables), "the detector should find the key in content.annotations()"
    assert not _leaks({k: "irony" for k in key}, tables), "a key the data does not hold is not a leak"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_no_course_data_table_holds_an_autograded_answer_key(path, tables):
    problems = []
    for grade_id, mapping in _mappings_in(path):
        if (path.stem, grade_id) in OPEN_BOOK:
            continue
        problems += [f"{grade_id}: {hit}" for hit in _leaks(mapping, tables)]
    assert not problems, (
        f"{path.name}: an answer key is loadable from course data (move it into the hidden tests only, "
        f"or make the task manually graded): {problems}"
    )


def test_open_book_exemptions_still_exist():
    for (stem, grade_id), _reason in OPEN_BOOK.items():
        path = ROOT / "solutions" / stem / f"{stem}.ipynb"
        assert any(g == grade_id for g, _ in _mappings_in(path)), f"stale exemption {stem}/{grade_id}"


# --------------------------------------------------------------------------------------
# 2. Model answers cite computed numbers
# --------------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d+)(\s*%)?(?![\w.]*\d)")
SMALL = 100  # containers with more values than this (grids, samples) are not searched


def _numbers_in(value, out: list[float], depth: int = 0) -> None:
    if depth > 3:
        return
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float, np.integer, np.floating)):
        out.append(float(value))
    elif isinstance(value, dict) and len(value) <= SMALL:
        for k, v in value.items():
            _numbers_in(k, out, depth + 1)
            _numbers_in(v, out, depth + 1)
    elif isinstance(value, (list, tuple, set)) and len(value) <= SMALL:
        for v in value:
            _numbers_in(v, out, depth + 1)
    elif isinstance(value, np.ndarray) and value.size <= SMALL and value.dtype.kind in "iuf":
        out.extend(float(x) for x in value.ravel())
    elif isinstance(value, (pd.Series, pd.DataFrame)) and value.size <= SMALL:
        out.extend(
            float(x)
            for x in np.asarray(
                value.select_dtypes("number")
                if isinstance(value, pd.DataFrame)
                else value[pd.to_numeric(value, errors="coerce").notna()],
                dtype=float,
            ).ravel()
        )


def _bound_names(source: str) -> set[str]:
    """Public names (no leading underscore) a cell binds at its top level."""
    names = set()
    for node in ast.parse(source).body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and not sub.id.startswith("_"):
                names.add(sub.id)
    return names


def _computed_numbers(path: Path) -> list[float]:
    """Run the solution notebook's code cells in order. Collect, from the *solution* cells only (not
    the tests, whose random parameters would match anything): the values bound to public names, the
    numbers printed, and the numbers written in the code (parameters)."""
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__solution__", "display": lambda *a, **k: None}
    numbers: list[float] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(cell.source, f"{path.name}", "exec"), namespace)  # noqa: S102 - the course's own solution cells
            if not _meta(cell).get("solution"):
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Constant):
                    _numbers_in(node.value, numbers)
            for name in _bound_names(cell.source):
                _numbers_in(namespace.get(name), numbers)
            numbers += [float(m.group(1)) / (100 if m.group(2) else 1) for m in NUMBER.finditer(printed.getvalue())]
    return numbers


def _cited(text: str) -> list[tuple[str, float, float]]:
    """(as written, value, half a unit of the last digit) for decimals and percentages in text."""
    cited = []
    for m in NUMBER.finditer(text):
        digits, percent = m.group(1), m.group(2)
        if "." not in digits and not percent:
            continue
        places = len(digits.split(".")[1]) if "." in digits else 0
        scale = 100 if percent else 1
        cited.append((m.group(0).strip(), float(digits) / scale, 0.5 * 10**-places / scale))
    return cited


def _model_answers(path: Path) -> list[tuple[str, str]]:
    nb = nbformat.read(path, as_version=4)
    return [
        (_meta(c).get("grade_id"), c.source)
        for c in nb.cells
        if c.cell_type == "markdown"
        and _meta(c).get("solution")
        and _meta(c).get("grade")
        and c.source.lstrip().startswith("*Model answer")
    ]


def test_cited_number_parser():
    assert [c[0] for c in _cited("0.60 with none, 67% with two, μ = 2.5, four teams, 10 steps")] == [
        "0.60",
        "67%",
        "2.5",
    ]
    ((_, value, tol),) = _cited("0.394")
    assert math.isclose(value, 0.394) and math.isclose(tol, 0.0005)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_model_answers_cite_only_numbers_the_solution_computes(path):
    answers = _model_answers(path)
    cited = [(g, *c) for g, text in answers for c in _cited(text)]
    if not cited:
        pytest.skip(f"{path.stem}: no model answer cites a decimal number or a percentage")
    computed = np.array(_computed_numbers(path))
    missing = [f"{g}: {shown}" for g, shown, value, tol in cited if not (np.abs(computed - value) <= tol + 1e-9).any()]
    assert not missing, (
        f"{path.name}: model answers cite numbers the solution never computes (compute them in a solution "
        f"cell, then write): {missing}"
    )
