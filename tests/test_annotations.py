"""Tests for alignlessons.content.annotations(): OpenAI's claims beside the annotator's notes.

The checks against the source text need ``<project>/../shared/seeds``; they are skipped with a
reason when it is absent.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from alignlessons import content
from alignlessons.content import ANNOTATION_COLUMNS, ANNOTATION_KINDS, CLAIM_GROUPS, ContentError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_56279db8b8a906d4.txt"
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"source text not found: {SEED}")

MAX_PHRASE_WORDS = 7
#: planning-for-agi's quotation budget is spent in quotes.csv: phrases stay a few words in total.
MAX_TOTAL_PHRASE_WORDS = 25
#: A paraphrase must not reproduce this many consecutive words of the source.
COPY_RUN = 6


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2014", "-"), ("\u2013", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", _norm(text))


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return content.annotations()


def _highlights_and_notes() -> list[tuple[str, str]]:
    """Each highlighted passage of the seed with the unmarked text that follows it ('' if none)."""
    body = SEED.read_text(encoding="utf-8").split("## Highlights", 1)[1]
    parts = re.split(r"<mark>(.*?)</mark>", body, flags=re.S)
    # parts = [before, mark1, after1, mark2, after2, ...]
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


# --------------------------------------------------------------------------------------
# Shape and labels
# --------------------------------------------------------------------------------------


def test_loads_with_columns_unique_ids_and_no_blanks(table):
    assert list(table.columns) == list(ANNOTATION_COLUMNS)
    assert len(table) > 0
    assert table["id"].is_unique
    for col in ANNOTATION_COLUMNS:
        if col == "order":
            continue
        blank = table[col].str.strip() == ""
        assert not blank.any(), f"blank {col!r} in rows {list(table.index[blank])}"
    assert (table["doc"] == "planning-for-agi").all()
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in table["id"]), "ids are slugs"


def test_order_is_int_unique_and_sorted(table):
    assert pd.api.types.is_integer_dtype(table["order"])
    assert table["order"].is_unique
    assert table["order"].is_monotonic_increasing
    assert table["order"].between(1, 13).all()


def test_kinds_are_the_five_labels_and_all_are_used(table):
    assert len(ANNOTATION_KINDS) == 5
    assert set(table["kind"]) == set(ANNOTATION_KINDS), "every kind the lesson defines has an example"


def test_claim_groups_known_and_every_annotated_group_present(table):
    assert set(table["claim_group"]) <= set(CLAIM_GROUPS)
    # 'why not stop' is the one group the annotator left without a note.
    assert set(CLAIM_GROUPS) - set(table["claim_group"]) == {"why not stop"}


def test_every_row_has_a_reply_distinct_from_the_annotation(table):
    for row in table.itertuples():
        assert len(row.reply.split()) >= 12, f"{row.id}: the reply should make an argument"
        assert row.reply != row.annotation


def test_returns_a_fresh_copy():
    first = content.annotations()
    first.loc[0, "kind"] = "changed"
    assert content.annotations().loc[0, "kind"] != "changed"


# --------------------------------------------------------------------------------------
# Validation of malformed files
# --------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Point the loader at a temporary copy of the data folder; clear the cache around the test."""
    source = Path(str(content._data_root()))
    for f in source.glob("*.csv"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(content, "_data_root", lambda: tmp_path)
    content._cached.cache_clear()
    yield tmp_path
    content._cached.cache_clear()


def _rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_unknown_kind_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", ",irony,", ",sarcasm,")
    with pytest.raises(ContentError, match=r"annotations.csv: column 'kind' has unknown label\(s\) \['sarcasm'\]"):
        content.annotations()


def test_unknown_claim_group_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", ",humanity decides,", ",everyone decides,")
    with pytest.raises(ContentError, match="column 'claim_group' has unknown label"):
        content.annotations()


def test_blank_kind_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", ",irony,", ",,")
    with pytest.raises(ContentError, match=r"annotations.csv row \d+: column 'kind' is blank"):
        content.annotations()


def test_duplicate_id_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", "ann-at-what-cost,", "ann-knowledge-not-shared,")
    with pytest.raises(ContentError, match="column 'id' has duplicate value 'ann-knowledge-not-shared'"):
        content.annotations()


def test_missing_column_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", ",reply,reply_by,", ",answer,reply_by,")
    with pytest.raises(ContentError, match="missing required column 'reply'"):
        content.annotations()


def test_non_integer_order_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", "planning-for-agi,5,", "planning-for-agi,five,")
    with pytest.raises(ContentError, match="column 'order' must hold whole numbers"):
        content.annotations()


def test_duplicate_order_is_rejected(data_dir):
    _rewrite(data_dir / "annotations.csv", "planning-for-agi,5,", "planning-for-agi,4,")
    with pytest.raises(ContentError, match="column 'order' has duplicate values"):
        content.annotations()


# --------------------------------------------------------------------------------------
# Against the source text
# --------------------------------------------------------------------------------------


@needs_seed
def test_one_row_per_annotated_highlight_in_document_order(table):
    pairs = _highlights_and_notes()
    annotated = [i + 1 for i, (_, note) in enumerate(pairs) if note]
    assert list(table["order"]) == annotated, "one row for each highlight followed by a note"


@needs_seed
def test_each_phrase_is_verbatim_from_its_own_highlight(table):
    pairs = _highlights_and_notes()
    for row in table.itertuples():
        highlight = _norm(pairs[row.order - 1][0])
        assert _norm(row.phrase) in highlight, f"{row.id}: phrase not in highlight {row.order}"


def test_phrases_are_short_and_few_words_in_total(table):
    counts = table["phrase"].str.split().str.len()
    assert counts.max() <= MAX_PHRASE_WORDS, f"longest phrase: {counts.max()} words"
    assert counts.sum() <= MAX_TOTAL_PHRASE_WORDS, f"phrases total {counts.sum()} words"


@needs_seed
def test_claims_annotations_and_replies_are_paraphrased(table):
    words = _words(SEED.read_text(encoding="utf-8"))
    runs = {" ".join(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}
    for row in table.itertuples():
        for col in ("claim", "annotation", "reply", "rejoinder"):
            own = _words(getattr(row, col))
            copied = [
                " ".join(own[i : i + COPY_RUN])
                for i in range(len(own) - COPY_RUN + 1)
                if " ".join(own[i : i + COPY_RUN]) in runs
            ]
            assert not copied, f"{row.id}.{col} copies the source: {copied[:2]}"


# --------------------------------------------------------------------------------------
# Who gets the last word (issue 14): replies say whose they are; rejoinders are given
# --------------------------------------------------------------------------------------


def test_course_replies_are_labelled_as_the_courses_own(table):
    for row in table.itertuples():
        assert row.reply_by.strip(), f"{row.id}: reply_by is blank"
        if row.reply_by.startswith("course"):
            assert "a defender could" in row.reply.casefold(), (
                f"{row.id}: a reply the course writes itself must say so ('A defender could ...')"
            )


def test_document_replies_name_an_author_of_the_course_documents(table):
    authors = {"course", "Jacob Hilton", "Karnofsky", "Akash", "Leike", "the post"}
    for row in table.itertuples():
        assert any(a.casefold() in row.reply_by.casefold() for a in authors), (
            f"{row.id}: reply_by {row.reply_by!r} names nobody the course documents"
        )


def test_rejoinders_are_given_or_explicitly_absent(table):
    for row in table.itertuples():
        assert row.rejoinder.strip(), f"{row.id}: rejoinder is blank"
        assert row.rejoinder != row.reply, f"{row.id}: the rejoinder repeats the reply"
    assert (table["rejoinder"] != "none in the documents").sum() >= 5, (
        "the documents hold rejoinders to most replies; give them"
    )


def test_replies_invent_no_user_reports(table):
    # The first version of the replies supported OpenAI with facts no document states.
    for phrase in ("real users found", "internal testing had missed", "changes made after releases"):
        assert not table["reply"].str.casefold().str.contains(phrase).any(), phrase
