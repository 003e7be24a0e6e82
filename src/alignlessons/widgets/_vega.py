"""A Vega-Lite view as a widget whose data can be replaced in place.

Explorers need charts that follow the sliders without flicker: re-displaying an altair chart
rebuilds the whole output. ``VegaChart`` embeds the spec once and, when Python assigns new
``datasets``, swaps the named datasets inside the live Vega view (``view.data(name, rows)``),
so axes, legends, tooltips and the page layout stay put.

The front end is an anywidget module: Vega, Vega-Lite and Vega-Embed are inlined from
``vl-convert-python`` (no CDN), followed by a ~40-line renderer. The bundle is built on first
use, not at import time.
"""

from __future__ import annotations

import functools
import json

import anywidget
import traitlets as t

from ..charts.render import VEGALITE_VERSION, to_v5

_RENDER_JS = r"""
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "alignlessons-vega";
  box.setAttribute("role", "img");
  el.appendChild(box);
  let view = null;
  let updates = 0;
  const label = () => box.setAttribute("aria-label", model.get("description") || "chart");
  const applyData = async () => {
    if (!view) return;
    const datasets = model.get("datasets") || {};
    for (const [name, rows] of Object.entries(datasets)) {
      try { view.data(name, rows); } catch (err) { console.error("alignlessons: no dataset", name, err); }
    }
    await view.resize().runAsync();  // axes and labels may need new room
    updates += 1;
    el.dataset.updates = String(updates);
  };
  const embed = async () => {
    if (view) { view.finalize(); view = null; }
    box.innerHTML = "";
    label();
    // Embed with the current rows, so the first layout already has room for labels and legends.
    const base = model.get("spec");
    const spec = { ...base, datasets: { ...(base.datasets || {}), ...(model.get("datasets") || {}) } };
    const result = await globalThis.vegaEmbed(box, spec, { actions: false, renderer: "svg" });
    view = result.view;
    el.dataset.embedded = "true";
    updates += 1;
    el.dataset.updates = String(updates);
  };
  model.on("change:spec", embed);
  model.on("change:datasets", applyData);
  model.on("change:description", label);
  embed().catch((err) => { box.textContent = "Chart error: " + err; console.error(err); });
  return () => { if (view) view.finalize(); };
}
export default { render };
"""


@functools.lru_cache(maxsize=1)
def _esm() -> str:
    import vl_convert

    return vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION) + "\n" + _RENDER_JS


class VegaChart(anywidget.AnyWidget):
    """A Vega-Lite chart whose named datasets can be replaced from Python without re-rendering.

    ``spec`` is a Vega-Lite spec whose data comes from named datasets; ``datasets`` maps each
    dataset name to a list of records. Assigning ``datasets`` (or calling :meth:`update`)
    replaces those datasets in the live view.
    """

    spec = t.Dict().tag(sync=True)
    datasets = t.Dict().tag(sync=True)
    description = t.Unicode("").tag(sync=True)

    def __init__(self, chart=None, **kwargs):
        if "_esm" not in type(self).__dict__:
            type(self)._esm = _esm()
        super().__init__(**kwargs)
        if chart is not None:
            self.set_chart(chart)

    def set_chart(self, chart) -> None:
        """Embed a new altair chart (a full re-render: use for structure, not for slider moves)."""
        spec = to_v5(chart.to_dict())
        datasets = spec.pop("datasets", {}) or {}
        self.description = str(spec.get("description", ""))
        # The spec keeps empty named datasets; the rows travel separately so they can be swapped.
        spec["datasets"] = {name: [] for name in datasets}
        self.spec = spec
        self.datasets = datasets

    def update(self, **datasets) -> None:
        """Replace the rows of the named datasets (lists of dicts or pandas DataFrames)."""
        new = dict(self.datasets)
        for name, rows in datasets.items():
            if hasattr(rows, "to_dict"):
                rows = json.loads(rows.to_json(orient="records"))
            new[name] = rows
        self.datasets = new

    def __repr__(self) -> str:  # stable text for stored outputs (anywidget's shows an address)
        return f"VegaChart(description={self.description[:60]!r})"
