"""Explorer for the offense-defense contest: can a resource lead for safe AI be enough?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..charts import offense_defense as od_charts
from ..charts.text import percent, ratio
from ..models import offense_defense as od
from ._base import Choice, Explorer, Number

#: Offense-advantage levels b (the safe side needs b times the resources for a coin flip, at k = 1).
LEVELS = (0.1, 1 / 3, 1.0, 3.0, 10.0, 30.0, 100.0)
N_POINTS = 101
KERNEL_FREE_DECISIVENESS = (0.5, 1.0, 2.0)
KERNEL_FREE_ATTEMPTS = (1, 3, 10, 30)
KERNEL_FREE_TARGETS = (0.01, 0.05, 0.1, 0.25)


def _share(s: float) -> str:
    """A share as a percentage with just enough digits to tell it from 100%."""
    return percent(s, more_digits=4, margin=5e-7, bound=1e-6, above="essentially all (over {})", share=True)


def _lead(r: float) -> str:
    """A safe-to-dangerous resource ratio ``r`` in words: 'a 3:1 lead', 'outnumbered 2:1'."""
    if abs(r - 1) < 1e-9:
        return "an even split"
    if r > 1:
        text = ratio(r)
        return f"a lead of {text}" if text.startswith("over") else f"a {text} lead"
    return f"outnumbered {ratio(1 / r)}"


def _pct(p: float) -> str:
    """A probability as a whole percentage, never rounding a possibility to 0% or 100%."""
    return percent(p, margin=0.005)


def _balance(b: float) -> str:
    label = od_charts.level_label(b)  # "even", "offence 10:1" or "defence 3:1"
    return "offence and defence evenly matched" if label == "even" else label.replace(" ", " favoured ", 1)


class OffenseDefenseExplorer(Explorer):
    """Safe vs. dangerous AI as a Tullock contest (Karnofsky's offense-defense worry)."""

    title = "Offense vs. defence: is a resource lead for safe AI enough?"
    presets = {
        "Defence-dominant": dict(
            offense_advantage=1 / 3, safe_share=75.0, decisiveness=1.0, n_attempts=1, target_risk=10.0
        ),
        "Balanced": dict(offense_advantage=1.0, safe_share=75.0, decisiveness=1.0, n_attempts=1, target_risk=10.0),
        "Offense-dominant (several times the resources is not enough)": dict(
            offense_advantage=10.0, safe_share=75.0, decisiveness=1.0, n_attempts=1, target_risk=10.0
        ),
        "Many attempts (stop ~all dangerous deployments)": dict(
            offense_advantage=1.0, safe_share=90.0, decisiveness=1.0, n_attempts=20, target_risk=10.0
        ),
    }

    def __init__(self, **initial):
        controls = {
            "safe_share": Number(
                "Safe side's share of resources",
                min=1,
                max=99,
                step=1,
                value=75,
                unit="%",
                help="75% means the safe side has 3 times the dangerous side's resources",
            ),
            "offense_advantage": Choice(
                "Offense advantage b",
                {od_charts.level_label(b): b for b in LEVELS},
                10.0,
                help="offence b:1 means the safe side needs b times the resources for a coin flip (at k = 1)",
            ),
            "decisiveness": Number(
                "Decisiveness k",
                min=0.25,
                max=4.0,
                step=0.05,
                value=1.0,
                unit="exponent; 1 = odds in proportion to resources",
                help="How strongly a resource edge turns into winning: near 0 luck, large k the "
                "bigger side almost always wins",
            ),
            "n_attempts": Number(
                "Number of attempts n",
                min=1,
                max=100,
                step=1,
                value=1,
                integer=True,
                unit="independent contests",
                help="Dangerous deployments (or tries); the dangerous side needs to prevail once",
            ),
            "target_risk": Number(
                "Target risk",
                min=1,
                max=50,
                step=1,
                value=10,
                unit="%",
                help="Risk the safe side wants to stay under; the chart marks the share needed",
            ),
        }
        super().__init__(controls, **initial)

    @staticmethod
    def _model_args(v):
        return dict(
            offense_advantage=float(v["offense_advantage"]),
            decisiveness=float(v["decisiveness"]),
            n_attempts=int(v["n_attempts"]),
        )

    def compute(self, v):
        args = self._model_args(v)
        share, target = v["safe_share"] / 100, v["target_risk"] / 100
        curves = od.sweep(
            offense_advantage=LEVELS,
            n_points=N_POINTS,
            decisiveness=args["decisiveness"],
            n_attempts=args["n_attempts"],
        )
        return {
            "curves": curves,
            "risk": od.p_dangerous_prevails(share, **args),
            "share_needed": od.safe_share_needed(target, **args),
            "ratio_needed": od.resource_ratio_needed(target, **args),
        }

    def sentence(self, v, r):
        share, target = v["safe_share"] / 100, v["target_risk"] / 100
        k = "" if abs(v["decisiveness"] - 1) < 1e-9 else f" (decisiveness k = {v['decisiveness']:g})"
        n = int(v["n_attempts"])
        prevails = "prevails" if n == 1 else f"prevails at least once in {n} attempts"
        still = "still " if share > 0.5 else ""
        head = (
            f"With {share:.0%} of the resources ({_lead(share / (1 - share))}) and "
            f"{_balance(v['offense_advantage'])}{k}, "
            f"the dangerous side {still}{prevails} {_pct(r['risk'])} of the time"
        )
        need = f"{_share(r['share_needed'])} of the resources ({_lead(r['ratio_needed'])})"
        if r["risk"] <= target * (1 + 1e-9):
            return f"{head}, within the {target:.0%} target, which needs at least {need}."
        return f"{head}; holding the risk under {target:.0%} would take {need}."

    def datasets(self, v, r):
        share, target = v["safe_share"] / 100, v["target_risk"] / 100
        return {
            "curves": od_charts.curves_data(r["curves"], v["offense_advantage"]),
            "current": od_charts.current_data(share, v["offense_advantage"], r["risk"]),
            "needed": od_charts.needed_data(r["share_needed"], target),
        }

    def build_chart(self, v, r):
        d = self.datasets(v, r)
        return od_charts.contest_chart(
            d["curves"],
            d["current"],
            d["needed"],
            levels=LEVELS,
            description=(
                "Line chart of the probability that the dangerous side prevails (0 to 100%) against the "
                "safe side's share of all resources (0 to 100%), one line per offense-advantage level from "
                "defence favoured 10:1 to offence favoured 100:1, the current level drawn bold. A point "
                "marks the current share; a dotted horizontal rule marks the target risk and a dashed "
                "vertical rule the share needed to stay under it."
            ),
        )


def offense_defense_explorer(**initial) -> OffenseDefenseExplorer:
    """The offense-defense explorer. Optional keyword arguments set the starting values, e.g.
    ``offense_defense_explorer(offense_advantage=3.0, safe_share=90)`` (shares and target in %)."""
    return OffenseDefenseExplorer(**initial)


def offense_defense_kernel_free(
    *,
    levels=LEVELS,
    decisiveness=KERNEL_FREE_DECISIVENESS,
    attempts=KERNEL_FREE_ATTEMPTS,
    targets=KERNEL_FREE_TARGETS,
    share_step=0.01,
    start_share=0.75,
    start_advantage=10.0,
    start_decisiveness=1.0,
    start_attempts=1,
    start_target=0.1,
):
    """The offense-defense chart with controls that work without a kernel (precomputed grid)."""
    levels, decisiveness, attempts, targets = (tuple(levels), tuple(decisiveness), tuple(attempts), tuple(targets))
    n_points = int(round(1 / share_step)) + 1
    grid = pd.concat(
        [
            od.sweep(offense_advantage=levels, n_points=n_points, decisiveness=k, n_attempts=n).assign(
                decisiveness=k, n_attempts=n
            )
            for k in decisiveness
            for n in attempts
        ],
        ignore_index=True,
    )
    K, N, B, T = (a.ravel() for a in np.meshgrid(decisiveness, attempts, levels, targets, indexing="ij"))
    needed = pd.DataFrame(
        {
            "decisiveness": K,
            "n_attempts": N.astype(int),
            "offense_advantage": B,
            "target_risk": T,
            "safe_share_needed": od.safe_share_needed(T, offense_advantage=B, decisiveness=K, n_attempts=N.astype(int)),
        }
    )
    start = {
        "offense_advantage": start_advantage,
        "decisiveness": start_decisiveness,
        "n_attempts": start_attempts,
        "target_risk": start_target,
        "safe_share": start_share,
    }
    return od_charts.kernel_free_chart(
        grid, needed, levels=levels, decisiveness=decisiveness, attempts=attempts, targets=targets, start=start
    )
