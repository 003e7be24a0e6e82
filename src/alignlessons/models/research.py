"""Capabilities vs. alignment research effort, with an AI research assistant.

Sources
-------
* ``openai-misconceptions`` (Hilton, 2022), the "Correct: the majority of researchers at OpenAI
  are working on capabilities" item: OpenAI's researchers loosely categorised as about 100 on
  capabilities, 30 on alignment and 15 on policy (research staff only, not applied staff).
* ``alignment-plan-critique`` (Akash, 2022), section 3, "Disagreements" point 1A: the same
  100 / 30 split at OpenAI; 80,000 Hours' estimate of ~300 full-time alignment researchers
  worldwide; capabilities research receiving ~1000x the funding of safety work. Section 2,
  "Balance between capabilities research and alignment research", question 1: would an
  assistant that 3x-es research productivity simply perpetuate the current balance?

Model
-----
Each field accumulates progress at a rate of ``researchers x multiplier`` (effective
researcher-years per year). Before ``assistant_year`` both multipliers are 1; from then on
capabilities work runs at ``multiplier`` and alignment work at ``alignment_multiplier``
(equal to ``multiplier`` unless given: a *uniform* assistant). With both stocks starting at 0::

    C(t) = h_c * (min(t, t_a) + m_c * max(t - t_a, 0))
    A(t) = h_a * (min(t, t_a) + m_a * max(t - t_a, 0))

The *balance* is ``A(t) / C(t)``. Alignment *catches up* at the first time the balance reaches
``required_ratio`` (1 = parity: as much alignment progress as capabilities progress).

The critique's point falls out exactly: with a uniform multiplier the balance is
``h_a / h_c`` at every time, whatever the multiplier and whenever the assistant arrives. A
uniform assistant is a faster clock: it changes *when* things happen, never *whether*
alignment catches up. Only a differential multiplier (``alignment_multiplier / multiplier >
1``) or a change in headcounts moves the balance, and then only towards the new rate ratio
``h_a m_a / (h_c m_c)``, asymptotically.

Scenarios (``SCENARIOS``): ``"openai"`` uses the 100 / 30 headcounts; ``"world"`` uses the 300
alignment researchers and expresses capabilities effort in alignment-researcher equivalents,
300 x 1000 = 300,000, i.e. it *assumes effort is proportional to funding* (the document gives a
funding ratio, not a headcount). Policy researchers (15) are recorded in
``OPENAI_RESEARCHERS`` but count towards neither field.

Assumptions and what the model leaves out
-----------------------------------------
Progress is linear in effective researcher-years: no diminishing returns, no compute, no
feedback from capability to research speed, constant headcounts. One unit of alignment
progress is taken to "match" one unit of capabilities progress, so ``required_ratio`` carries
the whole question of how much alignment a given capability level needs (the documents give
no number; 1 is an illustrative default). The arrival year of the assistant (default 5) is
illustrative too; the 3x multiplier is the critique's example.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import pandas as pd

from ._validate import choice, integer, real

__all__ = [
    "OPENAI_RESEARCHERS",
    "WORLD_ALIGNMENT_RESEARCHERS",
    "FUNDING_GAP",
    "ASSISTANT_MULTIPLIER",
    "SCENARIOS",
    "cumulative_progress",
    "balance",
    "catch_up_year",
    "sweep",
]

#: OpenAI research staff by focus (openai-misconceptions; also alignment-plan-critique 1A).
OPENAI_RESEARCHERS = MappingProxyType({"capabilities": 100, "alignment": 30, "policy": 15})
#: Full-time alignment researchers worldwide (alignment-plan-critique 1A, citing 80,000 Hours).
WORLD_ALIGNMENT_RESEARCHERS = 300
#: Capabilities funding relative to AI-safety funding (alignment-plan-critique 1A).
FUNDING_GAP = 1000
#: The critique's example assistant, which "3X"-es research productivity (section 2, question 1).
ASSISTANT_MULTIPLIER = 3.0

#: Keyword presets for the functions below.
SCENARIOS = MappingProxyType(
    {
        "openai": MappingProxyType(
            {
                "capabilities_researchers": OPENAI_RESEARCHERS["capabilities"],
                "alignment_researchers": OPENAI_RESEARCHERS["alignment"],
            }
        ),
        "world": MappingProxyType(
            {
                "capabilities_researchers": WORLD_ALIGNMENT_RESEARCHERS * FUNDING_GAP,
                "alignment_researchers": WORLD_ALIGNMENT_RESEARCHERS,
            }
        ),
    }
)

_MAX_HEADCOUNT = 10_000_000
_MAX_MULTIPLIER = 1e6


def _params(capabilities_researchers, alignment_researchers, multiplier, alignment_multiplier, assistant_year):
    h_c = integer("capabilities_researchers", capabilities_researchers, lo=1, hi=_MAX_HEADCOUNT)
    h_a = integer("alignment_researchers", alignment_researchers, lo=0, hi=_MAX_HEADCOUNT)
    m_c = real("multiplier", multiplier, lo=0.0, hi=_MAX_MULTIPLIER, lo_open=True, allow_array=False)
    if alignment_multiplier is None:
        m_a = m_c
    else:
        m_a = real(
            "alignment_multiplier", alignment_multiplier, lo=0.0, hi=_MAX_MULTIPLIER, lo_open=True, allow_array=False
        )
    t_a = real("assistant_year", assistant_year, lo=0.0, allow_array=False)
    return h_c, h_a, m_c, m_a, t_a


def _progress(t, h_c, h_a, m_c, m_a, t_a):
    before = np.minimum(t, t_a)
    after = np.maximum(t - t_a, 0.0)
    return h_c * (before + m_c * after), h_a * (before + m_a * after)


def cumulative_progress(
    years,
    *,
    capabilities_researchers=OPENAI_RESEARCHERS["capabilities"],
    alignment_researchers=OPENAI_RESEARCHERS["alignment"],
    multiplier=ASSISTANT_MULTIPLIER,
    alignment_multiplier=None,
    assistant_year=5.0,
):
    """Cumulative capabilities and alignment progress (effective researcher-years) at ``years``.

    Parameters
    ----------
    years : float or array of float >= 0
        Times since the start of the clock.
    capabilities_researchers : int in [1, 1e7]
    alignment_researchers : int in [0, 1e7]
    multiplier : float in (0, 1e6]
        Assistant productivity multiplier for capabilities work (for both fields if
        ``alignment_multiplier`` is None).
    alignment_multiplier : float in (0, 1e6], optional
        Multiplier for alignment work; ``None`` means the same as ``multiplier`` (uniform).
    assistant_year : float >= 0
        When the assistant arrives; before it both fields run at multiplier 1.

    Returns
    -------
    (capabilities, alignment): two floats, or two arrays shaped like ``years``.
    """
    t = real("years", years, lo=0.0)
    params = _params(capabilities_researchers, alignment_researchers, multiplier, alignment_multiplier, assistant_year)
    c, a = _progress(t, *params)
    if np.ndim(c) == 0:
        return float(c), float(a)
    return c, a


def balance(
    years,
    *,
    capabilities_researchers=OPENAI_RESEARCHERS["capabilities"],
    alignment_researchers=OPENAI_RESEARCHERS["alignment"],
    multiplier=ASSISTANT_MULTIPLIER,
    alignment_multiplier=None,
    assistant_year=5.0,
):
    """Alignment progress divided by capabilities progress, ``A(t) / C(t)``.

    At ``t = 0`` both stocks are 0 and the balance is defined by its limit, the ratio of the
    two progress rates at the start. Same parameters as :func:`cumulative_progress`.
    """
    t = real("years", years, lo=0.0)
    h_c, h_a, m_c, m_a, t_a = _params(
        capabilities_researchers, alignment_researchers, multiplier, alignment_multiplier, assistant_year
    )
    c, a = (np.asarray(x, dtype=float) for x in _progress(t, h_c, h_a, m_c, m_a, t_a))
    start = h_a / h_c if t_a > 0 else (h_a * m_a) / (h_c * m_c)
    started = c > 0  # C(t) > 0 for every t > 0 because h_c >= 1
    out = np.where(started, a / np.where(started, c, 1.0), start)
    return float(out) if out.ndim == 0 else out


def catch_up_year(
    *,
    required_ratio=1.0,
    capabilities_researchers=OPENAI_RESEARCHERS["capabilities"],
    alignment_researchers=OPENAI_RESEARCHERS["alignment"],
    multiplier=ASSISTANT_MULTIPLIER,
    alignment_multiplier=None,
    assistant_year=5.0,
) -> float:
    """First time at which the balance ``A(t) / C(t)`` reaches ``required_ratio``.

    Returns 0.0 if the balance starts at or above the requirement and ``math.inf`` if it never
    reaches it (the balance moves monotonically from ``h_a / h_c`` towards
    ``h_a m_a / (h_c m_c)`` and reaches that limit only asymptotically).

    Parameters
    ----------
    required_ratio : float in (0, 1e6]
        Alignment progress needed per unit of capabilities progress (1 = parity).
    Other parameters as in :func:`cumulative_progress`.
    """
    k = real("required_ratio", required_ratio, lo=0.0, hi=1e6, lo_open=True, allow_array=False)
    h_c, h_a, m_c, m_a, t_a = _params(
        capabilities_researchers, alignment_researchers, multiplier, alignment_multiplier, assistant_year
    )
    before_ok = h_a >= k * h_c  # balance before the assistant
    after_slope = h_a * m_a - k * h_c * m_c  # d/dt [A - k C] after the assistant
    if t_a == 0.0:  # the balance is the constant rate ratio h_a m_a / (h_c m_c)
        return 0.0 if after_slope >= 0 else math.inf
    if before_ok:
        return 0.0
    if after_slope <= 1e-12 * (h_a * m_a + k * h_c * m_c):
        # The balance approaches h_a m_a / (h_c m_c) <= k (up to rounding) only asymptotically.
        return math.inf
    # A - k C at t_a is t_a (h_a - k h_c) < 0; it then grows at after_slope.
    return t_a + t_a * (k * h_c - h_a) / after_slope


def sweep(
    *,
    years=None,
    scenario="openai",
    multiplier=ASSISTANT_MULTIPLIER,
    alignment_multipliers=(ASSISTANT_MULTIPLIER, 10.0, 30.0),
    assistant_year=5.0,
):
    """Cumulative progress of both fields over time for several alignment multipliers.

    Parameters
    ----------
    years : array of float >= 0, optional
        Time grid (default 0 to 30 years in 121 points).
    scenario : {"openai", "world"}
        Headcount preset from ``SCENARIOS``.
    multiplier : float
        Capabilities multiplier (kept fixed across the sweep).
    alignment_multipliers : array of float
        Alignment multipliers to compare; a value equal to ``multiplier`` is the uniform case.
    assistant_year : float >= 0

    Returns
    -------
    pandas.DataFrame with columns ``scenario``, ``year``, ``multiplier``,
    ``alignment_multiplier``, ``uniform`` (bool), ``field`` ("capabilities" / "alignment"),
    ``progress`` and ``balance`` (A / C at that year, repeated on both fields' rows).
    """
    name = choice("scenario", scenario, SCENARIOS)
    if years is None:
        years = np.linspace(0.0, 30.0, 121)
    t = np.atleast_1d(real("years", years, lo=0.0)).ravel()
    m_as = np.atleast_1d(
        real("alignment_multipliers", alignment_multipliers, lo=0.0, hi=_MAX_MULTIPLIER, lo_open=True)
    ).ravel()
    preset = SCENARIOS[name]
    h_c, h_a, m_c, _, t_a = _params(
        preset["capabilities_researchers"], preset["alignment_researchers"], multiplier, None, assistant_year
    )
    tt, mm = np.meshgrid(t, m_as, indexing="ij")  # shape (years, multipliers)
    c, a = _progress(tt, h_c, h_a, m_c, mm, t_a)
    start = h_a / h_c if t_a > 0 else (h_a * mm) / (h_c * m_c)
    ratio = np.where(c > 0, a / np.where(c > 0, c, 1.0), start)
    n = tt.size
    return pd.DataFrame(
        {
            "scenario": np.full(2 * n, name),
            "year": np.tile(tt.ravel(), 2),
            "multiplier": np.full(2 * n, m_c),
            "alignment_multiplier": np.tile(mm.ravel(), 2),
            "uniform": np.tile(mm.ravel() == m_c, 2),
            "field": np.repeat(["capabilities", "alignment"], n),
            "progress": np.concatenate([c.ravel(), a.ravel()]),
            "balance": np.tile(ratio.ravel(), 2),
        }
    )
