"""Explorer for the racing model: teams, importance of capability, enmity, information, coalitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..charts import racing as racing_charts
from ..models import racing
from ._base import Choice, Explorer, Number

MU_GRID = np.round(np.arange(0.05, 3.0001, 0.05), 2)
KERNEL_FREE_MU = np.round(np.arange(0.1, 3.0001, 0.1), 2)


def _risk(v, info, mu=None):
    return racing.with_merge_and_assist(
        n_teams=v["n_teams"],
        coalition_size=min(v["coalition_size"], v["n_teams"]),
        capability_weight=v["capability_weight"] if mu is None else mu,
        enmity=v["enmity"],
        information=info,
    )


class RacingExplorer(Explorer):
    """Armstrong–Bostrom–Shulman race: how safety precautions fall as labs race."""

    title = "Racing to the precipice: how much safety do racing teams keep?"
    presets = {
        "Two cautious labs": dict(n_teams=2, capability_weight=1.0, enmity=0.2, information="none", coalition_size=1),
        "Many rivals": dict(n_teams=10, capability_weight=1.0, enmity=0.8, information="private", coalition_size=1),
        "Public leaderboard": dict(
            n_teams=5, capability_weight=1.0, enmity=0.5, information="public", coalition_size=1
        ),
        "Merge-and-assist": dict(n_teams=5, capability_weight=1.0, enmity=0.5, information="public", coalition_size=3),
    }

    def __init__(self, **initial):
        controls = {
            "n_teams": Number("Number of teams n", min=2, max=10, step=1, value=5, integer=True, unit="teams"),
            "capability_weight": Number(
                "Importance of capability μ",
                min=0.05,
                max=3.0,
                step=0.05,
                value=1.0,
                unit="× safety",
                help="How much capability matters for winning, relative to safety",
            ),
            "enmity": Number(
                "Enmity e",
                min=0.0,
                max=1.0,
                step=0.05,
                value=0.5,
                unit="0 to 1",
                help="0: a rival's safe win is as good as your own; 1: it is as bad as disaster",
            ),
            "information": Choice("Information", {"none": "none", "private": "private", "public": "public"}, "public"),
            "coalition_size": Number(
                "Coalition size m",
                min=1,
                max=10,
                step=1,
                value=1,
                integer=True,
                unit="teams",
                help="Teams that merge and stop racing each other; 1 = no coalition",
            ),
        }
        super().__init__(controls, **initial)

    def compute(self, v):
        if v["coalition_size"] > v["n_teams"]:
            raise ValueError(
                f"The coalition ({v['coalition_size']} teams) cannot be larger than the "
                f"number of teams ({v['n_teams']})."
            )
        curves = pd.concat(
            [
                pd.DataFrame(
                    {
                        "capability_weight": MU_GRID,
                        "information": info,
                        "disaster_probability": np.atleast_1d(_risk(v, info, MU_GRID)),
                    }
                )
                for info in racing.INFORMATION
            ],
            ignore_index=True,
        )
        risk = float(_risk(v, v["information"]))
        return {"curves": curves, "risk": risk}

    def sentence(self, v, r):
        coalition = f", {v['coalition_size']} of them merged into one project" if v["coalition_size"] > 1 else ""
        info = {
            "none": "no information about capabilities",
            "private": "private information (each team knows only its own capability)",
            "public": "public information (everyone knows every capability)",
        }[v["information"]]
        return (
            f"With {v['n_teams']} teams{coalition}, capability weighted μ = {v['capability_weight']:.2f}, "
            f"enmity e = {v['enmity']:.2f} and {info}, the equilibrium risk of disaster is {r['risk']:.0%}."
        )

    def datasets(self, v, r):
        curves = racing_charts.curves_data(r["curves"])
        current = pd.DataFrame(
            [
                {
                    "capability_weight": v["capability_weight"],
                    "information": v["information"],
                    "regime": racing_charts.REGIME_LABELS[v["information"]],
                    "disaster_probability": r["risk"],
                }
            ]
        )
        return {"curves": curves, "current": current}

    def build_chart(self, v, r):
        return racing_charts.risk_chart(
            r["curves"],
            {
                "capability_weight": v["capability_weight"],
                "information": v["information"],
                "disaster_probability": r["risk"],
            },
            title="Racing teams cut safety: risk falls as capability matters more",
            description=(
                "Line chart of the equilibrium risk of disaster (0 to 100%) against the importance of "
                "capability μ (0 to 3) for three information regimes; a marked point shows the "
                "explorer's current setting."
            ),
        )


def racing_explorer(**initial) -> RacingExplorer:
    """The racing explorer. Optional keyword arguments set the starting values, e.g.
    ``racing_explorer(n_teams=3, information="private")``."""
    return RacingExplorer(**initial)


def racing_kernel_free(*, teams=(2, 3, 4, 5, 6, 8, 10), enmities=None, start_teams=5, start_enmity=0.5):
    """The racing chart with sliders that work without a kernel (precomputed grid)."""
    enmities = list(np.round(np.arange(0.1, 1.0001, 0.1), 2)) if enmities is None else list(enmities)
    grid = racing.sweep(n_teams=tuple(teams), capability_weight=KERNEL_FREE_MU, enmity=tuple(enmities))
    return racing_charts.kernel_free_chart(
        grid, teams=list(teams), enmities=enmities, start_teams=start_teams, start_enmity=start_enmity
    )
