"""Student-controlled content made inert before a person or a tool renders it.

Autograded notebooks are what formgrader shows graders and what feedback is made from; a
student controls much of them: every output (their code produced it, and test messages can
quote their values), their markdown and raw cells, metadata and attachments. An HTML output
with a script, an SVG with an event handler or a ``javascript:`` link would run in the
grader's browser session. :class:`NeutraliseContent` (the last autograde step) keeps only
what renders as inert data:

* outputs: ``text/plain``, PNG and JPEG images (checked to be base64 and of that format),
  Vega-Lite specifications (JSON; links, ``usermeta`` and ``javascript:`` strings removed);
  every other type (HTML, JavaScript, SVG, markdown, LaTeX, widget views, JSON, …) is
  replaced by a plain-text note naming what was removed;
* markdown in cells the student wrote: HTML tags shown as text, link targets limited to
  ``http(s)``, ``mailto`` and ``#``; raw cells lose their format and their markup shows as text;
* attachments: PNG and JPEG only; cell metadata: nbgrader's, ``deletable``/``editable`` and
  plain tags; notebook metadata: kernel and language information and the grading flags.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from nbgrader.preprocessors import NbGraderPreprocessor

from .execute import FLAGS_KEY

SAFE_MIME = ("text/plain", "image/png", "image/jpeg")
VEGALITE = re.compile(r"^application/vnd\.vegalite\.v[345](\.\d+)?\+json$")
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_TAG = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_LINK = re.compile(r"(\]\s*\(\s*<?)([^)\s>]*)")
_SAFE_URL = re.compile(r"^(https?://|mailto:|#|attachment:)", re.I)
_BAD_STRING = re.compile(r"^\s*(javascript|vbscript|data:text/html)", re.I)
NOTEBOOK_METADATA = ("kernelspec", "language_info", FLAGS_KEY)


def _image_ok(mime: str, value) -> bool:
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return False
    try:
        raw = base64.b64decode(value.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return False
    return raw.startswith(_MAGIC[mime])


def _scrub_spec(value, depth: int = 0):
    """A Vega-Lite spec without links, user metadata or script URLs."""
    if depth > 60:
        return None
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if (
                not isinstance(k, str)
                or k in ("href", "usermeta", "url")
                and not (k == "url" and isinstance(v, str) and v.startswith("data:application/json"))
            ):
                continue
            out[k] = _scrub_spec(v, depth + 1)
        return out
    if isinstance(value, list):
        return [_scrub_spec(v, depth + 1) for v in value]
    if isinstance(value, str):
        return "" if _BAD_STRING.match(value) else value
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return None


def neutralise_output(out) -> None:
    kind = out.get("output_type")
    if kind not in ("display_data", "execute_result"):
        if kind == "stream" and not isinstance(out.get("text"), str):
            out["text"] = str(out.get("text"))
        return
    data = out.get("data") or {}
    kept, removed = {}, []
    for mime, value in data.items():
        if mime == "text/plain" and isinstance(value, (str, list)):
            kept[mime] = value if isinstance(value, str) else "".join(map(str, value))
        elif mime in _MAGIC and _image_ok(mime, value):
            kept[mime] = value
        elif isinstance(mime, str) and VEGALITE.match(mime) and isinstance(value, dict):
            kept[mime] = _scrub_spec(value)
        else:
            removed.append(str(mime)[:60])
    if removed and "text/plain" not in kept:
        kept["text/plain"] = (
            "[output of type " + ", ".join(sorted(set(removed))) + " removed by the grader: it is not shown to graders]"
        )
    out["data"] = kept
    meta = out.get("metadata") or {}
    clean = {}
    for mime in ("image/png", "image/jpeg"):
        m = meta.get(mime)
        if isinstance(m, dict):
            clean[mime] = {k: m[k] for k in ("width", "height") if isinstance(m.get(k), (int, float))}
    out["metadata"] = clean
    out.pop("transient", None)


def neutralise_markdown(text: str) -> str:
    """Markdown whose HTML shows as text and whose links go nowhere dangerous."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def link(m):
        url = m.group(2)
        return m.group(1) + (url if (not url or _SAFE_URL.match(url)) else "#")

    return _LINK.sub(link, text)


def _is_course_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader") or {}
    return bool(meta.get("locked"))


def neutralise_cell(cell) -> None:
    course = _is_course_cell(cell)
    if cell.cell_type == "markdown" and not course:
        cell.source = neutralise_markdown(cell.source)
    if cell.cell_type == "raw":  # nbconvert's HTML exporter writes raw cells out verbatim
        cell.metadata.pop("format", None)
        cell.metadata.pop("raw_mimetype", None)
        if not course:
            cell.source = cell.source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "attachments" in cell:
        atts = cell.get("attachments") or {}
        keep = {}
        for name, bundle in atts.items() if isinstance(atts, dict) else []:
            if not isinstance(name, str) or not _TAG.match(name.replace(".", "_")):
                continue
            good = {m: v for m, v in (bundle or {}).items() if m in _MAGIC and _image_ok(m, v)}
            if good:
                keep[name] = good
        if keep:
            cell["attachments"] = keep
        else:
            del cell["attachments"]
    meta = {}
    for key in ("nbgrader", "deletable", "editable"):
        if key in cell.metadata:
            meta[key] = cell.metadata[key]
    tags = cell.metadata.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [t for t in tags if isinstance(t, str) and _TAG.match(t)][:20]
    cell.metadata = type(cell.metadata)(meta)
    for out in cell.get("outputs", []) or []:
        neutralise_output(out)


def neutralise_notebook(nb):
    for cell in nb.cells:
        neutralise_cell(cell)
    nb.metadata = type(nb.metadata)({k: nb.metadata[k] for k in NOTEBOOK_METADATA if k in nb.metadata})
    return nb


class NeutraliseContent(NbGraderPreprocessor):
    """Last autograde step: make every student-controlled byte inert (see the module docstring)."""

    def preprocess(self, nb, resources):
        return neutralise_notebook(nb), resources


def dumps_check(nb) -> str:
    """The notebook as JSON (used by tests to search for leftovers)."""
    return json.dumps(nb)
