"""Charts for the offense-defense contest (Karnofsky, deployment nearcast, Phase 2).

* :func:`contest_chart` — P(the dangerous side prevails) against the safe side's share of the
  resources, one line per offense-advantage level (the current level drawn bold), the current
  share marked with a point, and the share needed to keep the risk under a target marked with a
  dashed rule. Its data are named datasets (``curves``, ``current``, ``needed``) so a live
  explorer can swap them without re-rendering.
* :func:`kernel_free_chart` — the same picture over a precomputed grid, with the offense
  advantage, decisiveness, number of attempts, target risk and safe share as Vega-Lite controls:
  it stays interactive with no kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from . import finish, on_grid, records
from .text import ratio

X_TITLE = "Safe side's share of all resources"
Y_TITLE = "P(dangerous side prevails)"
LEGEND_TITLE = "Offense advantage"
#: Diverging blue (defence favoured) - grey (even) - orange (offence favoured); colour-blind safe.
_DEFENCE = ["#08519c", "#4292c6", "#9ecae1"]
_EVEN = "#737373"
_OFFENCE = ["#fdae6b", "#f16913", "#d94801", "#8c2d04", "#5a1a02"]
TITLE = "The more offence is favoured, the larger the share of resources safety needs"
_NUM = 4


def level_label(b: float) -> str:
    """Plain-language name of an offense-advantage level, e.g. ``offence 10:1`` or ``defence 3:1``."""
    if abs(b - 1.0) < 1e-9:
        return "even"
    if b > 1:
        return f"offence {ratio(b, 3)}"
    return f"defence {ratio(1 / b, 3)}"


def level_colors(levels: Sequence[float]) -> list[str]:
    """A colour per level: blues for defence, grey for even, oranges for offence."""
    defence = [b for b in levels if b < 1 - 1e-9]
    offence = [b for b in levels if b > 1 + 1e-9]
    out = []
    for b in levels:
        if b < 1 - 1e-9:
            i = defence.index(b) + (len(_DEFENCE) - len(defence))
            out.append(_DEFENCE[max(i, 0)])
        elif b > 1 + 1e-9:
            out.append(_OFFENCE[min(offence.index(b), len(_OFFENCE) - 1)])
        else:
            out.append(_EVEN)
    return out


def curves_data(sweep: pd.DataFrame, current_advantage: float) -> pd.DataFrame:
    """The ``curves`` dataset from :func:`alignlessons.models.offense_defense.sweep` output:
    columns safe_share, offense_advantage, level, p_dangerous_prevails, highlight ("yes"/"no")."""
    frame = sweep.loc[:, ["safe_share", "offense_advantage", "p_dangerous_prevails"]].copy()
    frame["level"] = frame["offense_advantage"].map(level_label)
    frame["highlight"] = ((frame["offense_advantage"] - current_advantage).abs() < 1e-9).map({True: "yes", False: "no"})
    return frame


def current_data(safe_share: float, offense_advantage: float, p: float) -> pd.DataFrame:
    """The ``current`` dataset: one row marking the current share and its risk."""
    return pd.DataFrame(
        [
            {
                "safe_share": safe_share,
                "p_dangerous_prevails": p,
                "level": level_label(offense_advantage),
                "label": "your share",
            }
        ]
    )


def needed_data(share_needed: float, target_risk: float) -> pd.DataFrame:
    """The ``needed`` dataset: the share needed to keep the risk under the target."""
    return pd.DataFrame(
        [{"safe_share": share_needed, "target_risk": target_risk, "label": f"needed for < {target_risk:.0%}"}]
    )


def _color(levels: Sequence[float]):
    labels = [level_label(b) for b in levels]
    return alt.Color(
        "level:N",
        title=LEGEND_TITLE,
        sort=labels,
        scale=alt.Scale(domain=labels, range=level_colors(levels)),
        legend=alt.Legend(orient="right", direction="vertical", titleOrient="top", symbolStrokeWidth=3),
    )


def _axes():
    x = alt.X("safe_share:Q", title=X_TITLE, scale=alt.Scale(domain=[0, 1], nice=False), axis=alt.Axis(format="%"))
    y = alt.Y("p_dangerous_prevails:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    return x, y


def _highlighted_lines(base, x, y, color):
    """One risk curve per level, the highlighted level (``highlight == "yes"``) drawn bold on top."""
    return base.mark_line().encode(
        x=x,
        y=y,
        color=color,
        strokeWidth=alt.StrokeWidth(
            "highlight:N", scale=alt.Scale(domain=["yes", "no"], range=[4.5, 1.6]), legend=None
        ),
        opacity=alt.Opacity("highlight:N", scale=alt.Scale(domain=["yes", "no"], range=[1.0, 0.4]), legend=None),
        order=alt.Order("highlight:N", sort="ascending"),
        tooltip=_line_tooltip(),
    )


def _current_point(base, x, y, color):
    """The learner's current safe share on its curve, as a large outlined point."""
    return base.mark_point(size=200, filled=True, stroke="black", strokeWidth=1.5).encode(
        x=x,
        y=y,
        color=color,
        tooltip=[
            alt.Tooltip("safe_share:Q", title="Your safe share", format=".0%"),
            alt.Tooltip("p_dangerous_prevails:Q", title="P(dangerous prevails)", format=".1%"),
        ],
    )


def _line_tooltip():
    return [
        alt.Tooltip("level:N", title=LEGEND_TITLE),
        alt.Tooltip("safe_share:Q", title="Safe share", format=".0%"),
        alt.Tooltip("p_dangerous_prevails:Q", title="P(dangerous prevails)", format=".1%"),
    ]


def _side_labels(base, *, x, y, cut: float, dy: int, baseline: str, color: str):
    """A text label beside a vertical rule: to its right when the rule is left of ``cut``, else
    to its left (so labels never run off the plot)."""
    left = base.transform_filter(alt.datum.safe_share < cut).mark_text(
        align="left", baseline=baseline, dx=5, dy=dy, fontSize=12, color=color
    )
    right = base.transform_filter(alt.datum.safe_share >= cut).mark_text(
        align="right", baseline=baseline, dx=-5, dy=dy, fontSize=12, color=color
    )
    return [m.encode(x=x, y=y, text="label:N") for m in (left, right)]


def contest_chart(
    curves: pd.DataFrame,
    current: pd.DataFrame,
    needed: pd.DataFrame,
    *,
    levels: Sequence[float],
    title: str = TITLE,
    description: str,
):
    """Risk against the safe share for each offense-advantage level in ``levels``; ``curves``,
    ``current`` and ``needed`` are the frames from :func:`curves_data`, :func:`current_data`
    and :func:`needed_data`."""
    x, y = _axes()
    color = _color(levels)
    lines = _highlighted_lines(alt.Chart(alt.NamedData("curves")), x, y, color)
    target = (
        alt.Chart(alt.NamedData("needed"))
        .mark_rule(strokeDash=[2, 3], color="#444444")
        .encode(y=alt.Y("target_risk:Q"), tooltip=[alt.Tooltip("target_risk:Q", title="Target risk", format=".0%")])
    )
    need_rule = (
        alt.Chart(alt.NamedData("needed"))
        .mark_rule(strokeDash=[6, 4], color="#222222", strokeWidth=1.5)
        .encode(
            x=alt.X("safe_share:Q"),
            tooltip=[
                alt.Tooltip("safe_share:Q", title="Share needed", format=".2%"),
                alt.Tooltip("target_risk:Q", title="Target risk", format=".0%"),
            ],
        )
    )
    need_text = _side_labels(
        alt.Chart(alt.NamedData("needed")),
        x=alt.X("safe_share:Q"),
        y=alt.Y("target_risk:Q"),
        cut=0.35,
        dy=-3,
        baseline="bottom",
        color="#222222",
    )
    cur_rule = alt.Chart(alt.NamedData("current")).mark_rule(color="#666666", strokeDash=[1, 2]).encode(x=x)
    point = _current_point(alt.Chart(alt.NamedData("current")), x, y, color)
    cur_text = _side_labels(
        alt.Chart(alt.NamedData("current")), x=x, y=alt.value(0), cut=0.8, dy=2, baseline="top", color="#333333"
    )
    chart = alt.layer(lines, target, need_rule, cur_rule, point, *need_text, *cur_text).properties(
        width=480,
        height=300,
        datasets={"curves": records(curves, 6), "current": records(current, 6), "needed": records(needed, 6)},
    )
    return finish(chart, title=title, description=description)


def kernel_free_chart(
    grid: pd.DataFrame,
    needed: pd.DataFrame,
    *,
    levels: Sequence[float],
    decisiveness: Sequence[float],
    attempts: Sequence[int],
    targets: Sequence[float],
    start: dict,
):
    """The contest chart over a precomputed grid, with controls that work without a kernel.

    ``grid``: columns decisiveness, n_attempts, safe_share, offense_advantage,
    p_dangerous_prevails (long, from the model's ``sweep``). ``needed``: columns decisiveness,
    n_attempts, offense_advantage, target_risk, safe_share_needed. ``start`` gives the initial
    offense_advantage, decisiveness, n_attempts, target_risk and safe_share.
    """
    keys = [f"b{i}" for i in range(len(levels))]
    key_of = {b: key for b, key in zip(levels, keys)}

    def key_for(series):
        return series.map(lambda b: min(key_of, key=lambda lv: abs(lv - b))).map(key_of)

    long = grid.copy()
    long["key"] = key_for(long["offense_advantage"])
    wide = long.pivot_table(
        index=["decisiveness", "n_attempts", "safe_share"], columns="key", values="p_dangerous_prevails"
    ).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"decisiveness": "k", "n_attempts": "n", "safe_share": "s"})
    wide = wide.round(_NUM)
    need = needed.copy()
    need["key"] = key_for(need["offense_advantage"])
    need = need.rename(
        columns={"decisiveness": "k", "n_attempts": "n", "target_risk": "t", "safe_share_needed": "safe_share"}
    )[["k", "n", "t", "key", "safe_share"]]
    need = need.round(_NUM)
    need["label"] = need["t"].map(lambda t: f"needed for < {t:.0%}")
    lookup = pd.DataFrame({"key": keys, "level": [level_label(b) for b in levels]})

    def radio(name, options, labels, value, text):
        return alt.param(
            name=name, value=value, bind=alt.binding_radio(options=list(options), labels=list(labels), name=text)
        )

    start_level = min(levels, key=lambda b: abs(b - start["offense_advantage"]))
    level_p = radio("level", keys, [level_label(b) for b in levels], key_of[start_level], "Offense advantage ")
    k_p = radio("k", decisiveness, [f"{k:g}" for k in decisiveness], start["decisiveness"], "Decisiveness k ")
    n_p = radio("n", attempts, [str(n) for n in attempts], start["n_attempts"], "Number of attempts ")
    t_p = radio("t", targets, [f"{t:.0%}" for t in targets], start["target_risk"], "Target risk ")
    s_values = sorted(wide["s"].unique())
    step = round(s_values[1] - s_values[0], 4)
    share_p = alt.param(
        name="share",
        value=start["safe_share"],
        bind=alt.binding_range(min=step, max=round(1 - step, 4), step=step, name="Safe side's share of resources "),
    )
    x, y = _axes()
    color = _color(levels)
    base = (
        alt.Chart(wide)
        .transform_filter((alt.datum.k == k_p) & (alt.datum.n == n_p))
        .transform_fold(keys, as_=["key", "p_dangerous_prevails"])
        .transform_lookup(lookup="key", from_=alt.LookupData(data=lookup, key="key", fields=["level"]))
        .transform_calculate(safe_share="datum.s", highlight=alt.expr.if_(alt.datum.key == level_p, "yes", "no"))
    )
    lines = _highlighted_lines(base, x, y, color)
    here = base.transform_filter((alt.datum.key == level_p) & on_grid("s", share_p))
    point = _current_point(here, x, y, color)
    cur_rule = here.mark_rule(color="#666666", strokeDash=[1, 2]).encode(x=x)
    cur_text = _side_labels(
        here.transform_calculate(label="'your share'"),
        x=x,
        y=alt.value(0),
        cut=0.8,
        dy=2,
        baseline="top",
        color="#333333",
    )
    nbase = alt.Chart(need).transform_filter(
        (alt.datum.k == k_p) & (alt.datum.n == n_p) & (alt.datum.key == level_p) & on_grid("t", t_p, tol=1e-9)
    )
    target = nbase.mark_rule(strokeDash=[2, 3], color="#444444").encode(
        y=alt.Y("t:Q"), tooltip=[alt.Tooltip("t:Q", title="Target risk", format=".0%")]
    )
    need_rule = nbase.mark_rule(strokeDash=[6, 4], color="#222222", strokeWidth=1.5).encode(
        x=alt.X("safe_share:Q"),
        tooltip=[
            alt.Tooltip("safe_share:Q", title="Share needed", format=".2%"),
            alt.Tooltip("t:Q", title="Target risk", format=".0%"),
        ],
    )
    need_text = _side_labels(
        nbase, x=alt.X("safe_share:Q"), y=alt.Y("t:Q"), cut=0.35, dy=-3, baseline="bottom", color="#222222"
    )
    chart = (
        alt.layer(lines, target, need_rule, cur_rule, point, *need_text, *cur_text)
        .add_params(level_p, k_p, n_p, t_p, share_p)
        .properties(width=480, height=300)
    )
    return finish(
        chart,
        title=TITLE,
        subtitle="Choose the settings below: they work without a running kernel",
        description=(
            f"Line chart of the probability that the dangerous side prevails (0 to 100%) against the safe "
            f"side's share of all resources (0 to 100%), one line per offense-advantage level from "
            f"{level_label(min(levels))} to {level_label(max(levels))}, precomputed for decisiveness "
            f"{', '.join(f'{k:g}' for k in decisiveness)} and {', '.join(str(n) for n in attempts)} "
            f"attempts. Controls choose the highlighted level, the decisiveness, the number of attempts, "
            f"the target risk (a dotted horizontal rule; a dashed vertical rule marks the share needed "
            f"to stay under it) and the safe share (a marked point)."
        ),
    )
