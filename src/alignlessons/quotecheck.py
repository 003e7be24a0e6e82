"""``alignlessons check-quotes --sources DIR``: every quotation is verbatim from its source.

The course quotes its four source documents sparingly, and only verbatim. This check reads
the source texts from ``DIR`` (the project does not ship them: download each from the ``url``
in ``content/data/sources.csv`` and save it as plain text, see :data:`FILE_NAMES`) and verifies:

* **course data**: every row of a CSV under ``src/`` whose header has a ``doc`` column and a
  ``quote`` column (``quotes.csv``): the quotation must be found, in order, in the document the
  row names; and every ``phrase`` (``annotations.csv``: a verbatim word or two that locates a
  passage) must occur in the document its row names;
* **notebooks** (``lessons/``, ``solutions/``, ``assignments/``): every markdown blockquote (a run
  of lines starting with ``>``) is a quotation and must end with an attribution line starting
  with a dash (``— Author, title``); its text must be found in one of the documents.

Matching ignores case, runs of white space, markdown emphasis and links, ``<mark>`` tags, and
the difference between typographic and plain quotes and dashes. ``...``, ``…``, ``[...]`` and a
bracketed editorial insertion (``[the lab]``) split a quotation into fragments that must appear
in that order; fragments shorter than two words are not checked, and a quotation whose longest
fragment has fewer than four words is too short to verify. Blockquotes inside fenced code in
markdown are examples, not quotations.

Verdicts: ``NOT VERBATIM``, ``WRONG DOC`` (found, but in another document than the row names),
``UNKNOWN DOC``, ``TOO SHORT``, ``UNATTRIBUTED`` (a blockquote without an attribution line).
Standard library only.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Accepted file names of each source text in ``DIR``: ``<doc id>.txt`` (or ``.md``), or the name
#: of the reference copy the course was written from (``../shared/seeds`` in the maintainers'
#: set-up, numbered files).
REFERENCE_COPIES = {
    "planning-for-agi": "000_56279db8b8a906d4.txt",
    "alignment-plan-critique": "001_5aa73183422bf63f.txt",
    "deployment-nearcast": "002_5020940a30efb75c.txt",
    "openai-misconceptions": "004_5bfa1ea67b6e2ea9.txt",
}
NOTEBOOK_FOLDERS = ("lessons", "solutions", "assignments")
#: Columns holding verbatim source text, and the fewest words the longest fragment must have.
VERBATIM_COLUMNS = {"quote": 4, "phrase": 1}

_GAP = re.compile(r"\s*(?:\.\.\.|\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\[[^\]]*\])\s*")
_ATTRIBUTION = re.compile(r"^\s*(?:—|–|--|-)\s*\S")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PLAIN = {
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


class QuoteCheckError(RuntimeError):
    """The check cannot run (missing source texts, no project folder); nothing was checked."""


def file_names(doc: str) -> list[str]:
    """File names accepted for document ``doc`` in the sources folder, in order of preference."""
    names = [f"{doc}.txt", f"{doc}.md"]
    if doc in REFERENCE_COPIES:
        names.append(REFERENCE_COPIES[doc])
    return names


FILE_NAMES = {doc: file_names(doc) for doc in REFERENCE_COPIES}


# --- normalisation ------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """Case-folded text with plain quotes and dashes, no ``<mark>`` tags, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("<mark>", " ").replace("</mark>", " ")
    for fancy, plain in _PLAIN.items():
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip().lower()


def _strip_markdown(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    return re.sub(r"(\*\*|\*|__|`)", "", text)


def fragments(quote: str, min_words: int = 2) -> list[str]:
    """The parts of a quotation between omissions and insertions, normalised."""
    parts = (p.strip(" \"'.,;:") for p in _GAP.split(normalise(_strip_markdown(quote))))
    return [p for p in parts if len(p.split()) >= min_words]


def found_in(document: str, frags: list[str]) -> bool:
    """Whether the fragments occur in ``document`` (normalised), in this order."""
    pos = 0
    for frag in frags:
        i = document.find(frag, pos)
        if i < 0:
            return False
        pos = i + len(frag)
    return True


# --- what counts as a quotation -------------------------------------------------------------
@dataclass(frozen=True)
class Quotation:
    where: str  # file:row or file:cell N
    text: str
    doc: str | None = None  # the document it must come from (course data), or None (any)
    min_words: int = 4  # fewest words of the longest fragment
    attributed: bool = True


@dataclass(frozen=True)
class Finding:
    verdict: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.verdict:<12} {self.where}: {self.detail}"


def quotations_in_csv(path: Path, label: str | None = None) -> Iterator[Quotation]:
    """Verbatim columns of a CSV whose header has ``doc`` and ``quote`` or ``phrase``."""
    label = label or str(path)
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = set(reader.fieldnames or ())
        columns = [c for c in VERBATIM_COLUMNS if c in header]
        if "doc" not in header or not columns:
            return
        for n, row in enumerate(reader, start=2):
            for column in columns:
                yield Quotation(
                    f"{label}:{n} ({column})" if column != "quote" else f"{label}:{n}",
                    row.get(column) or "",
                    row.get("doc") or None,
                    VERBATIM_COLUMNS[column],
                )


def blockquotes(markdown: str) -> Iterator[tuple[list[str], bool]]:
    """Each blockquote's non-empty lines, and whether its last line is an attribution."""
    block: list[str] = []
    fenced = False
    for line in markdown.splitlines() + [""]:
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and line.lstrip().startswith(">"):
            block.append(line.lstrip()[1:].strip())
            continue
        body = [b for b in block if b]
        block = []
        if body:
            yield body, len(body) >= 2 and bool(_ATTRIBUTION.match(body[-1]))


def quotations_in_notebook(path: Path, label: str | None = None) -> Iterator[Quotation | Finding]:
    label = label or str(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        yield Finding("UNREADABLE", label, str(exc))
        return
    for ci, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        for body, attributed in blockquotes(src):
            text = " ".join(body[:-1] if attributed else body)
            yield Quotation(f"{label}:cell {ci}", text, attributed=attributed)


def project_quotations(root: Path) -> Iterator[Quotation | Finding]:
    """Every quotation in the project at ``root`` (course data under src/, then notebooks)."""

    def rel(p: Path) -> str:
        return str(p.relative_to(root))

    src = root / "src"
    for path in sorted(src.rglob("*.csv")) if src.is_dir() else []:
        yield from quotations_in_csv(path, rel(path))
    for folder in NOTEBOOK_FOLDERS:
        base = root / folder
        for path in sorted(base.rglob("*.ipynb")) if base.is_dir() else []:
            if ".ipynb_checkpoints" not in path.parts:
                yield from quotations_in_notebook(path, rel(path))


# --- sources and the check --------------------------------------------------------------------
def doc_ids(root: Path) -> list[str]:
    """The document ids of the project's ``sources.csv`` (under ``src/``)."""
    found = sorted((root / "src").rglob("sources.csv")) if (root / "src").is_dir() else []
    if not found:
        raise QuoteCheckError(f"no sources.csv under {root / 'src'}: is {root} the project folder?")
    with found[0].open(newline="", encoding="utf-8") as fh:
        return [row["doc"] for row in csv.DictReader(fh)]


def load_sources(directory: Path, docs: Iterable[str]) -> dict[str, str]:
    """Each document's normalised text; a clear error naming every file that is missing."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QuoteCheckError(f"no such folder: {directory} (the source texts; see CONTRIBUTING.md)")
    texts, missing = {}, []
    for doc in docs:
        path = next((directory / n for n in file_names(doc) if (directory / n).is_file()), None)
        if path is None:
            missing.append(f"{doc} (save it as {directory / file_names(doc)[0]})")
            continue
        texts[doc] = normalise(path.read_text(encoding="utf-8", errors="replace"))
    if missing:
        raise QuoteCheckError(
            "source texts missing: " + "; ".join(missing) + ". Download them from the URLs in content/data/sources.csv."
        )
    return texts


def check(items: Iterable[Quotation | Finding], sources: dict[str, str]) -> tuple[int, list[Finding]]:
    """Check quotations against the source texts: (number checked, findings)."""
    checked, bad = 0, []
    for item in items:
        checked += 1
        if isinstance(item, Finding):
            bad.append(item)
            continue
        short = item.text[:100]
        if not item.attributed:
            bad.append(
                Finding("UNATTRIBUTED", item.where, f"blockquote without a final '— Author, title' line: {short!r}")
            )
            continue
        if item.doc and item.doc not in sources:
            bad.append(Finding("UNKNOWN DOC", item.where, f"doc {item.doc!r} is none of {sorted(sources)}"))
            continue
        frags = fragments(item.text, min(2, item.min_words))
        if not frags or max(len(f.split()) for f in frags) < item.min_words:
            bad.append(Finding("TOO SHORT", item.where, repr(short)))
            continue
        hits = [doc for doc, text in sources.items() if found_in(text, frags)]
        if not hits:
            bad.append(Finding("NOT VERBATIM", item.where, repr(item.text[:120])))
        elif item.doc and item.doc not in hits:
            bad.append(Finding("WRONG DOC", item.where, f"attributed to {item.doc}, found in {', '.join(hits)}"))
    return checked, bad


def check_project(root: Path, sources_dir: Path) -> tuple[int, list[Finding]]:
    """Check every quotation of the project at ``root`` against the texts in ``sources_dir``."""
    root = Path(root)
    sources = load_sources(sources_dir, doc_ids(root))
    return check(project_quotations(root), sources)


def main(root: Path, sources_dir: Path, out=None) -> int:
    """The command: findings, then a summary line. 0 when all are verbatim, 1 otherwise."""
    import sys

    out = out or sys.stdout
    checked, bad = check_project(root, sources_dir)
    for finding in bad:
        print(finding, file=out)
    print(f"quotes: {checked} checked, {checked - len(bad)} verbatim, {len(bad)} failing", file=out)
    return 1 if bad else 0
