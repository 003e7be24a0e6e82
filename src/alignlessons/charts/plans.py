"""Charts for a plan as a chain of steps (alignment-plan-critique, section 1).

* :func:`steps_chart` — one horizontal bar per step (its success probability), the weakest step
  highlighted by colour, and P(the plan succeeds) as a vertical rule with its value. Its data are
  named datasets (``steps``, ``overall``) so a live explorer can swap them without re-rendering.
* :func:`kernel_free_chart` — P(success) against the number of equally likely steps, for a common
  step probability and a shared-cause weight chosen with Vega-Lite sliders over a precomputed
  grid, with independent steps as a dashed reference: interactive without a kernel.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish, grid_slider, on_grid, records
from .text import percent as format_percent
from .theme import PALETTE

ROLES = ["weakest step", "other steps"]
ROLE_COLORS = [PALETTE[1], PALETTE[0]]
X_TITLE = "Probability that the step succeeds"
WIDTH = 400


def steps_data(steps: pd.DataFrame, probabilities, gains, weakest: int) -> pd.DataFrame:
    """The ``steps`` dataset. ``steps`` has columns step and name (e.g.
    :func:`alignlessons.content.plan_steps`); ``probabilities`` and ``gains`` (the rise in
    P(success) from improving each step) are in step order; ``weakest`` is a 0-based index
    (every step as unlikely as it is highlighted too: ties are all weakest)."""
    frame = steps.loc[:, ["step", "name"]].reset_index(drop=True).copy()
    frame["label"] = frame["step"].astype(str) + ". " + frame["name"]
    frame["probability"] = [float(p) for p in probabilities]
    frame["gain"] = [float(g) for g in gains]
    low = float(probabilities[weakest])
    frame["role"] = [ROLES[0] if abs(p - low) < 1e-12 else ROLES[1] for p in frame["probability"]]
    return frame


def overall_data(p_success: float) -> pd.DataFrame:
    """The ``overall`` dataset: P(the plan succeeds) and its label."""
    text = f"P(plan succeeds) = {percent(p_success)}"
    return pd.DataFrame({"p_success": [float(p_success)], "text": [text], "flip": [bool(p_success > 0.6)]})


def percent(p: float) -> str:
    """A probability as a percentage with enough digits to show small values (0.58%, 4.9%, 53%)."""
    return format_percent(p, 2 if p < 0.01 else 1 if p < 0.1 else 0, plain=True)


def steps_chart(steps: pd.DataFrame, overall: pd.DataFrame, *, title: str, description: str):
    """Bars of step probabilities (weakest highlighted) with P(plan succeeds) as a rule."""
    order = list(steps["label"])
    x = alt.X("probability:Q", title=X_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    bars = (
        alt.Chart(alt.NamedData("steps"))
        .mark_bar(height={"band": 0.7})
        .encode(
            x=x,
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("role:N", title=None, scale=alt.Scale(domain=ROLES, range=ROLE_COLORS)),
            tooltip=[
                alt.Tooltip("label:N", title="Step"),
                alt.Tooltip("probability:Q", title="P(step succeeds)", format=".0%"),
                alt.Tooltip("gain:Q", title="Gain in P(plan) if raised 10 points", format=".2%"),
            ],
        )
    )
    # the values in a fixed column right of the plot, so a bar at 100% never shifts the layout
    values = (
        alt.Chart(alt.NamedData("steps"))
        .mark_text(align="left", color="#333333")
        .encode(x=alt.value(WIDTH + 8), y=alt.Y("label:N", sort=order), text=alt.Text("probability:Q", format=".0%"))
    )
    rx = alt.X("p_success:Q", scale=alt.Scale(domain=[0, 1]))
    rule = (
        alt.Chart(alt.NamedData("overall"))
        .mark_rule(color="#222222", strokeDash=[5, 4], strokeWidth=2)
        .encode(x=rx, tooltip=[alt.Tooltip("p_success:Q", title="P(plan succeeds)", format=".2%")])
    )
    labels = [
        alt.Chart(alt.NamedData("overall"))
        .transform_filter(flip == alt.datum.flip)
        .mark_text(align="right" if flip else "left", dx=-4 if flip else 4, y=-9, fontWeight="bold", color="#222222")
        .encode(x=rx, text="text:N")
        for flip in (False, True)
    ]
    chart = alt.layer(bars, values, rule, *labels).properties(
        width=WIDTH, height=240, datasets={"steps": records(steps, 6), "overall": records(overall, 6)}
    )
    chart = finish(chart, title=title, description=description)
    return chart.properties(title=alt.TitleParams(text=title, offset=22))


def kernel_free_data(sweep: pd.DataFrame) -> pd.DataFrame:
    """The kernel-free chart's grid from :func:`alignlessons.models.plans.sweep_steps` output:
    short column names (n, q, r, p, p0) and rounded values keep the stored spec small."""
    grid = sweep.rename(
        columns={
            "n_steps": "n",
            "step_probability": "q",
            "correlation": "r",
            "p_success": "p",
            "p_independent": "p0",
        }
    ).loc[:, ["n", "q", "r", "p", "p0"]]
    grid[["q", "r"]] = grid[["q", "r"]].round(2)
    grid[["p", "p0"]] = grid[["p", "p0"]].round(4)
    return grid


def kernel_free_chart(
    grid: pd.DataFrame,
    *,
    step_probabilities: list[float],
    correlations: list[float],
    start_probability: float,
    start_correlation: float,
    highlight_steps: int = 6,
):
    """P(success) against the number of steps for a slider-chosen common step probability and
    shared-cause weight. ``grid`` is wide (:func:`kernel_free_data`): columns n (steps), q (step
    probability), r (correlation), p (P(success)), p0 (P(success) for independent steps)."""
    q_param = grid_slider(
        "step_probability", step_probabilities, value=start_probability, label="Probability each step succeeds"
    )
    r_param = grid_slider(
        "shared_cause", correlations, value=start_correlation, label="Shared cause ρ (0 = independent steps)"
    )
    keep = on_grid("q", q_param) & on_grid("r", r_param)
    kinds = {"p": "with the shared cause ρ", "p0": "independent steps (ρ = 0)"}
    color = alt.Color(
        "kind:N",
        title=None,
        sort=list(kinds.values()),
        scale=alt.Scale(domain=list(kinds.values()), range=[PALETTE[0], "#888888"]),
        legend=alt.Legend(labelLimit=300),
    )
    x = alt.X(
        "n:Q",
        title="Number of steps that must all succeed",
        scale=alt.Scale(domain=[1, grid["n"].max()]),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    y = alt.Y("value:Q", title="P(the plan succeeds)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    base = (
        alt.Chart(grid)
        .transform_filter(keep)
        .transform_fold(["p", "p0"], as_=["series", "value"])
        .transform_calculate(kind=alt.expr.if_(alt.datum.series == "p", kinds["p"], kinds["p0"]))
    )
    tips = [
        alt.Tooltip("kind:N", title="Steps"),
        alt.Tooltip("n:Q", title="Number of steps"),
        alt.Tooltip("value:Q", title="P(plan succeeds)", format=".1%"),
    ]
    lines = (
        base.mark_line()
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=tips,
            strokeDash=alt.StrokeDash(
                "kind:N",
                sort=list(kinds.values()),
                legend=None,
                scale=alt.Scale(domain=list(kinds.values()), range=[[1, 0], [5, 4]]),
            ),
        )
        .add_params(q_param, r_param)
    )
    points = base.mark_point(size=50, filled=True).encode(x=x, y=y, color=color, tooltip=tips)
    six = pd.DataFrame({"n": [highlight_steps], "text": [f"the critique's {highlight_steps} steps"]})
    rule = alt.Chart(six).mark_rule(color="#999999", strokeDash=[2, 3]).encode(x="n:Q")
    label = alt.Chart(six).mark_text(align="left", dx=4, y=-9, color="#555555").encode(x="n:Q", text="text:N")
    chart = alt.layer(lines, points, rule, label).properties(width=480, height=280)
    chart = finish(
        chart,
        title="Each extra step can only lower a plan's chance of success",
        subtitle="Move the sliders: they work without a running kernel",
        description=(
            f"Line chart of the probability that a plan succeeds (0 to 100%) against the number of "
            f"steps that must all succeed (1 to {int(grid['n'].max())}), when every step succeeds with "
            f"the same probability: one line with a shared cause of weight ρ, a dashed line for "
            f"independent steps; a dotted rule marks the critique's {highlight_steps} steps. Sliders "
            f"choose the step probability ({min(step_probabilities):g} to "
            f"{max(step_probabilities):g}) and ρ ({min(correlations):g} to {max(correlations):g})."
        ),
    )
    return chart.properties(title=alt.TitleParams(text=chart.title.text, subtitle=chart.title.subtitle, offset=22))


#: The critique's four coverage ratings, from best to worst covered (same as
#: ``alignlessons.content.COVERAGE_LABELS``).
COVERAGE_ORDER = ["adequate", "inadequate", "unclear", "unaddressed"]
COVERAGE_COLORS = [PALETTE[2], PALETTE[4], PALETTE[5], PALETTE[1]]


def coverage_chart(table: pd.DataFrame, *, title: str, description: str):
    """One row per step, a mark in the column of the rating the step received.

    ``table`` has columns ``step`` (int), ``name`` and ``coverage`` (one of :data:`COVERAGE_ORDER`).
    The ratings are passed in by the caller (lesson 02 types them from the document): they are not
    course data, because assignment 02 grades them.
    """
    missing = {"step", "name", "coverage"} - set(table.columns)
    if missing:
        raise ValueError(f"table must have columns step, name and coverage; missing {sorted(missing)}")
    bad = sorted(set(table["coverage"]) - set(COVERAGE_ORDER))
    if bad:
        raise ValueError(f"coverage must be one of {COVERAGE_ORDER}; got {bad}")
    frame = table.loc[:, ["step", "name", "coverage"]].reset_index(drop=True).copy()
    frame["label"] = frame["step"].astype(str) + ". " + frame["name"]
    order = list(frame["label"])
    x = alt.X(
        "coverage:N",
        title="The critique's rating of how well OpenAI's posts cover the step",
        scale=alt.Scale(domain=COVERAGE_ORDER),
        axis=alt.Axis(labelAngle=0, orient="top"),
    )
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    color = alt.Color(
        "coverage:N", title=None, legend=None, scale=alt.Scale(domain=COVERAGE_ORDER, range=COVERAGE_COLORS)
    )
    marks = (
        alt.Chart(frame)
        .mark_square(size=260)
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[alt.Tooltip("label:N", title="Step"), alt.Tooltip("coverage:N", title="Rating")],
        )
    )
    chart = marks.properties(width=420, height=220)
    return finish(chart, title=title, description=description)
