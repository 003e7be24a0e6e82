"""Explorers for shared evidence and late warnings (the openai-misconceptions comment thread).

* :class:`EvidenceExplorer` — two observers with different priors update on the same yes/no
  observations; informative evidence brings them together, uninformative evidence never does.
* :class:`WarningExplorer` — warnings appear only once capability passes a threshold; do they
  come early enough to act on before the point of no return?

Presets follow positions in the thread as the model's docstring attributes them (Jacob Hilton,
John Wentworth, Joe Collman); the explorers do not take sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..charts import evidence as ev_charts
from ..charts.text import percent
from ..models import evidence as ev
from ._base import Choice, Explorer, Number

DOUBLING_GRID = np.linspace(1.0, 36.0, 71)
KERNEL_FREE_REGIMES = {  # key: (P(signal | H), P(signal | not H), radio label)
    "strong": (0.7, 0.2, "strong (0.7 vs 0.2)"),
    "clear": (0.6, 0.3, "clear (0.6 vs 0.3)"),
    "weak": (0.45, 0.4, "weak (0.45 vs 0.4)"),
    "none": (0.4, 0.4, "uninformative (0.4 vs 0.4)"),
}


def _pct(p: float) -> str:
    """A probability as a percentage, with extra digits only near 0% and 100%."""
    return percent(p, more_digits=3, bound=1e-4)


def _points(x: float) -> str:
    """A gap in percentage points."""
    pts = 100 * x
    if pts == 0:
        return "0"
    if pts < 0.1:
        return "under 0.1"
    return f"{pts:.0f}" if pts >= 10 else f"{pts:.1f}"


def _month(t: float) -> str:
    return f"month {round(t, 1):g}"


# ------------------------------------------------------------------ Part 1: Bayes
class EvidenceExplorer(Explorer):
    """Bayesian observers with different priors watching the same evidence."""

    title = "Shared evidence: do observers with different priors come to agree?"
    presets = {
        "Hilton: clear enough evidence changes minds": dict(
            prior_first=20, prior_second=80, p_signal_if_h=60, p_signal_if_not_h=30, truth="H", n_steps=100
        ),
        "Weak evidence: minds change slowly": dict(
            prior_first=20, prior_second=80, p_signal_if_h=45, p_signal_if_not_h=40, truth="H", n_steps=300
        ),
        "Wentworth (and Collman's Y-problems): things look fine early on": dict(
            prior_first=20, prior_second=80, p_signal_if_h=10, p_signal_if_not_h=10, truth="H", n_steps=100
        ),
        "Clear evidence, and H is false": dict(
            prior_first=20, prior_second=80, p_signal_if_h=60, p_signal_if_not_h=30, truth="not H", n_steps=100
        ),
    }

    def __init__(self, **initial):
        controls = {
            "prior_first": Number(
                "First observer's prior P(H)",
                min=1,
                max=99,
                step=1,
                value=20,
                unit="%",
                help="H is a contested empirical claim, e.g. 'alignment is hard'",
            ),
            "prior_second": Number("Second observer's prior P(H)", min=1, max=99, step=1, value=80, unit="%"),
            "p_signal_if_h": Number(
                "P(signal | H)",
                min=1,
                max=99,
                step=1,
                value=60,
                unit="% of observations",
                help="How often an observation shows the signal if H is true",
            ),
            "p_signal_if_not_h": Number(
                "P(signal | not H)",
                min=1,
                max=99,
                step=1,
                value=30,
                unit="% of observations",
                help="How often it shows the signal if H is false; equal to P(signal | H) "
                "means the evidence is uninformative",
            ),
            "truth": Choice(
                "The data come from",
                {"H": "H", "not H": "not H"},
                "H",
                help="Which hypothesis actually generates the observations",
            ),
            "n_steps": Number(
                "Observations", min=10, max=500, step=10, value=100, integer=True, unit="shared yes/no observations"
            ),
            "seed": Number(
                "Random run",
                min=0,
                max=99,
                step=1,
                value=0,
                integer=True,
                unit="seed",
                help="A different seed draws a different sequence of observations",
            ),
        }
        super().__init__(controls, **initial)

    def compute(self, v):
        p1, p2 = v["prior_first"] / 100, v["prior_second"] / 100
        if abs(p1 - p2) < 1e-12:
            raise ValueError(
                f"The two observers start from the same prior ({p1:.0%}), so there is no "
                f"disagreement to follow; give them different priors."
            )
        a, b = v["p_signal_if_h"] / 100, v["p_signal_if_not_h"] / 100
        same = a if v["truth"] == "H" else b  # uninformative: the signal is as likely either way
        n = int(v["n_steps"])
        frame = ev.sweep(
            observer_priors=(p1, p2),
            p_signal_if_h=(a, same),
            p_signal_if_not_h=(b, same),
            true_hypothesis=v["truth"],
            n_steps=n,
            seed=int(v["seed"]),
        )
        rows = 2 * (n + 1)
        block, flat = frame.iloc[:rows], frame.iloc[rows:]
        last = block.loc[block["step"] == n, "posterior_h"].to_numpy()
        return {
            "block": block,
            "uninformative": flat,
            "final": (float(last[0]), float(last[1])),
            "gap_start": float(block["disagreement"].iloc[0]),
            "gap_end": float(block["disagreement"].iloc[-1]),
            "information": float(block["information_nats"].iloc[0]),
        }

    def sentence(self, v, r):
        p1, p2 = v["prior_first"] / 100, v["prior_second"] / 100
        n, truth = int(v["n_steps"]), v["truth"]
        f1, f2 = r["final"]
        if r["information"] == 0:
            return (
                f"The signal is equally likely whether or not H is true, so after {n} shared observations the "
                f"observers who started at P(H) = {p1:.0%} and {p2:.0%} still hold {_pct(f1)} and {_pct(f2)}: "
                f"their disagreement stays at {_points(r['gap_start'])} percentage points however much "
                f"they observe."
            )
        return (
            f"After {n} shared observations generated by {truth} ({r['information']:.3g} nats of evidence "
            f"per observation on average), "
            f"the observers who started at P(H) = {p1:.0%} and {p2:.0%} now hold {_pct(f1)} and {_pct(f2)}: "
            f"their disagreement went from {_points(r['gap_start'])} to {_points(r['gap_end'])} percentage "
            f"points (uninformative evidence would have left it at {_points(r['gap_start'])})."
        )

    def datasets(self, v, r):
        paths = ev_charts.paths_data(r["block"])
        return {
            "paths": paths,
            "ends": ev_charts.ends_data(paths),
            "gaps": ev_charts.gaps_data(r["block"], r["uninformative"]),
        }

    def build_chart(self, v, r):
        d = self.datasets(v, r)
        return ev_charts.bayes_chart(
            d["paths"],
            d["ends"],
            d["gaps"],
            description=(
                "Top: line chart of two observers' belief in H (0 to 100%) after each of the shared yes/no "
                "observations, starting from their different priors; points mark the final beliefs. "
                "Bottom: the gap between the two beliefs in percentage points, for this evidence (solid) "
                "and for uninformative evidence (dashed), which leaves the gap at its starting value."
            ),
        )


def evidence_explorer(**initial) -> EvidenceExplorer:
    """The Bayesian-updating explorer. Optional keyword arguments set the starting values (priors and
    signal probabilities in %), e.g. ``evidence_explorer(p_signal_if_h=45, p_signal_if_not_h=40)``."""
    return EvidenceExplorer(**initial)


def evidence_kernel_free(
    *, regimes=None, observer_priors=(0.2, 0.8), n_steps=100, seed=0, start_regime="clear", start_truth="H"
):
    """The shared-evidence chart with radios that work without a kernel (precomputed grid).

    ``regimes`` maps keys to (P(signal | H), P(signal | not H), label); it must include an
    uninformative regime (equal probabilities)."""
    regimes = dict(KERNEL_FREE_REGIMES if regimes is None else regimes)
    flat = [k for k, (a, b, _) in regimes.items() if a == b]
    if not flat:
        raise ValueError("regimes must include an uninformative regime (equal signal probabilities)")
    keys = list(regimes)
    frames = []
    for truth in ("H", "not H"):
        frame = ev.sweep(
            observer_priors=tuple(observer_priors),
            p_signal_if_h=[regimes[k][0] for k in keys],
            p_signal_if_not_h=[regimes[k][1] for k in keys],
            true_hypothesis=truth,
            n_steps=n_steps,
            seed=seed,
        )
        frame["regime"] = np.repeat(keys, len(observer_priors) * (n_steps + 1))
        frame["truth"] = truth
        frames.append(frame)
    grid = pd.concat(frames, ignore_index=True)
    return ev_charts.bayes_kernel_free_chart(
        grid,
        regimes={k: regimes[k][2] for k in keys},
        uninformative=flat[0],
        start_regime=start_regime,
        start_truth=start_truth,
    )


# ------------------------------------------------------- Part 2: warnings too late
def _months_to(capability, doubling_months):
    """Months until capability reaches ``capability`` (× today's), from the model's window (a
    window from today's level to ``capability`` with no response time)."""
    return ev.warning_window_months(
        warning_threshold=1.0, no_return_threshold=capability, doubling_months=doubling_months, response_months=0.0
    )


class WarningExplorer(Explorer):
    """Warnings that appear only past a capability threshold: do they come in time?"""

    title = "Late warnings: does a warning come early enough to act on?"
    presets = {
        "Hilton: clear enough evidence, in time": dict(
            doubling_months=24.0, warning_threshold=1.5, no_return_threshold=4.0, warning_rate=0.25, response_months=6.0
        ),
        "Wentworth: things look fine early on, and go wrong later": dict(
            doubling_months=12.0, warning_threshold=4.0, no_return_threshold=4.0, warning_rate=0.25, response_months=3.0
        ),
        "Fast takeoff: the same capability gap, fewer months": dict(
            doubling_months=4.0, warning_threshold=2.0, no_return_threshold=4.0, warning_rate=0.25, response_months=3.0
        ),
        "Rare warnings": dict(
            doubling_months=12.0, warning_threshold=2.0, no_return_threshold=4.0, warning_rate=0.05, response_months=3.0
        ),
    }

    def __init__(self, **initial):
        controls = {
            "doubling_months": Number("Capability doubling time", min=1, max=36, step=0.5, value=12, unit="months"),
            "warning_threshold": Number(
                "Warnings begin at capability",
                min=1,
                max=16,
                step=0.1,
                value=2,
                unit="× today's",
                help="Below this level misbehaviour does not show: things look fine",
            ),
            "no_return_threshold": Number(
                "Point of no return at capability",
                min=1.1,
                max=16,
                step=0.1,
                value=4,
                unit="× today's",
                help="After this, a warning no longer helps",
            ),
            "warning_rate": Number(
                "Warning rate",
                min=0,
                max=2,
                step=0.05,
                value=0.25,
                unit="warnings per month",
                help="How often warning signs appear once they can",
            ),
            "response_months": Number(
                "Time needed to respond",
                min=0,
                max=24,
                step=0.5,
                value=3,
                unit="months",
                help="A warning helps only if it comes at least this long before the point of no return",
            ),
        }
        super().__init__(controls, **initial)

    @staticmethod
    def _args(v):
        return dict(
            warning_threshold=float(v["warning_threshold"]),
            no_return_threshold=float(v["no_return_threshold"]),
            doubling_months=float(v["doubling_months"]),
            response_months=float(v["response_months"]),
        )

    def compute(self, v):
        args = self._args(v)
        cw, cp, d = args["warning_threshold"], args["no_return_threshold"], args["doubling_months"]
        p = ev.p_warning_in_time(warning_rate=float(v["warning_rate"]), **args)
        window = ev.warning_window_months(**args)
        top = max(cw, cp) * 1.5
        levels = np.array([1.0, cw, cp, top])
        months = np.atleast_1d(_months_to(levels, d))
        curve = ev.warning_sweep(
            doubling_months=DOUBLING_GRID,
            warning_threshold=(cw,),
            no_return_threshold=cp,
            warning_rate=float(v["warning_rate"]),
            response_months=args["response_months"],
        )
        return {
            "p": p,
            "window": window,
            "months_to": dict(zip(levels.tolist(), months.tolist())),
            "t_warning": float(months[1]),
            "t_no_return": float(months[2]),
            "top": top,
            "curve": curve,
        }

    def sentence(self, v, r):
        cw, cp, d = v["warning_threshold"], v["no_return_threshold"], v["doubling_months"]
        resp, rate = v["response_months"], v["warning_rate"]
        head = f"With capability doubling every {d:g} months, "
        if cw >= cp:
            return (
                head + f"warnings would begin only at {cw:g}× today's capability, at or after the point of no "
                f"return at {cp:g}× ({_month(r['t_no_return'])}): things look fine until it is too late, so a "
                f"warning comes early enough to act on {_pct(r['p'])} of the time."
            )
        where = (
            f"warnings begin at {cw:g}× today's capability ({_month(r['t_warning'])}) and the point of no "
            f"return comes at {cp:g}× ({_month(r['t_no_return'])})"
        )
        if r["window"] <= 0:
            return (
                head + f"{where}; needing {resp:g} months to respond leaves no useful window, so a warning comes "
                f"early enough to act on {_pct(r['p'])} of the time."
            )
        if rate == 0:
            return (
                head + f"{where}; needing {resp:g} months to respond leaves a {r['window']:.3g}-month window, but "
                f"with no warning signs at all a warning comes in time {_pct(r['p'])} of the time."
            )
        return (
            head + f"{where}; needing {resp:g} months to respond leaves a {r['window']:.3g}-month window, so at "
            f"{rate:g} warnings a month a warning comes early enough to act on {_pct(r['p'])} of the time."
        )

    def datasets(self, v, r):
        path, levels, spans = ev_charts.timeline_data(
            months_to=r["months_to"],
            warning_threshold=float(v["warning_threshold"]),
            no_return_threshold=float(v["no_return_threshold"]),
            response_months=float(v["response_months"]),
            top_capability=r["top"],
        )
        current = pd.DataFrame(
            [
                {
                    "doubling_months": float(v["doubling_months"]),
                    "window_months": r["window"],
                    "p_warning_in_time": r["p"],
                }
            ]
        )
        return {
            "path": path,
            "levels": levels,
            "spans": spans,
            "curve": ev_charts.curve_data(r["curve"]),
            "current": current,
        }

    def build_chart(self, v, r):
        d = self.datasets(v, r)
        return ev_charts.warning_chart(
            d["path"],
            d["levels"],
            d["spans"],
            d["curve"],
            d["current"],
            max_doubling=float(DOUBLING_GRID.max()),
            description=(
                "Left: capability (multiples of today's, log scale) against months from now, with dashed "
                "rules where warnings begin and at the point of no return; a green band marks when a "
                "warning would still leave time to respond and a grey band the response time before the "
                "point of no return. Right: line chart of the probability of a useful warning (0 to 100%) "
                "against the capability doubling time (1 to 36 months), the current setting marked."
            ),
        )


def warning_explorer(**initial) -> WarningExplorer:
    """The late-warning explorer. Optional keyword arguments set the starting values, e.g.
    ``warning_explorer(doubling_months=4, warning_threshold=3)``."""
    return WarningExplorer(**initial)


def warning_kernel_free(
    *,
    thresholds=(1.0, 1.5, 2.0, 3.0),
    rates=(0.05, 0.1, 0.25, 0.5, 1.0),
    responses=(0.0, 3.0, 6.0, 9.0, 12.0),
    no_returns=(4.0, 8.0),
    doubling_months=tuple(float(d) for d in range(1, 37)),
    start_rate=0.25,
    start_response=3.0,
    start_no_return=4.0,
    start_doubling=12.0,
):
    """P(useful warning) against the doubling time, with controls that work without a kernel."""
    grid = pd.concat(
        [
            ev.warning_sweep(
                doubling_months=np.asarray(doubling_months, float),
                warning_threshold=tuple(thresholds),
                no_return_threshold=cp,
                warning_rate=r,
                response_months=resp,
            ).assign(warning_rate=r, response_months=resp)
            for r in rates
            for resp in responses
            for cp in no_returns
        ],
        ignore_index=True,
    )
    start = {
        "warning_rate": start_rate,
        "response_months": start_response,
        "no_return_threshold": start_no_return,
        "doubling_months": start_doubling,
    }
    return ev_charts.warning_kernel_free_chart(
        grid,
        thresholds=tuple(thresholds),
        rates=tuple(rates),
        responses=tuple(responses),
        no_returns=tuple(no_returns),
        start=start,
    )
