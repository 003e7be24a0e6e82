"""Tests for alignlessons.content: the shipped course data and the loader/lookup API.

Some tests need the source texts and the quote checker, which live next to the project
(``<project>/../shared/``); they are skipped with a reason when that folder is absent.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from alignlessons import content
from alignlessons.content import DOC_IDS, ContentError, _load

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CHECK_QUOTES = SHARED / "tools" / "check_quotes.py"
SEEDS = SHARED / "seeds"
DOC_FILES = {
    "planning-for-agi": "000_56279db8b8a906d4.txt",
    "alignment-plan-critique": "001_5aa73183422bf63f.txt",
    "deployment-nearcast": "002_5020940a30efb75c.txt",
    "openai-misconceptions": "004_5bfa1ea67b6e2ea9.txt",
}
OPENAI_SPEAKER = "OpenAI (Sam Altman)"
ANNOTATOR = "annotator"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GAP = re.compile(r"\s*(?:\.\.\.|\u2026|\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\[[^\]]*\])\s*")

needs_seeds = pytest.mark.skipif(
    not all((SEEDS / f).is_file() for f in DOC_FILES.values()),
    reason=f"source texts not found in {SEEDS}",
)


# --------------------------------------------------------------------------------------
# Helpers: normalise a source text character by character, remembering <mark> spans
# --------------------------------------------------------------------------------------

_TYPO = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2014": "-",
    "\u2013": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
}


def _normalise_with_marks(raw: str) -> tuple[str, list[bool]]:
    """Normalise like check_quotes.py (NFKC, plain quotes/dashes, lower case, one space per
    whitespace run, <mark> tags removed) and return, per output character, whether it lies
    inside a <mark>…</mark> span of the raw text."""
    out: list[str] = []
    inside: list[bool] = []
    i, in_mark = 0, False
    while i < len(raw):
        if raw.startswith("<mark>", i):
            in_mark, i, chunk = True, i + 6, " "
        elif raw.startswith("</mark>", i):
            in_mark, i, chunk = False, i + 7, " "
        else:
            chunk, i = raw[i], i + 1
        chunk = unicodedata.normalize("NFKC", chunk)
        for ch in "".join(_TYPO.get(c, c) for c in chunk).lower():
            if ch.isspace():
                if out and out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            inside.append(in_mark)
    return "".join(out), inside


def _normalise(text: str) -> str:
    return _normalise_with_marks(text)[0].strip()


def _fragments(quote_text: str) -> list[str]:
    parts = GAP.split(_normalise(quote_text))
    return [p for p in (x.strip(" \"'.,;:") for x in parts) if len(p.split()) >= 2]


def _quoted_words(quote_text: str) -> int:
    """Words actually quoted: ellipses and bracketed editorial insertions don't count."""
    return len(GAP.sub(" ", quote_text).split())


def _seed(doc: str) -> str:
    return (SEEDS / DOC_FILES[doc]).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# The shipped tables
# --------------------------------------------------------------------------------------

TABLES = {
    "sources": (content.sources, content.SOURCE_COLUMNS, "doc"),
    "quotes": (content.quotes, content.QUOTE_COLUMNS, "id"),
    "glossary": (content.glossary, content.GLOSSARY_COLUMNS, "term"),
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_loads_with_columns_ids_and_no_blanks(name):
    loader, columns, id_col = TABLES[name]
    df = loader()
    assert isinstance(df, pd.DataFrame) and len(df) > 0
    assert list(df.columns[: len(columns)]) == list(columns) or set(columns) <= set(df.columns)
    assert df[id_col].is_unique, f"{name}: duplicate {id_col}"
    for col in columns:
        blank = df[col].isna() | (df[col].str.strip() == "")
        assert not blank.any(), f"{name}: blank {col!r} in rows {list(df.index[blank] + 2)}"
    for col in ("doc", "docs"):
        if col in df.columns:
            ids = {d for cell in df[col] for d in cell.split()}
            assert ids <= set(DOC_IDS), f"{name}.{col}: unknown {sorted(ids - set(DOC_IDS))}"


def test_doc_ids():
    assert DOC_IDS == ("planning-for-agi", "alignment-plan-critique", "deployment-nearcast", "openai-misconceptions")


def test_sources_one_row_per_doc_with_iso_dates_and_urls():
    df = content.sources()
    assert list(df["doc"]) == list(DOC_IDS)
    for _, row in df.iterrows():
        assert date.fromisoformat(row["date"]).isoformat() == row["date"], row["doc"]
        assert row["url"].startswith("https://"), row["doc"]
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", row["summary"])) <= 2, row["doc"]
    assert content.source("planning-for-agi")["date"] == "2023-02-24"


def test_quote_table_shape():
    df = content.quotes()
    # How much may be quoted is bounded per document (test_quoted_share_per_document), not by row count.
    assert len(df) >= 30
    assert set(df["doc"]) == set(DOC_IDS), "every document should be quoted"
    bad = [i for i in df["id"] if not SLUG.match(i)]
    assert not bad, f"ids must be lowercase slugs: {bad}"


def test_quote_lengths():
    df = content.quotes()
    for _, row in df.iterrows():
        n = _quoted_words(row["quote"])
        assert 4 <= n <= 40, f"{row['id']}: {n} words"
        assert max(len(f.split()) for f in _fragments(row["quote"])) >= 4, row["id"]


def _notebook_blockquotes():
    """(doc, text) for every attributed blockquote in the course's notebooks, found with the
    project's quote checker's own parser and matcher (:mod:`alignlessons.quotecheck`)."""
    from alignlessons import quotecheck

    docs = {doc: quotecheck.normalise(_seed(doc)) for doc in DOC_FILES}
    found = []
    for folder in ("lessons", "solutions"):  # assignments/ repeat solutions/: count once
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            for q in quotecheck.quotations_in_notebook(path):
                if not isinstance(q, quotecheck.Quotation) or not q.attributed:
                    continue
                hits = [d for d, body in docs.items() if quotecheck.found_in(body, quotecheck.fragments(q.text))]
                if hits:
                    found.append((hits[0], q.text))
    return found


@needs_seeds
def test_total_quoted_words_per_document_under_five_percent():
    df = content.quotes()
    extra = _notebook_blockquotes()
    for doc in DOC_IDS:
        doc_words = len(_normalise(_seed(doc)).split())
        quoted = sum(_quoted_words(q) for q in df.loc[df["doc"] == doc, "quote"])
        quoted += sum(_quoted_words(q) for d, q in extra if d == doc)
        assert quoted < 0.05 * doc_words, (
            f"{doc}: {quoted} quoted words (quotes.csv and notebook blockquotes) is "
            f"{quoted / doc_words:.1%} of {doc_words}"
        )


def test_glossary_shape_and_lookup_keys_unique():
    df = content.glossary()
    assert 25 <= len(df) <= 150  # every lesson appends the terms it defines; this only catches a broken file
    keys = [k for t in df["term"] for k in content._term_aliases(t)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"glossary lookup keys collide: {dupes}"
    for t in df["term"]:
        assert content.term(t).term == t


def test_tables_are_copies():
    df = content.quotes()
    df.loc[0, "quote"] = "changed"
    del df["speaker"]
    fresh = content.quotes()
    assert fresh.loc[0, "quote"] != "changed" and "speaker" in fresh.columns
    g = content.glossary()
    g["definition"] = ""
    assert (content.glossary()["definition"] != "").all()
    s = content.source("deployment-nearcast")
    s["title"] = "changed"
    assert content.source("deployment-nearcast")["title"] != "changed"


# --------------------------------------------------------------------------------------
# Verbatim and attribution
# --------------------------------------------------------------------------------------


def test_check_quotes_tool_passes():
    if not CHECK_QUOTES.is_file():
        pytest.skip(f"quote checker not found at {CHECK_QUOTES}")
    proc = subprocess.run([sys.executable, str(CHECK_QUOTES)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"check_quotes.py failed:\n{proc.stdout}\n{proc.stderr}"
    assert " 0 failing" in proc.stdout


@needs_seeds
def test_every_quote_in_its_own_document():
    # Independent of the checker: fragments appear, in order, in the named document.
    texts = {d: _normalise(_seed(d)) for d in DOC_IDS}
    for _, row in content.quotes().iterrows():
        pos = 0
        for frag in _fragments(row["quote"]):
            i = texts[row["doc"]].find(frag, pos)
            assert i >= 0, f"{row['id']}: {frag!r} not found in {row['doc']}"
            pos = i + len(frag)


@needs_seeds
def test_planning_for_agi_marks_decide_the_speaker():
    """In planning-for-agi only <mark> passages are OpenAI's; everything else is the
    annotator's. Each quote must lie entirely on one side, with the matching speaker."""
    text, inside = _normalise_with_marks(_seed("planning-for-agi"))
    df = content.quotes()
    rows = df[df["doc"] == "planning-for-agi"]
    assert {OPENAI_SPEAKER, ANNOTATOR} <= set(rows["speaker"]), "quote both voices"
    for _, row in rows.iterrows():
        assert row["speaker"] in (OPENAI_SPEAKER, ANNOTATOR), row["id"]
        flags: set[bool] = set()
        pos = 0
        for frag in _fragments(row["quote"]):
            i = text.find(frag, pos)
            assert i >= 0, f"{row['id']}: {frag!r} not in planning-for-agi"
            flags |= set(inside[i : i + len(frag)])
            pos = i + len(frag)
        assert len(flags) == 1, f"{row['id']} straddles a highlight and an annotation"
        expected = OPENAI_SPEAKER if flags == {True} else ANNOTATOR
        assert row["speaker"] == expected, (
            f"{row['id']}: text is {'inside' if True in flags else 'outside'} <mark>, "
            f"so the speaker must be {expected!r}, not {row['speaker']!r}"
        )


def test_only_planning_for_agi_uses_its_speakers():
    df = content.quotes()
    others = df[df["doc"] != "planning-for-agi"]
    assert not others["speaker"].isin([OPENAI_SPEAKER, ANNOTATOR]).any()


# --------------------------------------------------------------------------------------
# The loader on malformed files
# --------------------------------------------------------------------------------------

COLS = ("id", "doc", "speaker", "quote", "section")
HEADER = ",".join(COLS)
GOOD = "a-one,planning-for-agi,annotator,some quoted words here,s1"


def _write(tmp_path: Path, *lines: str, name: str = "quotes.csv") -> Path:
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_load_good_file_from_directory(tmp_path):
    d = _write(tmp_path, HEADER, GOOD, 'b-two,deployment-nearcast,Holden Karnofsky,"x, y and z",s2')
    df = _load("quotes.csv", COLS, "id", data_dir=d)
    assert list(df["id"]) == ["a-one", "b-two"]
    assert df.loc[1, "quote"] == "x, y and z"


def test_load_missing_file(tmp_path):
    with pytest.raises(ContentError, match=r"nope\.csv: file not found"):
        _load("nope.csv", COLS, data_dir=tmp_path)


def test_load_missing_column(tmp_path):
    d = _write(tmp_path, "id,doc,quote,section", "a,planning-for-agi,q,s")
    with pytest.raises(ContentError, match=r"quotes\.csv row 1: missing required column 'speaker'"):
        _load("quotes.csv", COLS, "id", data_dir=d)


def test_load_blank_cell(tmp_path):
    d = _write(tmp_path, HEADER, GOOD, "b,deployment-nearcast,  ,some words,s")
    with pytest.raises(ContentError, match=r"quotes\.csv row 3: column 'speaker' is blank"):
        _load("quotes.csv", COLS, "id", data_dir=d)


def test_load_short_row_counts_as_blank(tmp_path):
    d = _write(tmp_path, HEADER, "b,deployment-nearcast,Holden Karnofsky")
    with pytest.raises(ContentError, match=r"quotes\.csv row 2: column 'quote' is blank"):
        _load("quotes.csv", COLS, "id", data_dir=d)


def test_load_too_many_fields(tmp_path):
    d = _write(tmp_path, HEADER, GOOD + ",extra")
    with pytest.raises(ContentError, match=r"quotes\.csv row 2: has 6 fields"):
        _load("quotes.csv", COLS, "id", data_dir=d)


def test_load_duplicate_id(tmp_path):
    d = _write(tmp_path, HEADER, GOOD, "b,deployment-nearcast,H,words,s", GOOD)
    with pytest.raises(
        ContentError, match=r"quotes\.csv row 4: column 'id' has duplicate value 'a-one' \(first used in row 2\)"
    ):
        _load("quotes.csv", COLS, "id", data_dir=d)


def test_load_unknown_doc_id(tmp_path):
    d = _write(tmp_path, HEADER, GOOD, GOOD.replace("a-one,planning-for-agi", "c,planning"))
    with pytest.raises(ContentError) as info:
        _load("quotes.csv", COLS, "id", data_dir=d)
    msg = str(info.value)
    assert msg.startswith("quotes.csv row 3: column 'doc' has unknown doc id 'planning'; known: ")
    assert all(doc in msg for doc in DOC_IDS)


def test_load_unknown_id_in_docs_list(tmp_path):
    d = _write(
        tmp_path,
        "term,definition,docs",
        "alpha,first,planning-for-agi deployment-nearcast",
        "beta,second,openai-misconceptions nearcast",
        name="glossary.csv",
    )
    with pytest.raises(ContentError, match=r"glossary\.csv row 3: column 'docs' has unknown doc id 'nearcast'"):
        _load("glossary.csv", ("term", "definition", "docs"), "term", data_dir=d)


def test_load_row_numbers_count_records_not_lines(tmp_path):
    d = _write(tmp_path, HEADER, 'a,planning-for-agi,x,"two\nlines",s', "b,planning,x,q,s")
    with pytest.raises(ContentError, match=r"quotes\.csv row 3: column 'doc'"):
        _load("quotes.csv", COLS, "id", data_dir=d)


def test_content_error_is_value_error():
    assert issubclass(ContentError, ValueError)


# --------------------------------------------------------------------------------------
# Lookups and rendering
# --------------------------------------------------------------------------------------


def test_quote_keyerror_suggests_close_ids():
    with pytest.raises(KeyError) as info:
        content.quote("plan-one-shoot")
    assert str(info.value) == "no quote with id 'plan-one-shoot'; did you mean 'plan-one-shot'?"
    with pytest.raises(KeyError, match="see alignlessons.content.quotes"):
        content.quote("zzzzzz")


def test_term_lookup_is_case_insensitive_and_suggests():
    assert content.term("rlhf").term.startswith("RLHF")
    assert content.term("Reinforcement learning from human feedback").term.startswith("RLHF")
    assert content.term("OFFENSE-DEFENSE BALANCE").term == "offense\u2013defense balance"
    assert content.term("  Sharp   Left Turn ").term == "sharp left turn"
    with pytest.raises(KeyError) as info:
        content.term("sharp left trun")
    assert "did you mean 'sharp left turn'?" in str(info.value)


def test_source_lookup_and_suggestion():
    row = content.source("openai-misconceptions")
    assert row["author"] == "Jacob Hilton" and set(content.SOURCE_COLUMNS) <= set(row)
    with pytest.raises(KeyError) as info:
        content.source("planning")
    assert "did you mean 'planning-for-agi'?" in str(info.value)


def test_lookups_reject_non_strings():
    with pytest.raises(TypeError):
        content.quote(3)  # type: ignore[arg-type]


def test_quote_renders_attributed_blockquote():
    q = content.quote("critique-six-steps")
    src = content.source(q.doc)
    out = q._repr_html_()
    assert out.startswith("<blockquote") and out.endswith("</blockquote>")
    assert "Akash" in out and html.escape(src["title"]) in out and src["date"] in out
    assert f'href="{src["url"]}"' in out
    assert out == content.quote("critique-six-steps")._repr_html_(), "deterministic"
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", out), "no random ids"
    assert repr(q) == f"\u201c{q.text}\u201d \u2014 Akash, {src['title']}"
    assert str(q) == repr(q)


def test_quote_html_escapes_special_characters():
    # A shipped quote with double quotes in it ...
    q = content.quote("wentworth-lip-service")
    assert '"' in q.text
    out = q._repr_html_()
    assert "&quot;paying lip service to X&quot;" in out
    assert "John Wentworth" in out
    # ... and a constructed one with every HTML special character.
    evil = content.Quote(
        id="x",
        doc="planning-for-agi",
        speaker="A <b>&</b> B",
        text='1 < 2 & "3" > <script>alert(1)</script>',
        section="s",
        title="T & <i>t</i>",
        date="2023-01-01",
        url="javascript:alert(1)",
    )
    out = evil._repr_html_()
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "1 &lt; 2 &amp; &quot;3&quot; &gt;" in out
    assert "A &lt;b&gt;&amp;&lt;/b&gt; B" in out
    assert "javascript:" not in out, "only http(s) links are rendered"


def test_quote_markdown_is_a_checkable_blockquote():
    q = content.quote("nearcast-action-risk")
    lines = q.markdown().splitlines()
    assert lines[0] == f"> {q.text}"
    assert lines[-1].startswith("> \u2014 Holden Karnofsky, [")


def test_term_renders():
    t = content.term("Magma")
    out = t._repr_html_()
    assert "<dt><strong>Magma</strong></dt>" in out
    assert "Nearcast-based &quot;deployment problem&quot; analysis" in out
    assert str(t).startswith("Magma: ")
    assert t.docs == ("deployment-nearcast",)


def test_plan_steps_are_the_six_steps_in_order():
    steps = content.plan_steps()
    assert list(steps["step"]) == [1, 2, 3, 4, 5, 6]
    assert steps["id"].is_unique
    assert set(steps["doc"]) == {"alignment-plan-critique"}


def test_plan_steps_do_not_ship_the_coverage_key():
    # Assignment 02 grades the critique's coverage rating of each step: no loader may return it.
    steps = content.plan_steps()
    assert "coverage" not in steps.columns
    labels = set(content.COVERAGE_LABELS)
    for column in steps.columns:
        assert not (set(steps[column].astype(str)) & labels), column


def test_table_shows_long_text_in_full():
    long = "word " * 40
    shown = content.table([{"text": long.strip(), "n": 1}])
    assert long.strip() in shown._repr_html_()
    assert long.strip() in repr(shown)
    assert isinstance(shown.set_index("n"), content.FullTable), "derived tables keep showing text in full"
