"""Explorer for the research balance: capabilities vs. alignment, with an AI research assistant."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..charts import research as research_charts
from ..models import research
from ._base import Choice, Explorer, Number

HORIZON = 30.0
YEARS = np.round(np.arange(0.0, HORIZON + 1e-9, 0.25), 2)
KERNEL_FREE_YEARS = np.arange(0.0, HORIZON + 1e-9, 1.0)
KERNEL_FREE_MC = np.arange(1.0, 5.0001, 1.0)
KERNEL_FREE_MA = np.arange(1.0, 20.0001, 1.0)
ASSISTANT_OPTIONS = {
    "uniform (same for both fields)": "uniform",
    "differential (its own multiplier for alignment)": "differential",
}
_OPENAI = dict(
    capabilities_researchers=research.OPENAI_RESEARCHERS["capabilities"],
    alignment_researchers=research.OPENAI_RESEARCHERS["alignment"],
)


def _model_kw(v) -> dict:
    return dict(
        capabilities_researchers=v["capabilities_researchers"],
        alignment_researchers=v["alignment_researchers"],
        multiplier=v["multiplier"],
        alignment_multiplier=v["alignment_multiplier"] if v["assistant"] == "differential" else None,
        assistant_year=v["assistant_year"],
    )


def _no_speedup(v) -> bool:
    return v["multiplier"] == 1 and (v["assistant"] == "uniform" or v["alignment_multiplier"] == 1)


def _x(m: float) -> str:
    return f"{m:g}×"


class ResearchExplorer(Explorer):
    """How an AI research assistant changes the balance between alignment and capabilities work."""

    title = "Research balance: does an assistant help alignment catch up?"
    presets = {
        "OpenAI today, no assistant": dict(
            **_OPENAI,
            assistant="uniform",
            multiplier=1.0,
            alignment_multiplier=1.0,
            assistant_year=5.0,
            required_ratio=1.0,
        ),
        "Uniform 3× assistant (the critique's point)": dict(
            **_OPENAI,
            assistant="uniform",
            multiplier=research.ASSISTANT_MULTIPLIER,
            alignment_multiplier=3.0,
            assistant_year=5.0,
            required_ratio=1.0,
        ),
        "Assistant aimed at alignment (15× vs 3×)": dict(
            **_OPENAI,
            assistant="differential",
            multiplier=research.ASSISTANT_MULTIPLIER,
            alignment_multiplier=15.0,
            assistant_year=5.0,
            required_ratio=1.0,
        ),
        "Equal headcounts": dict(
            capabilities_researchers=100,
            alignment_researchers=100,
            assistant="uniform",
            multiplier=research.ASSISTANT_MULTIPLIER,
            alignment_multiplier=3.0,
            assistant_year=5.0,
            required_ratio=1.0,
        ),
    }

    def __init__(self, **initial):
        controls = {
            "capabilities_researchers": Number(
                "Capabilities researchers",
                min=1,
                max=1000,
                step=1,
                value=_OPENAI["capabilities_researchers"],
                integer=True,
                unit="people",
                help="OpenAI's research staff in 2022: about 100 on capabilities",
            ),
            "alignment_researchers": Number(
                "Alignment researchers",
                min=0,
                max=1000,
                step=1,
                value=_OPENAI["alignment_researchers"],
                integer=True,
                unit="people",
                help="OpenAI's research staff in 2022: about 30 on alignment",
            ),
            "assistant": Choice(
                "The assistant speeds up",
                ASSISTANT_OPTIONS,
                "uniform",
                help="Uniform: both fields get the same multiplier. Differential: alignment gets its own.",
            ),
            "multiplier": Number(
                "Assistant's multiplier",
                min=1.0,
                max=10.0,
                step=0.5,
                value=research.ASSISTANT_MULTIPLIER,
                unit="× productivity",
                help="How much faster research runs once the assistant arrives (capabilities; both fields if "
                "uniform). The critique's example is 3×.",
            ),
            "alignment_multiplier": Number(
                "Multiplier for alignment work",
                min=1.0,
                max=30.0,
                step=0.5,
                value=research.ASSISTANT_MULTIPLIER,
                unit="× productivity",
                help="Used only when the assistant is differential",
            ),
            "assistant_year": Number(
                "Assistant arrives in year",
                min=0.0,
                max=20.0,
                step=1.0,
                value=5.0,
                unit="years from now",
                help="Illustrative: the documents give no date",
            ),
            "required_ratio": Number(
                "Balance that counts as catching up",
                min=0.1,
                max=2.0,
                step=0.05,
                value=1.0,
                unit="A/C",
                help="Alignment progress needed per unit of capabilities progress; 1 = parity (illustrative)",
            ),
        }
        super().__init__(controls, **initial)
        self.controls["assistant"].observe(self._toggle_alignment_multiplier, names="value")
        self._toggle_alignment_multiplier()

    def _toggle_alignment_multiplier(self, _change=None):
        off = self.controls["assistant"].value == "uniform"
        box = self.controls["alignment_multiplier"]
        box.slider.disabled = box.text.disabled = off

    def compute(self, v):
        kw = _model_kw(v)
        c, a = research.cumulative_progress(YEARS, **kw)
        c0, a0 = research.cumulative_progress(YEARS, **{**kw, "multiplier": 1.0, "alignment_multiplier": None})
        bal = research.balance(YEARS, **kw)
        catch = research.catch_up_year(required_ratio=v["required_ratio"], **kw)
        return {
            "c": c,
            "a": a,
            "c0": c0,
            "a0": a0,
            "balance": bal,
            "catch_up": catch,
            "start": float(bal[0]),
            "end": float(bal[-1]),
        }

    def sentence(self, v, r):
        h_c, h_a = v["capabilities_researchers"], v["alignment_researchers"]
        k, t_a, m = v["required_ratio"], v["assistant_year"], v["multiplier"]
        when = "from now on" if t_a == 0 else f"from year {t_a:g}"
        uniform = v["assistant"] == "uniform" or v["alignment_multiplier"] == m
        if _no_speedup(v):
            helper = "no speed-up from an assistant"
        elif uniform:
            helper = f"a uniform {_x(m)} assistant {when}"
        elif m == 1:
            helper = f"an assistant {when} that speeds up only alignment work ({_x(v['alignment_multiplier'])})"
        elif v["alignment_multiplier"] == 1:
            helper = f"an assistant {when} that speeds up only capabilities work ({_x(m)})"
        else:
            helper = (
                f"an assistant {when} that speeds capabilities work {_x(m)} and alignment work "
                f"{_x(v['alignment_multiplier'])}"
            )
        head = f"With {h_c} capabilities and {h_a} alignment researchers, and {helper}, "
        start, end, year = r["start"], r["end"], r["catch_up"]
        if abs(end - start) < 1e-9 * max(1.0, start):
            body = f"alignment progress stays at {end:.0%} of capabilities progress (A/C = {end:.2f}) at every date"
            if uniform and m != 1:
                body += " (a uniform assistant speeds both fields up but never changes the balance)"
        else:
            body = (
                f"the balance A/C {'rises' if end > start else 'falls'} from {start:.2f} to {end:.2f} "
                f"by year {HORIZON:g}"
            )
        if year == 0:
            tail = f"; alignment is at or above the needed {k:.2f} from the start."
        elif math.isinf(year):
            tail = f"; alignment never catches up (it needs A/C ≥ {k:.2f})."
        elif year <= HORIZON:
            tail = f"; alignment catches up (A/C = {k:.2f}) in year {year:.1f}."
        else:
            tail = f"; alignment catches up (A/C = {k:.2f}) only in year {year:.1f}, beyond the chart."
        return head + body + tail

    def datasets(self, v, r):
        return {
            "progress": research_charts.progress_data(YEARS, r["c"], r["a"], r["c0"], r["a0"]),
            "balance": research_charts.balance_data(YEARS, r["balance"]),
            "events": research_charts.events_data(
                None if _no_speedup(v) else v["assistant_year"], r["catch_up"], HORIZON
            ),
            "required": research_charts.required_data(v["required_ratio"]),
        }

    def build_chart(self, v, r):
        d = self.datasets(v, r)
        return research_charts.progress_chart(
            d["progress"],
            d["balance"],
            d["events"],
            d["required"],
            horizon=HORIZON,
            title="An assistant changes the balance only if it helps one field more than the other",
            description=(
                f"Two panels over {HORIZON:g} years. Top: cumulative progress of capabilities and "
                "alignment research in researcher-years, solid with the assistant and dashed without, "
                "with the assistant's arrival marked. Bottom: the balance A/C (alignment progress "
                "divided by capabilities progress) with the balance needed to catch up as a dotted "
                "rule and the catch-up year, if any, marked."
            ),
        )


def research_explorer(**initial) -> ResearchExplorer:
    """The research-balance explorer. Keyword arguments set the starting values, e.g.
    ``research_explorer(assistant="differential", alignment_multiplier=10)``."""
    return ResearchExplorer(**initial)


def research_kernel_free(
    *,
    multipliers=KERNEL_FREE_MC,
    alignment_multipliers=KERNEL_FREE_MA,
    start_multiplier=3.0,
    start_alignment_multiplier=3.0,
    assistant_year=5.0,
):
    """Progress and balance over time for OpenAI's headcounts, with sliders for the assistant's
    multipliers on capabilities and on alignment work that work without a kernel."""
    # yearly points, plus a few just after the arrival, where the balance bends fastest
    years = np.unique(np.concatenate([KERNEL_FREE_YEARS, assistant_year + np.array([0.25, 0.5, 0.75, 1.5, 2.5])]))
    years = years[years <= HORIZON]
    rows = []
    for mc in multipliers:
        for ma in alignment_multipliers:
            kw = dict(**_OPENAI, multiplier=float(mc), alignment_multiplier=float(ma), assistant_year=assistant_year)
            c, a = research.cumulative_progress(years, **kw)
            b = research.balance(years, **kw)
            rows.append(pd.DataFrame({"t": years, "mc": float(mc), "ma": float(ma), "c": c, "a": a, "b": b}))
    grid = pd.concat(rows, ignore_index=True).round({"t": 2, "mc": 2, "ma": 2, "c": 1, "a": 1, "b": 4})
    return research_charts.kernel_free_chart(
        grid,
        multipliers=[float(m) for m in multipliers],
        alignment_multipliers=[float(m) for m in alignment_multipliers],
        start_multiplier=start_multiplier,
        start_alignment_multiplier=start_alignment_multiplier,
        assistant_year=assistant_year,
        **_OPENAI,
    )
