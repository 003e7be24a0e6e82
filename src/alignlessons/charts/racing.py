"""Charts for the racing model (Armstrong, Bostrom & Shulman 2016).

* :func:`risk_chart` — disaster risk against the importance of capability μ, one line per
  information regime, the current setting marked. Its data are named datasets (``curves``,
  ``current``) so a live explorer can swap them without re-rendering.
* :func:`kernel_free_chart` — the same picture over a precomputed grid, with the number of teams
  and enmity as Vega-Lite sliders: it stays interactive with no kernel (reopened notebook, HTML).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish, grid_slider, on_grid, records

REGIMES = ["none", "private", "public"]
REGIME_LABELS = {"none": "no information", "private": "private (own capability)", "public": "public (everyone's)"}
X_TITLE = "Importance of capability μ (relative to safety)"
Y_TITLE = "Equilibrium risk of disaster"


def curves_data(sweep: pd.DataFrame) -> pd.DataFrame:
    """The ``curves`` dataset: columns capability_weight, information, regime, disaster_probability."""
    frame = sweep.loc[:, ["capability_weight", "information", "disaster_probability"]].copy()
    frame["regime"] = frame["information"].map(REGIME_LABELS)
    return frame


def risk_chart(sweep: pd.DataFrame, current: dict, *, title: str, description: str):
    """Risk against μ for the three regimes; ``current`` = {capability_weight, information,
    disaster_probability} marks the explorer's setting."""
    curves = curves_data(sweep)
    marker = pd.DataFrame([{**current, "regime": REGIME_LABELS[current["information"]]}])
    color = alt.Color(
        "regime:N",
        title="Information",
        sort=[REGIME_LABELS[r] for r in REGIMES],
        scale=alt.Scale(domain=[REGIME_LABELS[r] for r in REGIMES]),
    )
    x = alt.X("capability_weight:Q", title=X_TITLE, scale=alt.Scale(domain=[0, 3]))
    y = alt.Y("disaster_probability:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    lines = (
        alt.Chart(alt.NamedData("curves"))
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[
                alt.Tooltip("regime:N", title="Information"),
                alt.Tooltip("capability_weight:Q", title="μ", format=".2f"),
                alt.Tooltip("disaster_probability:Q", title="Risk", format=".1%"),
            ],
        )
    )
    rule = alt.Chart(alt.NamedData("current")).mark_rule(strokeDash=[4, 4], color="#666666").encode(x=x)
    point = (
        alt.Chart(alt.NamedData("current"))
        .mark_point(size=220, filled=True, stroke="black", strokeWidth=1.5)
        .encode(
            x=x,
            y=y,
            color=color,
            tooltip=[alt.Tooltip("disaster_probability:Q", title="Risk at your setting", format=".1%")],
        )
    )
    chart = (lines + rule + point).properties(
        width=480, height=280, datasets={"curves": records(curves, 5), "current": records(marker, 5)}
    )
    return finish(chart, title=title, description=description)


def kernel_free_chart(
    grid: pd.DataFrame, *, teams: list[int], enmities: list[float], start_teams: int, start_enmity: float
):
    """Risk against μ for the three regimes over a precomputed grid, with sliders for the number of
    teams and enmity that work without a kernel. ``grid`` is :func:`alignlessons.models.racing.sweep`
    output over ``teams`` × ``enmities`` (long format)."""
    wide = (
        grid.pivot_table(
            index=["n_teams", "enmity", "capability_weight"], columns="information", values="disaster_probability"
        )
        .reset_index()
        .round(4)
    )
    wide.columns.name = None
    wide["enmity"] = wide["enmity"].round(2)
    teams_param = grid_slider("teams", teams, value=start_teams, step=1, label="Number of teams n")
    enmity_param = grid_slider(
        "enmity", enmities, value=start_enmity, label="Enmity e (0 = rivals' win as good as own)"
    )
    chart = (
        alt.Chart(wide)
        .transform_filter((alt.datum.n_teams == teams_param) & on_grid("enmity", enmity_param))
        .transform_fold(REGIMES, as_=["information", "disaster_probability"])
        .transform_calculate(
            regime=alt.expr.if_(
                alt.datum.information == "none",
                REGIME_LABELS["none"],
                alt.expr.if_(alt.datum.information == "private", REGIME_LABELS["private"], REGIME_LABELS["public"]),
            )
        )
        .mark_line()
        .encode(
            x=alt.X("capability_weight:Q", title=X_TITLE),
            y=alt.Y("disaster_probability:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color=alt.Color(
                "regime:N",
                title="Information",
                scale=alt.Scale(domain=[REGIME_LABELS[r] for r in REGIMES]),
                sort=[REGIME_LABELS[r] for r in REGIMES],
            ),
            tooltip=[
                alt.Tooltip("regime:N", title="Information"),
                alt.Tooltip("capability_weight:Q", title="μ", format=".2f"),
                alt.Tooltip("disaster_probability:Q", title="Risk", format=".1%"),
            ],
        )
        .add_params(teams_param, enmity_param)
        .properties(width=480, height=280)
    )
    return finish(
        chart,
        title="Teams that know nothing of each other's capabilities race most safely",
        subtitle="Move the sliders: they work without a running kernel",
        description=(
            f"Line chart of the equilibrium risk of disaster against the importance of capability μ "
            f"for the three information regimes, precomputed for {min(teams)} to {max(teams)} teams "
            f"and enmity {min(enmities):g} to {max(enmities):g}; sliders choose the number of teams "
            f"and the enmity."
        ),
    )
