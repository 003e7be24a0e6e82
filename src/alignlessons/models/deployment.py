"""Action risk vs. inaction risk for "Magma", and Karnofsky's Phase 1 -> 2 -> 3.

Source
------
Doc ``deployment-nearcast`` (Holden Karnofsky, "Nearcast-based 'deployment problem'
analysis", 2022):

* Setting (opening paragraphs, repeated under "The roles of Magma and IAIA"): Magma expects
  it can build transformative AI within a year and has "more than 6 months, but less than 2
  years" before there is much chance of someone else deploying transformative AI.
* "Phase 1" section: Magma "is essentially navigating action risk vs. inaction risk" -
  *action risk*: by deploying, Magma may have trained systems with unintended goals and so
  cause a catastrophe itself; *inaction risk*: if Magma holds back, someone else deploys,
  and "any company/coalition that chooses to deploy powerful AI when Magma doesn't may be
  less careful than Magma overall". The time is spent on alignment work, which is what makes
  waiting worth anything.
* Footnote 16 (drastic measures): the reasoning that one's own systems have a real chance of
  causing global catastrophe, "but if we stand by, others will deploy systems that are even
  more likely to" - with the warning that a high bar is needed because an actor is naturally
  biased toward thinking the world is better off with it acting first.
* Summary and phase sections: Phase 1 is before Magma has AI that is both transformative
  and reliably aligned; Phase 2 starts once it has (the task becomes reducing the risk that
  less cautious actors deploy misaligned AI); Phase 3 starts once that risk is very low
  globally (remaining risks are mostly misuse). The author stresses the boundaries are fuzzy.

Model 1: deploy now or wait ``t`` months
----------------------------------------
* Magma's chance that its system is misaligned if it deploys after waiting ``t`` months
  falls as alignment work proceeds, halving its excess over an irreducible floor every
  ``halving_months``::

      p(t) = p_floor + (p_now - p_floor) * 2 ** (-t / halving_months)

* Nobody else can deploy during a lead of ``lead_months`` (the document's head start);
  after that an incautious actor deploys at a constant ``hazard_per_month``, so the
  probability Magma is pre-empted before month ``t`` is::

      F(t) = 1 - exp(-hazard_per_month * max(0, t - lead_months))

* Whoever deploys first decides the outcome: the other actor's system is misaligned with
  probability ``p_other_misaligned``. Hence::

      action risk    A(t) = (1 - F(t)) * p(t)     (Magma deploys, its AI is misaligned)
      inaction risk  I(t) = F(t) * p_other        (someone else deploys first, misaligned)
      P(catastrophe) C(t) = A(t) + I(t)

* For ``t > lead_months`` the sign of ``dC/dt`` is the sign of
  ``g(t) = hazard * (p_other - p(t)) - (p(t) - p_floor) * ln 2 / halving_months``, which
  never decreases in ``t``; so ``C`` falls, then (at most once) turns upward, and the
  optimal wait has the closed form used by :func:`optimal_wait`.
  The *break-even wait* is the longest wait that is no worse than deploying at once
  (``C(t) = C(0)`` beyond the optimum), found by bisection.

Defaults: ``lead_months=12`` lies inside the document's "more than 6 months, but less than
2 years"; ``hazard_per_month=1/12`` makes pre-emption likely (63%) by month 24, the
document's upper bound. ``p_other_misaligned=0.5 > p_misaligned_now=0.3`` encodes
"less careful than Magma overall"; the document gives no probabilities, so these, the floor
(0.05) and ``halving_months=6`` are illustrative.

Model 2: Phase 1 -> 2 -> 3
--------------------------
:func:`phase_timeline` turns the two dates at which the document's conditions are met
(aligned transformative AI exists; misaligned-AI risk is very low globally) into a tidy
timeline. :func:`phase_probabilities` is a monthly Markov chain over
``phase 1, phase 2, phase 3, catastrophe``: Phase 1 -> 2 with ``p_reach_aligned_tai``,
Phase 2 -> 3 with ``p_risk_handled``, and a monthly chance of a misaligned-AI catastrophe
in each of Phases 1 and 2 (lower in Phase 2, where aligned AI helps with defence). Phase 3
and catastrophe are absorbing. Default monthly rates are illustrative (the document gives
none; 1/12 per month matches "within a year").

Assumptions and what is left out
--------------------------------
One cautious and one incautious actor; the first deployment is decisive (in reality an
aligned Magma system would then have to defend against later deployments: see
:mod:`alignlessons.models.offense_defense`); a constant hazard that does not respond to
Magma's own behaviour (no racing response, no deals, no IAIA enforcement, no information
leaks); misuse risk, value of deployment and partial catastrophes are ignored; the Markov
chain is memoryless and never moves backwards (e.g. from Phase 2 back to Phase 1 when an
alignment method stops working for a more capable system, a worry the document raises).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "PARAMETERS",
    "p_misaligned",
    "p_preempted",
    "action_risk",
    "inaction_risk",
    "p_catastrophe",
    "risk_curve",
    "optimal_wait",
    "break_even_wait",
    "sweep",
    "PHASES",
    "phase_at",
    "phase_timeline",
    "phase_probabilities",
    "phase_sweep",
]

_LN2 = math.log(2.0)


# --------------------------------------------------------------------------- validation
#: The scenario's keyword parameters, shared by :func:`action_risk`, :func:`inaction_risk`,
#: :func:`p_catastrophe`, :func:`optimal_wait` and :func:`break_even_wait`.
PARAMETERS = (
    "p_misaligned_now",
    "p_misaligned_floor",
    "halving_months",
    "lead_months",
    "hazard_per_month",
    "p_other_misaligned",
)


def _check_params(
    p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
):
    p0 = v.real("p_misaligned_now", p_misaligned_now, lo=0.0, hi=1.0)
    f = v.real("p_misaligned_floor", p_misaligned_floor, lo=0.0, hi=1.0)
    if np.any(np.asarray(f) > np.asarray(p0)):
        bad = np.broadcast_arrays(np.asarray(f, float), np.asarray(p0, float))
        worst = float(bad[0][bad[0] > bad[1]].flat[0])
        raise ValueError(f"p_misaligned_floor must be in [0, p_misaligned_now]; got {worst:g}")
    h = v.real("halving_months", halving_months, lo=0.0, lo_open=True)
    lead = v.real("lead_months", lead_months, lo=0.0)
    lam = v.real("hazard_per_month", hazard_per_month, lo=0.0)
    q = v.real("p_other_misaligned", p_other_misaligned, lo=0.0, hi=1.0)
    return p0, f, h, lead, lam, q


def _scalar_or_array(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ----------------------------------------------------------------------- model pieces
def _p(t, p0, f, h):
    with np.errstate(over="ignore"):
        return f + (p0 - f) * np.exp2(-t / h)


def _f(t, lead, lam):
    return -np.expm1(-lam * np.maximum(0.0, t - lead))


def p_misaligned(wait_months, *, p_misaligned_now=0.3, p_misaligned_floor=0.05, halving_months=6.0):
    """P(Magma's system is misaligned) if it deploys after ``wait_months`` of alignment work.

    ``p_floor + (p_now - p_floor) * 2 ** (-wait_months / halving_months)``; broadcasts.
    """
    t = v.real("wait_months", wait_months, lo=0.0)
    p0, f, h, *_ = _check_params(p_misaligned_now, p_misaligned_floor, halving_months, 0.0, 0.0, 0.0)
    return _scalar_or_array(_p(t, p0, f, h))


def p_preempted(wait_months, *, lead_months=12.0, hazard_per_month=1 / 12):
    """P(an incautious actor deploys before Magma, if Magma waits ``wait_months``).

    ``1 - exp(-hazard_per_month * max(0, wait_months - lead_months))``; broadcasts.
    """
    t = v.real("wait_months", wait_months, lo=0.0)
    lead = v.real("lead_months", lead_months, lo=0.0)
    lam = v.real("hazard_per_month", hazard_per_month, lo=0.0)
    return _scalar_or_array(_f(t, lead, lam))


def _components(t, p0, f, h, lead, lam, q):
    pre = _f(t, lead, lam)
    action = (1.0 - pre) * _p(t, p0, f, h)
    inaction = pre * q
    return action, inaction


def action_risk(
    wait_months,
    *,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
):
    """P(catastrophe caused by Magma's own deployment after waiting ``wait_months``).

    ``(1 - p_preempted) * p_misaligned``: Magma gets to deploy first and its AI is misaligned.
    """
    t = v.real("wait_months", wait_months, lo=0.0)
    params = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
    )
    return _scalar_or_array(_components(t, *params)[0])


def inaction_risk(
    wait_months,
    *,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
):
    """P(catastrophe caused by someone else deploying first while Magma waits).

    ``p_preempted * p_other_misaligned``.
    """
    t = v.real("wait_months", wait_months, lo=0.0)
    params = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
    )
    return _scalar_or_array(_components(t, *params)[1])


def p_catastrophe(
    wait_months,
    *,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
):
    """Total P(catastrophe) if Magma plans to deploy after ``wait_months``: action + inaction."""
    t = v.real("wait_months", wait_months, lo=0.0)
    params = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
    )
    a, i = _components(t, *params)
    return _scalar_or_array(a + i)


def risk_curve(
    *,
    max_wait_months=36.0,
    n_points=145,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
):
    """The curve over waits ``0 .. max_wait_months`` (``n_points`` evenly spaced).

    Returns a dict of equal-length float arrays: ``wait_months``, ``p_misaligned``,
    ``p_preempted``, ``action_risk``, ``inaction_risk``, ``p_catastrophe``.
    """
    tmax = v.real("max_wait_months", max_wait_months, lo=0.0, lo_open=True, allow_array=False)
    n = v.integer("n_points", n_points, lo=2, hi=100_000)
    p0, f, h, lead, lam, q = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
    )
    for name, val in (
        ("p_misaligned_now", p0),
        ("p_misaligned_floor", f),
        ("halving_months", h),
        ("lead_months", lead),
        ("hazard_per_month", lam),
        ("p_other_misaligned", q),
    ):
        if np.ndim(val):
            raise ValueError(f"{name} must be a single number for risk_curve; got array")
    t = np.linspace(0.0, tmax, n)
    a, i = _components(t, p0, f, h, lead, lam, q)
    return {
        "wait_months": t,
        "p_misaligned": _p(t, p0, f, h),
        "p_preempted": _f(t, lead, lam),
        "action_risk": a,
        "inaction_risk": i,
        "p_catastrophe": a + i,
    }


# ---------------------------------------------------------------- optimum, break-even
def _optimal(p0, f, h, lead, lam, q):
    p0, f, h, lead, lam, q = np.broadcast_arrays(*(np.asarray(x, float) for x in (p0, f, h, lead, lam, q)))
    tau = h / _LN2  # e-folding time of the excess misalignment risk
    decays = p0 > f
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p_lead = f + (p0 - f) * np.exp(-lead / tau)
        g_lead = lam * (q - p_lead) - (p_lead - f) / tau
        # p(t*) - f = lam (q - f) / (lam + 1/tau); solved for t* in logs (no cancellation)
        t_star = tau * (np.log(p0 - f) + np.log(lam + 1.0 / tau) - np.log(lam) - np.log(q - f))
    out = np.where(
        ~decays,
        # p(t) is flat at p0: nothing to gain by waiting unless others are safer.
        np.where((lam > 0) & (q < f), np.inf, 0.0),
        np.where(
            lam == 0,
            np.inf,
            np.where(g_lead >= 0, lead, np.where(q <= f, np.inf, np.maximum(t_star, lead))),
        ),
    )
    return out


def optimal_wait(
    *,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
):
    """The wait (months) that minimises :func:`p_catastrophe`; broadcasts over parameters.

    Closed form: never earlier than the end of the lead (waiting inside it is free). Beyond
    it, the risk keeps falling while ``p(t)`` exceeds
    ``p* = (hazard * p_other + p_floor / tau) / (hazard + 1 / tau)`` with
    ``tau = halving_months / ln 2``, so ``t* = tau * ln((p_now - p_floor) / (p* - p_floor))``.
    Returns ``inf`` when waiting forever is best (no hazard, or others at least as safe as
    Magma's floor), and the earliest minimiser when several waits tie.
    """
    params = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
    )
    return _scalar_or_array(_optimal(*params))


def break_even_wait(
    *,
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
):
    """The longest wait that is no riskier than deploying now: ``C(t) = C(0)``, ``t >= t*``.

    Waiting longer than this is worse than deploying at once. ``inf`` when waiting is never
    worse (``p_other_misaligned <= p_misaligned_now``, or waiting forever is optimal);
    ``0`` when every wait is worse than deploying now. Broadcasts; bisection to a relative
    1e-9 (a break-even too large for a float, from absurdly small hazards, is ``inf``).
    """
    params = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, hazard_per_month, p_other_misaligned
    )
    p0, f, h, lead, lam, q = np.broadcast_arrays(*(np.asarray(x, float) for x in params))
    t_opt = _optimal(p0, f, h, lead, lam, q)
    # C(0) = p_now (nobody can pre-empt at t = 0). Waiting is never worse if others are no
    # riskier than Magma is now, if nobody else can ever deploy, or if waiting forever is best.
    never_worse = (q <= p0) | (lam == 0) | ~np.isfinite(t_opt)

    def excess(t):
        # C(t) - C(0) = F (q - p_now) - (1 - F) (p_now - p(t)), written without cancellation
        pre = _f(t, lead, lam)
        with np.errstate(over="ignore"):
            gain = (p0 - f) * -np.expm1(-_LN2 * t / h)
        return pre * (q - p0) - (1.0 - pre) * gain

    lo = np.where(never_worse, 0.0, t_opt)
    hi = np.maximum(lo, 1.0) * 2.0
    with np.errstate(over="ignore"):
        for _ in range(2000):
            need = ~never_worse & np.isfinite(hi) & (excess(hi) <= 0)
            if not need.any():
                break
            hi = np.where(need, hi * 2.0, hi)
    # a break-even beyond the largest float (absurdly small hazards) is reported as inf
    never_worse = never_worse | ~np.isfinite(hi)
    hi = np.where(never_worse, 1.0, hi)
    lo = np.where(never_worse, 0.0, lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        below = excess(mid) <= 0
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
        if np.all(never_worse | (hi - lo <= 1e-9 * np.maximum(1.0, hi))):
            break
    out = np.where(never_worse, np.inf, lo)
    return _scalar_or_array(out)


def sweep(
    *,
    max_wait_months=36.0,
    n_points=121,
    hazard_per_month=(1 / 24, 1 / 12, 1 / 6),
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    p_other_misaligned=0.5,
):
    """Tidy frame of the risk curves for a chart, one curve per hazard value.

    Columns: ``hazard_per_month`` (float), ``wait_months`` (float), ``risk`` (one of
    ``"action risk"``, ``"inaction risk"``, ``"total"``), ``probability`` (float in [0, 1]).
    Mark the optimum and break-even waits with :func:`optimal_wait` / :func:`break_even_wait`
    (they may be ``inf``, which a JSON chart spec cannot hold, so they are not columns).
    """
    tmax = v.real("max_wait_months", max_wait_months, lo=0.0, lo_open=True, allow_array=False)
    n = v.integer("n_points", n_points, lo=2, hi=10_000)
    lams = np.atleast_1d(v.real("hazard_per_month", hazard_per_month, lo=0.0))
    if lams.ndim != 1:
        raise ValueError(
            "hazard_per_month must be a number or a flat sequence of numbers in "
            f"[0, inf); got array with shape {lams.shape}"
        )
    p0, f, h, lead, _, q = _check_params(
        p_misaligned_now, p_misaligned_floor, halving_months, lead_months, 0.0, p_other_misaligned
    )
    for name, val in (
        ("p_misaligned_now", p0),
        ("p_misaligned_floor", f),
        ("halving_months", h),
        ("lead_months", lead),
        ("p_other_misaligned", q),
    ):
        if np.ndim(val):
            raise ValueError(f"{name} must be a single number for sweep; got array")
    t = np.linspace(0.0, tmax, n)
    T, L = np.meshgrid(t, lams)  # shape (n_hazards, n)
    a, i = _components(T, p0, f, h, lead, L, q)
    labels = ("action risk", "inaction risk", "total")
    values = np.stack([a, i, a + i])  # (3, n_hazards, n)
    m = lams.size
    return pd.DataFrame(
        {
            "hazard_per_month": np.broadcast_to(lams[None, :, None], values.shape).ravel(),
            "wait_months": np.broadcast_to(T[None], values.shape).ravel(),
            "risk": np.repeat(np.array(labels, dtype=object), m * n),
            "probability": values.ravel(),
        }
    )


# ------------------------------------------------------------------------------ phases
#: The document's three phases, paraphrased (doc ``deployment-nearcast``, summary).
PHASES = (
    {
        "phase": 1,
        "label": "Phase 1",
        "condition": "No AI system yet that is both transformative and reliably aligned; "
        "Magma works to get one (and may hold back from deploying until it is "
        "confident).",
    },
    {
        "phase": 2,
        "label": "Phase 2",
        "condition": "Magma has transformative, reliably aligned AI, but less cautious actors "
        "could still deploy misaligned AI; Magma and IAIA use aligned AI to "
        "reduce that risk.",
    },
    {
        "phase": 3,
        "label": "Phase 3",
        "condition": "The risk of anyone deploying misaligned AI is very low globally; the "
        "main remaining risks are misuse of AI that does what its users intend.",
    },
)


def _check_dates(aligned_tai_month, risk_handled_month):
    a = None if aligned_tai_month is None else v.real("aligned_tai_month", aligned_tai_month, lo=0.0, allow_array=False)
    r = (
        None
        if risk_handled_month is None
        else v.real("risk_handled_month", risk_handled_month, lo=0.0, allow_array=False)
    )
    if r is not None and a is None:
        raise ValueError(
            f"risk_handled_month must be None when aligned_tai_month is None (Phase 3 follows Phase 2); got {r:g}"
        )
    if r is not None and a is not None and r < a:
        raise ValueError(f"risk_handled_month must be in [aligned_tai_month, inf) = [{a:g}, inf); got {r:g}")
    return a, r


def phase_at(month, *, aligned_tai_month, risk_handled_month=None):
    """Phase (1, 2 or 3) at ``month``, given when each of the document's conditions is met.

    ``aligned_tai_month``: when Magma has AI that is both transformative and reliably aligned
    (``None``: not yet). ``risk_handled_month``: when misaligned-AI risk is very low globally
    (``None``: not yet; must not precede ``aligned_tai_month``). A phase starts at its month.
    Broadcasts over ``month``; returns ints.
    """
    m = v.real("month", month, lo=0.0)
    a, r = _check_dates(aligned_tai_month, risk_handled_month)
    m_arr = np.asarray(m, float)
    phase = np.ones(m_arr.shape, dtype=int)
    if a is not None:
        phase = np.where(m_arr >= a, 2, phase)
    if r is not None:
        phase = np.where(m_arr >= r, 3, phase)
    return int(phase) if phase.ndim == 0 else phase


def phase_timeline(*, aligned_tai_month, risk_handled_month=None, horizon_months=60.0):
    """Tidy timeline of the phases over ``[0, horizon_months]`` for a Gantt-style chart.

    One row per phase that occurs within the horizon, with columns ``phase`` (int),
    ``label``, ``start_month``, ``end_month`` (clipped to the horizon) and ``condition``
    (the document's entry condition, paraphrased). Conditions met after the horizon are
    treated as not met.
    """
    horizon = v.real("horizon_months", horizon_months, lo=0.0, lo_open=True, allow_array=False)
    a, r = _check_dates(aligned_tai_month, risk_handled_month)
    starts = [0.0]
    if a is not None and a < horizon:
        starts.append(a)
        if r is not None and r < horizon:
            starts.append(r)
    ends = starts[1:] + [horizon]
    rows = []
    for k, (s, e) in enumerate(zip(starts, ends)):
        if e <= s:  # zero-length phase (two conditions met in the same month)
            continue
        rows.append({**PHASES[k], "start_month": s, "end_month": e})
    frame = pd.DataFrame(rows, columns=["phase", "label", "condition", "start_month", "end_month"])
    return frame[["phase", "label", "start_month", "end_month", "condition"]]


_STATES = ("Phase 1", "Phase 2", "Phase 3", "catastrophe")


def _check_chain(n_months, p_reach_aligned_tai, p_risk_handled, p_catastrophe_phase1, p_catastrophe_phase2):
    n = v.integer("n_months", n_months, lo=0, hi=100_000)
    a = v.real("p_reach_aligned_tai", p_reach_aligned_tai, lo=0.0, hi=1.0, allow_array=False)
    b = v.real("p_risk_handled", p_risk_handled, lo=0.0, hi=1.0, allow_array=False)
    c1 = v.real("p_catastrophe_phase1", p_catastrophe_phase1, lo=0.0, hi=1.0, allow_array=False)
    c2 = v.real("p_catastrophe_phase2", p_catastrophe_phase2, lo=0.0, hi=1.0, allow_array=False)
    if a + c1 > 1.0 + 1e-12:
        raise ValueError(f"p_catastrophe_phase1 must be in [0, 1 - p_reach_aligned_tai] = [0, {1 - a:g}]; got {c1:g}")
    if b + c2 > 1.0 + 1e-12:
        raise ValueError(f"p_catastrophe_phase2 must be in [0, 1 - p_risk_handled] = [0, {1 - b:g}]; got {c2:g}")
    return n, a, b, c1, c2


def phase_probabilities(
    n_months,
    *,
    p_reach_aligned_tai=1 / 12,
    p_risk_handled=1 / 24,
    p_catastrophe_phase1=0.01,
    p_catastrophe_phase2=0.005,
):
    """P(in each state at month ``0 .. n_months``) for the monthly Markov chain.

    Returns an array of shape ``(n_months + 1, 4)``; columns are Phase 1, Phase 2, Phase 3,
    catastrophe; row 0 is ``[1, 0, 0, 0]``; rows sum to 1. Per month: Phase 1 -> 2 with
    ``p_reach_aligned_tai``, Phase 1 -> catastrophe with ``p_catastrophe_phase1``; Phase 2 ->
    3 with ``p_risk_handled``, Phase 2 -> catastrophe with ``p_catastrophe_phase2``; Phase 3
    and catastrophe are absorbing.
    """
    n, a, b, c1, c2 = _check_chain(
        n_months, p_reach_aligned_tai, p_risk_handled, p_catastrophe_phase1, p_catastrophe_phase2
    )
    P = np.array(
        [
            [max(0.0, 1.0 - a - c1), a, 0.0, c1],
            [0.0, max(0.0, 1.0 - b - c2), b, c2],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    out = np.empty((n + 1, 4))
    x = np.array([1.0, 0.0, 0.0, 0.0])
    out[0] = x
    for k in range(1, n + 1):
        x = x @ P
        out[k] = x
    return out


def phase_sweep(
    *,
    n_months=60,
    p_reach_aligned_tai=1 / 12,
    p_risk_handled=1 / 24,
    p_catastrophe_phase1=0.01,
    p_catastrophe_phase2=0.005,
):
    """Tidy frame of :func:`phase_probabilities` for a stacked-area chart.

    Columns: ``month`` (int), ``state`` (``"Phase 1"``, ``"Phase 2"``, ``"Phase 3"``,
    ``"catastrophe"``), ``probability``.
    """
    probs = phase_probabilities(
        n_months,
        p_reach_aligned_tai=p_reach_aligned_tai,
        p_risk_handled=p_risk_handled,
        p_catastrophe_phase1=p_catastrophe_phase1,
        p_catastrophe_phase2=p_catastrophe_phase2,
    )
    months = np.arange(probs.shape[0])
    return pd.DataFrame(
        {
            "month": np.repeat(months, 4),
            "state": np.tile(np.array(_STATES, dtype=object), months.size),
            "probability": probs.ravel(),
        }
    )
