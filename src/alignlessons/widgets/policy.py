"""The policy workbench: one policy through every model (lesson 06).

Thin glue: the controls are the levers of :func:`alignlessons.models.policy.evaluate`, which
does all the computing; the chart is :func:`alignlessons.charts.synthesis.policy_chart`.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

from ..charts import synthesis as synthesis_charts
from ..models import policy, racing
from ._base import Choice, Explorer, Number

KERNEL_FREE_WAITS = tuple(float(t) for t in range(0, 37, 3))
KERNEL_FREE_SHARES = tuple(round(x, 2) for x in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9))

_LEVERS = (
    "wait_months",
    "information",
    "coalition_size",
    "alignment_share",
    "release_steps",
    "release_spacing",
    "safe_share",
)


class PolicyExplorer(Explorer):
    """Compose a policy from the course's levers and see every model's number at once."""

    title = "Policy workbench: what does each choice do, model by model?"
    presets = {
        "Status quo (the models' defaults)": dict(
            wait_months=12.0,
            information="none",
            coalition_size=1,
            alignment_share=23,
            release_steps=4,
            release_spacing=1.0,
            safe_share=75,
            n_teams=3,
            offense_advantage=1.0,
        ),
        "Race ahead": dict(
            wait_months=0.0,
            information="public",
            coalition_size=1,
            alignment_share=10,
            release_steps=1,
            release_spacing=1.0,
            safe_share=60,
            n_teams=3,
            offense_advantage=1.0,
        ),
        "Karnofsky-style caution": dict(
            wait_months=15.0,
            information="none",
            coalition_size=2,
            alignment_share=50,
            release_steps=5,
            release_spacing=1.0,
            safe_share=90,
            n_teams=3,
            offense_advantage=3.0,
        ),
        "Merge and go slow": dict(
            wait_months=24.0,
            information="none",
            coalition_size=3,
            alignment_share=60,
            release_steps=8,
            release_spacing=1.0,
            safe_share=95,
            n_teams=3,
            offense_advantage=1.0,
        ),
    }

    def __init__(self, **initial):
        controls = {
            "wait_months": Number(
                "Magma's wait before deploying",
                min=0.0,
                max=48.0,
                step=1.0,
                value=12.0,
                unit="months",
                help="Deployment model (lesson 04)",
            ),
            "information": Choice(
                "Information about capabilities",
                list(racing.INFORMATION),
                value="none",
                help="Racing model (lesson 03): what labs know of each other's capabilities",
            ),
            "coalition_size": Number(
                "Labs in a merge-and-assist coalition",
                min=1,
                max=10,
                step=1,
                value=1,
                integer=True,
                help="Racing model (lesson 03); 1 = no coalition",
            ),
            "alignment_share": Number(
                "Share of researchers on alignment",
                min=0,
                max=95,
                step=1,
                value=23,
                integer=True,
                unit="%",
                help="Research model (lessons 02, 05), of 130",
            ),
            "release_steps": Number(
                "Release in this many steps",
                min=1,
                max=10,
                step=1,
                value=4,
                integer=True,
                help="Transition model (lesson 01)",
            ),
            "release_spacing": Number(
                "Years between releases",
                min=0.1,
                max=1.0,
                step=0.1,
                value=1.0,
                unit="years",
                help="Transition model (lesson 01)",
            ),
            "safe_share": Number(
                "Safe side's share of resources in Phase 2",
                min=50,
                max=99,
                step=1,
                value=75,
                integer=True,
                unit="%",
                help="Offense-defense model (lesson 04)",
            ),
            "n_teams": Number(
                "World: labs racing", min=2, max=10, step=1, value=3, integer=True, help="An assumption, not a lever"
            ),
            "offense_advantage": Number(
                "World: offense advantage",
                min=0.1,
                max=30.0,
                step=0.1,
                value=1.0,
                help="An assumption, not a lever (1 = neutral)",
            ),
        }
        super().__init__(controls, **initial)

    @staticmethod
    def _split(v):
        pol = {k: v[k] for k in _LEVERS}
        pol["alignment_share"] = v["alignment_share"] / 100
        pol["safe_share"] = v["safe_share"] / 100
        pol["coalition_size"] = int(v["coalition_size"])
        pol["release_steps"] = int(v["release_steps"])
        pol["release_spacing"] = round(float(v["release_spacing"]), 6)
        world = {"n_teams": int(v["n_teams"]), "offense_advantage": float(v["offense_advantage"])}
        return pol, world

    def compute(self, v):
        pol, world = self._split(v)
        if pol["coalition_size"] > world["n_teams"]:
            raise ValueError(
                f"A coalition of {pol['coalition_size']} labs needs at least that many labs in the "
                f"race; there are {world['n_teams']}."
            )
        return policy.evaluate(pol, world)

    def sentence(self, v, r):
        best = r["optimal_wait"]
        best_txt = (
            f"the model's best wait is {best:.1f} months"
            if math.isfinite(best)
            else "the model says waiting longer always helps"
        )
        return (
            f"Waiting {v['wait_months']:g} months, Magma's total risk is {r['p_catastrophe']:.1%} "
            f"({best_txt}); the race's P(disaster) is {r['p_disaster_race']:.1%}; the six-step plan succeeds "
            f"with {r['plan_success']:.1%}; alignment gets {r['alignment_progress_share']:.0%} of research "
            f"progress; the peak adaptation gap is {r['peak_gap']:.0%}; dangerous AI prevails in Phase 2 "
            f"with {r['p_dangerous_prevails']:.1%}."
        )

    def datasets(self, v, r):
        return {"bars": synthesis_charts.policy_bars_data(r)}

    def build_chart(self, v, r):
        return synthesis_charts.policy_chart(
            self.datasets(v, r)["bars"],
            title="What your policy does, model by model",
            description=(
                "Horizontal bars, one per model, of a probability or share from 0 to 100% for the policy "
                "set by the controls: the race's P(disaster), Magma's action and inaction risk, the plan's "
                "success, alignment's share of research progress, the peak adaptation gap and the chance "
                "that dangerous AI prevails in Phase 2."
            ),
        )


def policy_explorer(**initial) -> PolicyExplorer:
    """The policy workbench. Keyword arguments set the starting values, e.g.
    ``policy_explorer(wait_months=18, information="none")`` (shares in %)."""
    return PolicyExplorer(**initial)


def policy_kernel_free(
    *,
    waits=KERNEL_FREE_WAITS,
    shares=KERNEL_FREE_SHARES,
    infos=racing.INFORMATION,
    start_wait=12.0,
    start_share=0.2,
    start_information="none",
):
    """The policy bars with controls for the wait, the alignment share and the information regime that
    work without a kernel (other levers at their defaults)."""
    rows = []
    for t, s, info in itertools.product(waits, shares, infos):
        r = policy.evaluate({"wait_months": t, "alignment_share": s, "information": info})
        rows.append(
            {
                "wait_months": t,
                "alignment_share": s,
                "information": info,
                **{k: r[k] for k in synthesis_charts.POLICY_BARS},
            }
        )
    d = policy.POLICY_DEFAULTS
    fixed = (
        f"no coalition, release in {d['release_steps']} yearly steps, safe share {d['safe_share']:.0%}, "
        f"3 labs, defaults of every model."
    )
    return synthesis_charts.policy_kernel_free_chart(
        pd.DataFrame(rows),
        waits=waits,
        shares=shares,
        infos=infos,
        start={"wait_months": start_wait, "alignment_share": start_share, "information": start_information},
        fixed=fixed,
    )
