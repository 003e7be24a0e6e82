"""Standalone HTML exports of lessons that work offline.

Charts stored as Vega-Lite mime bundles are turned into a ``<div>`` plus a call to
``vegaEmbed``; the Vega libraries are inlined once per page from ``vl-convert-python``, so
the page loads nothing from the network. Widgets need a kernel, so each widget output is
replaced by a short note (the static part of every self-check is a separate HTML output and
stays). Interactive kernel-free charts (Vega-Lite parameters bound to sliders) keep working.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

import nbformat

from .charts.render import MIME_TYPE, VEGALITE_VERSION

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    "<p class='alignlessons-offline-note'>(Interactive control: open this lesson in "
    "JupyterLab with a running kernel to use it.)</p>"
)


def _vega_bundle() -> str:
    import vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)
    return bundle.replace("</script", "<\\/script")


def _chart_html(spec: dict, n: int) -> str:
    div_id = f"alignlessons-chart-{n}"
    payload = json.dumps(spec, sort_keys=True).replace("</", "<\\/")
    return (
        f'<div class="alignlessons-chart" id="{div_id}" role="img" '
        f'aria-label="{html.escape(spec.get("description", "chart"), quote=True)}"></div>'
        f'<script type="text/javascript">vegaEmbed("#{div_id}", {payload}, '
        '{"actions": false, "renderer": "svg"}).catch(console.error);</script>'
    )


def prepare(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """Rewrite chart and widget outputs for an offline page; returns the notebook and the chart count."""
    charts = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            if MIME_TYPE in data:
                charts += 1
                out["data"] = {
                    "text/html": _chart_html(data[MIME_TYPE], charts),
                    "text/plain": data.get("text/plain", ""),
                }
            elif WIDGET_MIME in data:
                out["data"] = {"text/html": WIDGET_NOTE, "text/plain": "(interactive control)"}
    nb.metadata.pop("widgets", None)
    return nb, charts


def export_notebook(path: Path, out: Path) -> Path:
    """Export one notebook to ``out`` (a file path) as offline HTML."""
    from nbconvert import HTMLExporter

    from .paths import TEMPLATES

    nb, charts = prepare(nbformat.read(path, as_version=4))
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
    resources = {"alignlessons_vega_bundle": _vega_bundle() if charts else "", "metadata": {"name": path.stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed write leaves the earlier page and no temp file
        raise
    return out


def export_lessons(names: Iterable[str] | None, out_dir: Path) -> list[Path]:
    from .tooling import resolve_lessons

    return [export_notebook(p, Path(out_dir) / f"{p.stem}.html") for p in resolve_lessons(names)]
