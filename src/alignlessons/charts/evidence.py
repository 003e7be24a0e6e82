"""Charts for shared evidence and late warnings (openai-misconceptions comment thread).

Part 1, Bayesian observers:

* :func:`bayes_chart` — two observers' posterior P(H) over the same observations (top) and the
  gap between them for this evidence and for uninformative evidence (bottom). Named datasets
  ``paths``, ``ends`` and ``gaps`` so a live explorer can swap them.
* :func:`bayes_kernel_free_chart` — the same over a precomputed grid of evidence strengths, with
  the evidence and the true hypothesis as Vega-Lite radios.

Part 2, warnings only past a capability threshold:

* :func:`warning_chart` — capability over time with the warning threshold, the point of no
  return and the useful warning window shaded (left), and P(useful warning) against the
  capability doubling time with the current setting marked (right). Named datasets ``path``,
  ``levels``, ``spans``, ``curve`` and ``current``.
* :func:`warning_kernel_free_chart` — P(useful warning) against the doubling time, one line per
  warning threshold, over a precomputed grid with the warning rate, response time, point of no
  return and doubling time as controls.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from . import finish, grid_slider, on_grid, records
from .theme import PALETTE

OBSERVERS = ["first observer", "second observer"]
EVIDENCE_KINDS = ["this evidence", "uninformative evidence"]
BAYES_TITLE = "Shared evidence brings different priors together only if it is informative"
WARNING_TITLE = "Will a warning come early enough to act on?"
SPAN_KINDS = ["useful warning window", "response time before no return"]
_NUM = 4
_RIGHT_LEGEND = alt.Legend(orient="right", direction="vertical", titleOrient="top", labelLimit=300)


# ------------------------------------------------------------------ Part 1: Bayes
def _observer_names(block: pd.DataFrame) -> pd.Series:
    order = list(dict.fromkeys(block["observer"]))
    if len(order) > len(OBSERVERS):
        raise ValueError(f"at most {len(OBSERVERS)} observers can be drawn; got {len(order)}")
    return block["observer"].map(dict(zip(order, OBSERVERS)))


def paths_data(block: pd.DataFrame) -> pd.DataFrame:
    """The ``paths`` dataset from one evidence regime of :func:`alignlessons.models.evidence.sweep`
    output: columns step, observer ("first observer", ...), prior, posterior_h."""
    out = block.loc[:, ["step", "prior", "posterior_h"]].copy()
    out["observer"] = _observer_names(block)
    return out


def ends_data(paths: pd.DataFrame) -> pd.DataFrame:
    """The ``ends`` dataset: each observer's last posterior (marks the current step count)."""
    return paths.loc[paths["step"] == paths["step"].max()].reset_index(drop=True)


def gaps_data(block: pd.DataFrame, uninformative: pd.DataFrame) -> pd.DataFrame:
    """The ``gaps`` dataset: disagreement (percentage points) per step for this evidence and for
    uninformative evidence; columns step, evidence, gap_points."""
    frames = []
    for kind, frame in zip(EVIDENCE_KINDS, (block, uninformative)):
        one = frame.drop_duplicates("step").loc[:, ["step", "disagreement"]]
        frames.append(
            pd.DataFrame(
                {"step": one["step"].to_numpy(), "evidence": kind, "gap_points": 100 * one["disagreement"].to_numpy()}
            )
        )
    return pd.concat(frames, ignore_index=True)


def _observer_color():
    return alt.Color(
        "observer:N", title="Observer", scale=alt.Scale(domain=OBSERVERS, range=PALETTE[:2]), legend=_RIGHT_LEGEND
    )


def _posterior_panel(step_title: str):
    x = alt.X("step:Q", title=step_title)
    y = alt.Y("posterior_h:Q", title="Belief in H, P(H)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    tooltip = [
        alt.Tooltip("observer:N", title="Observer"),
        alt.Tooltip("step:Q", title="After observation"),
        alt.Tooltip("posterior_h:Q", title="P(H)", format=".1%"),
    ]
    return x, y, tooltip


def _gap_panel_encoding():
    x = alt.X("step:Q", title="Observations seen")
    y = alt.Y("gap_points:Q", title="Gap (percentage points)", scale=alt.Scale(domain=[0, 100]))
    color = alt.Color(
        "evidence:N",
        title="Disagreement with",
        scale=alt.Scale(domain=EVIDENCE_KINDS, range=["#333333", "#999999"]),
        legend=_RIGHT_LEGEND,
    )
    dash = alt.StrokeDash("evidence:N", legend=None, scale=alt.Scale(domain=EVIDENCE_KINDS, range=[[1, 0], [6, 4]]))
    tooltip = [
        alt.Tooltip("evidence:N", title="Evidence"),
        alt.Tooltip("step:Q", title="After observation"),
        alt.Tooltip("gap_points:Q", title="Gap (points)", format=".1f"),
    ]
    return x, y, color, dash, tooltip


def bayes_chart(
    paths: pd.DataFrame, ends: pd.DataFrame, gaps: pd.DataFrame, *, description: str, title: str = BAYES_TITLE
):
    """Posterior paths (top) and disagreement (bottom); frames from :func:`paths_data`,
    :func:`ends_data` and :func:`gaps_data`."""
    x, y, tooltip = _posterior_panel("Observations seen")
    lines = alt.Chart(alt.NamedData("paths")).mark_line().encode(x=x, y=y, color=_observer_color(), tooltip=tooltip)
    ends_pt = (
        alt.Chart(alt.NamedData("ends"))
        .mark_point(size=120, filled=True, stroke="black")
        .encode(x=x, y=y, color=_observer_color(), tooltip=tooltip)
    )
    top = alt.layer(lines, ends_pt).properties(width=480, height=220)
    gx, gy, gcolor, dash, gtip = _gap_panel_encoding()
    bottom = (
        alt.Chart(alt.NamedData("gaps"))
        .mark_line(strokeWidth=2)
        .encode(x=gx, y=gy, color=gcolor, strokeDash=dash, tooltip=gtip)
        .properties(width=480, height=110)
    )
    chart = (
        alt.vconcat(top, bottom, spacing=14)
        .resolve_scale(color="independent")
        .properties(datasets={"paths": records(paths, 6), "ends": records(ends, 6), "gaps": records(gaps, 6)})
    )
    return finish(chart, title=title, description=description)


def bayes_kernel_free_chart(
    grid: pd.DataFrame, *, regimes: dict[str, str], uninformative: str, start_regime: str, start_truth: str = "H"
):
    """Posterior paths and disagreement over a precomputed grid.

    ``grid``: long frame with columns regime (a key of ``regimes``), truth ("H"/"not H"), step,
    observer (model label, two observers), posterior_h, disagreement. ``regimes`` maps keys to
    the labels shown on the radio; ``uninformative`` is the key of the uninformative regime.
    """
    frame = grid.copy()
    frame["name"] = frame.groupby(["regime", "truth"], sort=False, group_keys=False)[["observer"]].apply(
        lambda g: g["observer"].map(dict(zip(dict.fromkeys(g["observer"]), ["p1", "p2"])))
    )
    wide = frame.pivot_table(index=["regime", "truth", "step"], columns="name", values="posterior_h").reset_index()
    gap = frame.drop_duplicates(["regime", "truth", "step"]).set_index(["regime", "truth", "step"])["disagreement"]
    wide["gap"] = 100 * gap.loc[list(zip(wide["regime"], wide["truth"], wide["step"]))].to_numpy()
    wide.columns.name = None
    wide = wide.round(_NUM)
    keys = list(regimes)
    regime_p = alt.param(
        name="evidence",
        value=start_regime,
        bind=alt.binding_radio(options=keys, labels=[regimes[k] for k in keys], name="Evidence "),
    )
    truth_p = alt.param(
        name="truth",
        value=start_truth,
        bind=alt.binding_radio(options=["H", "not H"], labels=["H", "not H"], name="The data come from "),
    )
    base = alt.Chart(wide)
    x, y, tooltip = _posterior_panel("Observations seen")
    top = (
        base.transform_filter((alt.datum.regime == regime_p) & (alt.datum.truth == truth_p))
        .transform_fold(["p1", "p2"], as_=["name", "posterior_h"])
        .transform_calculate(observer=alt.expr.if_(alt.datum.name == "p1", OBSERVERS[0], OBSERVERS[1]))
        .mark_line()
        .encode(x=x, y=y, color=_observer_color(), tooltip=tooltip)
        .properties(width=480, height=220)
    )
    gx, gy, gcolor, dash, gtip = _gap_panel_encoding()
    bottom = (
        base.transform_filter(
            ((alt.datum.regime == regime_p) | (alt.datum.regime == uninformative)) & (alt.datum.truth == truth_p)
        )
        .transform_calculate(
            evidence=alt.expr.if_(alt.datum.regime == regime_p, EVIDENCE_KINDS[0], EVIDENCE_KINDS[1]),
            gap_points="datum.gap",
        )
        .mark_line(strokeWidth=2)
        .encode(x=gx, y=gy, color=gcolor, strokeDash=dash, tooltip=gtip)
        .properties(width=480, height=110)
    )
    chart = alt.vconcat(top, bottom, spacing=14).resolve_scale(color="independent").add_params(regime_p, truth_p)
    steps = int(wide["step"].max())
    return finish(
        chart,
        title=BAYES_TITLE,
        subtitle="Choose the evidence below: it works without a running kernel",
        description=(
            f"Two line charts over {steps} shared yes/no observations. Top: the belief P(H) (0 to 100%) of "
            f"two observers who start from different priors. Bottom: the gap between them in percentage "
            f"points, for the chosen evidence and for uninformative evidence. Radios choose the evidence "
            f"({'; '.join(regimes.values())}) and whether the data come from H or from not H."
        ),
    )


# ------------------------------------------------------- Part 2: warnings too late
def timeline_data(
    *,
    months_to: dict[float, float],
    warning_threshold: float,
    no_return_threshold: float,
    response_months: float,
    top_capability: float,
):
    """The ``path``, ``levels`` and ``spans`` datasets of the timeline panel.

    ``months_to`` maps capability levels (multiples of today's, including 1,
    ``warning_threshold``, ``no_return_threshold`` and ``top_capability``) to the months
    needed to reach them (from the model). Capability grows exponentially, so the path is a
    straight line on the chart's log axis through these points.
    """
    path = pd.DataFrame(
        sorted(((t, c) for c, t in months_to.items() if 1 <= c <= top_capability)), columns=["months", "capability"]
    )
    t_w, t_p = months_to[warning_threshold], months_to[no_return_threshold]
    levels = pd.DataFrame(
        [
            {
                "capability": warning_threshold,
                "months": t_w,
                "kind": "warning",
                "label": f"warnings begin ({warning_threshold:g}× today)",
            },
            {
                "capability": no_return_threshold,
                "months": t_p,
                "kind": "no return",
                "label": f"point of no return ({no_return_threshold:g}× today)",
            },
        ]
    )
    spans = []
    start, end = t_w, t_p - response_months
    if end > start:
        spans.append({"start": start, "end": end, "kind": SPAN_KINDS[0]})
    spans.append({"start": max(0.0, t_p - response_months), "end": t_p, "kind": SPAN_KINDS[1]})
    return path, levels, pd.DataFrame(spans)


def curve_data(sweep: pd.DataFrame) -> pd.DataFrame:
    """The ``curve`` dataset from :func:`alignlessons.models.evidence.warning_sweep` output."""
    return sweep.loc[:, ["doubling_months", "window_months", "p_warning_in_time"]].copy()


def _p_axis():
    return alt.Y(
        "p_warning_in_time:Q", title="P(useful warning)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
    )


def _doubling_axis(max_months: float):
    return alt.X(
        "doubling_months:Q",
        title="Capability doubling time (months)",
        scale=alt.Scale(domain=[0, max_months], nice=False),
    )


def warning_chart(
    path: pd.DataFrame,
    levels: pd.DataFrame,
    spans: pd.DataFrame,
    curve: pd.DataFrame,
    current: pd.DataFrame,
    *,
    max_doubling: float,
    description: str,
    title: str = WARNING_TITLE,
):
    """Timeline (left) and P(useful warning) against the doubling time (right)."""
    tx = alt.X("months:Q", title="Months from now")
    ty = alt.Y(
        "capability:Q",
        title="Capability (× today's, log scale)",
        scale=alt.Scale(type="log", base=2),
        axis=alt.Axis(format="~g", labelOverlap="greedy"),
    )
    span_color = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=SPAN_KINDS, range=["#009E73", "#999999"]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=300),
    )
    span = (
        alt.Chart(alt.NamedData("spans"))
        .mark_rect(opacity=0.25)
        .encode(
            x=alt.X("start:Q"),
            x2="end:Q",
            color=span_color,
            tooltip=[
                alt.Tooltip("kind:N", title="Span"),
                alt.Tooltip("start:Q", title="From month", format=".1f"),
                alt.Tooltip("end:Q", title="To month", format=".1f"),
            ],
        )
    )
    line = (
        alt.Chart(alt.NamedData("path"))
        .mark_line(color="#0072B2")
        .encode(
            x=tx,
            y=ty,
            tooltip=[
                alt.Tooltip("months:Q", title="Month", format=".1f"),
                alt.Tooltip("capability:Q", title="Capability (× today's)", format=".2f"),
            ],
        )
    )
    levels_src = alt.Chart(alt.NamedData("levels"))
    level_tip = [alt.Tooltip("label:N", title="Level"), alt.Tooltip("months:Q", title="Reached at month", format=".1f")]
    marks = []
    for kind, color, baseline, dy in (("warning", "#B07800", "top", 3), ("no return", "#D55E00", "bottom", -3)):
        one = levels_src.transform_filter(alt.datum.kind == kind)
        marks.append(
            one.mark_rule(strokeDash=[5, 3], strokeWidth=1.5, color=color).encode(
                y=alt.Y("capability:Q"), tooltip=level_tip
            )
        )
        marks.append(
            one.mark_text(align="left", baseline=baseline, dx=4, dy=dy, fontSize=11, color=color).encode(
                x=alt.value(0), y=alt.Y("capability:Q"), text="label:N"
            )
        )
    timeline = alt.layer(span, line, *marks).properties(
        width=300, height=260, title="Warnings come only above the threshold"
    )
    px, py = _doubling_axis(max_doubling), _p_axis()
    ptip = [
        alt.Tooltip("doubling_months:Q", title="Doubling time (months)", format=".1f"),
        alt.Tooltip("window_months:Q", title="Useful window (months)", format=".1f"),
        alt.Tooltip("p_warning_in_time:Q", title="P(useful warning)", format=".1%"),
    ]
    pline = alt.Chart(alt.NamedData("curve")).mark_line(color="#0072B2").encode(x=px, y=py, tooltip=ptip)
    prule = alt.Chart(alt.NamedData("current")).mark_rule(color="#666666", strokeDash=[1, 2]).encode(x=px)
    ppoint = (
        alt.Chart(alt.NamedData("current"))
        .mark_point(size=180, filled=True, color="#0072B2", stroke="black", strokeWidth=1.5)
        .encode(x=px, y=py, tooltip=ptip)
    )
    right = alt.layer(pline, prule, ppoint).properties(
        width=260, height=260, title="P(useful warning) by doubling time"
    )
    chart = (
        alt.hconcat(timeline, right, spacing=24)
        .resolve_scale(color="independent")
        .properties(
            datasets={
                name: records(frame, 6)
                for name, frame in (
                    ("path", path),
                    ("levels", levels),
                    ("spans", spans),
                    ("curve", curve),
                    ("current", current),
                )
            }
        )
    )
    return finish(chart, title=title, description=description)


def warning_kernel_free_chart(
    grid: pd.DataFrame,
    *,
    thresholds: Sequence[float],
    rates: Sequence[float],
    responses: Sequence[float],
    no_returns: Sequence[float],
    start: dict,
):
    """P(useful warning) against the doubling time, one line per warning threshold, over a grid.

    ``grid``: long frame with columns doubling_months, warning_threshold, no_return_threshold,
    warning_rate, response_months, window_months, p_warning_in_time (from the model's
    ``warning_sweep``). ``start`` gives the initial warning_rate, response_months,
    no_return_threshold and doubling_months.
    """
    keys = [f"w{i}" for i in range(len(thresholds))]
    key_of = dict(zip(thresholds, keys))
    frame = grid.copy()
    frame["key"] = frame["warning_threshold"].map(lambda c: key_of[min(thresholds, key=lambda x: abs(x - c))])
    wide = frame.pivot_table(
        index=["warning_rate", "response_months", "no_return_threshold", "doubling_months"],
        columns="key",
        values="p_warning_in_time",
    ).reset_index()
    wide.columns.name = None
    wide = wide.rename(
        columns={"warning_rate": "r", "response_months": "resp", "no_return_threshold": "cp", "doubling_months": "d"}
    ).round(_NUM)
    labels = [f"{c:g}× today" + (" (from now)" if abs(c - 1) < 1e-9 else "") for c in thresholds]
    lookup = pd.DataFrame({"key": keys, "threshold": labels})
    r_p = alt.param(
        name="rate",
        value=start["warning_rate"],
        bind=alt.binding_radio(options=list(rates), labels=[f"{r:g}" for r in rates], name="Warnings per month "),
    )
    resp_p = grid_slider("response", responses, value=start["response_months"], label="Months needed to respond")
    cp_p = alt.param(
        name="noreturn",
        value=start["no_return_threshold"],
        bind=alt.binding_radio(
            options=list(no_returns), labels=[f"{c:g}× today" for c in no_returns], name="Point of no return "
        ),
    )
    ds = sorted(wide["d"].unique())
    d_p = grid_slider("doubling", ds, value=start["doubling_months"], label="Doubling time (months)")
    base = (
        alt.Chart(wide)
        .transform_filter(
            on_grid("r", r_p, tol=1e-9) & on_grid("resp", resp_p, tol=1e-9) & on_grid("cp", cp_p, tol=1e-9)
        )
        .transform_fold(keys, as_=["key", "p_warning_in_time"])
        .transform_lookup(lookup="key", from_=alt.LookupData(data=lookup, key="key", fields=["threshold"]))
        .transform_calculate(doubling_months="datum.d")
    )
    px, py = _doubling_axis(max(ds)), _p_axis()
    color = alt.Color(
        "threshold:N",
        title="Warnings begin at",
        sort=labels,
        scale=alt.Scale(domain=labels, scheme="viridis"),
        legend=alt.Legend(orient="right", direction="vertical", titleOrient="top"),
    )
    tip = [
        alt.Tooltip("threshold:N", title="Warnings begin at"),
        alt.Tooltip("doubling_months:Q", title="Doubling time (months)", format=".1f"),
        alt.Tooltip("p_warning_in_time:Q", title="P(useful warning)", format=".1%"),
    ]
    lines = base.mark_line().encode(x=px, y=py, color=color, tooltip=tip)
    here = base.transform_filter(on_grid("d", d_p))
    points = here.mark_point(size=110, filled=True, stroke="black", strokeWidth=1).encode(
        x=px, y=py, color=color, tooltip=tip
    )
    rule = here.mark_rule(color="#666666", strokeDash=[1, 2]).encode(x=px)
    chart = alt.layer(lines, rule, points).add_params(r_p, resp_p, cp_p, d_p).properties(width=440, height=280)
    return finish(
        chart,
        title=WARNING_TITLE,
        subtitle="Move the controls below: they work without a running kernel",
        description=(
            f"Line chart of the probability that a warning comes early enough to act on (0 to 100%) against "
            f"the time capability takes to double ({min(ds):g} to {max(ds):g} months), one line per "
            f"capability level at which warnings begin ({', '.join(labels)}). Controls choose the warning "
            f"rate ({', '.join(f'{r:g}' for r in rates)} per month), the months needed to respond "
            f"({min(responses):g} to {max(responses):g}), the point of no return "
            f"({', '.join(f'{c:g}' for c in no_returns)} times today's capability) and a doubling time "
            f"to mark."
        ),
    )
