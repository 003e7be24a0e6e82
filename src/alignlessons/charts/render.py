"""Offline, deterministic rendering of altair charts in JupyterLab, nbval and HTML exports.

Why a renderer of our own (see README, "How charts render offline"):

* altair's default ``html`` renderer loads Vega from a CDN (blank with no network), writes a
  random element id into every output (breaks nbval) and only runs after the notebook is
  trusted again;
* altair 6's ``mimetype`` renderer emits ``application/vnd.vegalite.v6.json``, which
  JupyterLab 4.6 does not render and nbformat rejects.

So charts are emitted as ``application/vnd.vegalite.v5+json``: JupyterLab renders that mime
type with the Vega it bundles (no network), also in a reopened, untrusted notebook, because
the renderer is marked safe. The spec is stable (altair names datasets by a hash of their
content), so nbval can compare it exactly. The ``text/plain`` part is the chart's title and
its text description, which doubles as alt text for screen readers and plain-text viewers.
HTML exports inline the Vega libraries once per page (``alignlessons.export``).
"""

from __future__ import annotations

from typing import Any

import altair as alt

RENDERER_NAME = "alignlessons"
MIME_TYPE = "application/vnd.vegalite.v5+json"
SCHEMA_V5 = "https://vega.github.io/schema/vega-lite/v5.json"
#: The Vega-Lite library inlined for HTML exports and live explorers: the newest Vega-Lite 5 that
#: vl-convert bundles (the specs use the v5 schema, :data:`SCHEMA_V5`).
VEGALITE_VERSION = "5.21"


def _title_text(title: Any) -> str:
    if isinstance(title, dict):
        text = title.get("text", "")
        subtitle = title.get("subtitle")
        text = " ".join(text) if isinstance(text, list) else str(text)
        if subtitle:
            text += " — " + (" ".join(subtitle) if isinstance(subtitle, list) else str(subtitle))
        return text
    if isinstance(title, list):
        return " ".join(map(str, title))
    return str(title or "")


def alt_text(spec: dict) -> str:
    """The plain-text stand-in for a chart: its title and its description."""
    title = _title_text(spec.get("title"))
    description = spec.get("description") or ""
    parts = [p for p in (title, description) if p]
    return "Chart: " + (". ".join(p.rstrip(".") for p in parts) + "." if parts else "(untitled)")


def to_v5(spec: dict) -> dict:
    """The spec with its ``$schema`` pointing at Vega-Lite 5, the version JupyterLab bundles."""
    out = dict(spec)
    out["$schema"] = SCHEMA_V5
    return out


def renderer(spec: dict, **metadata: Any) -> tuple[dict, dict]:
    """altair renderer: a Vega-Lite 5 mime bundle plus its alt text."""
    return {MIME_TYPE: to_v5(spec), "text/plain": alt_text(spec)}, {}


def enable() -> None:
    """Register (once) and enable the offline renderer."""
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, renderer)
    alt.renderers.enable(RENDERER_NAME)
