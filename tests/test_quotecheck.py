"""`alignlessons check-quotes`: quotations are verbatim, attributed, and from the named document.

The unit tests build a tiny project and tiny source texts, so they always run. The check of the
course itself needs the source texts, which the project does not ship: it runs when they are in
``$ALIGNLESSONS_SOURCES`` or ``../shared/seeds`` (from the project root) and is skipped, with
the reason, otherwise.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from alignlessons import cli, content, paths, quotecheck

SOURCES = {
    "doc-a": "The lab said: we want to minimize “one shot to get it right” scenarios,\n"
    "and we think a gradual transition to a world with AGI is better than a sudden one.",
    "doc-b": "Magma should weigh action risk against inaction risk before it deploys anything.",
}
GOOD_QUOTES = [
    ("q1", "doc-a", 'minimize "one shot to get it right" scenarios'),
    ("q2", "doc-a", "a gradual transition ... is better than a sudden one"),
    ("q3", "doc-b", "weigh action risk against inaction risk"),
]
GOOD_BLOCKQUOTE = "Some prose.\n\n> Magma should **weigh** action risk against inaction risk\n>\n> — Karnofsky, doc-b\n"


def make_project(root: Path, quotes=GOOD_QUOTES, markdown=(GOOD_BLOCKQUOTE,), phrases=()) -> Path:
    data = root / "src" / "pkg" / "data"
    data.mkdir(parents=True)
    with (data / "sources.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["doc", "title", "url"])
        w.writerows([[doc, doc.upper(), f"https://example.org/{doc}"] for doc in SOURCES])
    with (data / "quotes.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "doc", "speaker", "quote", "section"])
        w.writerows([[i, doc, "someone", text, "s"] for i, doc, text in quotes])
    with (data / "annotations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "doc", "phrase", "annotation"])
        w.writerows([[f"a{n}", doc, phrase, "a paraphrase"] for n, (doc, phrase) in enumerate(phrases)])
    (root / "lessons").mkdir()
    nb = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": m} for m in markdown],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "lessons" / "01_x.ipynb").write_text(json.dumps(nb))
    return root


@pytest.fixture
def sources(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for doc, text in SOURCES.items():
        (folder / f"{doc}.txt").write_text(text)
    return folder


def verdicts(root, sources):
    checked, bad = quotecheck.check_project(root, sources)
    return checked, [(f.verdict, f.where) for f in bad]


def test_faithful_quotations_pass(tmp_path, sources):
    root = make_project(tmp_path / "p", phrases=[("doc-b", "inaction risk")])
    assert verdicts(root, sources) == (len(GOOD_QUOTES) + 1 + 1, [])


def test_an_altered_quotation_is_caught(tmp_path, sources):
    altered = [GOOD_QUOTES[0], ("q2", "doc-a", "a gradual transition ... is better than a fast one"), GOOD_QUOTES[2]]
    _, bad = verdicts(make_project(tmp_path / "p", quotes=altered), sources)
    assert bad == [("NOT VERBATIM", "src/pkg/data/quotes.csv:3")]


def test_fragments_must_come_in_order(tmp_path, sources):
    swapped = [("q2", "doc-a", "is better than a sudden one ... a gradual transition")]
    _, bad = verdicts(make_project(tmp_path / "p", quotes=swapped), sources)
    assert bad == [("NOT VERBATIM", "src/pkg/data/quotes.csv:2")]


def test_an_unattributed_blockquote_is_caught(tmp_path, sources):
    # Verbatim, but nobody is named: still a failure.
    unattributed = "> Magma should weigh action risk against inaction risk\n\nMore prose.\n"
    _, bad = verdicts(make_project(tmp_path / "p", markdown=(GOOD_BLOCKQUOTE, unattributed)), sources)
    assert bad == [("UNATTRIBUTED", "lessons/01_x.ipynb:cell 1")]


def test_an_altered_blockquote_is_caught_and_fenced_examples_are_not_quotations(tmp_path, sources):
    altered = "> Magma should weigh action risk against deployment risk\n> — Karnofsky, doc-b\n"
    example = "```markdown\n> a quotation goes here\n> — Author, title\n```\n"
    _, bad = verdicts(make_project(tmp_path / "p", markdown=(altered, example)), sources)
    assert bad == [("NOT VERBATIM", "lessons/01_x.ipynb:cell 0")]


def test_wrong_unknown_doc_too_short_and_phrases(tmp_path, sources):
    quotes = [("q1", "doc-b", GOOD_QUOTES[0][2]), ("q2", "doc-z", GOOD_QUOTES[2][2]), ("q3", "doc-a", "one shot")]
    root = make_project(tmp_path / "p", quotes=quotes, phrases=[("doc-a", "gradual"), ("doc-a", "slow")])
    _, bad = verdicts(root, sources)
    assert bad == [
        ("NOT VERBATIM", "src/pkg/data/annotations.csv:3 (phrase)"),
        ("WRONG DOC", "src/pkg/data/quotes.csv:2"),
        ("UNKNOWN DOC", "src/pkg/data/quotes.csv:3"),
        ("TOO SHORT", "src/pkg/data/quotes.csv:4"),
    ]


def test_missing_source_texts_are_named(tmp_path, sources):
    (sources / "doc-b.txt").unlink()
    with pytest.raises(quotecheck.QuoteCheckError, match="doc-b.txt"):
        quotecheck.check_project(make_project(tmp_path / "p"), sources)


def test_command_exit_codes(tmp_path, sources, capsys):
    good = make_project(tmp_path / "good")
    assert cli.main(["check-quotes", "--root", str(good), "--sources", str(sources)]) == 0
    assert "0 failing" in capsys.readouterr().out
    bad = make_project(tmp_path / "bad", markdown=("> unattributed words here and there\n",))
    assert cli.main(["check-quotes", "--root", str(bad), "--sources", str(sources)]) == 1
    assert "UNATTRIBUTED" in capsys.readouterr().out
    assert cli.main(["check-quotes", "--root", str(good), "--sources", str(tmp_path / "none")]) == 2
    assert "no such folder" in capsys.readouterr().err


# --- the course itself, against the real texts --------------------------------------------
def _real_sources() -> Path:
    folder = paths.sources_dir()
    try:
        quotecheck.load_sources(folder, quotecheck.doc_ids(paths.REPO))
    except quotecheck.QuoteCheckError as exc:
        pytest.skip(
            f"quotation check skipped: the source texts are not available ({exc}); "
            "set ALIGNLESSONS_SOURCES=DIR (see CONTRIBUTING.md, 'Checking quotations')"
        )
    return folder


def test_every_quotation_in_the_course_is_verbatim():
    folder = _real_sources()
    checked, bad = quotecheck.check_project(paths.REPO, folder)
    assert checked >= len(content.quotes()) + len(content.annotations())
    assert not bad, "\n".join(map(str, bad))


def test_an_altered_course_quotation_fails_against_the_real_texts():
    folder = _real_sources()
    texts = quotecheck.load_sources(folder, quotecheck.doc_ids(paths.REPO))
    row = content.quotes().iloc[0]
    words = row["quote"].split()
    words[len(words) // 2] = "xyzzy"
    item = quotecheck.Quotation("quotes.csv", " ".join(words), row["doc"])
    assert quotecheck.check([quotecheck.Quotation("quotes.csv", row["quote"], row["doc"])], texts)[1] == []
    assert [f.verdict for f in quotecheck.check([item], texts)[1]] == ["NOT VERBATIM"]
