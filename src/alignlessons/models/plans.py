"""A plan as a chain of steps that must all succeed.

Source
------
``alignment-plan-critique`` (Akash, "My thoughts on OpenAI's alignment plan", 2022), section 1,
"Six things that need to happen for the plan to work": the critique lists six steps and says
that if any one of them goes wrong the plan fails; a table then rates how well OpenAI's posts
cover each step (one adequate, one inadequate, one unclear, three unaddressed). The steps and
their coverage labels ship as course data in ``content/data/plan_steps.csv``; this module never
reads that file: it takes the step probabilities as arguments, and a lesson joins the two.

Model
-----
Step ``i`` succeeds with probability ``p_i`` and the plan succeeds only if every step does.

* Independent steps: ``P = p_1 * p_2 * ... * p_n``.
* Steps sharing a common factor (``correlation`` = rho in [0, 1]): with probability ``1 - rho``
  the steps succeed or fail independently; with probability ``rho`` they are all driven by one
  common cause -- a single uniform draw ``U`` with step ``i`` succeeding iff ``U <= p_i`` (the
  "comonotone" coupling, e.g. "the world turned out to be easy"). Then::

      P(success) = (1 - rho) * prod(p) + rho * min(p)

  Every step keeps its own success probability ``p_i`` for every rho, so rho changes only how
  the failures line up. rho = 0 is independence; rho = 1 is the comonotone extreme, the most
  favourable dependence there is, where the chain is exactly as strong as its weakest link. For
  two steps with equal ``p``, rho equals the correlation between the two success indicators.
* Sensitivity: the gain in P(success) from raising one step's probability by ``improvement``
  (capped at 1), holding the others fixed. In this model the weakest step always gains at
  least as much as any other step: the quantitative form of the weakest-link intuition.

Assumptions and what the model leaves out
-----------------------------------------
The documents give no probabilities for the steps: every probability is the learner's input.
The model ignores timing (the critique's remark that steps 1-5 must be finished before another
actor builds an unaligned AGI), partial success, the order of the steps, and dependence
structures other than the two-regime mixture above (e.g. a step that makes the next one
*less* likely). Step indices returned by functions are 0-based (step number = index + 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validate import integer, probabilities, real

__all__ = [
    "N_STEPS",
    "success_probability",
    "sensitivity",
    "most_sensitive_step",
    "weakest_step",
    "sweep",
    "sweep_steps",
]

#: Number of steps the critique says the plan must get through (alignment-plan-critique, section 1).
N_STEPS = 6


def _success(p: np.ndarray, rho: float | np.ndarray) -> float | np.ndarray:
    return (1.0 - rho) * np.prod(p) + rho * np.min(p)


def success_probability(step_probabilities, *, correlation=0.0):
    """P(every step succeeds).

    Parameters
    ----------
    step_probabilities : sequence of float in [0, 1]
        Success probability of each step (at least one step).
    correlation : float or array of float in [0, 1]
        Weight of the common-cause regime (0 = independent steps, 1 = comonotone steps, where
        P(success) = min(p)). An array gives one result per value.

    Returns
    -------
    float, or ndarray shaped like ``correlation``.
    """
    p = probabilities("step_probabilities", step_probabilities)
    rho = real("correlation", correlation, lo=0.0, hi=1.0)
    out = _success(p, rho)
    return float(out) if np.ndim(out) == 0 else np.asarray(out)


def sensitivity(step_probabilities, *, correlation=0.0, improvement=0.1):
    """Gain in P(success) from raising each step's probability by ``improvement``.

    Step ``i`` is raised to ``min(1, p_i + improvement)`` while the others stay fixed.

    Parameters
    ----------
    step_probabilities : sequence of float in [0, 1]
    correlation : float in [0, 1]
    improvement : float in (0, 1]

    Returns
    -------
    ndarray of shape (n_steps,), entry ``i`` the gain from improving step ``i`` (0-based).
    """
    p = probabilities("step_probabilities", step_probabilities)
    rho = real("correlation", correlation, lo=0.0, hi=1.0, allow_array=False)
    delta = real("improvement", improvement, lo=0.0, hi=1.0, lo_open=True, allow_array=False)
    raised = np.tile(p, (p.size, 1))
    idx = np.arange(p.size)
    raised[idx, idx] = np.minimum(1.0, p + delta)
    improved = (1.0 - rho) * np.prod(raised, axis=1) + rho * np.min(raised, axis=1)
    return improved - _success(p, rho)


def most_sensitive_step(step_probabilities, *, correlation=0.0, improvement=0.1) -> int:
    """0-based index of the step whose improvement raises P(success) most (ties: earliest step)."""
    gains = sensitivity(step_probabilities, correlation=correlation, improvement=improvement)
    return int(np.argmax(gains))


def weakest_step(step_probabilities) -> int:
    """0-based index of the step with the lowest success probability (ties: earliest step)."""
    p = probabilities("step_probabilities", step_probabilities)
    return int(np.argmin(p))


def sweep(*, n_steps=N_STEPS, step_probability=None, correlation=(0.0, 0.25, 0.5, 0.75, 1.0)):
    """P(success) of ``n_steps`` equally likely steps, over step probability and correlation.

    Parameters
    ----------
    n_steps : int in [1, 100]
        Number of steps; default 6, the critique's count.
    step_probability : array of float in [0, 1], optional
        Per-step success probabilities to sweep (default: 0.5 to 1 in 51 points).
    correlation : array of float in [0, 1]
        Common-cause weights to sweep (one line per value in a chart).

    Returns
    -------
    pandas.DataFrame with columns ``n_steps``, ``step_probability``, ``correlation``,
    ``p_success``; one row per (step_probability, correlation) pair.
    """
    n = integer("n_steps", n_steps, lo=1, hi=100)
    if step_probability is None:
        step_probability = np.linspace(0.5, 1.0, 51)
    q = np.atleast_1d(real("step_probability", step_probability, lo=0.0, hi=1.0)).ravel()
    rho = np.atleast_1d(real("correlation", correlation, lo=0.0, hi=1.0)).ravel()
    qq, rr = np.meshgrid(q, rho, indexing="ij")
    # n equal steps: prod = q**n, min = q.
    p_success = (1.0 - rr) * qq**n + rr * qq
    return pd.DataFrame(
        {
            "n_steps": np.full(qq.size, n),
            "step_probability": qq.ravel(),
            "correlation": rr.ravel(),
            "p_success": p_success.ravel(),
        }
    )


def sweep_steps(*, n_steps=range(1, 13), step_probability=None, correlation=(0.0, 0.25, 0.5, 0.75, 1.0)):
    """:func:`sweep` for each step count in ``n_steps``, stacked, with P(success) for independent
    steps (correlation 0) beside each row as the reference ``p_independent``.

    Returns
    -------
    pandas.DataFrame with columns ``n_steps``, ``step_probability``, ``correlation``,
    ``p_success`` and ``p_independent``; one row per (n_steps, step_probability, correlation).
    """
    frames = []
    for n in n_steps:
        s = sweep(n_steps=n, step_probability=step_probability, correlation=correlation)
        independent = sweep(n_steps=n, step_probability=step_probability, correlation=0.0)
        frames.append(
            s.merge(
                independent.loc[:, ["step_probability", "p_success"]].rename(columns={"p_success": "p_independent"}),
                on="step_probability",
            )
        )
    if not frames:
        raise ValueError(f"n_steps must hold at least one step count; got {n_steps!r}")
    return pd.concat(frames, ignore_index=True)
