"""Course data: the four source documents, short attributed quotations and a glossary.

Everything here is plain data shipped with the package as CSV files (``content/data/*.csv``)
and returned as pandas DataFrames::

    from alignlessons import content

    content.sources()            # one row per document: doc, title, author, venue, date, url, summary
    content.quotes()             # id, doc, speaker, quote, section
    content.glossary()           # term, definition, docs (space-separated doc ids)
    content.plan_steps()         # the critique's six steps (not their coverage labels)
    content.hilton_claims()      # some of Hilton's bolded claims, his label and evidence (lesson 05)
    content.thread_comments()    # comments under Hilton's post: who (as the copy shows it), what
    content.side_by_side()       # lesson 06: six questions x five voices, each cell with its lesson

    content.quote("plan-one-shot")     # renders in a notebook as an attributed blockquote
    content.term("RLHF")               # renders as a definition (case-insensitive lookup)
    content.source("deployment-nearcast")["title"]

The four documents are identified everywhere by the ids in :data:`DOC_IDS`.

Quotations are short and verbatim (checked against the texts by ``alignlessons check-quotes``); who
said what matters: in ``planning-for-agi`` only the highlighted passages are OpenAI's, the
rest are a reader's marginal annotations (speaker ``"annotator"``).

Every table is validated when it is first read (required columns, no blank cells, unique ids,
known doc ids); a problem raises :class:`ContentError` naming the file, the 1-based CSV row
(the header is row 1) and the column. Tables are cached, and every public function returns a
fresh copy, so changing a returned DataFrame never changes what the next caller sees.
"""

import csv
import difflib
import functools
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = [
    "DOC_IDS",
    "ContentError",
    "Quote",
    "Term",
    "sources",
    "quotes",
    "glossary",
    "source",
    "quote",
    "term",
    "plan_steps",
    "annotations",
    "COVERAGE_LABELS",
    "ANNOTATION_KINDS",
    "CLAIM_GROUPS",
    "hilton_claims",
    "thread_comments",
    "HILTON_LABELS",
    "COMMENT_STANCES",
    "IDENTIFICATIONS",
    "NAME_NOT_SHOWN",
    "synthesis_questions",
    "synthesis_positions",
    "synthesis_cruxes",
    "side_by_side",
    "side_by_side_markdown",
    "POSITION_KINDS",
    "SYNTHESIS_VOICES",
    "LESSON_FILES",
    "table",
]

#: The stable ids of the four documents the course teaches, in reading order.
DOC_IDS: tuple[str, ...] = (
    "planning-for-agi",
    "alignment-plan-critique",
    "deployment-nearcast",
    "openai-misconceptions",
)

#: Columns whose values must be doc ids: ``doc`` holds one, ``docs`` a space-separated list.
_DOC_COLUMNS = {"doc": False, "docs": True}

SOURCE_COLUMNS = ("doc", "title", "author", "venue", "date", "url", "summary")
QUOTE_COLUMNS = ("id", "doc", "speaker", "quote", "section")
GLOSSARY_COLUMNS = ("term", "definition", "docs")


class ContentError(ValueError):
    """A course data file is missing or malformed.

    The message names the file, the 1-based CSV row (header = row 1) and the column, e.g.
    ``quotes.csv row 7: column 'doc' has unknown doc id 'planning'; known: ...``.
    """


class ContentKeyError(KeyError):
    """A KeyError whose message prints as written (KeyError normally shows its repr)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------


def _data_root():
    """The package's data folder as an importlib.resources Traversable."""
    return resources.files(__name__) / "data"


def _load(
    name: str,
    required_columns: Sequence[str],
    id_column: str | None = None,
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Read and validate one CSV table; return it as a DataFrame of strings.

    Parameters
    ----------
    name:
        File name inside the data folder, e.g. ``"quotes.csv"``.
    required_columns:
        Columns that must be present and non-blank in every row (other columns are kept).
    id_column:
        If given, the column whose values must be unique.
    data_dir:
        Folder to read from; default: the data shipped inside the package
        (read with :mod:`importlib.resources`, so it works from an installed wheel).

    Checks, in order: the file exists and has a header; every required column is present;
    every data row has no more fields than the header; no required cell is blank; ids are
    unique; any ``doc`` value (one id) or ``docs`` value (space-separated ids) is in
    :data:`DOC_IDS`. Leading and trailing whitespace is stripped from every cell.

    Raises
    ------
    ContentError
        naming the file, the 1-based CSV row (header = row 1) and the column.
    """
    required = tuple(required_columns)
    base = _data_root() if data_dir is None else Path(data_dir)
    path = base / name
    if not path.is_file():
        raise ContentError(f"{name}: file not found in {base}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{name}: cannot be read as UTF-8 text ({exc})") from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ContentError(f"{name} row 1: the file is empty (expected a header row)") from None
    except csv.Error as exc:
        raise ContentError(f"{name} row 1: malformed CSV ({exc})") from None
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise ContentError(f"{name} row 1: column {dup!r} appears more than once in the header")
    missing = [c for c in required if c not in header]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        plural = "s" if len(missing) > 1 else ""
        raise ContentError(
            f"{name} row 1: missing required column{plural} {names}; the header has: {', '.join(header) or '(nothing)'}"
        )

    records: list[list[str]] = []
    seen: dict[str, int] = {}
    row_no = 1
    try:
        for fields in reader:
            row_no += 1
            if not fields:  # csv yields [] for an empty line: skip it (it still counts)
                continue
            if len(fields) > len(header):
                raise ContentError(
                    f"{name} row {row_no}: has {len(fields)} fields but the header has {len(header)} (unquoted comma?)"
                )
            fields = [f.strip() for f in fields] + [""] * (len(header) - len(fields))
            row = dict(zip(header, fields))
            for col in required:
                if not row[col]:
                    raise ContentError(f"{name} row {row_no}: column {col!r} is blank")
            if id_column is not None:
                key = row[id_column]
                if key in seen:
                    raise ContentError(
                        f"{name} row {row_no}: column {id_column!r} has duplicate value "
                        f"{key!r} (first used in row {seen[key]})"
                    )
                seen[key] = row_no
            for col, is_list in _DOC_COLUMNS.items():
                if col not in row or (not row[col] and col not in required):
                    continue
                for doc_id in row[col].split() if is_list else [row[col]]:
                    if doc_id not in DOC_IDS:
                        raise ContentError(
                            f"{name} row {row_no}: column {col!r} has unknown doc id "
                            f"{doc_id!r}; known: {', '.join(DOC_IDS)}"
                        )
            records.append(fields)
    except csv.Error as exc:
        raise ContentError(f"{name} row {row_no + 1}: malformed CSV ({exc})") from None

    return pd.DataFrame(records, columns=header, dtype=str)


@functools.cache
def _cached(name: str, required_columns: tuple[str, ...], id_column: str | None) -> pd.DataFrame:
    return _load(name, required_columns, id_column)


def _table(name: str, required_columns: Iterable[str], id_column: str | None = None) -> pd.DataFrame:
    """A validated packaged table, cached after the first read; returns a copy.

    New tables need one line, e.g.
    ``def plan_steps(): return _table("plan_steps.csv", ("id", "doc", ...), id_column="id")``.
    """
    return _cached(name, tuple(required_columns), id_column).copy(deep=True)


def sources() -> pd.DataFrame:
    """One row per document: ``doc, title, author, venue, date, url, summary``.

    ``date`` is an ISO date string (YYYY-MM-DD); ``summary`` is the course's own one- or
    two-sentence description.
    """
    return _table("sources.csv", SOURCE_COLUMNS, id_column="doc")


def quotes() -> pd.DataFrame:
    """Short verbatim quotations: ``id, doc, speaker, quote, section``.

    ``speaker`` is who said it (for ``planning-for-agi``: ``"OpenAI (Sam Altman)"`` for the
    highlighted text, ``"annotator"`` for the reader's notes); ``section`` locates it in the
    document. ``"..."`` marks an omission inside a quotation.
    """
    return _table("quotes.csv", QUOTE_COLUMNS, id_column="id")


def glossary() -> pd.DataFrame:
    """Glossary terms: ``term, definition, docs`` (``docs``: space-separated doc ids)."""
    return _table("glossary.csv", GLOSSARY_COLUMNS, id_column="term")


PLAN_STEP_COLUMNS = ("step", "id", "name", "description", "doc")
#: The four ratings the critique's coverage table uses, from best to worst covered. Which step got
#: which rating is deliberately *not* course data: assignment 02 grades it (the key lives only in
#: that assignment's hidden tests), and lesson 02 teaches it from the document.
COVERAGE_LABELS = ("adequate", "inadequate", "unclear", "unaddressed")


def plan_steps() -> pd.DataFrame:
    """The six steps alignment-plan-critique says OpenAI's plan needs, in order: ``step`` (int),
    ``id``, ``name``, ``description`` (the course's paraphrase), ``doc``.

    The critique's coverage rating of each step (one of :data:`COVERAGE_LABELS`) is not included:
    it is the answer key of an autograded question in assignment 02."""
    frame = _table("plan_steps.csv", PLAN_STEP_COLUMNS, id_column="id")
    if "coverage" in frame.columns:
        raise ContentError(
            "plan_steps.csv: column 'coverage' must not be course data (it is the key of "
            "an autograded question in assignment 02)"
        )
    frame["step"] = frame["step"].astype(int)
    return frame.sort_values("step").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------


def _not_found(kind: str, wanted: object, candidates: Sequence[str], listing: str) -> KeyError:
    close = difflib.get_close_matches(str(wanted), list(candidates), n=3, cutoff=0.6)
    if close:
        quoted = [repr(c) for c in close]
        hint = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        msg = f"no {kind} {wanted!r}; did you mean {hint}?"
    else:
        msg = f"no {kind} {wanted!r}; see alignlessons.content.{listing}() for the full list"
    return ContentKeyError(msg)


def _check_str(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string; got {type(value).__name__}")
    return value


def source(doc: str) -> dict[str, str]:
    """The :func:`sources` row for one doc id, as a new dict.

    Raises KeyError (suggesting the closest ids) if ``doc`` is not one of :data:`DOC_IDS`.
    """
    _check_str("doc", doc)
    table = _cached("sources.csv", SOURCE_COLUMNS, "doc")
    match = table[table["doc"] == doc]
    if match.empty:
        raise _not_found("document with id", doc, list(table["doc"]), "sources")
    return {k: str(v) for k, v in match.iloc[0].items()}


def _safe_url(url: str) -> str | None:
    return url if re.match(r"^https?://", url) else None


@dataclass(frozen=True)
class Quote:
    """One attributed quotation; renders as a blockquote in Jupyter.

    ``str(q)`` / ``repr(q)`` give ``“quote” — speaker, title``; ``q._repr_html_()`` gives a
    ``<blockquote>`` with a footer ``— speaker, title (date)`` linking to the source. All text
    is HTML-escaped and the output is deterministic (no generated ids).
    """

    id: str
    doc: str
    speaker: str
    text: str
    section: str
    title: str
    date: str
    url: str

    def __str__(self) -> str:
        return f"\u201c{self.text}\u201d \u2014 {self.speaker}, {self.title}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        e = html.escape
        url = _safe_url(self.url)
        title = f"<cite>{e(self.title)}</cite>"
        if url:
            title = f'<a href="{e(url, quote=True)}" target="_blank" rel="noopener">{title}</a>'
        return (
            f'<blockquote class="alignlessons-quote" data-quote-id="{e(self.id, quote=True)}">'
            f"<p>{e(self.text)}</p>"
            f"<footer>\u2014 {e(self.speaker)}, {title} ({e(self.date)})"
            f" <small>[{e(self.section)}]</small></footer>"
            f"</blockquote>"
        )

    def markdown(self) -> str:
        """The quotation as a markdown blockquote with an attribution line.

        This is the shape ``alignlessons check-quotes`` verifies in notebooks, so a lesson can paste it.
        """
        url = _safe_url(self.url)
        title = f"[{self.title}]({url})" if url else self.title
        return f"> {self.text}\n>\n> \u2014 {self.speaker}, {title} ({self.date})"


def quote(id: str) -> Quote:
    """The quotation with this id, ready to display in a notebook.

    Raises KeyError suggesting the closest ids, e.g.
    ``no quote with id 'plan-one-shoot'; did you mean 'plan-one-shot'?``
    """
    _check_str("id", id)
    table = _cached("quotes.csv", QUOTE_COLUMNS, "id")
    match = table[table["id"] == id]
    if match.empty:
        raise _not_found("quote with id", id, list(table["id"]), "quotes")
    row = match.iloc[0]
    src = source(row["doc"])
    return Quote(
        id=row["id"],
        doc=row["doc"],
        speaker=row["speaker"],
        text=row["quote"],
        section=row["section"],
        title=src["title"],
        date=src["date"],
        url=src["url"],
    )


@dataclass(frozen=True)
class Term:
    """One glossary entry; renders as a definition list in Jupyter."""

    term: str
    definition: str
    docs: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.term}: {self.definition}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        e = html.escape
        titles = []
        for doc in self.docs:
            try:
                titles.append(source(doc)["title"])
            except KeyError:  # docs are validated on load; keep the id if it ever happens
                titles.append(doc)
        where = "; ".join(e(t) for t in titles)
        return (
            f'<dl class="alignlessons-term"><dt><strong>{e(self.term)}</strong></dt>'
            f"<dd>{e(self.definition)}"
            f"<br><small>Discussed in: {where}</small></dd></dl>"
        )


def _term_key(text: str) -> str:
    """Lookup key: case-folded, typographic dashes and quotes made plain, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u2013", "-"), ("\u2014", "-"), ("\u2212", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().casefold()


def _term_aliases(term_name: str) -> list[str]:
    """A term's lookup keys: the full term, the part before a parenthesis, and its contents.

    ``"RLHF (reinforcement learning from human feedback)"`` is found as ``"rlhf"`` and as
    ``"reinforcement learning from human feedback"``.
    """
    keys = [_term_key(term_name)]
    m = re.fullmatch(r"\s*(.+?)\s*\((.+)\)\s*", term_name)
    if m:
        keys += [_term_key(m.group(1)), _term_key(m.group(2))]
    return keys


def term(name: str) -> Term:
    """The glossary entry for ``name`` (case-insensitive; ``"RLHF"`` finds
    ``"RLHF (reinforcement learning from human feedback)"``).

    Raises KeyError suggesting the closest terms.
    """
    _check_str("name", name)
    table = _cached("glossary.csv", GLOSSARY_COLUMNS, "term")
    wanted = _term_key(name)
    for _, row in table.iterrows():
        if wanted in _term_aliases(row["term"]):
            return Term(term=row["term"], definition=row["definition"], docs=tuple(row["docs"].split()))
    keys: dict[str, str] = {}
    for t in table["term"]:
        for k in _term_aliases(t):
            keys.setdefault(k, t)
    close = difflib.get_close_matches(wanted, list(keys), n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(keys[k] for k in close))
    if suggestions:
        quoted = [repr(s) for s in suggestions]
        hint = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        raise ContentKeyError(f"no glossary term {name!r}; did you mean {hint}?")
    raise ContentKeyError(f"no glossary term {name!r}; see alignlessons.content.glossary() for the full list")


# --------------------------------------------------------------------------------------
# Annotations: OpenAI's highlighted claims beside the annotator's notes (lesson 01)
# --------------------------------------------------------------------------------------

ANNOTATION_COLUMNS = (
    "id",
    "doc",
    "order",
    "claim_group",
    "claim",
    "phrase",
    "annotation",
    "kind",
    "reply",
    "reply_by",
    "rejoinder",
)
#: The five kinds of response the course distinguishes in the annotator's notes.
ANNOTATION_KINDS = ("question", "objection", "value disagreement", "demand for evidence", "irony")
#: The groups of claims in ``planning-for-agi``, in the order the post makes them. "why not stop"
#: drew no annotation, so no row of :func:`annotations` carries it.
CLAIM_GROUPS = (
    "why not stop",
    "shared benefits and governance",
    "iterative deployment",
    "tight feedback loop",
    "democratised access",
    "caution near AGI",
    "AI helps align AI",
    "humanity decides",
)


def _check_known(frame: pd.DataFrame, filename: str, columns: dict, noun: str = "label(s)") -> None:
    """Raise ContentError if a column holds a value outside its known list."""
    for column, known in columns.items():
        bad = sorted(set(frame[column]) - set(known))
        if bad:
            raise ContentError(f"{filename}: column {column!r} has unknown {noun} {bad}; known: {', '.join(known)}")


def _whole_numbers(frame: pd.DataFrame, filename: str, column: str) -> None:
    """Turn a column of whole numbers into ints, or raise ContentError naming it."""
    if not frame[column].str.fullmatch(r"\d+").all():
        raise ContentError(f"{filename}: column {column!r} must hold whole numbers")
    frame[column] = frame[column].astype(int)


def annotations() -> pd.DataFrame:
    """``planning-for-agi``'s highlighted claims, each with the annotator's note that follows it.

    Columns: ``id, doc, order, claim_group, claim, phrase, annotation, kind, reply, reply_by,
    rejoinder``.
    ``order`` (int) is the claim's position among the post's 13 highlighted passages (1 and 3
    drew no note); ``claim`` and ``annotation`` are the course's paraphrases; ``phrase`` is a
    verbatim word or two from the highlighted passage, to find it; ``kind`` is one of
    :data:`ANNOTATION_KINDS` (the course's reading, not a label the document gives);
    ``claim_group`` one of :data:`CLAIM_GROUPS`; ``reply`` is a reply a defender of the plan could
    give, paraphrased (never OpenAI's words); ``reply_by`` says whose it is: ``"course"`` for the
    course's own (written "A defender could ..."), otherwise the document author it comes from;
    ``rejoinder`` is the critics' answer to the reply where the documents hold one (paraphrased,
    attributed), or ``"none in the documents"``. Sorted by ``order``.
    """
    frame = _table("annotations.csv", ANNOTATION_COLUMNS, id_column="id")
    _check_known(frame, "annotations.csv", {"kind": ANNOTATION_KINDS, "claim_group": CLAIM_GROUPS})
    _whole_numbers(frame, "annotations.csv", "order")
    if not frame["order"].is_unique:
        raise ContentError("annotations.csv: column 'order' has duplicate values")
    return frame.sort_values("order").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Hilton's claims and the comment thread (lesson 05)
# --------------------------------------------------------------------------------------

HILTON_CLAIM_COLUMNS = ("id", "doc", "label", "claim", "evidence", "lesson_section")
#: Hilton's own labels for his bolded claims (his post's three sections).
HILTON_LABELS = ("Correct", "Incorrect", "Opinion")
THREAD_COMMENT_COLUMNS = (
    "id",
    "doc",
    "line",
    "debate",
    "replies_to",
    "author",
    "shown_as",
    "identification",
    "basis",
    "stance",
    "summary",
)
#: What a comment does to the text it answers (the course's reading of each comment).
COMMENT_STANCES = ("objection", "reply", "clarification", "question", "concession", "support")
#: How the course knows who wrote a comment, from strongest to weakest evidence in the copy.
IDENTIFICATIONS = (
    "name shown",  # the course's copy prints the name on the comment
    "named by the thread",  # unsigned, but another comment names its author
    "writes as the post's author",  # unsigned, speaks of the post as its own
    "inferred from the exchange",  # unsigned, answers in the first person for a named commenter
    "not shown",  # no name anywhere: the course does not guess
)
#: ``author`` of a comment whose author the course's copy does not show.
NAME_NOT_SHOWN = "name not shown"


def hilton_claims() -> pd.DataFrame:
    """Nine of the bolded claims in Hilton's "Common misconceptions about OpenAI", with his label.

    Columns: ``id, doc, label, claim, evidence, lesson_section``. ``label`` is Hilton's own
    (one of :data:`HILTON_LABELS`); ``claim`` is the bolded claim as he words it (lightly edited,
    first person kept), ``evidence`` the course's summary of what he offers for it. Only the claims lesson 05
    works with are here, deliberately: the post has 18 bolded claims, and the others are for the
    assignment to sort, so their labels are in no course data.
    """
    frame = _table("hilton_claims.csv", HILTON_CLAIM_COLUMNS, id_column="id")
    _check_known(frame, "hilton_claims.csv", {"label": HILTON_LABELS})
    return frame


def thread_comments() -> pd.DataFrame:
    """Comments under Hilton's post that lesson 05 uses, each attributed as the copy allows.

    Columns: ``id, doc, line, debate, replies_to, author, shown_as, identification, basis,
    stance, summary``. ``line`` (int) is where the comment (or the part of it used) begins in the
    course's copy of the page; ``replies_to`` is a :func:`hilton_claims` id, another comment's
    id, or ``"not in copy"``. ``author`` is the course's name for the author, or
    ``"name not shown"``; ``shown_as`` is the name exactly as the copy prints it on the comment
    (``"-"`` if it prints none); ``identification`` (one of :data:`IDENTIFICATIONS`) and
    ``basis`` say how the course knows. ``stance`` (one of :data:`COMMENT_STANCES`) and
    ``summary`` are the course's reading, in its own words.
    """
    frame = _table("thread_comments.csv", THREAD_COMMENT_COLUMNS, id_column="id")
    _check_known(
        frame, "thread_comments.csv", {"stance": COMMENT_STANCES, "identification": IDENTIFICATIONS}, noun="value(s)"
    )
    _whole_numbers(frame, "thread_comments.csv", "line")
    targets = set(_table("hilton_claims.csv", HILTON_CLAIM_COLUMNS, id_column="id")["id"])
    targets |= set(frame["id"]) | {"not in copy"}
    bad = sorted(set(frame["replies_to"]) - targets)
    if bad:
        raise ContentError(f"thread_comments.csv: column 'replies_to' has unknown id(s) {bad}")
    hidden = frame["identification"] == "not shown"
    if ((frame["author"] == NAME_NOT_SHOWN) != hidden).any():
        raise ContentError(
            "thread_comments.csv: 'author' must be 'name not shown' exactly when 'identification' is 'not shown'"
        )
    shown = frame["identification"] == "name shown"
    if (frame.loc[shown, "shown_as"] == "-").any() or (frame.loc[~shown, "shown_as"] != "-").any():
        raise ContentError(
            "thread_comments.csv: 'shown_as' must hold the printed name exactly "
            "when 'identification' is 'name shown', and '-' otherwise"
        )
    return frame


# --------------------------------------------------------------------------------------
# Display helper
# --------------------------------------------------------------------------------------


class FullTable(pd.DataFrame):
    """A DataFrame that shows every cell's text in full (no "..." truncation) in notebooks."""

    @property
    def _constructor(self):
        return FullTable

    def _repr_html_(self):
        with pd.option_context("display.max_colwidth", None):
            return super()._repr_html_()

    def __repr__(self):
        with pd.option_context("display.max_colwidth", None):
            return super().__repr__()


def table(data, **kwargs) -> FullTable:
    """A table (from a DataFrame, a list of dicts, or anything ``pandas.DataFrame`` accepts) that
    notebooks display with long text in full: the course's paraphrases are meant to be read."""
    return FullTable(data, **kwargs)


# --------------------------------------------------------------------------------------
# The documents side by side (lesson 06)
# --------------------------------------------------------------------------------------

SYNTHESIS_QUESTION_COLUMNS = ("question", "text", "order")
SYNTHESIS_POSITION_COLUMNS = ("id", "question", "doc", "voice", "kind", "position", "lesson", "section")
SYNTHESIS_CRUX_COLUMNS = ("question", "between", "crux", "lessons")
#: What a document does with one of the six questions (the course's reading).
POSITION_KINDS = ("answers", "objects", "not addressed")
#: The voices of the side-by-side table, in column order, with their document.
SYNTHESIS_VOICES = {
    "OpenAI (Altman)": "planning-for-agi",
    "the annotator": "planning-for-agi",
    "Akash": "alignment-plan-critique",
    "Karnofsky": "deployment-nearcast",
    "Hilton and the thread": "openai-misconceptions",
}
#: Lesson number -> notebook, for links from the side-by-side table.
LESSON_FILES = {
    "00": "00_start_here.ipynb",
    "01": "01_planning_for_agi.ipynb",
    "02": "02_alignment_plan_critique.ipynb",
    "03": "03_racing_dynamics.ipynb",
    "04": "04_deployment_problem.ipynb",
    "05": "05_misconceptions_and_debate.ipynb",
    "06": "06_synthesis.ipynb",
}


def synthesis_questions() -> pd.DataFrame:
    """The six questions lesson 06 asks of every document: ``question, text, order`` (int)."""
    frame = _table("synthesis_questions.csv", SYNTHESIS_QUESTION_COLUMNS, id_column="question")
    frame["order"] = frame["order"].astype(int)
    return frame.sort_values("order").reset_index(drop=True)


def synthesis_positions() -> pd.DataFrame:
    """Each voice's answer to each of the six questions, in the course's words (lesson 06).

    Columns: ``id, question, doc, voice, kind, position, lesson, section``. ``kind`` is one of
    :data:`POSITION_KINDS`; ``lesson`` (two digits, a key of :data:`LESSON_FILES`) and
    ``section`` say where the course covers it. One row per question and voice.
    """
    frame = _table("synthesis_positions.csv", SYNTHESIS_POSITION_COLUMNS, id_column="id")
    _check_known(
        frame,
        "synthesis_positions.csv",
        {
            "kind": POSITION_KINDS,
            "voice": tuple(SYNTHESIS_VOICES),
            "question": tuple(synthesis_questions()["question"]),
            "lesson": tuple(LESSON_FILES),
        },
        noun="value(s)",
    )
    wrong = frame[frame["doc"] != frame["voice"].map(SYNTHESIS_VOICES)]
    if len(wrong):
        raise ContentError(f"synthesis_positions.csv: row(s) {list(wrong['id'])} give a voice the wrong doc")
    return frame


def synthesis_cruxes() -> pd.DataFrame:
    """Where the voices disagree on a question, the crux: ``question, between, crux, lessons``.

    ``between`` lists the voices (separated by ``" | "``); ``lessons`` the lessons that cover it.
    """
    frame = _table("synthesis_cruxes.csv", SYNTHESIS_CRUX_COLUMNS)
    voices = {v for cell in frame["between"] for v in cell.split(" | ")}
    bad = sorted(voices - set(SYNTHESIS_VOICES))
    if bad:
        raise ContentError(f"synthesis_cruxes.csv: unknown voice(s) {bad}")
    return frame


def side_by_side() -> pd.DataFrame:
    """The side-by-side table: one row per question, one column per voice (lesson 06).

    Each cell is the position followed by where the course covers it, e.g. ``"... (lesson 04,
    section 3)"``; a last column ``crux`` names the crux where two voices disagree (empty if the
    course names none).
    """
    pos = synthesis_positions()
    pos["cell"] = pos["position"] + " (lesson " + pos["lesson"] + ", section " + pos["section"] + ")"
    wide = pos.pivot(index="question", columns="voice", values="cell")
    qs = synthesis_questions()
    wide = wide.loc[qs["question"], list(SYNTHESIS_VOICES)]
    cruxes = synthesis_cruxes().groupby("question")["crux"].apply(" / ".join)
    wide["crux"] = [cruxes.get(q, "") for q in wide.index]
    wide.index = qs["text"].values
    wide.index.name = "question"
    wide.columns.name = None
    return wide


class Markdown(str):
    """Markdown text that a notebook renders as Markdown (and prints as itself elsewhere)."""

    def _repr_markdown_(self) -> str:
        return str(self)


def side_by_side_markdown(*, lesson_dir: str = "") -> Markdown:
    """The side-by-side table as Markdown: per question, each voice's answer linked to its lesson.

    ``lesson_dir`` is prefixed to the notebook names in the links (empty: the lessons' folder).
    Where the voices disagree, the crux follows the table.
    """
    pos = synthesis_positions()
    cruxes = synthesis_cruxes()
    out = []
    for q in synthesis_questions().itertuples():
        out.append(f"**{q.text}**\n")
        out.append("| voice (document) | position, in the course's words | kind | where |")
        out.append("|---|---|---|---|")
        rows = pos[pos["question"] == q.question].set_index("voice").loc[list(SYNTHESIS_VOICES)]
        for voice, r in rows.iterrows():
            link = f"[lesson {r['lesson']}, § {r['section']}]({lesson_dir}{LESSON_FILES[r['lesson']]})"
            out.append(f"| {voice} (`{r['doc']}`) | {r['position']} | {r['kind']} | {link} |")
        for c in cruxes[cruxes["question"] == q.question].itertuples():
            les = ", ".join(f"[{x}]({lesson_dir}{LESSON_FILES[x]})" for x in c.lessons.split(", "))
            out.append(f"\n*Crux ({c.between.replace(' | ', ' vs. ')}; lessons {les}):* {c.crux}")
        out.append("")
    return Markdown("\n".join(out))
