"""Explorer for a plan as a chain of steps: the critique's six steps, one slider each."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd

from .. import content
from ..charts import plans as plan_charts
from ..models import plans
from ._base import Explorer, Number

IMPROVEMENT = 0.1
KERNEL_FREE_Q = np.round(np.arange(0.5, 1.0001, 0.02), 2)
KERNEL_FREE_RHO = np.round(np.arange(0.0, 1.0001, 0.1), 2)
KERNEL_FREE_STEPS = tuple(range(1, 13))


def _steps() -> pd.DataFrame:
    return content.plan_steps()


def _keys(n: int) -> list[str]:
    return [f"step_{i}" for i in range(1, n + 1)]


def _all(value: float, n: int = plans.N_STEPS, **extra) -> dict:
    return {**{k: value for k in _keys(n)}, **extra}


def _presets() -> dict:
    n = len(_steps())
    return {
        "Optimist": _all(0.9, n, correlation=0.0),
        "Optimist with a shared cause": _all(0.9, n, correlation=0.7),
        "Five at 90%, step 4 at 50%": {**_all(0.9, n, correlation=0.0), "step_4": 0.5},
        "One weak link": {**_all(0.95, n, correlation=0.0), "step_3": 0.4},
    }


class PlansExplorer(Explorer):
    """A plan that needs every one of the critique's six steps to succeed."""

    title = "A plan as a chain: every step has to hold"
    presets = _presets()

    def __init__(self, **initial):
        self.plan_steps = _steps()
        self.step_keys = _keys(len(self.plan_steps))
        controls = {}
        for key, row in zip(self.step_keys, self.plan_steps.itertuples()):
            controls[key] = Number(
                f"{row.step}. {row.name}",
                min=0.0,
                max=1.0,
                step=0.01,
                value=0.8,
                unit="0 to 1",
                help=f"Probability that step {row.step} succeeds. {row.description}",
            )
        controls["correlation"] = Number(
            "Shared cause ρ",
            min=0.0,
            max=1.0,
            step=0.05,
            value=0.0,
            unit="0 to 1",
            help=(
                "How much the steps hang on one common cause: 0 = they fail independently; "
                "1 = they all succeed or fail together, so the plan is exactly as strong as its weakest step"
            ),
        )
        for control in controls.values():  # the step names are long: widen the labels (our module only)
            control.slider.style.description_width = "28em"
            control.slider.layout.width = "44em"
        super().__init__(controls, **initial)
        heading = w.HTML(
            "<b>Probability that each step succeeds</b> (the documents give no numbers: these are your judgements)"
        )
        children = list(self.children)
        children.insert(children.index(controls[self.step_keys[0]]), heading)
        self.children = children

    def compute(self, v):
        p = [v[k] for k in self.step_keys]
        rho = v["correlation"]
        return {
            "p": p,
            "p_success": plans.success_probability(p, correlation=rho),
            "gains": plans.sensitivity(p, correlation=rho, improvement=IMPROVEMENT),
            "weakest": plans.weakest_step(p),
            "sensitive": plans.most_sensitive_step(p, correlation=rho, improvement=IMPROVEMENT),
        }

    def sentence(self, v, r):
        p, i = r["p"], r["sensitive"]
        rho = v["correlation"]
        cause = "independent steps" if rho == 0 else f"a shared cause of weight ρ = {rho:.2f}"
        after = plan_charts.percent(r["p_success"] + r["gains"][i])
        raised = f"{min(1.0, p[i] + IMPROVEMENT):.0%}"
        tied = [j for j in range(len(p)) if abs(p[j] - p[i]) < 1e-12 and abs(r["gains"][j] - r["gains"][i]) < 1e-12]
        if r["gains"][i] <= 1e-12:
            tail = (
                " Every step is already certain."
                if r["p_success"] >= 1
                else " No single 10-point improvement helps while another step is impossible."
            )
        elif len(tied) == len(p):
            tail = (
                f" All steps are equally likely ({p[i]:.0%}): raising any one to {raised} would lift that to {after}."
            )
        elif len(tied) > 1:
            names = ", ".join(str(self.plan_steps.iloc[j]["step"]) for j in tied[:-1])
            tail = (
                f" Steps {names} and {self.plan_steps.iloc[tied[-1]]['step']} tie as the weakest links "
                f"({p[i]:.0%}): raising any one to {raised} would lift that to {after}."
            )
        else:
            row = self.plan_steps.iloc[i]
            weak = "weakest" if i == r["weakest"] else "most sensitive"
            tail = (
                f" The {weak} link is step {row['step']} ({row['name']}, {p[i]:.0%}): raising it to "
                f"{raised} would lift that to {after}."
            )
        return f"With {cause}, the plan succeeds with probability {plan_charts.percent(r['p_success'])}." + tail

    def datasets(self, v, r):
        return {
            "steps": plan_charts.steps_data(self.plan_steps, r["p"], r["gains"], r["weakest"]),
            "overall": plan_charts.overall_data(r["p_success"]),
        }

    def build_chart(self, v, r):
        d = self.datasets(v, r)
        return plan_charts.steps_chart(
            d["steps"],
            d["overall"],
            title="The plan can do no better than its weakest step",
            description=(
                "Horizontal bar chart of the probability (0 to 100%) that each of the critique's six "
                "steps succeeds, the weakest step in a contrasting colour, with a dashed vertical rule "
                "at the probability that the whole plan succeeds."
            ),
        )


def plans_explorer(**initial) -> PlansExplorer:
    """The plan-chain explorer: one slider per step of the critique's six, plus a shared-cause weight.
    Keyword arguments set starting values, e.g. ``plans_explorer(step_4=0.3, correlation=0.5)``."""
    return PlansExplorer(**initial)


def plans_kernel_free(
    *,
    n_steps=KERNEL_FREE_STEPS,
    step_probabilities=None,
    correlations=None,
    start_probability=0.9,
    start_correlation=0.0,
):
    """P(success) against the number of equally likely steps, with sliders for the step probability
    and the shared-cause weight that work without a kernel (precomputed grid)."""
    qs = KERNEL_FREE_Q if step_probabilities is None else np.asarray(step_probabilities, float)
    rhos = KERNEL_FREE_RHO if correlations is None else np.asarray(correlations, float)
    grid = plan_charts.kernel_free_data(plans.sweep_steps(n_steps=n_steps, step_probability=qs, correlation=rhos))
    return plan_charts.kernel_free_chart(
        grid,
        step_probabilities=[float(q) for q in qs],
        correlations=[float(r) for r in rhos],
        start_probability=start_probability,
        start_correlation=start_correlation,
        highlight_steps=plans.N_STEPS,
    )
