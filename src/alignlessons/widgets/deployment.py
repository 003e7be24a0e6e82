"""Explorer for the deployment model: Karnofsky's action risk vs. inaction risk for Magma."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..charts import deployment as deployment_charts
from ..charts.text import quantity
from ..models import deployment
from ._base import Explorer, Number

MAX_WAIT = 48.0
N_POINTS = 193  # every quarter month

KERNEL_FREE_HAZARDS = tuple(np.round(np.arange(0.02, 0.3001, 0.02), 2))
KERNEL_FREE_OTHERS = tuple(np.round(np.arange(0.1, 0.9001, 0.1), 2))
KERNEL_FREE_WAITS = tuple(float(t) for t in range(0, 49))


def _months(x: float) -> str:
    return quantity(x, "month", ".1f")


class DeploymentExplorer(Explorer):
    """Karnofsky's Phase 1: Magma weighs deploying (action risk) against being pre-empted (inaction risk)."""

    title = "Action vs. inaction risk: how long should Magma wait before deploying?"
    presets = {
        "Comfortable lead": dict(
            p_misaligned_now=0.3,
            p_misaligned_floor=0.05,
            halving_months=6.0,
            lead_months=18.0,
            hazard_per_month=0.05,
            p_other_misaligned=0.5,
            wait_months=24.0,
        ),
        "Close race": dict(
            p_misaligned_now=0.3,
            p_misaligned_floor=0.05,
            halving_months=6.0,
            lead_months=6.0,
            hazard_per_month=0.15,
            p_other_misaligned=0.5,
            wait_months=12.0,
        ),
        "Careless rival": dict(
            p_misaligned_now=0.3,
            p_misaligned_floor=0.05,
            halving_months=6.0,
            lead_months=12.0,
            hazard_per_month=0.08,
            p_other_misaligned=0.8,
            wait_months=18.0,
        ),
        "Alignment stalls": dict(
            p_misaligned_now=0.3,
            p_misaligned_floor=0.2,
            halving_months=24.0,
            lead_months=12.0,
            hazard_per_month=0.08,
            p_other_misaligned=0.5,
            wait_months=18.0,
        ),
    }

    def __init__(self, **initial):
        controls = {
            "p_misaligned_now": Number(
                "Magma's P(misaligned) if it deploys now", min=0.0, max=1.0, step=0.01, value=0.3, unit="probability"
            ),
            "p_misaligned_floor": Number(
                "Floor of Magma's P(misaligned)",
                min=0.0,
                max=1.0,
                step=0.01,
                value=0.05,
                unit="probability",
                help="The risk that no amount of alignment work removes",
            ),
            "halving_months": Number(
                "Halving time of Magma's excess risk",
                min=1.0,
                max=36.0,
                step=1.0,
                value=6.0,
                unit="months",
                help="Months of alignment work that halve the risk above the floor",
            ),
            "lead_months": Number(
                "Magma's lead",
                min=0.0,
                max=24.0,
                step=1.0,
                value=12.0,
                unit="months",
                help="Months before anyone else can deploy (the document: 6 to 24)",
            ),
            "hazard_per_month": Number(
                "Hazard of a rival deploying",
                min=0.0,
                max=0.5,
                step=0.01,
                value=0.08,
                unit="per month, after the lead",
                help="Chance per month that a less careful actor deploys once the lead is over",
            ),
            "p_other_misaligned": Number(
                "Rival's P(misaligned)",
                min=0.0,
                max=1.0,
                step=0.01,
                value=0.5,
                unit="probability",
                help="Karnofsky: likely less careful than Magma",
            ),
            "wait_months": Number("Magma's wait", min=0.0, max=MAX_WAIT, step=1.0, value=6.0, unit="months"),
        }
        super().__init__(controls, **initial)

    def compute(self, v):
        if v["p_misaligned_floor"] > v["p_misaligned_now"]:
            raise ValueError(
                f"The floor of Magma's P(misaligned) ({v['p_misaligned_floor']:.2f}) cannot be above its "
                f"P(misaligned) now ({v['p_misaligned_now']:.2f}): alignment work only lowers the risk."
            )
        params = {k: float(v[k]) for k in deployment.PARAMETERS}
        wait = float(v["wait_months"])
        optimal = deployment.optimal_wait(**params)
        return {
            "curve": deployment.risk_curve(max_wait_months=MAX_WAIT, n_points=N_POINTS, **params),
            "action": deployment.action_risk(wait, **params),
            "inaction": deployment.inaction_risk(wait, **params),
            "total": deployment.p_catastrophe(wait, **params),
            "now": deployment.p_catastrophe(0.0, **params),
            "optimal": optimal,
            "best": deployment.p_catastrophe(optimal, **params) if math.isfinite(optimal) else None,
            "break_even": deployment.break_even_wait(**params),
        }

    def sentence(self, v, r):
        wait = float(v["wait_months"])
        start = (
            f"Deploying at once, P(catastrophe) is {r['total']:.1%} (all action risk)"
            if wait == 0
            else f"Waiting {wait:g} months, Magma's action risk is {r['action']:.1%} and the inaction risk "
            f"{r['inaction']:.1%}, so P(catastrophe) is {r['total']:.1%}"
        )
        if math.isfinite(r["optimal"]):
            best = f"the best wait is {_months(r['optimal'])} ({r['best']:.1%})"
        else:
            best = "waiting longer always lowers the risk"
        be = r["break_even"]
        if not math.isfinite(be):
            even = "no wait is worse than deploying at once"
        elif be <= 0:
            even = "every wait is worse than deploying at once"
        else:
            even = f"waiting more than {_months(be)} is worse than deploying at once"
        return f"{start}; {best}, and {even}."

    def datasets(self, v, r):
        opt, be = r["optimal"], r["break_even"]
        return {
            "curves": deployment_charts.curves_data(r["curve"]),
            "current": deployment_charts.current_data(v["wait_months"], r["action"], r["inaction"], r["total"]),
            "optimum": deployment_charts.point_data(
                opt, r["best"] if r["best"] is not None else 0.0, f"best wait {opt:.1f}", MAX_WAIT
            ),
            "baseline": pd.DataFrame(
                [{"probability": round(r["now"], 6), "text": f"deploying at once: {r['now']:.1%}"}]
            ),
            "break_even": deployment_charts.point_data(be, r["now"], f"break-even {be:.1f}", MAX_WAIT)
            if be > 0
            else deployment_charts.point_data(math.inf, 0.0, "", MAX_WAIT),
        }

    def build_chart(self, v, r):
        return deployment_charts.risk_chart(
            self.datasets(v, r),
            max_wait=MAX_WAIT,
            title="How long should Magma wait before deploying?",
            subtitle=(
                "Waiting lowers the risk from Magma's own AI (action risk) but may let a rival "
                "deploy first (inaction risk)."
            ),
            description=(
                "Line chart of Magma's action risk, the inaction risk and the total probability of "
                f"catastrophe against a wait of 0 to {MAX_WAIT:g} months. A dashed vertical line and "
                "points mark the current wait, a green diamond the best wait, a dotted horizontal "
                "line the risk of deploying at once and an orange vertical line the break-even wait "
                "beyond which waiting is worse than deploying at once."
            ),
        )


def deployment_explorer(**initial) -> DeploymentExplorer:
    """The deployment explorer. Optional keyword arguments set the starting values, e.g.
    ``deployment_explorer(lead_months=6, hazard_per_month=0.15)``."""
    return DeploymentExplorer(**initial)


def deployment_kernel_free(
    *,
    hazards=KERNEL_FREE_HAZARDS,
    others=KERNEL_FREE_OTHERS,
    waits=KERNEL_FREE_WAITS,
    start_hazard=0.08,
    start_other=0.5,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
):
    """The risk lines with sliders for the rival's hazard and P(misaligned) that work without a kernel."""
    hazards, others, waits = [float(h) for h in hazards], [float(q) for q in others], [float(t) for t in waits]
    if any(abs(b - a - (waits[1] - waits[0])) > 1e-9 for a, b in zip(waits, waits[1:])):
        raise ValueError("waits must be evenly spaced")
    fixed = dict(
        p_misaligned_now=p_misaligned_now,
        p_misaligned_floor=p_misaligned_floor,
        halving_months=halving_months,
        lead_months=lead_months,
    )
    frames, marks = [], []
    for q in others:
        sweep = deployment.sweep(
            max_wait_months=max(waits), n_points=len(waits), hazard_per_month=hazards, p_other_misaligned=q, **fixed
        )
        frames.append(sweep.assign(p_other_misaligned=q))
        for h in hazards:
            params = dict(fixed, hazard_per_month=h, p_other_misaligned=q)
            opt, be = deployment.optimal_wait(**params), deployment.break_even_wait(**params)
            marks.append(
                {
                    "hazard_per_month": h,
                    "p_other_misaligned": q,
                    "optimal": opt if math.isfinite(opt) else None,
                    "best_probability": deployment.p_catastrophe(opt, **params) if math.isfinite(opt) else None,
                    "break_even": be if math.isfinite(be) else None,
                }
            )
    grid = pd.concat(frames, ignore_index=True)
    grid["wait_months"] = grid["wait_months"].round(6)
    return deployment_charts.kernel_free_chart(
        grid,
        pd.DataFrame(marks),
        hazards=hazards,
        others=others,
        waits=waits,
        start_hazard=start_hazard,
        start_other=start_other,
        now=deployment.p_catastrophe(0.0, hazard_per_month=hazards[0], p_other_misaligned=others[0], **fixed),
        fixed=(
            f"Magma's P(misaligned) {p_misaligned_now:g} now, falling to {p_misaligned_floor:g} (excess halving "
            f"every {halving_months:g} months); lead {lead_months:g} months."
        ),
    )
