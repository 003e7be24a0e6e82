"""Explorer for the transition model: staged vs. sudden release and the adaptation gap."""

from __future__ import annotations

import numpy as np

from ..charts import transition as transition_charts
from ..charts.text import quantity
from ..models import transition
from ._base import Explorer, Number

#: Kernel-free grid: step counts (spacing fixed) and adaptation rates (uniform, for a range slider).
KERNEL_FREE_STEPS = tuple(range(1, 9))
KERNEL_FREE_RATES = tuple(np.round(np.arange(0.25, 3.0001, 0.25), 2))
KERNEL_FREE_EXPONENTS = (0.5, 1.0, 2.0)
KERNEL_FREE_DT = 0.1


def _years(x: float) -> str:
    return quantity(x, "year")


class TransitionExplorer(Explorer):
    """Altman's gradual transition vs. the annotator's "at what cost?": the adaptation gap and who bears it."""

    title = "Gradual or sudden release: does a staged rollout reduce the harm, or spread it out?"
    presets = {
        "Sudden release": dict(
            n_steps=1, spacing=1.0, rate=1.0, harm_exponent=1.0, peak_weight=1.0, harm_weight=1.0, delay_weight=1.0
        ),
        "OpenAI's gradual path": dict(
            n_steps=6, spacing=1.0, rate=1.0, harm_exponent=1.0, peak_weight=1.0, harm_weight=1.0, delay_weight=1.0
        ),
        "Fast adaptation": dict(
            n_steps=4, spacing=1.0, rate=3.0, harm_exponent=1.0, peak_weight=1.0, harm_weight=1.0, delay_weight=1.0
        ),
        "Harm grows with the gap (convex)": dict(
            n_steps=6, spacing=1.0, rate=1.0, harm_exponent=2.0, peak_weight=1.0, harm_weight=1.0, delay_weight=1.0
        ),
    }

    def __init__(self, **initial):
        controls = {
            "n_steps": Number(
                "Number of release steps",
                min=1,
                max=12,
                step=1,
                value=4,
                integer=True,
                unit="steps",
                help="Equal steps that together release everything; 1 = sudden release",
            ),
            "spacing": Number(
                "Time between steps",
                min=0.25,
                max=3.0,
                step=0.25,
                value=1.0,
                unit="years",
                help="Years between successive releases (ignored for a single step)",
            ),
            "rate": Number(
                "Adaptation rate",
                min=0.25,
                max=5.0,
                step=0.25,
                value=1.0,
                unit="per year",
                help="How fast society closes the gap: 1 per year means it closes 63% of it in a year",
            ),
            "harm_exponent": Number(
                "Harm exponent p",
                min=0.5,
                max=3.0,
                step=0.1,
                value=1.0,
                unit="harm per year = gap^p",
                help="1: harm proportional to the gap; above 1 big gaps are "
                "disproportionately worse; below 1 any gap hurts",
            ),
            "peak_weight": Number(
                "Cost weight on the largest gap", min=0.0, max=5.0, step=0.25, value=1.0, unit="per unit of gap"
            ),
            "harm_weight": Number(
                "Cost weight on cumulative harm", min=0.0, max=5.0, step=0.25, value=1.0, unit="per unit of harm"
            ),
            "delay_weight": Number(
                "Cost weight on held-back benefit",
                min=0.0,
                max=5.0,
                step=0.25,
                value=1.0,
                unit="per capability-year",
                help="Benefit forgone by keeping capability back while releasing in steps",
            ),
        }
        super().__init__(controls, **initial)

    def _costs(self, capability, v) -> dict:
        rate, p = v["rate"], v["harm_exponent"]
        return {
            "peak": transition.peak_gap(capability, rate=rate),
            "harm": transition.cumulative_harm(capability, rate=rate, exponent=p),
            "delay": transition.delayed_benefit(capability),
            "cost": transition.cost(
                capability,
                rate=rate,
                harm_exponent=p,
                peak_weight=v["peak_weight"],
                harm_weight=v["harm_weight"],
                delay_weight=v["delay_weight"],
            ),
        }

    def compute(self, v):
        n, spacing = int(v["n_steps"]), float(v["spacing"])
        try:
            capability = transition.staged_schedule(n, spacing=spacing)
        except ValueError:
            last = (n - 1) * spacing
            raise ValueError(
                f"{n} steps {_years(spacing)} apart do not fit in the {transition.HORIZON:g} years the model "
                f"simulates (the last release would come in year {last:g}): choose fewer steps or a "
                f"shorter time between them."
            ) from None
        sudden = transition.staged_schedule(1)
        return {
            "time": transition.time_grid(),
            "capability": capability,
            "adaptation": transition.adaptation_path(capability, rate=v["rate"]),
            "sudden_capability": sudden,
            "sudden_adaptation": transition.adaptation_path(sudden, rate=v["rate"]),
            "peak_index": transition.peak_index(capability, rate=v["rate"]),
            "staged": self._costs(capability, v),
            "sudden": self._costs(sudden, v),
        }

    def sentence(self, v, r):
        s, o = r["staged"], r["sudden"]
        if v["n_steps"] == 1:
            return (
                f"Released all at once, the largest adaptation gap is {s['peak']:.2f}, the cumulative harm "
                f"{s['harm']:.2f} and the weighted cost {s['cost']:.2f}; add steps to see what a gradual "
                f"release changes."
            )
        return (
            f"Released in {v['n_steps']} steps, {_years(v['spacing'])} apart, the largest adaptation gap is "
            f"{s['peak']:.2f}, the cumulative harm {s['harm']:.2f} and the weighted cost {s['cost']:.2f}; "
            f"released at once, they would be {o['peak']:.2f}, {o['harm']:.2f} and {o['cost']:.2f}."
        )

    def datasets(self, v, r):
        t = r["time"]
        return {
            "paths": transition_charts.paths_data(
                t, r["capability"], r["adaptation"], r["sudden_capability"], r["sudden_adaptation"], v["harm_exponent"]
            ),
            "releases": transition_charts.releases_data(t, r["capability"]),
            "peak": transition_charts.peak_data(
                t, r["capability"], r["adaptation"], index=r["peak_index"], gap=r["staged"]["peak"]
            ),
            "summary": transition_charts.summary_data(r["staged"]["harm"], r["sudden"]["harm"], v["harm_exponent"]),
        }

    def build_chart(self, v, r):
        return transition_charts.paths_chart(
            self.datasets(v, r),
            horizon=transition.HORIZON,
            title="Does releasing in steps reduce the harm, or only spread it out?",
            subtitle=(
                "Top: deployed capability and society's adaptation, the gap shaded. "
                "Bottom: harm borne per year, staged vs. all at once."
            ),
            description=(
                "Two panels over ten years. Top: line chart of deployed capability, a staircase of "
                "release steps, and society's adaptation lagging behind it, with the gap between "
                "them shaded, the releases marked with triangles and the largest gap marked with a "
                "labelled bar. Bottom: the harm borne per year (the gap to the power p) for the "
                "staged release as a shaded area and for the sudden release as a dashed line, with "
                "both total harms written in the corner."
            ),
        )


def transition_explorer(**initial) -> TransitionExplorer:
    """The transition explorer. Optional keyword arguments set the starting values, e.g.
    ``transition_explorer(n_steps=6, rate=2.0)``."""
    return TransitionExplorer(**initial)


def transition_kernel_free(
    *,
    steps=KERNEL_FREE_STEPS,
    rates=KERNEL_FREE_RATES,
    exponents=KERNEL_FREE_EXPONENTS,
    spacing=transition.SPACING,
    start_steps=4,
    start_rate=1.0,
    start_exponent=1.0,
):
    """The capability/adaptation chart with sliders (number of steps, adaptation rate) and a harm
    exponent toggle that work without a kernel (precomputed grid, steps ``spacing`` years apart)."""
    steps, rates, exponents = list(steps), [float(r) for r in rates], [float(e) for e in exponents]
    grid = transition.sweep_rates(n_steps=tuple(steps), spacing=spacing, rates=rates, dt=KERNEL_FREE_DT)
    summary = transition.staged_vs_sudden(
        n_steps=steps, spacing=spacing, rates=rates, exponents=exponents, dt=KERNEL_FREE_DT
    )
    return transition_charts.kernel_free_chart(
        grid,
        summary,
        steps=steps,
        rates=rates,
        exponents=exponents,
        spacing=spacing,
        horizon=transition.HORIZON,
        start_steps=start_steps,
        start_rate=start_rate,
        start_exponent=start_exponent,
    )
