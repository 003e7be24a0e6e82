"""Lesson 05's course data: Hilton's claims and the comment thread under his post.

Attribution is checked against the course's copy of the page (``../shared/seeds``): a name the
data says the copy *shows* must be printed on the comment's line, and an identification drawn
from the thread must rest on words the thread really contains. A guard keeps the labels of the
claims the assignment asks students to sort out of every course-data file.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from alignlessons import content

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "004_5bfa1ea67b6e2ea9.txt"
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"source text not found: {SEED}")

#: The bolded claims assignment 05 asks students to sort, by a phrase of each (labels are NOT
#: here: the key lives only in the solution's hidden tests).
ASSIGNMENT_CLAIM_PHRASES = (
    "join with the primary motivation",
    "interpretability research at openai stopped",
    "not working on scalable alignment",
    "purely for-profit",
    "leadership cares about reducing existential risk",
    "varying attitudes to existential risk",
    "driven in large part by researchers",
    "should be focusing more on alignment",
    "great place to work",
)


def _norm(text: str) -> str:
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", ""), ("\u201d", ""), ('"', "")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def seed_lines():
    return SEED.read_text(encoding="utf-8").split("\n")


def test_claims_are_a_subset_with_hilton_labels():
    claims = content.hilton_claims()
    assert set(claims["label"]) <= set(content.HILTON_LABELS)
    # all three of his labels occur, but not every claim: the rest belong to the assignment
    assert set(claims["label"]) == set(content.HILTON_LABELS)
    assert len(claims) < 18


@needs_seed
def test_claims_follow_the_post(seed_lines):
    text = _norm("\n".join(seed_lines))
    for row in content.hilton_claims().itertuples():
        bolded = _norm(f"{row.label}: {row.claim}").rstrip(".")
        # the course paraphrases lightly; the label and the first words must match the post
        head = " ".join(bolded.split()[:5])
        assert head in text, f"{row.id}: '{head}' is not how the post labels a claim"


def test_no_course_data_labels_the_assignment_claims():
    data = resources.files("alignlessons.content") / "data"
    for entry in data.iterdir():
        if not entry.name.endswith(".csv"):
            continue
        body = _norm(entry.read_text(encoding="utf-8"))
        for phrase in ASSIGNMENT_CLAIM_PHRASES:
            assert phrase not in body, (
                f"{entry.name} mentions an assignment claim ('{phrase}'): its label would be one call away for students"
            )


@needs_seed
def test_names_the_copy_shows_are_printed_on_the_comment(seed_lines):
    comments = content.thread_comments()
    for row in comments.itertuples():
        above = seed_lines[row.line - 2].strip()
        printed = re.fullmatch(r"\d+(.+)", above)
        if row.identification == "name shown":
            assert printed and printed.group(1) == row.shown_as, (
                f"{row.id}: the copy does not print '{row.shown_as}' above line {row.line}"
            )
        else:
            assert not printed, f"{row.id}: the copy prints '{above}' on this comment; say 'name shown'"


@needs_seed
def test_identifications_rest_on_words_in_the_thread(seed_lines):
    text = _norm("\n".join(seed_lines))
    comments = content.thread_comments()
    derived = comments[
        comments["identification"].isin(
            ["named by the thread", "inferred from the exchange", "writes as the post's author"]
        )
    ]
    assert len(derived) > 0
    for row in derived.itertuples():
        cited = re.findall("\u201c([^\u201d]+)\u201d", row.basis)
        same_as = re.findall(r"\bc\d\d\b", row.basis)
        assert cited or same_as, (
            f"{row.id}: the basis must quote (in \u201c\u201d) the words in the thread it relies on, "
            "or name the comment it shares an author with"
        )
        for other in same_as:
            assert comments.set_index("id").loc[other, "author"] == row.author, (
                f"{row.id}: {other} has a different author"
            )
        for words in cited:
            assert _norm(words) in text, f"{row.id}: '{words}' is not in the thread"


def test_every_named_author_is_a_name_the_copy_prints_somewhere():
    comments = content.thread_comments()
    printed = set(comments.loc[comments["identification"] == "name shown", "author"])
    others = set(comments["author"]) - {content.NAME_NOT_SHOWN}
    assert others <= printed, f"authors never printed in the copy: {sorted(others - printed)}"


@needs_seed
def test_comment_lines_point_into_the_thread(seed_lines):
    start = next(i for i, s in enumerate(seed_lines, 1) if s.startswith("New Comment"))
    for row in content.thread_comments().itertuples():
        assert start < row.line <= len(seed_lines), f"{row.id}: line {row.line} is not in the thread"


def test_lesson_05_does_not_print_the_assignment_claims():
    lesson = ROOT / "lessons" / "05_misconceptions_and_debate.ipynb"
    if not lesson.is_file():
        pytest.skip("lesson 05 not present")
    body = _norm(lesson.read_text(encoding="utf-8"))
    for phrase in ASSIGNMENT_CLAIM_PHRASES:
        assert phrase not in body, f"lesson 05 prints an assignment claim ('{phrase}')"


def test_assignment_05_model_answers_cite_what_the_models_compute():
    """The model answers quote numbers; recompute them here so data or model changes cannot leave the
    prose behind."""
    import json

    import numpy as np

    from alignlessons.models import evidence

    path = ROOT / "solutions" / "05_misconceptions_and_debate" / "05_misconceptions_and_debate.ipynb"
    if not path.is_file():
        pytest.skip("assignment 05 not present")
    cells = {
        c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"])
        for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
    }
    answers = " ".join(cells[k] for k in ("q6-takeaway", "q7-answer", "q8-answer"))

    comments = content.thread_comments()
    parent = dict(zip(comments["id"], comments["replies_to"]))

    def root(t):
        while t in parent:
            t = parent[t]
        return t

    roots = comments["replies_to"].map(root)
    objections = comments[(comments["stance"] == "objection") & (roots != "not in copy")]
    unnamed = (objections["author"] == content.NAME_NOT_SHOWN).mean()
    assert f"{unnamed:.0%} of all" in answers

    lik = evidence.binary_likelihoods(p_signal_if_h=0.7, p_signal_if_not_h=0.4)
    obs = evidence.simulate_observations(likelihoods=lik, true_hypothesis=0, n_steps=200, seed=5)
    paths = evidence.posterior_path(obs, likelihoods=lik, prior=[[0.1, 0.9], [0.9, 0.1]])[..., 0]
    agree = int(np.flatnonzero(np.abs(paths[0] - paths[1]) <= 0.05)[0])
    assert f"after {agree} shared observations" in answers

    fastest = min(
        d
        for d in range(1, 37)
        if evidence.p_warning_in_time(
            warning_threshold=2.0,
            no_return_threshold=4.0,
            doubling_months=float(d),
            warning_rate=0.25,
            response_months=3.0,
        )
        >= 0.9
    )
    assert f"every {fastest} months" in answers

    costly = evidence.posterior_after(1, 1, prior=0.2, p_signal_if_h=0.6, p_signal_if_not_h=0.2)
    assert f"moves 20% to {costly:.0%}" in answers
