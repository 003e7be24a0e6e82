"""Explorer for the unilateralist's curse: many agents, noisy estimates, one of whom acts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..charts import unilateralist as uni_charts
from ..charts.text import percent
from ..models import unilateralist
from ._base import Choice, Explorer, Number

V_GRID = np.round(np.arange(-4.0, 4.0001, 0.05), 2)
KERNEL_FREE_V = np.round(np.arange(-4.0, 4.0001, 0.25), 2)
MODE_OPTIONS = {"release (anyone can act)": "release", "block (anyone can veto)": "block"}


def _num(x: float) -> str:
    """A number for the sentence: at most two decimals, no trailing zeros (0, 1.5, 0.25)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fixed(x: float) -> str:
    """Two decimals, never "-0.00"."""
    return f"{x:.2f}" if round(x, 2) != 0 else "0.00"


def _sigma(x: float) -> str:
    return f"{x:.1f}" if abs(x - round(x, 1)) < 1e-9 else f"{x:.2f}"


def _pct(p: float) -> str:
    return percent(p, margin=0.005)


def _kind(v: float) -> str:
    if abs(v) < 1e-9:
        return "a worthless initiative"
    return "a harmful initiative" if v < 0 else "a beneficial initiative"


class UnilateralistExplorer(Explorer):
    """Bostrom, Douglas & Sandberg's unilateralist's curse and the principle of conformity."""

    title = "The unilateralist's curse: how often does the initiative happen?"
    presets = {
        "One careful agent": dict(n_agents=1, true_value=0.0, noise_sd=1.0, threshold=0.0, mode="release"),
        "Five labs, a worthless release": dict(n_agents=5, true_value=0.0, noise_sd=1.0, threshold=0.0, mode="release"),
        "Twenty holders of a harmful secret": dict(
            n_agents=20, true_value=-1.0, noise_sd=1.0, threshold=0.0, mode="release"
        ),
        "Ten vetoes on a good project": dict(n_agents=10, true_value=1.0, noise_sd=1.0, threshold=0.0, mode="block"),
    }

    def __init__(self, **initial):
        controls = {
            "n_agents": Number(
                "Number of agents N",
                min=1,
                max=20,
                step=1,
                value=5,
                integer=True,
                unit="agents",
                help="Well-meaning agents, each of whom can act (or veto) alone",
            ),
            "true_value": Number(
                "True value of the initiative V",
                min=-3.0,
                max=3.0,
                step=0.1,
                value=0.0,
                unit="status quo = 0",
                help="Below 0 the initiative does harm; above 0 it helps",
            ),
            "noise_sd": Number(
                "Noise in each estimate σ",
                min=0.1,
                max=2.0,
                step=0.1,
                value=1.0,
                unit="sd, value units",
                help="Standard deviation of each agent's independent error in judging V",
            ),
            "threshold": Number(
                "Everyone's threshold T",
                min=-3.0,
                max=3.0,
                step=0.05,
                value=0.0,
                unit="value units",
                help="Release: act if your estimate exceeds T. Block: veto if it is below T.",
            ),
            "mode": Choice(
                "Who decides",
                MODE_OPTIONS,
                "release",
                help="Release: it happens if anyone acts. Block: it happens unless anyone vetoes.",
            ),
        }
        super().__init__(controls, **initial)

    def compute(self, v):
        kw = dict(noise_sd=v["noise_sd"], mode=v["mode"])
        sweep = unilateralist.sweep(n_agents=v["n_agents"], true_value=V_GRID, threshold=v["threshold"], **kw)
        sweep = sweep[sweep["mode"] == v["mode"]]
        conforming = unilateralist.conforming_threshold(v["n_agents"], **kw)
        p_naive = unilateralist.p_happens(v["n_agents"], v["true_value"], threshold=v["threshold"], **kw)
        p_conf = unilateralist.p_happens(v["n_agents"], v["true_value"], threshold=conforming, **kw)
        return {
            "sweep": sweep,
            "conforming": float(conforming),
            "p_naive": float(p_naive),
            "p_conforming": float(p_conf),
        }

    def sentence(self, v, r):
        n, t, tc = v["n_agents"], v["threshold"], r["conforming"]
        release = v["mode"] == "release"
        agents = f"{n} agent{'s' if n != 1 else ''}"
        who = (
            f"With {agents} acting on noisy estimates"
            if release
            else f"With {agents} each able to veto on noisy estimates"
        )
        subject, their = ("everyone", "their") if n > 1 else ("the agent", "its")
        if release:
            rule = (
                f"if {subject} acts whenever {their} own estimate is positive"
                if abs(t) < 1e-9
                else f"if {subject} acts whenever {their} own estimate exceeds {_fixed(t)}"
            )
        else:
            rule = (
                f"if {subject} vetoes whenever {their} own estimate is negative"
                if abs(t) < 1e-9
                else f"if {subject} vetoes whenever {their} own estimate is below {_fixed(t)}"
            )
        first = (
            f"{who} (σ = {_sigma(v['noise_sd'])}), {_kind(v['true_value'])} (V = {_num(v['true_value'])}) "
            f"happens with probability {_pct(r['p_naive'])} {rule}"
        )
        if abs(tc - t) < 0.005:
            return first + f"; the principle of conformity asks for the same threshold ({_fixed(tc)})."
        move = "raising" if tc > t else "lowering"
        whose = "each agent's" if n > 1 else "the agent's"
        kind = "threshold" if release else "veto threshold"
        back = "back to" if abs(v["true_value"]) < 1e-9 else "to"
        return (
            first + f"; {move} {whose} {kind} to {_fixed(tc)} (the principle of conformity) "
            f"brings it {back} {_pct(r['p_conforming'])}."
        )

    def datasets(self, v, r):
        return {
            "curves": uni_charts.curves_data(r["sweep"]),
            "current": uni_charts.current_data(v["true_value"], r["p_naive"], r["p_conforming"]),
            "thresholds": uni_charts.thresholds_data(v["threshold"], r["conforming"]),
        }

    def build_chart(self, v, r):
        d = self.datasets(v, r)
        return uni_charts.happens_chart(
            d["curves"],
            d["current"],
            d["thresholds"],
            title="The conforming threshold keeps a worthless initiative at 50%",
            description=(
                "Line chart of the probability that the initiative happens (0 to 100%) against its "
                "true value V (-4 to 4), one line for the threshold everyone uses and one for the "
                "conforming threshold; dashed vertical rules mark both thresholds and filled points "
                "mark the current true value on each line."
            ),
        )


def unilateralist_explorer(**initial) -> UnilateralistExplorer:
    """The unilateralist's-curse explorer. Keyword arguments set the starting values, e.g.
    ``unilateralist_explorer(n_agents=10, mode="block")``."""
    return UnilateralistExplorer(**initial)


def unilateralist_kernel_free(*, agents=tuple(range(1, 21)), noise=None, start_agents=5, start_noise=1.0):
    """P(happens) against V, naive (T = 0) vs conforming threshold, with sliders for the number of
    agents and the noise that work without a kernel (release mode, precomputed grid)."""
    noise = list(np.round(np.arange(0.5, 2.0001, 0.5), 2)) if noise is None else list(noise)
    agents = list(agents)
    frames = [
        unilateralist.sweep(
            n_agents=agents, true_value=KERNEL_FREE_V, noise_sd=float(s), threshold=0.0, mode="release"
        ).assign(s=float(s))
        for s in noise
    ]
    long = pd.concat(frames, ignore_index=True)
    wide = (
        long.pivot_table(index=["n_agents", "s", "true_value"], columns="policy", values="p_happens")
        .reset_index()
        .rename(columns={"n_agents": "n", "true_value": "v"})
    )
    wide.columns.name = None
    wide = wide.loc[:, ["n", "s", "v", "naive", "conforming"]].round(4)
    thresholds = (
        long[long["policy"] == "conforming"]
        .drop_duplicates(["n_agents", "s"])
        .loc[:, ["n_agents", "s", "threshold"]]
        .rename(columns={"n_agents": "n", "threshold": "t"})
        .round(4)
        .reset_index(drop=True)
    )
    return uni_charts.kernel_free_chart(
        wide, thresholds, agents=agents, noise=noise, start_agents=start_agents, start_noise=start_noise
    )
