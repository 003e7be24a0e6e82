"""Beliefs round trip, end to end: record in lesson 00 -> read back in lesson 06.

The lessons' own code cells are run here (in-process, in a temporary learner folder), so a change
to either lesson that breaks the round trip fails this test. Missing and damaged records give
clear messages, and nothing lesson 06 does can change the starting record.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
from pathlib import Path

import nbformat
import pytest

from alignlessons import beliefs

ROOT = Path(__file__).resolve().parents[1]
L00 = ROOT / "lessons" / "00_start_here.ipynb"
L06 = ROOT / "lessons" / "06_synthesis.ipynb"


def _cells(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def _run(source: str, ns: dict):
    """Run a cell like Jupyter: statements, then the value of a final expression."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = tree.body[:-1] if last is not None else tree.body
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # the course's own lesson cells, run as a kernel would run them
        exec(compile(ast.Module(body=body, type_ignores=[]), "<cell>", "exec"), ns)  # noqa: S102
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns) if last is not None else None  # noqa: S307
    return value, out.getvalue()


def _lesson06(home, monkeypatch):
    """Run lesson 06's setup and beliefs cells; return (namespace, printed text, start form)."""
    monkeypatch.setenv("ALIGNLESSONS_HOME", str(home))
    cells = _cells(L06)
    ns: dict = {}
    _run(cells[0], ns)
    printed, start_form = "", None
    for src in cells:
        if 'beliefs.read("start")' in src or 'beliefs.read("end")' in src:
            printed += _run(src, ns)[1]
        if 'beliefs.form("start"' in src:
            start_form = _run(src, ns)[0]
    return ns, printed, start_form


def _record_in_lesson00(home, monkeypatch, values):
    monkeypatch.setenv("ALIGNLESSONS_HOME", str(home))
    cells = _cells(L00)
    ns: dict = {}
    _run(cells[0], ns)
    (form_cell,) = [src for src in cells if 'beliefs.form("start")' in src]
    form, _ = _run(form_cell, ns)
    for key, value in values.items():
        form._sliders[key].value = value
    form._save()
    assert "Saved" in form._status.value, form._status.value


VALUES = {
    "gradual-deployment": 70,
    "ai-aligns-ai": 35,
    "racing-raises-risk": 80,
    "lead-suffices": 20,
    "commitments-reliable": 45,
}


def test_record_in_lesson00_is_read_back_in_lesson06_and_never_overwritten(tmp_path, monkeypatch):
    _record_in_lesson00(tmp_path, monkeypatch, VALUES)
    target = tmp_path / "beliefs-start.json"
    before = target.read_bytes()
    ns, printed, start_form = _lesson06(tmp_path, monkeypatch)
    assert ns["start"] == {k: float(v) for k, v in VALUES.items()}
    assert "Read your start beliefs" in printed
    assert ns["shown_example"] is False, "with a start record the chart must show the learner's own credences"
    assert list(ns["table"]["start"]) == [float(VALUES[q]) for q in beliefs.QUESTIONS]
    # lesson 06's start form cannot replace the record, even when asked to
    for slider in start_form._sliders.values():
        slider.value = 5
    start_form._replace.value = True
    start_form._save()
    assert "never replaces" in start_form._status.value
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beliefs-start.json"], "no backup, no other file"


def test_missing_record_gives_a_clear_message_and_a_way_to_record(tmp_path, monkeypatch):
    ns, printed, start_form = _lesson06(tmp_path, monkeypatch)
    assert ns["start"] is None
    assert "No start beliefs found" in printed and "beliefs.form('start')" in printed
    assert ns["shown_example"] is True, "with no record the chart shows the labelled example"
    start_form._save()  # recording it now works once
    assert beliefs.load("start", directory=tmp_path) is not None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"credences": {"ai-aligns-ai": 40}}),
        json.dumps({"credences": dict(VALUES, **{"lead-suffices": 400})}),
    ],
)
def test_corrupt_record_gives_a_clear_message_and_is_left_untouched(tmp_path, monkeypatch, content):
    target = tmp_path / "beliefs-start.json"
    target.write_text(content, encoding="utf-8")
    beliefs.save(VALUES, "end", directory=tmp_path)  # an end record must still be shown
    ns, printed, start_form = _lesson06(tmp_path, monkeypatch)
    assert ns["start"] is None
    assert "could not be read" in printed and "left untouched" in printed
    assert ns["shown_example"] is False and ns["table"]["start"].isna().all()
    assert list(ns["table"]["end"]) == [float(VALUES[q]) for q in beliefs.QUESTIONS]
    start_form._replace.value = True
    start_form._save()
    assert target.read_text(encoding="utf-8") == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beliefs-end.json", "beliefs-start.json"]


def test_brier_score():
    assert beliefs.brier([50, 50], [True, False]) == pytest.approx(0.25)
    assert beliefs.brier([100, 0], [1, 0]) == 0.0
    assert beliefs.brier([80], [False]) == pytest.approx(0.64)
    assert beliefs.brier(90, True) == pytest.approx(0.01)
    for bad, match in (
        ([], "at least one"),
        ([50, 50], "same length"),
        ([120], r"\[0, 100\]"),
        ([True], r"\[0, 100\]"),
    ):
        with pytest.raises(ValueError, match=match):
            beliefs.brier(bad, [1] if len(bad) != 2 else [1])
    with pytest.raises(ValueError, match="outcomes"):
        beliefs.brier([50], [0.5])


def test_form_default_still_offers_replacement(tmp_path):
    beliefs.save(VALUES, "start", directory=tmp_path)
    form = beliefs.form("start", directory=tmp_path)
    assert form._replace.layout.display == ""
    form._replace.value = True
    form._save()
    assert len(list(tmp_path.iterdir())) == 2  # the record and its backup
