"""Lesson 06's side-by-side table: complete, linked to real lesson sections, no hidden answer keys."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from alignlessons import content

ROOT = Path(__file__).resolve().parents[1]


def test_every_voice_answers_every_question_once():
    pos = content.synthesis_positions()
    qs = content.synthesis_questions()
    assert len(qs) == 6
    pairs = list(zip(pos["question"], pos["voice"]))
    assert len(pairs) == len(set(pairs)) == len(qs) * len(content.SYNTHESIS_VOICES)
    assert set(pos["doc"]) == set(content.sources()["doc"]), "every document appears"


def _headings(lesson: str) -> str:
    nb = nbformat.read(ROOT / "lessons" / content.LESSON_FILES[lesson], as_version=4)
    return "\n".join(
        line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("#")
    )


@pytest.mark.parametrize("row", list(content.synthesis_positions().itertuples()), ids=lambda r: r.id)
def test_each_cell_links_to_a_section_that_exists(row):
    assert (ROOT / "lessons" / content.LESSON_FILES[row.lesson]).exists()
    heads = _headings(row.lesson)
    for part in re.split(r",\s*|-", row.section):
        assert re.search(rf"^#+ {re.escape(part)}[. ]", heads, re.M), (
            f"{row.id}: lesson {row.lesson} has no section {part!r}"
        )


def test_positions_are_paraphrases_and_carry_no_assignment_key():
    for row in content.synthesis_positions().itertuples():
        assert not re.search(r"[\"“”]", row.position), f"{row.id}: quote only through quotes.csv"
        assert not re.search(r"\b(unaddressed|inadequate|adequate|unclear)\b", row.position, re.I), (
            f"{row.id}: the critique's coverage labels are assignment 02's answer key"
        )


def test_cruxes_name_known_questions_and_lessons():
    qs = set(content.synthesis_questions()["question"])
    for row in content.synthesis_cruxes().itertuples():
        assert row.question in qs
        assert len(row.between.split(" | ")) >= 2, "a crux is between at least two voices"
        for lesson in row.lessons.split(", "):
            assert lesson in content.LESSON_FILES


def test_side_by_side_table_and_markdown():
    wide = content.side_by_side()
    assert wide.shape == (6, len(content.SYNTHESIS_VOICES) + 1)
    assert (wide["crux"] != "").sum() == content.synthesis_cruxes()["question"].nunique()
    text = str(content.side_by_side_markdown())
    assert text.count("](04_deployment_problem.ipynb)") >= 6
    assert text.count("*Crux (") == len(content.synthesis_cruxes())
