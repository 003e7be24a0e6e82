"""Explorer for the takeoff model: does a validated alignment technique keep up with each jump?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..charts import takeoff as takeoff_charts
from ..charts.text import percent as format_percent
from ..charts.text import quantity
from ..models import takeoff
from ._base import Choice, Explorer, Number

#: Reference tails drawn as thin lines beside the explorer's own setting.
REFERENCE_TAILS = (0.0, 0.5, 1.0, 2.0)
MAX_GENERATIONS = 50
GENERATIONS = np.arange(1, MAX_GENERATIONS + 1)
#: Jump sizes (log-spaced) at which the jump distribution's CDF is drawn.
JUMP_SIZES = np.geomspace(0.1, 1000.0, 121)

KERNEL_FREE_TAILS = tuple(np.round(np.arange(0.0, 2.0001, 0.1), 2))
KERNEL_FREE_RADII = tuple(range(2, 31, 2))
KERNEL_FREE_GENERATIONS = tuple(range(1, 31))


def percent(p: float) -> str:
    """A probability as a percentage that never rounds a possibility to 0% or a risk to 100%."""
    return format_percent(p, 1, margin=0.001, below="less than {}", above="more than {}")


def _points(x: float) -> str:
    return quantity(x, "point")


class TakeoffExplorer(Explorer):
    """Akash's critique: a technique validated on one generation carries only to a successor within reach."""

    title = "Continuous or discontinuous progress: does alignment carry through every generation?"
    presets = {
        "Continuous: every successor is a 102": dict(
            median_jump=2.0, tail=0.0, radius=10.0, generations=20, distribution="lognormal"
        ),
        "Discontinuous: the successor is a 200": dict(
            median_jump=100.0, tail=0.0, radius=10.0, generations=1, distribution="lognormal"
        ),
        "Mostly continuous, rare big jumps": dict(
            median_jump=2.0, tail=1.0, radius=10.0, generations=20, distribution="lognormal"
        ),
        "Power-law jumps (sharp left turns)": dict(
            median_jump=2.0, tail=0.5, radius=10.0, generations=20, distribution="pareto"
        ),
    }

    def __init__(self, **initial):
        controls = {
            "tail": Number(
                "Tail of the jump sizes",
                min=0.0,
                max=3.0,
                step=0.05,
                value=1.0,
                unit="0 = continuous",
                help="0: every jump equals the median; larger: rare jumps far bigger than the median",
            ),
            "radius": Number(
                "Generalisation radius",
                min=1.0,
                max=200.0,
                step=1.0,
                value=10.0,
                unit="points",
                help="Largest jump a technique validated on one generation still survives",
            ),
            "median_jump": Number(
                "Median jump per generation",
                min=1.0,
                max=150.0,
                step=1.0,
                value=2.0,
                unit="points",
                help="The critique's example: 2 (100 → 102) or 100 (100 → 200)",
            ),
            "generations": Number(
                "Generations", min=1, max=MAX_GENERATIONS, step=1, value=10, integer=True, unit="successive systems"
            ),
            "distribution": Choice(
                "Jump distribution",
                {"lognormal": "lognormal", "power law (Pareto)": "pareto"},
                "lognormal",
                help="Pareto tails are power laws: huge jumps are far likelier",
            ),
        }
        super().__init__(controls, **initial)

    def compute(self, v):
        common = dict(radius=v["radius"], median_jump=v["median_jump"], distribution=v["distribution"])
        tails = sorted(set(REFERENCE_TAILS) | {float(v["tail"])})
        sweep = takeoff.sweep(tails=tails, generations=GENERATIONS, **common)
        return {
            "sweep": sweep,
            "p_step": takeoff.p_step_aligned(tail=v["tail"], **common),
            "p_all": takeoff.p_all_aligned(int(v["generations"]), tail=v["tail"], **common),
            "cdf": takeoff.p_step_aligned(
                radius=JUMP_SIZES, median_jump=v["median_jump"], tail=v["tail"], distribution=v["distribution"]
            ),
        }

    def sentence(self, v, r):
        dist = "lognormal" if v["distribution"] == "lognormal" else "Pareto (power-law)"
        g = int(v["generations"])
        whole = "the one generation stays" if g == 1 else f"all {g} generations stay"
        if v["tail"] == 0 and v["distribution"] == "lognormal":
            jumps = f"every jump exactly {_points(v['median_jump'])}"
        else:
            jumps = f"a median jump of {_points(v['median_jump'])}, a {dist} tail of {v['tail']:.2f}"
        return (
            f"With {jumps} and a generalisation radius of {_points(v['radius'])}, each generation stays within reach "
            f"with probability {percent(r['p_step'])}, so {whole} aligned with probability {percent(r['p_all'])}."
        )

    def datasets(self, v, r):
        g = int(v["generations"])
        current = pd.DataFrame(
            [{"generations": g, "p_all_aligned": round(r["p_all"], 6), "label": f"{percent(r['p_all'])} after {g}"}]
        )
        cdf = pd.DataFrame({"jump": np.round(JUMP_SIZES, 4), "p_jump_within": np.round(r["cdf"], 6)})
        radius = pd.DataFrame(
            [
                {
                    "radius": v["radius"],
                    "p_step_aligned": round(r["p_step"], 6),
                    "label": f"radius {v['radius']:g}: {percent(r['p_step'])} of jumps fit",
                }
            ]
        )
        return {
            "curves": takeoff_charts.curves_data(r["sweep"], float(v["tail"]), REFERENCE_TAILS),
            "current": current,
            "cdf": cdf,
            "radius": radius,
        }

    def build_chart(self, v, r):
        return takeoff_charts.alignment_chart(
            self.datasets(v, r),
            reference_tails=list(REFERENCE_TAILS),
            max_generations=MAX_GENERATIONS,
            title="How likely is every generation to stay within reach of the last one's alignment?",
            subtitle=(
                "Top: P(all aligned) after each generation (thick: your tail). "
                "Bottom: how big one generation's jump is, and the radius a technique survives."
            ),
            description=(
                "Two panels. Top: line chart of the probability that every generation's capability "
                "jump stays within the generalisation radius, against 1 to 50 generations, for "
                "reference tails 0, 0.5, 1 and 2 (thin lines) and for the explorer's setting (a thick "
                "black line), with the current number of generations marked by a point. Bottom: the "
                "probability that one generation's jump is at most a given size (log scale, 0.1 to "
                "1000 points) with the generalisation radius marked by a green line."
            ),
        )


def takeoff_explorer(**initial) -> TakeoffExplorer:
    """The takeoff explorer. Optional keyword arguments set the starting values, e.g.
    ``takeoff_explorer(tail=1.5, generations=20)``."""
    return TakeoffExplorer(**initial)


def takeoff_kernel_free(
    *,
    tails=KERNEL_FREE_TAILS,
    radii=KERNEL_FREE_RADII,
    generations=KERNEL_FREE_GENERATIONS,
    median_jump=takeoff.CONTINUOUS_JUMP,
    distribution="lognormal",
    start_tail=1.0,
    start_radius=10,
):
    """P(all aligned) against generations with tail and radius sliders that work without a kernel."""
    tails, radii, generations = [float(t) for t in tails], [float(r) for r in radii], [int(g) for g in generations]
    grid = pd.concat(
        [
            takeoff.sweep(
                tails=tails, generations=generations, radius=r, median_jump=median_jump, distribution=distribution
            )
            for r in radii
        ],
        ignore_index=True,
    )
    return takeoff_charts.kernel_free_chart(
        grid,
        tails=tails,
        radii=radii,
        generations=generations,
        median_jump=median_jump,
        distribution=distribution,
        start_tail=start_tail,
        start_radius=start_radius,
    )
