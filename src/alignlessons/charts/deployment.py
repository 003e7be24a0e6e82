"""Charts for the deployment model (Karnofsky's action vs. inaction risk, ``deployment-nearcast``).

* :func:`risk_chart` — action risk, inaction risk and total P(catastrophe) against how many
  months Magma waits before deploying; the current wait is marked on every line, the best wait
  on the total, and a dotted line shows the risk of deploying at once, so where the total
  climbs back above it (the break-even wait) is visible. Data are named datasets (``curves``,
  ``current``, ``optimum``, ``baseline``, ``break_even``) so a live explorer can swap them.
* :func:`kernel_free_chart` — the same three lines over a precomputed grid, with the hazard of
  a rival deploying and the rival's P(misaligned) as Vega-Lite sliders; works without a kernel.
* :func:`phase_chart` — Karnofsky's three phases as a timeline (one bar per phase, from
  :func:`alignlessons.models.deployment.phase_timeline`), each labelled with its main risk, and
  the months at which each phase ends marked and named.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from . import finish, grid_slider, on_grid, records
from .theme import PALETTE

X_TITLE = "Months Magma waits before deploying"
Y_TITLE = "Probability of catastrophe"
RISKS = ["action risk", "inaction risk", "total"]
RISK_LABELS = {
    "action risk": "Action risk (Magma's AI)",
    "inaction risk": "Inaction risk (a rival first)",
    "total": "Total P(catastrophe)",
}
COLOURS = [PALETTE[1], PALETTE[0], "#000000"]


def _colour():
    domain = [RISK_LABELS[r] for r in RISKS]
    return alt.Color(
        "label:N",
        title=None,
        sort=domain,
        scale=alt.Scale(domain=domain, range=COLOURS),
        legend=alt.Legend(orient="top", labelLimit=260),
    )


def curves_data(curve: dict) -> pd.DataFrame:
    """The ``curves`` dataset from :func:`alignlessons.models.deployment.risk_curve` output: columns
    wait_months, risk, label, probability."""
    t = np.asarray(curve["wait_months"], dtype=float)
    parts = [
        pd.DataFrame(
            {
                "wait_months": t,
                "risk": risk,
                "label": RISK_LABELS[risk],
                "probability": np.asarray(curve[key], dtype=float),
            }
        )
        for risk, key in zip(RISKS, ("action_risk", "inaction_risk", "p_catastrophe"))
    ]
    return pd.concat(parts, ignore_index=True).round({"wait_months": 4, "probability": 6})


def current_data(wait: float, action: float, inaction: float, total: float) -> pd.DataFrame:
    """The ``current`` dataset: one row per risk at the current wait."""
    return pd.DataFrame(
        [
            {"wait_months": float(wait), "risk": r, "label": RISK_LABELS[r], "probability": round(p, 6)}
            for r, p in zip(RISKS, (action, inaction, total))
        ]
    )


def point_data(wait: float, probability: float, label: str, max_wait: float) -> pd.DataFrame:
    """A one-row dataset (wait, probability, label), or no rows if the wait is off the chart."""
    if not math.isfinite(wait) or wait > max_wait:
        return pd.DataFrame(
            {"wait_months": pd.Series(dtype=float), "probability": pd.Series(dtype=float), "text": pd.Series(dtype=str)}
        )
    return pd.DataFrame(
        [{"wait_months": round(float(wait), 4), "probability": round(float(probability), 6), "text": label}]
    )


def risk_chart(
    datasets: dict[str, pd.DataFrame], *, max_wait: float, title: str, description: str, subtitle: str | None = None
):
    """Action, inaction and total risk against the wait, with current, best and break-even waits."""
    x = alt.X("wait_months:Q", title=X_TITLE, scale=alt.Scale(domain=[0, max_wait], nice=False))
    y = alt.Y("probability:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    tip = [
        alt.Tooltip("label:N", title="Risk"),
        alt.Tooltip("wait_months:Q", title="Wait (months)", format=".1f"),
        alt.Tooltip("probability:Q", title="Probability", format=".1%"),
    ]
    lines = (
        alt.Chart(alt.NamedData("curves"))
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=_colour(),
            tooltip=tip,
            strokeDash=alt.condition(alt.datum.risk == "total", alt.value([1, 0]), alt.value([6, 3])),
        )
    )
    baseline = alt.Chart(alt.NamedData("baseline"))
    base_rule = baseline.mark_rule(strokeDash=[2, 3], color="#555555").encode(
        y=y, tooltip=[alt.Tooltip("probability:Q", title="Deploying at once", format=".1%")]
    )
    base_text = baseline.mark_text(align="right", baseline="bottom", dy=-3, color="#555555").encode(
        x=alt.value(476), y=y, text="text:N"
    )
    current = alt.Chart(alt.NamedData("current"))
    cur_rule = current.mark_rule(strokeDash=[4, 4], color="#666666").encode(x=x)
    cur_points = current.mark_point(size=130, filled=True, stroke="white", strokeWidth=1.2).encode(
        x=x, y=y, color=_colour(), tooltip=tip
    )
    optimum = alt.Chart(alt.NamedData("optimum"))
    opt_point = optimum.mark_point(
        shape="diamond", size=260, filled=True, color=PALETTE[2], stroke="black", strokeWidth=1
    ).encode(
        x=x,
        y=y,
        tooltip=[
            alt.Tooltip("wait_months:Q", title="Best wait (months)", format=".1f"),
            alt.Tooltip("probability:Q", title="P(catastrophe) there", format=".1%"),
        ],
    )
    opt_text = optimum.mark_text(align="right", dx=-9, dy=14, color=PALETTE[2], fontWeight=600).encode(
        x=x, y=y, text="text:N"
    )
    even = alt.Chart(alt.NamedData("break_even"))
    even_rule = even.mark_rule(color=PALETTE[4], strokeWidth=2).encode(
        x=x, tooltip=[alt.Tooltip("wait_months:Q", title="Break-even wait (months)", format=".1f")]
    )
    even_text = even.mark_text(align="left", dx=4, baseline="top", color="#9a6700", fontWeight=600).encode(
        x=x, y=alt.value(4), text="text:N"
    )
    chart = alt.layer(
        lines, base_rule, base_text, cur_rule, cur_points, even_rule, even_text, opt_point, opt_text
    ).properties(width=480, height=290, datasets={name: records(frame, 6) for name, frame in datasets.items()})
    return finish(chart, title=title, description=description, subtitle=subtitle)


def kernel_free_chart(
    grid: pd.DataFrame,
    marks: pd.DataFrame,
    *,
    hazards: list[float],
    others: list[float],
    waits: list[float],
    start_hazard: float,
    start_other: float,
    now: float,
    fixed: str,
):
    """The three risk lines over a precomputed grid, with sliders for the hazard per month and the
    rival's P(misaligned), working without a kernel.

    ``grid`` is :func:`alignlessons.models.deployment.sweep` output (long) with a column
    ``p_other_misaligned`` added, over ``hazards`` × ``others`` and waits ``waits``; ``marks`` has
    one row per (hazard_per_month, p_other_misaligned) with ``optimal`` and ``break_even`` (finite,
    or ``None``) and ``best_probability``. ``now`` is the risk of deploying at once (a dotted
    line); ``fixed`` describes the parameters held fixed (for the subtitle).
    """
    short = {"action risk": "a", "inaction risk": "i"}
    g = grid[grid["risk"].isin(short)].copy()
    g["key"] = g["risk"].map(short) + g["wait_months"].map(lambda t: f"{t:g}")
    wide = (
        g.pivot_table(index=["hazard_per_month", "p_other_misaligned"], columns="key", values="probability")
        .reset_index()
        .round(4)
    )
    wide.columns.name = None
    wide = wide.rename(columns={"hazard_per_month": "h", "p_other_misaligned": "q"})
    wide = wide.merge(marks.rename(columns={"hazard_per_month": "h", "p_other_misaligned": "q"}), on=["h", "q"])
    wide[["h", "q"]] = wide[["h", "q"]].round(4)
    wide["best_probability"] = wide["best_probability"].round(4)
    wide["optimal"] = wide["optimal"].round(2)
    wide["break_even"] = wide["break_even"].round(2)
    keys = [f"a{t:g}" for t in waits] + [f"i{t:g}" for t in waits]
    h_step, q_step = round(hazards[1] - hazards[0], 6), round(others[1] - others[0], 6)
    h_param = grid_slider(
        "hazard",
        hazards,
        value=start_hazard,
        step=h_step,
        label="Hazard of a rival deploying (per month, after the lead)",
    )
    q_param = grid_slider("other", others, value=start_other, step=q_step, label="Rival's P(misaligned)")
    chosen = on_grid("h", h_param) & on_grid("q", q_param)
    base = alt.Chart(wide).transform_filter(chosen)
    long = base.transform_fold(keys, as_=["key", "probability"]).transform_calculate(
        kind="slice(datum.key, 0, 1)", wait_months="toNumber(slice(datum.key, 1))"
    )
    total = long.transform_aggregate(probability="sum(probability)", groupby=["wait_months"]).transform_calculate(
        risk="'total'"
    )
    lines_data = long.transform_calculate(risk=alt.expr.if_(alt.datum.kind == "a", "action risk", "inaction risk"))
    x = alt.X("wait_months:Q", title=X_TITLE, scale=alt.Scale(domain=[0, max(waits)], nice=False))
    y = alt.Y("probability:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    label_expr = (
        "datum.risk === 'total' ? '"
        + RISK_LABELS["total"]
        + "' : datum.risk === 'action risk' ? \""
        + RISK_LABELS["action risk"]
        + "\" : '"
        + RISK_LABELS["inaction risk"]
        + "'"
    )
    tip = [
        alt.Tooltip("label:N", title="Risk"),
        alt.Tooltip("wait_months:Q", title="Wait (months)"),
        alt.Tooltip("probability:Q", title="Probability", format=".1%"),
    ]
    parts = [
        lines_data.transform_calculate(label=label_expr)
        .mark_line(strokeDash=[6, 3])
        .encode(x=x, y=y, color=_colour(), tooltip=tip),
        total.transform_calculate(label=label_expr).mark_line().encode(x=x, y=y, color=_colour(), tooltip=tip),
    ]
    optimum = base.transform_filter(f"isValid(datum.optimal) && datum.optimal <= {max(waits)}").transform_calculate(
        wait_months="datum.optimal", probability="datum.best_probability"
    )
    parts.append(
        optimum.mark_point(
            shape="diamond", size=260, filled=True, color=PALETTE[2], stroke="black", strokeWidth=1
        ).encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("optimal:Q", title="Best wait (months)", format=".1f"),
                alt.Tooltip("best_probability:Q", title="P(catastrophe) there", format=".1%"),
            ],
        )
    )
    max_wait = max(waits)
    even = base.transform_filter(f"isValid(datum.break_even) && datum.break_even <= {max_wait}")
    parts.append(
        even.mark_rule(color=PALETTE[4], strokeWidth=2).encode(
            x=alt.X("break_even:Q", scale=alt.Scale(domain=[0, max_wait], nice=False)),
            tooltip=[alt.Tooltip("break_even:Q", title="Break-even wait (months)", format=".1f")],
        )
    )
    parts.append(
        alt.Chart(pd.DataFrame([{"p": now}]))
        .mark_rule(strokeDash=[2, 3], color="#555555")
        .encode(
            y=alt.Y("p:Q", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("p:Q", title="Deploying at once", format=".1%")],
        )
    )
    summary = base.transform_calculate(
        best=(
            "'Best wait: ' + (isValid(datum.optimal) ? format(datum.optimal, '.1f') + ' months' : "
            "'as long as possible')"
        ),
        even=(
            "isValid(datum.break_even) ? 'Waiting over ' + format(datum.break_even, '.1f') + "
            "' months is worse than deploying now' : 'No wait is worse than deploying now'"
        ),
    )
    parts += [
        summary.mark_text(align="right", baseline="top", fontWeight=600, color=colour).encode(
            x=alt.value(476), y=alt.value(y), text=f"{field}:N"
        )
        for field, y, colour in (("best", 6, "#007a57"), ("even", 24, "#9a6700"))
    ]
    chart = alt.layer(*parts).add_params(h_param, q_param).properties(width=480, height=290)
    return finish(
        chart,
        title="How long should Magma wait before deploying?",
        subtitle=[fixed, "Dotted: the risk of deploying at once. The sliders work without a running kernel."],
        description=(
            f"Line chart of action risk, inaction risk and total probability of catastrophe against "
            f"a wait of 0 to {max(waits):g} months, precomputed for a rival's hazard of "
            f"{min(hazards):g} to {max(hazards):g} per month and a rival P(misaligned) of "
            f"{min(others):g} to {max(others):g}; a diamond marks the best wait, an orange line the break-even "
            f"wait and a dotted line the risk of deploying at once; labels give both waits."
        ),
    )


#: One colour per phase (blue, orange, green from the course palette).
PHASE_COLOURS = {1: PALETTE[0], 2: PALETTE[1], 3: PALETTE[2]}


def phase_chart(
    timeline: pd.DataFrame,
    *,
    main_risk: dict[int, str],
    ends: dict[int, str] | None = None,
    title: str,
    description: str,
    subtitle: str | None = None,
):
    """The phases as a timeline: a bar per phase over its months, labelled with its main risk.

    ``timeline`` is :func:`alignlessons.models.deployment.phase_timeline` output (columns phase,
    label, start_month, end_month, condition). ``main_risk`` maps each phase number to a short
    text (the bar's second line and tooltip). ``ends`` optionally maps a phase number to what ends
    it; a rule and label mark that phase's end month (phases cut off by the horizon are not marked).
    """
    missing = {"phase", "label", "start_month", "end_month", "condition"} - set(timeline.columns)
    if missing:
        raise ValueError(f"timeline is missing columns {sorted(missing)}")
    frame = timeline.loc[:, ["phase", "label", "start_month", "end_month", "condition"]].copy()
    unknown = sorted(set(int(k) for k in frame["phase"]) - set(main_risk))
    if unknown:
        raise ValueError(f"main_risk must give a text for every phase in the timeline; missing {unknown}")
    frame["phase"] = frame["phase"].astype(int)
    frame["risk"] = frame["phase"].map(main_risk)
    frame["middle"] = (frame["start_month"] + frame["end_month"]) / 2
    frame = frame.round({"start_month": 4, "end_month": 4, "middle": 4})
    horizon = float(frame["end_month"].max())
    labels = [r["label"] for _, r in frame.iterrows()]
    colours = [PHASE_COLOURS[int(p)] for p in frame["phase"]]
    x = alt.X(
        "start_month:Q", title="Months from now (illustrative dates)", scale=alt.Scale(domain=[0, horizon], nice=False)
    )
    base = alt.Chart(frame)
    bars = base.mark_bar(height=46, cornerRadius=3, opacity=0.85).encode(
        x=x,
        x2="end_month:Q",
        color=alt.Color("label:N", title=None, sort=labels, scale=alt.Scale(domain=labels, range=colours), legend=None),
        tooltip=[
            alt.Tooltip("label:N", title="Phase"),
            alt.Tooltip("start_month:Q", title="Starts (month)", format=".0f"),
            alt.Tooltip("end_month:Q", title="Ends (month)", format=".0f"),
            alt.Tooltip("condition:N", title="What holds in it"),
            alt.Tooltip("risk:N", title="Main risk"),
        ],
    )
    name = base.mark_text(color="white", fontWeight=700, dy=-8).encode(
        x=alt.X("middle:Q", scale=alt.Scale(domain=[0, horizon], nice=False)), text="label:N"
    )
    risk = base.mark_text(color="white", fontSize=11, dy=9).encode(
        x=alt.X("middle:Q", scale=alt.Scale(domain=[0, horizon], nice=False)), text="risk:N"
    )
    layers = [bars, name, risk]
    if ends:
        rows = [
            {"end_month": round(float(r["end_month"]), 4), "text": ends[int(r["phase"])]}
            for _, r in frame.iterrows()
            if int(r["phase"]) in ends and float(r["end_month"]) < horizon
        ]
        if rows:
            marks = alt.Chart(pd.DataFrame(rows))
            layers.append(
                marks.mark_rule(color="#333333", strokeDash=[4, 3]).encode(
                    x=alt.X("end_month:Q", scale=alt.Scale(domain=[0, horizon], nice=False))
                )
            )
            layers.append(
                marks.mark_text(align="left", dx=4, baseline="top", color="#333333", fontSize=11).encode(
                    x=alt.X("end_month:Q", scale=alt.Scale(domain=[0, horizon], nice=False)),
                    y=alt.value(2),
                    text="text:N",
                )
            )
    chart = alt.layer(*layers).properties(width=520, height=90)
    return finish(chart, title=title, description=description, subtitle=subtitle)
