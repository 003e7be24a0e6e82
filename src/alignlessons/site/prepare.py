"""Turn a stored lesson (or a student assignment) into the notebook the course site renders.

Nothing is executed: the stored outputs are rewritten for a static page.

* A Vega-Lite output becomes a ``<figure>``: an element with ``role="img"`` whose accessible
  name is the chart's own description, a separate group for its sliders (kernel-free
  explorers), a ``<details>`` data table built from the chart's inline data (with a CSV file of
  every row) and the spec as inert JSON, drawn by ``_static/alignlessons-charts.js`` with the
  site's own copy of Vega.
* A widget output needs a kernel: a self-check's answer box and a beliefs form become a short
  note (the self-check's question, options and folded answers are a separate, static output
  and stay); a live explorer becomes a note pointing to its kernel-free twin, and when the
  lesson does not store that twin, the twin itself is drawn from the course package (the
  lesson's own cells are never run).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field

import nbformat

from ..charts.render import MIME_TYPE, _title_text, alt_text

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Rows of a chart's data shown in its table on the page (every row is in the CSV file).
TABLE_ROWS = 60
_EXPLORER_CALL = re.compile(r"\b([a-z_]+?)_explorer\s*\(")
_TWIN_CALL = re.compile(r"\b([a-z_]+?)_kernel_free\s*\(")


@dataclass
class Prepared:
    """What :func:`prepare_notebook` did to one notebook."""

    notebook: nbformat.NotebookNode
    charts: int = 0
    interactive_charts: int = 0
    notes: int = 0
    twins_added: list[str] = field(default_factory=list)
    #: CSV files to write: path relative to the site's data folder -> text.
    data_files: dict[str, str] = field(default_factory=dict)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(spec: dict) -> list[tuple[str, list[dict]]]:
    """The chart's inline datasets, in a stable order."""
    found = [(name, rows) for name, rows in sorted((spec.get("datasets") or {}).items()) if isinstance(rows, list)]
    values = (spec.get("data") or {}).get("values") if isinstance(spec.get("data"), dict) else None
    if isinstance(values, list):
        found.append(("values", values))
    return found


def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        if isinstance(row, dict):
            cols.extend(k for k in row if k not in cols)
    return cols


def _csv(rows: list[dict], cols: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([_cell_text(row.get(c)) if isinstance(row, dict) else "" for c in cols])
    return buf.getvalue()


def _table_html(title: str, datasets: list[tuple[str, list[dict]]], csv_links: list[str]) -> str:
    parts = ["<details class='alignlessons-chart-data'><summary>Data table for this chart</summary>"]
    for i, ((_, rows), link) in enumerate(zip(datasets, csv_links), start=1):
        cols = _columns(rows)
        caption = title if len(datasets) == 1 else f"{title} (data {i} of {len(datasets)})"
        shown = rows[:TABLE_ROWS]
        note = (
            f"All {len(rows)} rows."
            if len(rows) <= TABLE_ROWS
            else f"The first {TABLE_ROWS} of {len(rows)} rows; every row is in the CSV file."
        )
        parts.append(
            "<div class='alignlessons-table-wrap' tabindex='0' role='region' "
            f"aria-label='{html.escape(caption, quote=True)}'>"
        )
        parts.append(
            f"<table><caption>{html.escape(caption)}. {note} "
            f"<a href='{html.escape(link, quote=True)}' download>Download the data (CSV)</a></caption>"
        )
        parts.append(
            "<thead><tr>" + "".join(f"<th scope='col'>{html.escape(c)}</th>" for c in cols) + "</tr></thead><tbody>"
        )
        for row in shown:
            parts.append("<tr>" + "".join(f"<td>{html.escape(_cell_text(row.get(c)))}</td>" for c in cols) + "</tr>")
        parts.append("</tbody></table></div>")
    parts.append("</details>")
    return "".join(parts)


def chart_html(spec: dict, chart_id: str, data_prefix: str) -> tuple[str, dict[str, str]]:
    """The figure for one Vega-Lite spec and the CSV files of its data (name -> text)."""
    title = _title_text(spec.get("title")) or "Chart"
    description = str(spec.get("description") or alt_text(spec))
    interactive = bool(_bound_params(spec))
    datasets = _rows(spec)
    files, links = {}, []
    for i, (_, rows) in enumerate(datasets, start=1):
        name = f"{chart_id}-{i}.csv"
        files[name] = _csv(rows, _columns(rows))
        links.append(f"{data_prefix}{name}")
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    controls = (
        f"<div class='alignlessons-chart-controls' role='group' "
        f"aria-label='{html.escape('Sliders for the chart: ' + title, quote=True)}'></div>"
        if interactive
        else ""
    )
    body = (
        f"<figure class='alignlessons-chart' id='{chart_id}' data-interactive='{str(interactive).lower()}'>"
        f"<div class='alignlessons-chart-view' role='img' aria-label='{html.escape(description, quote=True)}'>"
        "<div class='alignlessons-chart-canvas'><p class='alignlessons-chart-loading'>(Drawing the chart…)</p>"
        "</div></div>"
        f"{controls}"
        f"{_table_html(title, datasets, links) if datasets else ''}"
        f"<script type='application/json' class='alignlessons-chart-spec'>{payload}</script>"
        "</figure>"
    )
    return body, files


def _bound_params(spec) -> list[dict]:
    found = []
    if isinstance(spec, dict):
        for p in spec.get("params") or []:
            if isinstance(p, dict) and p.get("bind"):
                found.append(p)
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for sub in spec.get(key) or []:
                found.extend(_bound_params(sub))
        if isinstance(spec.get("spec"), dict):
            found.extend(_bound_params(spec["spec"]))
    return found


def _note(text: str) -> dict:
    return {"text/html": f"<p class='alignlessons-offline-note'>{html.escape(text)}</p>", "text/plain": text}


def _explorer_note(plain: str, twin_below: bool) -> str:
    what = plain.strip().strip("()").split(": an interactive explorer")[0]
    where = "the kernel-free version of this explorer is below" if twin_below else "its kernel-free version follows"
    what = what if what.endswith((".", "?", "!")) else what + "."
    return (
        f"Interactive explorer — {what} It needs a running Python kernel: open this lesson in "
        f"JupyterLab (make lab) to use it. On this page {where}: its sliders work in the browser."
    )


def prepare_notebook(nb: nbformat.NotebookNode, *, slug: str, data_prefix: str, twins: dict | None = None) -> Prepared:
    """Rewrite ``nb`` in place for the site (``slug`` names its charts and data files).

    ``twins`` maps an explorer name to a function returning its kernel-free chart, used when
    the notebook shows a live explorer without storing its twin (default: the course's).
    """
    if twins is None:
        from ..widgets import EXPLORERS

        twins = {name: pair[1] for name, pair in EXPLORERS.items()}
    result = Prepared(nb)
    stored_twins = {
        m
        for cell in nb.cells
        if cell.cell_type == "code"
        for m in _TWIN_CALL.findall(cell.source)
        if any(MIME_TYPE in o.get("data", {}) for o in cell.get("outputs", []))
    }

    def make_chart(spec: dict) -> dict:
        result.charts += 1
        if _bound_params(spec):
            result.interactive_charts += 1
        body, files = chart_html(spec, f"{slug}-chart-{result.charts}", data_prefix)
        result.data_files.update(files)
        return {"text/html": body, "text/plain": alt_text(spec)}

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new_outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                new_outputs.append(out)
                continue
            if MIME_TYPE in data:
                out["data"] = make_chart(data[MIME_TYPE])
            elif WIDGET_MIME in data:
                plain = str(data.get("text/plain", ""))
                called = [n for n in _EXPLORER_CALL.findall(cell.source) if n in twins]
                result.notes += 1
                if called and "interactive explorer" in plain:
                    name = called[0]
                    out["data"] = _note(_explorer_note(plain, name in stored_twins))
                    if name not in stored_twins:
                        spec = twins[name]().to_dict()
                        from ..charts.render import to_v5

                        twin = nbformat.v4.new_output("display_data", data=make_chart(to_v5(spec)))
                        new_outputs.append(out)
                        new_outputs.append(twin)
                        result.twins_added.append(name)
                        stored_twins.add(name)
                        continue
                else:
                    out["data"] = _note(
                        plain.strip()
                        or "(Interactive control: open this lesson in JupyterLab with a running kernel to use it.)"
                    )
            for key in [k for k in out["data"] if k.startswith("application/") and k != "application/json"]:
                out["data"].pop(key)  # anything else would need a kernel-side renderer
            out.get("metadata", {}).pop(WIDGET_MIME, None)
            new_outputs.append(out)
        cell["outputs"] = new_outputs
    nb.metadata.pop("widgets", None)
    return result


def download_cell(href: str, what: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(
        f"<p class='alignlessons-download'><a href='{html.escape(href, quote=True)}' download>"
        f"Download this {what} (.ipynb)</a> — to run it, get the course and type <code>make lab</code>.</p>"
    )
