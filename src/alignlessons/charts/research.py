"""Charts for capabilities vs. alignment research with an AI research assistant.

* :func:`progress_chart` — two panels over time: cumulative progress of both fields (with the
  no-assistant path dashed), and the balance A/C with the required ratio, the assistant's
  arrival and the catch-up year (if any) marked. Its data are named datasets (``progress``,
  ``balance``, ``events``, ``required``) so a live explorer can swap them without re-rendering.
* :func:`kernel_free_chart` — the same two panels for OpenAI's headcounts over a precomputed grid
  of capabilities and alignment multipliers, chosen with Vega-Lite sliders.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish, grid_slider, on_grid, records
from .theme import PALETTE

FIELDS = ["capabilities", "alignment"]
FIELD_COLORS = [PALETTE[1], PALETTE[0]]
PATHS = ["with the assistant", "without an assistant"]
X_TITLE = "Years from now"
PROGRESS_TITLE = ["Cumulative progress", "(researcher-years)"]
BALANCE_TITLE = ["Balance A/C", "(alignment ÷ capabilities)"]
WIDTH = 480


def progress_data(years, capabilities, alignment, capabilities_without, alignment_without) -> pd.DataFrame:
    """The ``progress`` dataset (long): columns year, field, path, progress."""
    frames = []
    for path, c, a in ((PATHS[0], capabilities, alignment), (PATHS[1], capabilities_without, alignment_without)):
        for field, values in (("capabilities", c), ("alignment", a)):
            frames.append(pd.DataFrame({"year": years, "field": field, "path": path, "progress": values}))
    return pd.concat(frames, ignore_index=True)


def balance_data(years, balance) -> pd.DataFrame:
    """The ``balance`` dataset: columns year, balance."""
    return pd.DataFrame({"year": years, "balance": balance})


def events_data(assistant_year: float | None, catch_up_year: float, horizon: float) -> pd.DataFrame:
    """The ``events`` dataset: the assistant's arrival (unless ``assistant_year`` is None: no
    speed-up) and, if it happens within ``horizon``, the catch-up year; columns year, event, text,
    flip (label drawn left of the rule)."""
    rows = (
        []
        if assistant_year is None
        else [
            {
                "year": float(assistant_year),
                "event": "assistant",
                "text": f"assistant arrives (year {assistant_year:g})",
            }
        ]
    )
    if catch_up_year <= horizon:
        text = (
            "alignment ahead from the start"
            if catch_up_year == 0
            else f"alignment catches up (year {catch_up_year:.1f})"
        )
        rows.append({"year": float(catch_up_year), "event": "catch-up", "text": text})
    frame = pd.DataFrame(rows, columns=["year", "event", "text"])
    frame["flip"] = frame["year"] > 0.6 * horizon
    return frame


def required_data(required_ratio: float) -> pd.DataFrame:
    """The ``required`` dataset: the balance that counts as catching up."""
    return pd.DataFrame({"balance": [float(required_ratio)], "text": [f"needed: A/C = {required_ratio:.2f}"]})


def _field_color():
    return alt.Color("field:N", title="Field", sort=FIELDS, scale=alt.Scale(domain=FIELDS, range=FIELD_COLORS))


EVENT_COLORS = {"assistant": "#777777", "catch-up": PALETTE[2]}


def _event_layers(data, x, labelled):
    """Vertical rules for both events (fixed colours, no legend); the events in ``labelled`` get
    their text at the top of the panel, left of the rule when ``flip``."""
    layers = []
    for event, color in EVENT_COLORS.items():
        one = data.transform_filter(alt.datum.event == event)
        layers.append(
            one.mark_rule(strokeDash=[4, 4], strokeWidth=1.5, color=color).encode(
                x=x, tooltip=[alt.Tooltip("text:N", title="Event")]
            )
        )
        if event in labelled:
            layers += [
                one.transform_filter(flip == alt.datum.flip)
                .mark_text(
                    align="right" if flip else "left", dx=-4 if flip else 4, y=-9, fontWeight="bold", color=color
                )
                .encode(x=x, text="text:N")
                for flip in (False, True)
            ]
    return layers


def progress_chart(
    progress: pd.DataFrame,
    balance: pd.DataFrame,
    events: pd.DataFrame,
    required: pd.DataFrame,
    *,
    horizon: float,
    title: str,
    description: str,
):
    """Cumulative progress (top) and balance A/C (bottom) over time, events marked."""
    x = alt.X("year:Q", title=X_TITLE, scale=alt.Scale(domain=[0, horizon], nice=False))
    top_lines = (
        alt.Chart(alt.NamedData("progress"))
        .mark_line()
        .encode(
            x=alt.X("year:Q", title=None, scale=alt.Scale(domain=[0, horizon], nice=False)),
            y=alt.Y("progress:Q", title=PROGRESS_TITLE, axis=alt.Axis(format=",~f")),
            color=_field_color(),
            strokeDash=alt.StrokeDash(
                "path:N",
                title="Path",
                sort=PATHS,
                scale=alt.Scale(domain=PATHS, range=[[1, 0], [5, 4]]),
                legend=alt.Legend(symbolStrokeColor="#555555", labelLimit=300),
            ),
            tooltip=[
                alt.Tooltip("field:N", title="Field"),
                alt.Tooltip("path:N", title="Path"),
                alt.Tooltip("year:Q", title="Year", format=".1f"),
                alt.Tooltip("progress:Q", title="Progress (researcher-years)", format=",.0f"),
            ],
        )
    )
    events_top = _event_layers(
        alt.Chart(alt.NamedData("events")),
        alt.X("year:Q", scale=alt.Scale(domain=[0, horizon], nice=False)),
        {"assistant"},
    )
    top = alt.layer(top_lines, *events_top).properties(width=WIDTH, height=190)
    bal = (
        alt.Chart(alt.NamedData("balance"))
        .mark_line(color=PALETTE[0])
        .encode(
            x=x,
            y=alt.Y("balance:Q", title=BALANCE_TITLE, scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format=".1f"),
                alt.Tooltip("balance:Q", title="Balance A/C", format=".3f"),
            ],
        )
    )
    need = alt.Chart(alt.NamedData("required"))
    need_rule = need.mark_rule(color="#222222", strokeDash=[2, 3]).encode(y="balance:Q")
    need_text = need.mark_text(align="left", x=4, dy=-7, color="#222222").encode(y="balance:Q", text="text:N")
    events_bottom = _event_layers(alt.Chart(alt.NamedData("events")), x, {"catch-up"})
    bottom = alt.layer(bal, need_rule, need_text, *events_bottom).properties(width=WIDTH, height=150)
    chart = alt.vconcat(top, bottom, spacing=28).properties(
        datasets={
            "progress": records(progress, 5),
            "balance": records(balance, 5),
            "events": records(events, 5),
            "required": records(required, 5),
        }
    )
    chart = finish(chart, title=title, description=description)
    return chart.properties(title=alt.TitleParams(text=title, offset=22))


def kernel_free_chart(
    grid: pd.DataFrame,
    *,
    multipliers: list[float],
    alignment_multipliers: list[float],
    start_multiplier: float,
    start_alignment_multiplier: float,
    assistant_year: float,
    capabilities_researchers: int,
    alignment_researchers: int,
):
    """Cumulative progress and balance over time for slider-chosen multipliers (precomputed grid).
    ``grid`` is wide: columns t (year), mc, ma (multipliers), c, a (progress), b (balance A/C)."""
    horizon = float(grid["t"].max())
    mc = grid_slider(
        "multiplier", multipliers, value=start_multiplier, label="Assistant's multiplier on capabilities work (×)"
    )
    ma = grid_slider(
        "alignment_multiplier",
        alignment_multipliers,
        value=start_alignment_multiplier,
        label="Assistant's multiplier on alignment work (×)",
    )
    keep = on_grid("mc", mc) & on_grid("ma", ma)
    x = alt.X("t:Q", title=X_TITLE, scale=alt.Scale(domain=[0, horizon], nice=False))
    base = alt.Chart(grid).transform_filter(keep)
    top = (
        base.transform_fold(["c", "a"], as_=["key", "progress"])
        .transform_calculate(field=alt.expr.if_(alt.datum.key == "c", "capabilities", "alignment"))
        .mark_line()
        .encode(
            x=alt.X("t:Q", title=None, scale=alt.Scale(domain=[0, horizon], nice=False)),
            y=alt.Y("progress:Q", title=PROGRESS_TITLE, axis=alt.Axis(format=",~f")),
            color=_field_color(),
            tooltip=[
                alt.Tooltip("field:N", title="Field"),
                alt.Tooltip("t:Q", title="Year"),
                alt.Tooltip("progress:Q", title="Progress (researcher-years)", format=",.0f"),
            ],
        )
        .add_params(mc, ma)
        .properties(width=WIDTH, height=170)
    )
    arrival = pd.DataFrame({"t": [assistant_year], "text": [f"assistant arrives (year {assistant_year:g})"]})
    top = alt.layer(
        top,
        alt.Chart(arrival).mark_rule(color="#777777", strokeDash=[4, 4]).encode(x="t:Q"),
        alt.Chart(arrival)
        .mark_text(align="left", dx=4, y=-9, color="#777777", fontWeight="bold")
        .encode(x="t:Q", text="text:N"),
    )
    bal = base.mark_line(color=PALETTE[0]).encode(
        x=x,
        y=alt.Y("b:Q", title=BALANCE_TITLE, scale=alt.Scale(domain=[0, 2], clamp=True)),
        tooltip=[alt.Tooltip("t:Q", title="Year"), alt.Tooltip("b:Q", title="Balance A/C", format=".3f")],
    )
    parity = pd.DataFrame({"b": [1.0], "text": ["parity: A/C = 1"]})
    bottom = alt.layer(
        bal,
        alt.Chart(parity).mark_rule(color="#222222", strokeDash=[2, 3]).encode(y="b:Q"),
        alt.Chart(parity).mark_text(align="left", x=4, dy=-7, color="#222222").encode(y="b:Q", text="text:N"),
    ).properties(width=WIDTH, height=140)
    chart = alt.vconcat(top, bottom, spacing=28)
    chart = finish(
        chart,
        title="An assistant changes the balance only if it helps one field more than the other",
        subtitle=(
            f"{capabilities_researchers} capabilities and {alignment_researchers} alignment researchers; "
            "move the sliders: they work without a running kernel"
        ),
        description=(
            f"Two panels over {horizon:g} years: cumulative progress of capabilities and alignment "
            f"research (researcher-years) for {capabilities_researchers} capabilities and "
            f"{alignment_researchers} alignment researchers, with an assistant from year "
            f"{assistant_year:g}; below, the balance A/C (0 to 2, values above 2 drawn at 2) with "
            f"parity marked. Sliders choose the assistant's multiplier on capabilities work "
            f"({min(multipliers):g} to {max(multipliers):g}) and on alignment work "
            f"({min(alignment_multipliers):g} to {max(alignment_multipliers):g})."
        ),
    )
    return chart.properties(title=alt.TitleParams(text=chart.title.text, subtitle=chart.title.subtitle, offset=22))
