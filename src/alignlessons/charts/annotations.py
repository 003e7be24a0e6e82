"""Chart for lesson 01: which of OpenAI's claims drew which kind of response from the annotator."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import finish


def annotation_kinds(annotations: pd.DataFrame, *, claim_groups, kinds):
    """Stacked bars: notes per group of claims, coloured by kind of response.

    ``annotations`` is :func:`alignlessons.content.annotations`; ``claim_groups`` and ``kinds`` give
    the order of the groups (all are shown, including groups that drew no note) and of the colours.
    """
    missing = {"claim_group", "kind"} - set(annotations.columns)
    if missing:
        raise ValueError(f"annotations is missing columns {sorted(missing)}")
    claim_groups, kinds = list(claim_groups), list(kinds)
    counts = annotations.groupby(["claim_group", "kind"]).size().rename("notes").reset_index()
    by_kind = annotations["kind"].value_counts()
    by_group = annotations["claim_group"].value_counts()
    silent = [g for g in claim_groups if g not in set(annotations["claim_group"])]
    n = len(annotations)
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y(
                "claim_group:N",
                title="Group of OpenAI's claims",
                sort=claim_groups,
                scale=alt.Scale(domain=claim_groups),
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("notes:Q", title="Number of the annotator's notes", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("kind:N", title="Kind of response", scale=alt.Scale(domain=kinds)),
            order=alt.Order("kind:N"),
            tooltip=[
                alt.Tooltip("claim_group:N", title="Claims"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("notes:Q", title="Notes"),
            ],
        )
        .properties(width=440, height=230)
    )
    parts = "; ".join(
        f"{g}: " + ", ".join(f"{r.notes} {r.kind}" for r in counts[counts.claim_group == g].itertuples())
        for g in claim_groups
        if g not in silent
    )
    return finish(
        chart,
        title=(
            f"{by_kind.index[0].capitalize()} is the annotator's most common response "
            f"({by_kind.iloc[0]} of {n} notes); the {by_group.index[0]} claims drew the most ({by_group.iloc[0]})"
        ),
        subtitle="Notes per group of claims in 'Planning for AGI and beyond', coloured by kind of response",
        description=(
            f"Horizontal stacked bar chart of the annotator's {n} notes by group of OpenAI's claims. "
            f"{parts}." + (f" No notes: {', '.join(silent)}." if silent else "")
        ),
    )
