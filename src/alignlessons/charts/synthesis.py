"""Charts for the synthesis lesson (06).

* :func:`positions_chart` — the side-by-side table as a grid: one square per question and voice,
  coloured by whether the voice answers, objects or does not address the question; the
  position and its lesson are in the tooltip.
* :func:`policy_chart` — every model's headline number for one policy, as bars on one 0–100 %
  scale (named dataset ``bars``, so the policy explorer can swap it in place).
* :func:`policy_kernel_free_chart` — the same bars over a precomputed grid of policies, with
  Vega-Lite controls for the levers: interactive with no kernel.
* :func:`beliefs_chart` — a learner's credences at the start and at the end, side by side.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish, on_grid

KIND_COLORS = {"answers": "#2b6cb0", "objects": "#dd6b20", "not addressed": "#cbd5e0"}

#: The bars of the policy chart: result key -> label (all are shares or probabilities).
POLICY_BARS = {
    "p_disaster_race": "Race: P(disaster) [03]",
    "action_risk": "Deployment: action risk [04]",
    "inaction_risk": "Deployment: inaction risk [04]",
    "plan_success": "Plan: P(all six steps succeed) [02]",
    "alignment_progress_share": "Research: alignment's share [02, 05]",
    "peak_gap": "Transition: peak adaptation gap [01]",
    "p_dangerous_prevails": "Phase 2: P(dangerous AI prevails) [04]",
}
#: Whether a larger bar is better (True), worse (False) for the colour of the bar.
_GOOD_WHEN_HIGH = {"plan_success": True, "alignment_progress_share": True}


def positions_chart(positions: pd.DataFrame, questions: pd.DataFrame, voices):
    """Grid of the side-by-side table. ``positions`` from ``content.synthesis_positions()``,
    ``questions`` from ``content.synthesis_questions()``, ``voices`` the column order."""
    need = {"question", "voice", "kind", "position", "lesson", "section"}
    if need - set(positions.columns):
        raise ValueError(f"positions is missing columns {sorted(need - set(positions.columns))}")
    data = positions.merge(questions[["question", "text", "order"]], on="question")
    data = data.assign(where="lesson " + data["lesson"] + ", section " + data["section"])
    data = data[["text", "order", "voice", "kind", "position", "where"]]
    order = list(questions.sort_values("order")["text"])
    counts = data["kind"].value_counts()
    chart = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "voice:N", sort=list(voices), title=None, axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160)
            ),
            y=alt.Y("text:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "kind:N",
                title="The voice…",
                scale=alt.Scale(domain=list(KIND_COLORS), range=list(KIND_COLORS.values())),
            ),
            tooltip=[
                alt.Tooltip("voice:N", title="Voice"),
                alt.Tooltip("text:N", title="Question"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("position:N", title="Position"),
                alt.Tooltip("where:N", title="Covered in"),
            ],
        )
        .properties(width=560, height=240)
    )
    by_voice = data.groupby("voice")["kind"]
    full = [v for v in voices if v in by_voice.groups and (by_voice.get_group(v) == "answers").all()]
    objects = by_voice.apply(lambda k: (k == "objects").sum())
    critic = objects.idxmax()
    head = (
        f"Only {full[0]} answers all {len(order)} questions"
        if len(full) == 1
        else f"{len(full)} voices answer all {len(order)} questions"
    )
    return finish(
        chart,
        title=f"{head}; {critic} objects most often ({objects.max()} of {len(order)})",
        subtitle="Hover over a square for the position and the lesson that covers it.",
        description=(
            f"Grid of six questions (rows) by five voices (columns). Each square is coloured by "
            f"whether the voice answers the question ({counts.get('answers', 0)} squares), objects "
            f"to an answer ({counts.get('objects', 0)}) or does not address it "
            f"({counts.get('not addressed', 0)})."
        ),
    )


def policy_bars_data(result: dict) -> pd.DataFrame:
    """The ``bars`` dataset for one :func:`alignlessons.models.policy.evaluate` result."""
    rows = []
    for i, (key, label) in enumerate(POLICY_BARS.items()):
        value = float(result[key])
        rows.append(
            {
                "key": key,
                "label": label,
                "order": i,
                "value": round(value, 6),
                "text": f"{value:.1%}",
                "reading": "higher is better" if _GOOD_WHEN_HIGH.get(key) else "lower is better",
            }
        )
    return pd.DataFrame(rows)


def _bars(data, *, width=440):
    y = alt.Y("label:N", sort=list(POLICY_BARS.values()), title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X(
        "value:Q",
        title="Probability or share (each from its own model)",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
    )
    color = alt.Color(
        "reading:N",
        title=None,
        scale=alt.Scale(domain=["lower is better", "higher is better"], range=["#c05621", "#2f855a"]),
        legend=alt.Legend(orient="bottom"),
    )
    tooltip = [alt.Tooltip("label:N", title="Quantity"), alt.Tooltip("value:Q", title="Value", format=".1%")]
    bars = data.mark_bar(height=16).encode(x=x, y=y, color=color, tooltip=tooltip)
    text = data.mark_text(align="left", dx=4, fontSize=12).encode(x=x, y=y, text="text:N")
    return alt.layer(bars, text).properties(width=width, height=230)


def policy_chart(bars: pd.DataFrame, *, title: str, description: str):
    """Bars of every model's number for one policy (dataset ``bars`` from :func:`policy_bars_data`)."""
    chart = _bars(alt.Chart(alt.NamedData("bars")))
    chart = chart.properties(datasets={"bars": bars.to_dict(orient="records")})
    return finish(
        chart,
        title=title,
        description=description,
        subtitle="Each bar comes from a different model; the models do not feed each other.",
    )


def policy_kernel_free_chart(grid: pd.DataFrame, *, waits, shares, infos, start: dict, fixed: str):
    """The policy bars over a precomputed grid, with sliders for the wait and the alignment share
    and buttons for the information regime. ``grid`` has columns wait_months, alignment_share,
    information and the keys of :data:`POLICY_BARS`."""
    long = grid.melt(
        id_vars=["wait_months", "alignment_share", "information"],
        value_vars=list(POLICY_BARS),
        var_name="key",
        value_name="value",
    )
    long["value"] = long["value"].round(4)
    lookup = pd.DataFrame(
        {
            "key": list(POLICY_BARS),
            "label": list(POLICY_BARS.values()),
            "reading": ["higher is better" if _GOOD_WHEN_HIGH.get(k) else "lower is better" for k in POLICY_BARS],
        }
    )
    waits, shares = sorted(waits), sorted(shares)
    wait_p = alt.param(
        name="wait",
        value=start["wait_months"],
        bind=alt.binding_range(
            min=waits[0], max=waits[-1], step=round(waits[1] - waits[0], 4), name="Magma's wait (months) "
        ),
    )
    share_p = alt.param(
        name="share",
        value=start["alignment_share"],
        bind=alt.binding_range(
            min=shares[0],
            max=shares[-1],
            step=round(shares[1] - shares[0], 4),
            name="Share of researchers on alignment ",
        ),
    )
    info_p = alt.param(
        name="info",
        value=start["information"],
        bind=alt.binding_radio(options=list(infos), name="Information about capabilities "),
    )
    base = (
        alt.Chart(long)
        .transform_filter(
            on_grid("wait_months", wait_p) & on_grid("alignment_share", share_p) & (alt.datum.information == info_p)
        )
        .transform_lookup(lookup="key", from_=alt.LookupData(data=lookup, key="key", fields=["label", "reading"]))
        .transform_calculate(text="format(datum.value, '.1%')")
    )
    chart = _bars(base).add_params(wait_p, share_p, info_p)
    return finish(
        chart,
        title="Each lever moves one model's number and leaves the others alone",
        subtitle=f"Other levers and the world fixed: {fixed}",
        description=(
            "Horizontal bars, one per model, of a probability or share from 0 to 100%, for the policy "
            "chosen with two sliders (Magma's wait, the share of researchers on alignment) and buttons "
            "for the information regime; computed in advance, so the controls work without a kernel."
        ),
    )


def beliefs_chart(frame: pd.DataFrame, *, example: bool = False):
    """Start and end credences per question (``frame`` from ``beliefs.compare()``); NaN are left out."""
    long = frame.melt(
        id_vars=["question"], value_vars=["start", "end"], var_name="stage", value_name="credence"
    ).dropna()
    if long.empty:
        raise ValueError("there are no credences to chart: record start or end beliefs first")
    long["credence"] = long["credence"] / 100
    y = alt.Y("question:N", sort=list(frame["question"]), title=None)
    x = alt.X("credence:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title="Credence")
    color = alt.Color(
        "stage:N", scale=alt.Scale(domain=["start", "end"], range=["#a0aec0", "#2b6cb0"]), title="Recorded"
    )
    lines = alt.Chart(long).mark_line(color="#718096").encode(x=x, y=y, detail="question:N")
    points = (
        alt.Chart(long)
        .mark_point(filled=True, size=140)
        .encode(x=x, y=y, color=color, tooltip=["question:N", "stage:N", alt.Tooltip("credence:Q", format=".0%")])
    )
    chart = alt.layer(lines, points).properties(width=460, height=200)
    who = "An example learner's" if example else "Your"
    moved = frame["change"].abs().dropna()
    title = (
        f"{who} credences at the start and at the end of the course"
        if moved.empty
        else f"{who} credences moved by {moved.mean():.0f} points on average"
    )
    return finish(
        chart,
        title=title,
        description=(
            f"Dot plot of {who.lower()} credence (0 to 100%) in each of the five statements, "
            "grey at the start of the course and blue at the end, joined by a line."
        ),
    )
