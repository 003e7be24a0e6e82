"""altair chart builders for the course, with one shared theme and an offline renderer.

Importing this package registers and enables the course theme and the offline renderer
(see :mod:`alignlessons.charts.render`). Every builder returns an ``alt.Chart`` whose title
states the takeaway and which carries a text description (alt text).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import render, theme
from .theme import PALETTE

__all__ = ["PALETTE", "finish", "records", "grid_slider", "on_grid", "documents_timeline", "enable", "annotation_kinds"]


def enable() -> None:
    """Enable the course theme and the offline renderer (idempotent)."""
    theme.register()
    render.enable()


enable()


def finish(chart: alt.TopLevelMixin, *, title: str, description: str, subtitle: str | None = None):
    """Give a chart its takeaway title and its text description; both are required."""
    if not title or not title.strip():
        raise ValueError("title must state the chart's takeaway; got an empty title")
    if not description or not description.strip():
        raise ValueError("description (alt text) must describe the chart; got an empty description")
    heading = alt.TitleParams(text=title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, description=description)


def records(frame: pd.DataFrame, digits: int) -> list[dict]:
    """A frame's rows as records for a chart's named datasets, every float rounded to ``digits``
    decimals (keeps the stored specs small and stable; each chart keeps the precision it needs)."""
    return [
        {k: (round(v, digits) if isinstance(v, float) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def grid_slider(name: str, values, *, value, label: str, step=None):
    """A Vega-Lite parameter bound to a slider over a precomputed grid of ``values``.

    The slider runs from the smallest to the largest value. ``step`` defaults to the spacing of
    the first two values of the sorted grid, rounded to 4 decimals (pass it for another step,
    e.g. 1 for an integer grid that may have gaps). ``label`` is the slider's text; a space is
    appended to separate it from the slider. Pair it with :func:`on_grid` to keep the grid rows
    at the chosen value.
    """
    grid = sorted(values)
    if step is None:
        step = round(grid[1] - grid[0], 4)
    return alt.param(
        name=name, value=value, bind=alt.binding_range(min=min(grid), max=max(grid), step=step, name=f"{label} ")
    )


def on_grid(field: str, param, tol: float = 1e-6):
    """Filter expression keeping the rows whose ``field`` is within ``tol`` of ``param``'s value
    (grid values are floats, so they are matched with a tolerance rather than exactly)."""
    return alt.expr.abs(getattr(alt.datum, field) - param) < tol


def documents_timeline(sources: pd.DataFrame):
    """Timeline of the course documents: one labelled point per document, coloured by author.

    ``sources`` is :func:`alignlessons.content.sources` (columns doc, title, author, date).
    """
    missing = {"doc", "title", "author", "date"} - set(sources.columns)
    if missing:
        raise ValueError(f"sources is missing columns {sorted(missing)}")
    data = sources.loc[:, ["doc", "title", "author", "date"]].copy()
    data["date"] = pd.to_datetime(data["date"])
    data = data.sort_values("date").reset_index(drop=True)
    data["label"] = (
        data["author"]
        + ": "
        + data["title"].str.slice(0, 38).where(data["title"].str.len() <= 38, data["title"].str.slice(0, 36) + "…")
    )
    data["row"] = range(len(data))
    first, last = data["date"].min(), data["date"].max()
    months = (last.year - first.year) * 12 + (last.month - first.month)
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Publication date", axis=alt.Axis(format="%b %Y", tickCount=6)),
        y=alt.Y("row:O", axis=None),
        tooltip=[
            alt.Tooltip("title:N", title="Document"),
            alt.Tooltip("author:N", title="Author"),
            alt.Tooltip("date:T", title="Published", format="%d %B %Y"),
        ],
    )
    points = base.mark_point(size=160, filled=True).encode(color=alt.Color("author:N", title="Author", legend=None))
    labels = base.mark_text(align="left", dx=10, fontSize=12).encode(text="label:N")
    n = len(data)
    chart = (points + labels).properties(width=520, height=40 * n + 20)
    span = f"within {months} month{'s' if months != 1 else ''}" if months else "in the same month"
    return finish(
        chart,
        title=f"All {n} documents appeared {span}",
        subtitle=f"{first:%B %Y} to {last:%B %Y}",
        description=(
            f"Timeline of the {n} course documents from {first:%B %Y} to {last:%B %Y}: "
            + "; ".join(f"{r.author}, {r.title} ({pd.Timestamp(r.date):%B %Y})" for r in data.itertuples())
            + "."
        ),
    )


from .annotations import annotation_kinds  # noqa: E402  (needs finish, defined above)
