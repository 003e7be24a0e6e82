"""Assignment 02 and lesson 02: the coverage key follows the document, and model answers cite
numbers the solution's models actually produce."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from alignlessons import content
from alignlessons.models import plans, research, takeoff

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "001_5aa73183422bf63f.txt"
SOLUTION = ROOT / "solutions" / "02_alignment_plan_critique" / "02_alignment_plan_critique.ipynb"
LESSON = ROOT / "lessons" / "02_alignment_plan_critique.ipynb"


def _cells(path):
    return {
        c.metadata.get("nbgrader", {}).get("grade_id", i): c.source
        for i, c in enumerate(nbformat.read(path, as_version=4).cells)
    }


def _document_coverage() -> list[str]:
    """The rating that opens each row of the critique's coverage table, in order."""
    text = SEED.read_text(encoding="utf-8")
    table = text.split("Extent to which this step is discussed in the OpenAI plan", 1)[1]
    table = table.split("Section 2:", 1)[0]
    return [m.lower() for m in re.findall(r"^(Adequate|Inadequate|Unclear|Unaddressed);", table, flags=re.M)]


@pytest.mark.skipif(not SEED.is_file(), reason=f"source text not found: {SEED}")
def test_hidden_coverage_key_and_lesson_table_follow_the_document():
    ratings = _document_coverage()
    assert len(ratings) == 6 and set(ratings) <= set(content.COVERAGE_LABELS)
    cells = _cells(SOLUTION)
    key = {}
    for gid in ("q1-tests-a", "q1-tests-b"):
        hidden = cells[gid].split("### BEGIN HIDDEN TESTS", 1)[1]
        key.update({int(k): v for k, v in re.findall(r'(\d): "(\w+)"', hidden)})
    assert [key[s] for s in range(1, 7)] == ratings
    lesson = "\n".join(_cells(LESSON).values())
    typed = re.search(r"coverage=\[([^\]]+)\]", lesson).group(1)
    assert re.findall(r'"(\w+)"', typed) == ratings


def test_model_answers_cite_the_numbers_the_solution_computes():
    cells = _cells(SOLUTION)
    q5 = cells["q5-takeaway"]
    # A(10) = C(10) for 100 / 30 researchers, capabilities 3x from year 5: 30 (5 + 5 m) = 100 (5 + 5 * 3)
    need = (100 * (5 + 3 * 5) - 30 * 5) / (30 * 5)
    assert research.catch_up_year(alignment_multiplier=need) == pytest.approx(10.0)
    assert f"{need:.1f}×" in q5 and f"{research.balance(20.0):.1f}" in q5
    q6 = cells["q6-answer"]
    mine = [0.85, 0.5, 0.5, 0.3, 0.45, 0.6]
    assert f"{plans.success_probability(mine):.1%}" in q6
    assert f"{plans.success_probability(mine, correlation=0.5):.0%}" in q6
    for rho, text in ((0.0, "1.7 percentage points"), (0.5, "8.4 points")):
        gain = plans.sensitivity(mine, correlation=rho, improvement=0.3)
        assert text in q6 and f"{100 * gain[3]:.1f}" in text and gain[3] == max(gain)
    q7 = cells["q7-answer"]
    for gens, tail in ((1, 1.0), (10, 1.0)):
        assert f"{takeoff.p_all_aligned(gens, radius=10.0, median_jump=2.0, tail=tail):.3f}" in q7
    credences = [0.9, 0.7, 0.5, 0.6, 0.7, 0.8]
    better = credences[:2] + [0.8] + credences[3:]
    assert f"{plans.success_probability(credences):.1%}" in q7
    assert f"{plans.success_probability(better):.1%}" in q7
