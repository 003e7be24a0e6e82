"""Honest time estimates (Fidelity checklist): a lesson's stated time covers its reading at about
200 words a minute plus a few minutes for each self-check and explorer, and a lesson that says
it needs no code asks for none."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
WORDS_PER_MINUTE = 200
MINUTES_PER_SELF_CHECK = 1
MINUTES_PER_EXPLORER = 5
TIME = re.compile(r"\*\*Estimated time:\*\*\s*(\d+)\s*[–-]\s*(\d+)\s*minutes")


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_stated_time_covers_reading_and_activities(path):
    nb = nbformat.read(path, as_version=4)
    match = TIME.search(nb.cells[0].source)
    assert match, f"{path.name}: the front matter should state '**Estimated time:** A–B minutes'"
    upper = int(match.group(2))
    reading = sum(_words(c.source) for c in nb.cells if c.cell_type == "markdown") / WORDS_PER_MINUTE
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    checks = len(re.findall(r"quiz\.(?:multiple_choice|numeric)\(", code))
    explorers = len(re.findall(r"\b\w+_explorer\(", code))
    needed = reading + MINUTES_PER_SELF_CHECK * checks + MINUTES_PER_EXPLORER * explorers
    assert upper >= needed, (
        f"{path.name}: states at most {upper} minutes, but its prose alone takes {reading:.0f} minutes at "
        f"{WORDS_PER_MINUTE} words a minute, plus {checks} self-checks and {explorers} explorers "
        f"(at least {needed:.0f} minutes): state an honest time or tighten the lesson"
    )


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_code_promise_is_kept(path):
    nb = nbformat.read(path, as_version=4)
    if re.search(r"(do not|don't|no) (need to )?(write )?code", nb.cells[0].source, re.I):
        text = "\n".join(c.source for c in nb.cells)
        assert not re.search(r"in a new cell", text, re.I), (
            f"{path.name}: the front matter says no code is needed, but the lesson asks for a new cell"
        )
