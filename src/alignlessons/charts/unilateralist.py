"""Charts for the unilateralist's curse (Bostrom, Douglas & Sandberg 2016).

* :func:`happens_chart` — P(the initiative happens) against its true value V, one line for the
  threshold every agent uses ("your threshold T") and one for the conforming threshold, both
  thresholds marked as vertical rules, the current V marked on both lines. Its data are named
  datasets (``curves``, ``current``, ``thresholds``) so a live explorer can swap them.
* :func:`kernel_free_chart` — naive (T = 0) against conforming over a precomputed grid of the
  number of agents and the noise, with Vega-Lite sliders: interactive without a kernel.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish, grid_slider, on_grid, records
from .theme import PALETTE

POLICIES = ["naive", "conforming"]
POLICY_LABELS = {"naive": "Your threshold T", "conforming": "Conforming threshold"}
KERNEL_FREE_LABELS = {"naive": "Naive: act if own estimate > 0", "conforming": "Conforming threshold"}
X_TITLE = "True value of the initiative V (status quo = 0)"
Y_TITLE = "P(the initiative happens)"
V_DOMAIN = [-4, 4]


def curves_data(sweep: pd.DataFrame) -> pd.DataFrame:
    """The ``curves`` dataset from :func:`alignlessons.models.unilateralist.sweep` rows for one
    group size, noise and mode: columns true_value, policy, label, threshold, p_happens."""
    frame = sweep.loc[:, ["true_value", "policy", "threshold", "p_happens"]].copy()
    frame["label"] = frame["policy"].map(POLICY_LABELS)
    return frame


def current_data(true_value: float, p_naive: float, p_conforming: float) -> pd.DataFrame:
    """The ``current`` dataset: the current V on both lines."""
    return pd.DataFrame(
        {
            "true_value": [true_value, true_value],
            "policy": POLICIES,
            "label": [POLICY_LABELS[p] for p in POLICIES],
            "p_happens": [p_naive, p_conforming],
        }
    )


def _two(x: float) -> str:
    return f"{x:.2f}" if round(x, 2) != 0 else "0.00"


def thresholds_data(threshold: float, conforming: float) -> pd.DataFrame:
    """The ``thresholds`` dataset: where each policy's threshold sits on the V axis, with its text
    label (drawn above the plot, one row per policy, so the labels never overlap)."""
    return pd.DataFrame(
        {
            "threshold": [threshold, conforming],
            "policy": POLICIES,
            "label": [POLICY_LABELS[p] for p in POLICIES],
            "text": [f"T = {_two(threshold)}", f"conforming T = {_two(conforming)}"],
        }
    )


#: Labels of thresholds beyond this V are drawn to the left of their rule (so they stay inside).
FLIP_AT = 1.5
LABEL_ROWS = {"naive": -9, "conforming": -24}


def _top_title(chart, offset: int = 24):
    """Move the title up to leave room for the labels drawn above the plot."""
    title = chart.title
    if isinstance(title, str):
        return chart.properties(title=alt.TitleParams(text=title, offset=offset))
    title.offset = offset
    return chart.properties(title=title)


def _scale(labels: dict) -> alt.Scale:
    return alt.Scale(domain=[labels[p] for p in POLICIES], range=[PALETTE[1], PALETTE[0]])


def _color(labels: dict) -> alt.Color:
    return alt.Color(
        "label:N",
        title="Threshold",
        sort=[labels[p] for p in POLICIES],
        scale=_scale(labels),
        legend=alt.Legend(labelLimit=400),
    )


def happens_chart(
    curves: pd.DataFrame, current: pd.DataFrame, thresholds: pd.DataFrame, *, title: str, description: str
):
    """P(happens) against V for both thresholds; ``curves``/``current``/``thresholds`` are the
    frames from :func:`curves_data`, :func:`current_data` and :func:`thresholds_data`."""
    color = _color(POLICY_LABELS)
    x = alt.X("true_value:Q", title=X_TITLE, scale=alt.Scale(domain=V_DOMAIN, nice=False))
    y = alt.Y("p_happens:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    tips = [
        alt.Tooltip("label:N", title="Threshold"),
        alt.Tooltip("true_value:Q", title="True value V", format=".2f"),
        alt.Tooltip("p_happens:Q", title="P(happens)", format=".1%"),
    ]
    lines = (
        alt.Chart(alt.NamedData("curves"))
        .mark_line(interpolate="monotone")
        .encode(x=x, y=y, color=color, tooltip=tips + [alt.Tooltip("threshold:Q", title="Threshold", format=".2f")])
    )
    rx = alt.X("threshold:Q", scale=alt.Scale(domain=V_DOMAIN, nice=False))
    rules = (
        alt.Chart(alt.NamedData("thresholds"))
        .mark_rule(strokeDash=[5, 4], strokeWidth=1.5, clip=True)
        .encode(
            x=rx,
            color=alt.Color("label:N", scale=_scale(POLICY_LABELS)),
            tooltip=[
                alt.Tooltip("label:N", title="Threshold"),
                alt.Tooltip("threshold:Q", title="Value", format=".2f"),
            ],
        )
    )
    labels = [
        alt.Chart(alt.NamedData("thresholds"))
        .transform_filter((alt.datum.policy == policy) & (flip == (alt.datum.threshold > FLIP_AT)))
        .mark_text(align="right" if flip else "left", dx=-3 if flip else 3, y=LABEL_ROWS[policy], fontWeight="bold")
        .encode(x=rx, text="text:N", color=alt.Color("label:N", scale=_scale(POLICY_LABELS)))
        for policy in POLICIES
        for flip in (False, True)
    ]
    points = (
        alt.Chart(alt.NamedData("current"))
        .mark_point(size=180, filled=True, stroke="black", strokeWidth=1.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color("label:N", scale=_scale(POLICY_LABELS)),
            tooltip=[
                alt.Tooltip("label:N", title="Threshold"),
                alt.Tooltip("true_value:Q", title="Your V", format=".2f"),
                alt.Tooltip("p_happens:Q", title="P(happens) at your V", format=".1%"),
            ],
        )
    )
    chart = alt.layer(lines, rules, *labels, points).properties(
        width=480,
        height=280,
        datasets={"curves": records(curves, 5), "current": records(current, 5), "thresholds": records(thresholds, 5)},
    )
    return _top_title(finish(chart, title=title, description=description), offset=36)


def kernel_free_chart(
    grid: pd.DataFrame,
    thresholds: pd.DataFrame,
    *,
    agents: list[int],
    noise: list[float],
    start_agents: int,
    start_noise: float,
):
    """Naive (T = 0) and conforming P(happens) against V over a precomputed grid, with sliders for
    the number of agents and the noise that work without a kernel.

    ``grid`` is wide: columns n (agents), s (noise sd), v (true value), naive, conforming
    (probabilities). ``thresholds``: columns n, s, t (the conforming threshold).
    """
    n_param = grid_slider("agents", agents, value=start_agents, step=1, label="Number of agents N")
    s_param = grid_slider("noise", noise, value=start_noise, label="Noise sd σ of each estimate")
    keep = (alt.datum.n == n_param) & on_grid("s", s_param)
    color = _color(KERNEL_FREE_LABELS)
    x = alt.X("v:Q", title=X_TITLE, scale=alt.Scale(domain=V_DOMAIN, nice=False))
    lines = (
        alt.Chart(grid)
        .transform_filter(keep)
        .transform_fold(POLICIES, as_=["policy", "p_happens"])
        .transform_calculate(
            label=alt.expr.if_(
                alt.datum.policy == "naive", KERNEL_FREE_LABELS["naive"], KERNEL_FREE_LABELS["conforming"]
            )
        )
        .mark_line(interpolate="monotone")
        .encode(
            x=x,
            y=alt.Y("p_happens:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=color,
            tooltip=[
                alt.Tooltip("label:N", title="Threshold"),
                alt.Tooltip("v:Q", title="True value V", format=".2f"),
                alt.Tooltip("p_happens:Q", title="P(happens)", format=".1%"),
            ],
        )
        .add_params(n_param, s_param)
    )
    half = alt.Chart(pd.DataFrame({"p": [0.5]})).mark_rule(color="#999999", strokeDash=[2, 3]).encode(y="p:Q")
    tx = alt.X("t:Q", scale=alt.Scale(domain=V_DOMAIN, nice=False))
    base = alt.Chart(thresholds).transform_filter(keep)
    rule = base.mark_rule(color=PALETTE[0], strokeDash=[5, 4], strokeWidth=1.5, clip=True).encode(
        x=tx, tooltip=[alt.Tooltip("t:Q", title="Conforming threshold", format=".2f")]
    )
    texts = [
        base.transform_filter(flip == (alt.datum.t > FLIP_AT))
        .transform_calculate(text="'conforming T = ' + format(datum.t, '.2f')")
        .mark_text(align="right" if flip else "left", dx=-3 if flip else 3, y=-9, color=PALETTE[0], fontWeight="bold")
        .encode(x=tx, text="text:N")
        for flip in (False, True)
    ]
    chart = alt.layer(lines, half, rule, *texts).properties(width=480, height=280)
    return _top_title(
        finish(
            chart,
            title="The conforming threshold keeps a worthless initiative at 50%",
            subtitle="Move the sliders: they work without a running kernel",
            description=(
                f"Line chart of the probability that an initiative happens (0 to 100%) against its true "
                f"value V ({V_DOMAIN[0]} to {V_DOMAIN[1]}) when any of N agents can release it: one line "
                f"for agents who act whenever their own noisy estimate is positive, one for agents using "
                f"the conforming threshold, which is marked by a dashed vertical rule; a dotted rule marks "
                f"50%. Precomputed for {min(agents)} to {max(agents)} agents and noise sd "
                f"{min(noise):g} to {max(noise):g}; sliders choose both."
            ),
        )
    )
