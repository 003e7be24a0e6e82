"""Charts for the takeoff model (continuous vs. discontinuous progress, ``alignment-plan-critique``).

* :func:`alignment_chart` — two panels. Top: P(every generation stays aligned) against the
  number of generations, for a few reference tails and for the explorer's own setting (a thick
  line), the current number of generations marked. Bottom: the chance that one generation's
  jump is at most a given size (the jump distribution's CDF, log scale) with the
  generalisation radius marked. Data are named datasets (``curves``, ``current``, ``cdf``,
  ``radius``) so a live explorer can swap them without re-rendering.
* :func:`kernel_free_chart` — P(all aligned) against generations over a precomputed grid, with
  the tail and the radius as Vega-Lite sliders: the selected tail is drawn thick and every
  other tail thin, so the spread between continuous and discontinuous worlds stays visible.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish, grid_slider, on_grid, records
from .theme import PALETTE

X_TITLE = "Generations (successive systems, each aligned by the last)"
Y_TITLE = "P(every generation stays aligned)"
CURRENT = "Your setting"
JUMP_TITLE = "Size of one generation's jump (IQ-like points, log scale)"
CDF_TITLE = "P(jump ≤ size)"


def tail_label(tail: float) -> str:
    return "tail 0 (continuous)" if tail == 0 else f"tail {tail:g}"


def curves_data(sweep: pd.DataFrame, current_tail: float, reference_tails) -> pd.DataFrame:
    """The ``curves`` dataset from :func:`alignlessons.models.takeoff.sweep` output (whose tails
    include ``current_tail`` and ``reference_tails``): columns series (a reference tail's label,
    or ``CURRENT``), tail, generations, p_all_aligned."""
    frame = sweep.loc[:, ["tail", "generations", "p_all_aligned"]]
    parts = []
    for tail in reference_tails:
        part = frame[(frame["tail"] - tail).abs() < 1e-12].copy()
        part["series"] = tail_label(tail)
        parts.append(part)
    part = frame[(frame["tail"] - current_tail).abs() < 1e-12].copy()
    part["series"] = CURRENT
    parts.append(part)
    return pd.concat(parts, ignore_index=True).round(6)


def alignment_chart(
    datasets: dict[str, pd.DataFrame],
    *,
    reference_tails: list[float],
    max_generations: int,
    title: str,
    description: str,
    subtitle: str | None = None,
):
    """P(all aligned) against generations (top) and the jump-size CDF with the radius (bottom)."""
    domain = [tail_label(t) for t in reference_tails] + [CURRENT]
    shades = ["#56B4E9", "#0072B2", "#CC79A7", "#D55E00", "#E69F00"][: len(reference_tails)]
    color = alt.Color(
        "series:N",
        title=None,
        sort=domain,
        legend=alt.Legend(orient="top", labelLimit=200),
        scale=alt.Scale(domain=domain, range=shades + ["#000000"]),
    )
    x = alt.X("generations:Q", title=X_TITLE, scale=alt.Scale(domain=[1, max_generations], nice=False))
    y = alt.Y("p_all_aligned:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    curves = alt.Chart(alt.NamedData("curves"))
    references = curves.transform_filter(alt.datum.series != CURRENT).mark_line(strokeWidth=1.8, opacity=0.85)
    lines = references.encode(
        x=x,
        y=y,
        color=color,
        tooltip=[
            alt.Tooltip("series:N", title="Jumps"),
            alt.Tooltip("generations:Q", title="Generations"),
            alt.Tooltip("p_all_aligned:Q", title="P(all aligned)", format=".1%"),
        ],
    )
    mine = (
        curves.transform_filter(alt.datum.series == CURRENT)
        .mark_line(strokeWidth=4)
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[
                alt.Tooltip("tail:Q", title="Your tail", format=".2f"),
                alt.Tooltip("generations:Q", title="Generations"),
                alt.Tooltip("p_all_aligned:Q", title="P(all aligned)", format=".1%"),
            ],
        )
    )
    current = alt.Chart(alt.NamedData("current"))
    rule = current.mark_rule(strokeDash=[4, 4], color="#666666").encode(x=x)
    point = current.mark_point(size=220, filled=True, color="#000000", stroke="white", strokeWidth=1.5).encode(
        x=x,
        y=y,
        tooltip=[
            alt.Tooltip("generations:Q", title="Generations"),
            alt.Tooltip("p_all_aligned:Q", title="P(all aligned) at your setting", format=".1%"),
        ],
    )
    label = current.mark_text(align="left", dx=10, dy=-12, fontWeight=600).encode(x=x, y=y, text="label:N")
    top = alt.layer(lines, mine, rule, point, label).properties(width=480, height=250)

    jx = alt.X("jump:Q", title=JUMP_TITLE, scale=alt.Scale(type="log", domain=[0.1, 1000], nice=False))
    cdf = (
        alt.Chart(alt.NamedData("cdf"))
        .mark_line(color="#000000", strokeWidth=2.5)
        .encode(
            x=jx,
            y=alt.Y(
                "p_jump_within:Q",
                title=CDF_TITLE,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", tickCount=3),
            ),
            tooltip=[
                alt.Tooltip("jump:Q", title="Jump size", format=".3g"),
                alt.Tooltip("p_jump_within:Q", title="P(jump ≤ size)", format=".1%"),
            ],
        )
    )
    radius = alt.Chart(alt.NamedData("radius"))
    radius_rule = radius.mark_rule(color=PALETTE[2], strokeWidth=3).encode(
        x=alt.X("radius:Q", scale=alt.Scale(type="log", domain=[0.1, 1000], nice=False)),
        tooltip=[
            alt.Tooltip("radius:Q", title="Generalisation radius", format="g"),
            alt.Tooltip("p_step_aligned:Q", title="P(one step aligned)", format=".1%"),
        ],
    )
    rx = alt.X("radius:Q", scale=alt.Scale(type="log", domain=[0.1, 1000], nice=False))
    wide = alt.datum.radius > 20  # label left of the line near the right edge
    radius_texts = [
        radius.transform_filter(cond)
        .mark_text(align=align, dx=dx, baseline="top", color=PALETTE[2], fontWeight=600)
        .encode(x=rx, y=alt.value(4), text="label:N")
        for cond, align, dx in ((~wide, "left", 6), (wide, "right", -6))
    ]
    bottom = alt.layer(cdf, radius_rule, *radius_texts).properties(width=480, height=110)
    chart = alt.vconcat(top, bottom, spacing=16).properties(
        datasets={name: records(frame, 6) for name, frame in datasets.items()}
    )
    return finish(chart, title=title, description=description, subtitle=subtitle)


def kernel_free_chart(
    grid: pd.DataFrame,
    *,
    tails: list[float],
    radii: list[float],
    generations: list[int],
    median_jump: float,
    distribution: str,
    start_tail: float,
    start_radius: float,
):
    """P(all aligned) against generations with sliders for the tail and the radius, no kernel needed.

    ``grid`` is :func:`alignlessons.models.takeoff.sweep` output over ``tails`` × ``generations``
    for every radius in ``radii`` (long format); it is stored wide (one row per tail and radius).
    """
    wide = grid.pivot_table(index=["tail", "radius"], columns="generations", values="p_all_aligned").reset_index()
    wide.columns = ["tail", "radius"] + [f"g{g}" for g in wide.columns[2:]]
    wide = wide.round(4)
    wide["tail"] = wide["tail"].round(3)
    keys = [f"g{g}" for g in generations]
    tail_step = round(tails[1] - tails[0], 6)
    radius_step = round(radii[1] - radii[0], 6)
    tail_param = grid_slider(
        "tail", tails, value=start_tail, step=tail_step, label="Tail of the jump sizes (0 = continuous)"
    )
    radius_param = grid_slider(
        "radius", radii, value=start_radius, step=radius_step, label="Generalisation radius (points)"
    )
    selected = on_grid("tail", tail_param)
    base = (
        alt.Chart(wide)
        .transform_filter(on_grid("radius", radius_param))
        .transform_fold(keys, as_=["key", "p_all_aligned"])
        .transform_calculate(
            generations="toNumber(slice(datum.key, 1))", chosen=alt.expr.if_(selected, "selected tail", "other tails")
        )
    )
    x = alt.X("generations:Q", title=X_TITLE, scale=alt.Scale(domain=[min(generations), max(generations)], nice=False))
    y = alt.Y("p_all_aligned:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    tooltip = [
        alt.Tooltip("tail:Q", title="Tail", format=".1f"),
        alt.Tooltip("generations:Q", title="Generations"),
        alt.Tooltip("p_all_aligned:Q", title="P(all aligned)", format=".1%"),
    ]
    others = (
        base.transform_filter(~selected)
        .mark_line(strokeWidth=1, color="#9a9a9a", opacity=0.7)
        .encode(x=x, y=y, detail="tail:Q", tooltip=tooltip)
    )
    chosen = base.transform_filter(selected).mark_line(strokeWidth=4, color="#000000").encode(x=x, y=y, tooltip=tooltip)
    last = max(generations)
    end_label = (
        base.transform_filter(selected & (alt.datum.generations == last))
        .transform_calculate(label="'after ' + datum.generations + ': ' + format(datum.p_all_aligned, '.1%')")
        .mark_text(align="right", dy=-16, fontWeight=600)
        .encode(x=x, y=y, text="label:N")
    )
    chart = alt.layer(others, chosen, end_label).add_params(tail_param, radius_param).properties(width=480, height=280)
    return finish(
        chart,
        title="How likely is every generation to stay within reach of the last one's alignment?",
        subtitle=(
            f"Median jump {median_jump:g} points ({distribution}); thick line: the selected tail, "
            "thin lines: the other tails. Sliders work without a running kernel."
        ),
        description=(
            f"Line chart of the probability that every one of 1 to {last} generations stays "
            f"aligned (its capability jump stays within the generalisation radius), for jump-size "
            f"tails {min(tails):g} to {max(tails):g} with a median jump of {median_jump:g} points; "
            f"sliders choose the tail (drawn thick) and the radius ({min(radii):g} to "
            f"{max(radii):g} points)."
        ),
    )
