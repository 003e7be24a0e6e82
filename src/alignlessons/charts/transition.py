"""Charts for the transition model (gradual vs. sudden deployment, ``planning-for-agi``).

* :func:`paths_chart` — two panels over the years after the first release. Top: deployed
  capability (a staircase) and society's adaptation lagging it, the adaptation gap shaded, the
  releases and the largest gap marked. Bottom: the harm borne per year (gap to the power p),
  shaded for the staged release and drawn dashed for the sudden one, so the annotator's
  objection is visible: the areas (the cumulative harms) are equal when p = 1. Its data are
  named datasets (``paths``, ``releases``, ``peak``, ``summary``) so a live explorer can swap
  them without re-rendering; the ``*_data`` helpers build them from model output.
* :func:`kernel_free_chart` — the top panel over a precomputed grid, with the number of steps
  and the adaptation rate as Vega-Lite sliders and the harm exponent as radio buttons: it stays
  interactive with no kernel.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..models import transition
from . import finish, grid_slider, on_grid, records
from .text import quantity
from .theme import PALETTE

BLUE, VERMILLION, GREEN, PURPLE = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]
X_TITLE = "Years since the first release"
Y_TITLE = "Capability and adaptation (1 = all released)"
HARM_TITLE = "Harm per year (gap^p)"
QUANTITIES = ["Deployed capability", "Society's adaptation"]
HARM_SERIES = ["Released in steps", "Released all at once"]
_QUANTITY_EXPR = f"datum.key === 'capability' ? '{QUANTITIES[0]}' : \"{QUANTITIES[1]}\""
#: Offset (years) of the extra point drawn just before each release, so the jump is vertical.
_EPS = 1e-4


def _years(x: float) -> str:
    return quantity(x, "year")


def _round(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    return frame.round(digits)


def _with_jumps(time: np.ndarray, capability: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Rows at every grid time plus one just before each release (old capability, same other
    columns), so linear interpolation draws each release as a vertical jump."""
    time = np.asarray(time, dtype=float)
    capability = np.asarray(capability, dtype=float)
    frame = pd.DataFrame({"time": time, "capability": capability, **columns})
    jumps = np.flatnonzero(np.diff(capability) > 0) + 1
    if len(jumps):
        before = frame.iloc[jumps].copy()
        before["time"] = before["time"] - _EPS
        before["capability"] = capability[jumps - 1]
        frame = pd.concat([frame, before], ignore_index=True).sort_values("time", kind="stable")
    return frame.reset_index(drop=True)


def paths_data(time, capability, adaptation, sudden_capability, sudden_adaptation, exponent: float) -> pd.DataFrame:
    """The ``paths`` dataset: columns time, capability, adaptation, harm (the staged release's
    harm per year, :func:`alignlessons.models.transition.harm_per_year` of its gap) and
    sudden_harm (the sudden release's), with a point just before each release."""
    capability = np.asarray(capability, dtype=float)
    adaptation = np.asarray(adaptation, dtype=float)
    sudden_gap = np.asarray(sudden_capability, dtype=float) - np.asarray(sudden_adaptation, dtype=float)
    frame = _with_jumps(
        time,
        capability,
        {"adaptation": adaptation, "sudden_harm": transition.harm_per_year(sudden_gap, exponent=exponent)},
    )
    # the harm at the extra point before each release, too: there the old capability still holds
    frame["harm"] = transition.harm_per_year(frame["capability"] - frame["adaptation"], exponent=exponent)
    return _round(frame)


def releases_data(time, capability) -> pd.DataFrame:
    """The ``releases`` dataset: one row per release (time, capability after it, step number)."""
    time = np.asarray(time, dtype=float)
    capability = np.asarray(capability, dtype=float)
    idx = np.flatnonzero(np.diff(np.concatenate([[0.0], capability])) > 0)
    return _round(pd.DataFrame({"time": time[idx], "capability": capability[idx], "step": np.arange(1, len(idx) + 1)}))


def peak_data(time, capability, adaptation, *, index: int, gap: float) -> pd.DataFrame:
    """The ``peak`` dataset: the time, capability, adaptation and size of the largest gap, which
    the model finds (:func:`alignlessons.models.transition.peak_index` and ``peak_gap``)."""
    i = int(index)
    return _round(
        pd.DataFrame(
            [
                {
                    "time": float(time[i]),
                    "capability": float(capability[i]),
                    "adaptation": float(adaptation[i]),
                    "gap": float(gap),
                    "label": f"Largest gap (bar): {gap:.2f}, at year {round(float(time[i]), 2):g}",
                }
            ]
        )
    )


def summary_data(staged_harm: float, sudden_harm: float, exponent: float) -> pd.DataFrame:
    """The ``summary`` dataset: a one-row label with both cumulative harms."""
    return pd.DataFrame(
        [
            {
                "staged_harm": round(float(staged_harm), 4),
                "sudden_harm": round(float(sudden_harm), 4),
                "label": (
                    f"Total harm until adapted, p = {exponent:g}: in steps {staged_harm:.2f}, at once {sudden_harm:.2f}"
                ),
            }
        ]
    )


def _gap_layers(area_base, line_base, x, y_lines, *, time: str, capability: str, adaptation: str):
    """The shaded gap between adaptation and capability (from ``area_base``, fields named
    ``time``/``capability``/``adaptation``) and the two lines (from ``line_base``, which has
    columns ``capability`` and ``adaptation``), as used by both transition charts."""
    area = area_base.mark_area(color=VERMILLION, opacity=0.22).encode(
        x=x,
        y=alt.Y(f"{adaptation}:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1.05], nice=False)),
        y2=f"{capability}:Q",
        tooltip=[
            alt.Tooltip(f"{time}:Q", title="Year", format=".2f"),
            alt.Tooltip(f"{capability}:Q", title="Deployed", format=".2f"),
            alt.Tooltip(f"{adaptation}:Q", title="Adapted to", format=".2f"),
        ],
    )
    lines = (
        line_base.transform_fold(["capability", "adaptation"], as_=["key", "value"])
        .transform_calculate(quantity=_QUANTITY_EXPR)
        .mark_line()
        .encode(
            x=x,
            y=y_lines,
            color=alt.Color(
                "quantity:N", title=None, sort=QUANTITIES, scale=alt.Scale(domain=QUANTITIES, range=[BLUE, GREEN])
            ),
            tooltip=[
                alt.Tooltip("quantity:N", title="Series"),
                alt.Tooltip(f"{time}:Q", title="Year", format=".2f"),
                alt.Tooltip("value:Q", title="Level", format=".2f"),
            ],
        )
    )
    return area, lines


def paths_chart(
    datasets: dict[str, pd.DataFrame], *, horizon: float, title: str, description: str, subtitle: str | None = None
):
    """Capability, adaptation and the gap (top) and harm per year (bottom) over time.

    ``datasets`` maps ``paths``, ``releases``, ``peak`` and ``summary`` to frames from the
    ``*_data`` helpers; they become named datasets the explorer can replace.
    """
    x = alt.X("time:Q", title=X_TITLE, scale=alt.Scale(domain=[0, horizon], nice=False))
    y_top = alt.Y("value:Q", title=Y_TITLE, scale=alt.Scale(domain=[0, 1.05], nice=False))
    paths = alt.Chart(alt.NamedData("paths"))
    gap, lines = _gap_layers(paths, paths, x, y_top, time="time", capability="capability", adaptation="adaptation")
    releases = (
        alt.Chart(alt.NamedData("releases"))
        .mark_point(shape="triangle-up", size=90, filled=True, color=BLUE)
        .encode(
            x=x,
            y=alt.Y("capability:Q"),
            tooltip=[
                alt.Tooltip("step:Q", title="Release"),
                alt.Tooltip("time:Q", title="Year", format=".2f"),
                alt.Tooltip("capability:Q", title="Capability after it", format=".2f"),
            ],
        )
    )
    peak = alt.Chart(alt.NamedData("peak"))
    peak_rule = peak.mark_rule(color=VERMILLION, strokeWidth=3).encode(
        x=x,
        y=alt.Y("adaptation:Q"),
        y2="capability:Q",
        tooltip=[
            alt.Tooltip("gap:Q", title="Largest gap", format=".2f"),
            alt.Tooltip("time:Q", title="Year", format=".2f"),
        ],
    )
    # The label sits in the bottom-right corner, which the adaptation curve has left by then.
    peak_text = peak.mark_text(align="right", baseline="bottom", color=VERMILLION, fontWeight=600).encode(
        x=alt.value(474), y=alt.value(210), text="label:N"
    )
    top = alt.layer(gap, lines, releases, peak_rule, peak_text).properties(width=480, height=220)

    y_harm = alt.Y("harm:Q", title=HARM_TITLE, scale=alt.Scale(domain=[0, 1.05], nice=False))
    harm_area = (
        paths.transform_calculate(series=f"'{HARM_SERIES[0]}'")
        .mark_area(opacity=0.45)
        .encode(
            x=x,
            y=y_harm,
            color=alt.Color(
                "series:N",
                title=None,
                sort=HARM_SERIES,
                scale=alt.Scale(domain=HARM_SERIES, range=[VERMILLION, PURPLE]),
            ),
            tooltip=[
                alt.Tooltip("time:Q", title="Year", format=".2f"),
                alt.Tooltip("harm:Q", title="Harm per year, in steps", format=".3f"),
                alt.Tooltip("sudden_harm:Q", title="Harm per year, at once", format=".3f"),
            ],
        )
    )
    sudden_line = (
        paths.transform_calculate(series=f"'{HARM_SERIES[1]}'")
        .mark_line(strokeDash=[6, 4], strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("sudden_harm:Q", title=HARM_TITLE),
            color=alt.Color(
                "series:N",
                title=None,
                sort=HARM_SERIES,
                scale=alt.Scale(domain=HARM_SERIES, range=[VERMILLION, PURPLE]),
            ),
        )
    )
    summary = (
        alt.Chart(alt.NamedData("summary"))
        .mark_text(align="right", baseline="top", fontWeight=600, color="#333333")
        .encode(x=alt.value(476), y=alt.value(4), text="label:N")
    )
    bottom = alt.layer(harm_area, sudden_line, summary).properties(width=480, height=130)

    chart = (
        alt.vconcat(top, bottom, spacing=18)
        .resolve_scale(color="independent")
        .properties(datasets={name: records(frame, 5) for name, frame in datasets.items()})
    )
    return finish(chart, title=title, description=description, subtitle=subtitle)


def kernel_free_chart(
    grid: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    steps: list[int],
    rates: list[float],
    exponents: list[float],
    spacing: float,
    horizon: float,
    start_steps: int,
    start_rate: float,
    start_exponent: float,
):
    """Capability and adaptation paths over a precomputed grid, with sliders for the number of
    steps and the adaptation rate and radio buttons for the harm exponent, working without a kernel.

    ``grid`` is :func:`alignlessons.models.transition.sweep_rates` output (long format,
    quantities capability and adaptation, column ``rate``) over ``steps`` × ``rates``;
    ``summary`` is :func:`alignlessons.models.transition.staged_vs_sudden` output: one row per
    (n_steps, rate, exponent) with ``peak_gap`` and ``cumulative_harm`` of that schedule and
    ``sudden_peak``/``sudden_harm`` of the sudden one.
    """
    wide = grid[grid["quantity"].isin(["capability", "adaptation"])].pivot_table(
        index=["n_steps", "time"], columns=["quantity", "rate"], values="value"
    )
    rows = []
    for n in steps:
        block = wide.loc[n]
        time = block.index.to_numpy()
        capability = block[("capability", rates[0])].to_numpy()
        cols = {f"a{i}": block[("adaptation", r)].to_numpy() for i, r in enumerate(rates)}
        frame = _with_jumps(time, capability, cols)
        frame.insert(0, "n", n)
        rows.append(frame)
    data = _round(pd.concat(rows, ignore_index=True)).rename(columns={"capability": "c", "time": "t"})
    keys = [f"a{i}" for i in range(len(rates))]
    rate_step = round(rates[1] - rates[0], 6)
    steps_param = grid_slider("steps", steps, value=start_steps, step=1, label="Number of release steps (1 = sudden)")
    rate_param = grid_slider("rate", rates, value=start_rate, step=rate_step, label="Adaptation rate (per year)")
    exp_param = alt.param(
        name="p",
        value=start_exponent,
        bind=alt.binding_radio(options=list(exponents), name="Harm exponent p (harm per year = gap^p) "),
    )
    # The folded key "a<i>" names the rate rates[i] = rates[0] + i * step.
    base = (
        alt.Chart(data)
        .transform_filter(alt.datum.n == steps_param)
        .transform_fold(keys, as_=["key", "a"])
        .transform_calculate(rate=f"{rates[0]} + {rate_step} * toNumber(slice(datum.key, 1))")
        .transform_filter(on_grid("rate", rate_param))
    )
    x = alt.X("t:Q", title=X_TITLE, scale=alt.Scale(domain=[0, horizon], nice=False))
    area, lines = _gap_layers(
        base,
        base.transform_calculate(capability="datum.c", adaptation="datum.a"),
        x,
        alt.Y("value:Q", title=Y_TITLE),
        time="t",
        capability="c",
        adaptation="a",
    )
    text = (
        alt.Chart(_round(summary))
        .transform_filter(
            (alt.datum.n_steps == steps_param) & on_grid("rate", rate_param) & on_grid("exponent", exp_param)
        )
        .transform_calculate(
            line1="'In steps: largest gap ' + format(datum.peak_gap, '.2f') + ', total harm '"
            " + format(datum.cumulative_harm, '.2f')",
            line2="'All at once: largest gap ' + format(datum.sudden_peak, '.2f') + ', total harm '"
            " + format(datum.sudden_harm, '.2f')",
        )
    )
    labels = [
        text.mark_text(align="right", baseline="bottom", fontWeight=600, color="#333333").encode(
            x=alt.value(474), y=alt.value(y), text=f"{line}:N"
        )
        for line, y in (("line1", 206), ("line2", 226))
    ]
    chart = (
        alt.layer(area, lines, *labels).add_params(steps_param, rate_param, exp_param).properties(width=480, height=240)
    )
    return finish(
        chart,
        title="Does releasing in steps reduce the harm, or only spread it out?",
        subtitle=(
            f"Steps {_years(spacing)} apart; the shaded gap is what society has not yet adapted to. "
            "The sliders work without a running kernel."
        ),
        description=(
            f"Line chart over {horizon:g} years of deployed capability (a staircase of equal "
            f"release steps {_years(spacing)} apart) and society's adaptation lagging it, the gap "
            f"between them shaded; precomputed for {min(steps)} to {max(steps)} steps and adaptation "
            f"rates {min(rates):g} to {max(rates):g} per year. A label gives the largest gap and "
            f"the total harm for the staged and the sudden release, for harm exponents "
            f"{', '.join(f'{e:g}' for e in exponents)}."
        ),
    )
