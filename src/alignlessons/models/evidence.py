"""Updating on shared evidence, and evidence that arrives too late.

Source
------
Doc ``openai-misconceptions`` (Jacob Hilton's post and its comment thread):

* Hilton, "Opinion: disagreements about OpenAI's strategy are substantially empirical":
  compared with the alignment community, OpenAI leadership put more likelihood on slow
  takeoff and are more optimistic about solving alignment (especially by empirical,
  capabilities-reliant methods); he expects them to change their minds "given clear enough
  evidence to the contrary".
* John Wentworth's reply (the first comment on that paragraph; the replies identify him):
  alignment is hard "precisely because we do not expect to see empirical evidence before it
  is too late" - "things look fine early on, and go wrong later" (Goodhart, deception, a
  phase change in hard takeoff, "getting what you measure" in slow takeoff).
* Joe Collman splits problems into X (experimental evidence arrives before it is too late)
  and Y (it does not): for a Y-problem, how much weight one puts on experimental evidence is
  irrelevant - there is none.
* Richard Ngo disagrees that no evidence will come: he expects empirical examples of each
  failure John lists "except for the hard takeoff phase change" (and doubts that lack of
  feedback is the core difficulty); a commenter whose name the course's copy does not show
  separates evidence that the problem is real from evidence that a solution is sufficient.

Part 1: Bayesian observers
--------------------------
Observers hold different priors over the same hypotheses (e.g. H = "fast takeoff" or
"alignment is hard" against its negation), see the same observations, and update by Bayes'
rule with the same likelihoods ``P(outcome | hypothesis)``. When the likelihoods differ
between hypotheses, posteriors converge on the hypothesis generating the data and the
observers come to agree; when they do not, every observation leaves the posteriors where
they were and the disagreement (the priors) persists however much is observed.
:func:`information_per_observation` gives the expected log-likelihood ratio per observation
(the Kullback-Leibler divergence) - how quickly priors wash out; it is 0 for uninformative
evidence. Default priors (0.2 vs. 0.8) and signal probabilities are illustrative; the
document states the direction of the disagreement, not its size.

Part 2: warnings only past a capability threshold
--------------------------------------------------
Capability, in multiples of today's, doubles every ``doubling_months``:
``c(t) = 2 ** (t / doubling_months)``. Warning signs (observable misbehaviour) occur as a
Poisson process with ``warning_rate`` per month, but only while ``c >= warning_threshold``.
The point of no return is when ``c`` reaches ``no_return_threshold``; a warning is useful
only if it comes at least ``response_months`` before that. With ``t_w = max(0,
doubling_months * log2(warning_threshold))`` and ``t_p = doubling_months *
log2(no_return_threshold)``::

    P(useful warning) = 1 - exp(-warning_rate * max(0, t_p - response_months - t_w))

``warning_threshold >= no_return_threshold`` is John's case (no warning before it is too
late); a threshold well below it is Richard's. Faster takeoff (smaller doubling time)
shrinks the window in months even when the capability gap between the thresholds is the
same. :func:`simulate_warnings` plays the process and also allows noisy capability growth
(``growth_volatility > 0``), which the closed form does not cover. Defaults (thresholds 2 and
4, doubling 12 months, 0.25 warnings a month, 3 months to respond) are illustrative: the
documents give no numbers.

Assumptions and what is left out
--------------------------------
Observations are conditionally independent given the hypothesis and observers agree on the
likelihoods (real disagreements often are about the likelihoods themselves, e.g. whether an
experiment "counts"); observers are ideal Bayesians. Warnings are all-or-nothing, noticed
when they occur and acted on in a fixed time; whether a warning can be turned into a fix
(Richard Ngo's and Habryka's point) is outside the model; capability is one-dimensional.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "binary_likelihoods",
    "posterior_path",
    "posterior_after",
    "simulate_observations",
    "information_per_observation",
    "sweep",
    "warning_window_months",
    "p_warning_in_time",
    "simulate_warnings",
    "warning_sweep",
]

_ROW_TOL = 1e-9


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ------------------------------------------------------------------ Part 1: Bayes
def _check_likelihoods(likelihoods):
    if isinstance(likelihoods, (str, bytes)) or likelihoods is None:
        raise ValueError(
            f"likelihoods must be a 2-D array of probabilities in [0, 1] (hypotheses x outcomes); got {likelihoods!r}"
        )
    L = np.asarray(v.real("likelihoods", likelihoods, lo=0.0, hi=1.0), dtype=float)
    if L.ndim != 2 or L.shape[0] < 2 or L.shape[1] < 2:
        raise ValueError(
            "likelihoods must be a 2-D array with at least 2 hypotheses (rows) "
            f"and 2 outcomes (columns); got shape {L.shape}"
        )
    sums = L.sum(axis=1)
    bad = np.abs(sums - 1.0) > _ROW_TOL
    if bad.any():
        raise ValueError(
            "likelihoods rows must each sum to 1 (a distribution over outcomes); "
            f"row {int(np.argmax(bad))} sums to {sums[bad][0]:g}"
        )
    return L


def _check_prior(prior, n_hyp):
    if isinstance(prior, (str, bytes)) or prior is None or np.ndim(prior) == 0:
        raise ValueError(
            f"prior must be a sequence of {n_hyp} probabilities summing to 1 "
            f"(or a 2-D array, one row per observer); got {prior!r}"
        )
    P = np.asarray(v.real("prior", prior, lo=0.0, hi=1.0), dtype=float)
    if P.ndim not in (1, 2) or P.shape[-1] != n_hyp:
        raise ValueError(f"prior must have {n_hyp} entries per observer (one per hypothesis); got shape {P.shape}")
    sums = P.sum(axis=-1)
    bad = np.abs(sums - 1.0) > _ROW_TOL
    if np.any(bad):
        raise ValueError(
            f"prior must sum to 1 for each observer; got a sum of {np.atleast_1d(sums)[np.atleast_1d(bad)][0]:g}"
        )
    return P


def binary_likelihoods(*, p_signal_if_h, p_signal_if_not_h):
    """Likelihood matrix for a yes/no signal: rows ``[H, not H]``, columns ``[no, yes]``."""
    a = v.real("p_signal_if_h", p_signal_if_h, lo=0.0, hi=1.0, allow_array=False)
    b = v.real("p_signal_if_not_h", p_signal_if_not_h, lo=0.0, hi=1.0, allow_array=False)
    return np.array([[1.0 - a, a], [1.0 - b, b]])


def _normalise_log(logw, name):
    m = np.max(logw, axis=-1, keepdims=True)
    if np.any(np.isneginf(m)):
        raise ValueError(
            f"{name} are impossible under every hypothesis the prior allows (probability 0); got such data"
        )
    w = np.exp(logw - m)
    return w / w.sum(axis=-1, keepdims=True)


def posterior_path(observations, *, likelihoods, prior):
    """Posterior over hypotheses after each observation (Bayes' rule, in log space).

    ``observations``: a flat sequence of outcome indices (whole numbers in
    ``[0, n_outcomes - 1]``). ``likelihoods``: array ``(n_hypotheses, n_outcomes)`` whose rows
    are distributions. ``prior``: ``(n_hypotheses,)`` or ``(n_observers, n_hypotheses)``.
    Returns ``(n_steps + 1, n_hypotheses)`` - or ``(n_observers, n_steps + 1, n_hypotheses)``
    for a 2-D prior - with row 0 the prior. Raises ``ValueError`` if the data have
    probability 0 under every hypothesis an observer allows.
    """
    L = _check_likelihoods(likelihoods)
    P = _check_prior(prior, L.shape[0])
    obs = np.atleast_1d(v.integer("observations", observations, lo=0, hi=L.shape[1] - 1, allow_array=True))
    if obs.ndim != 1:
        raise ValueError(f"observations must be a flat sequence of outcome indices; got array with shape {obs.shape}")
    with np.errstate(divide="ignore"):
        logL = np.log(L)
        logP = np.log(P)
    steps = logL[:, obs].T  # (n_steps, n_hyp)
    cum = np.vstack([np.zeros((1, L.shape[0])), np.cumsum(steps, axis=0)])
    logpost = logP[..., None, :] + cum  # (..., n_steps + 1, n_hyp)
    return _normalise_log(logpost, "observations")


def _xlogy(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


def posterior_after(n_signals, n_observations, *, prior, p_signal_if_h, p_signal_if_not_h):
    """P(H | ``n_signals`` signals in ``n_observations`` yes/no observations); closed form.

    ``prior`` is P(H). The order of observations does not matter. Broadcasts over every
    argument.
    """
    n = v.integer("n_observations", n_observations, lo=0, allow_array=True)
    k = v.integer("n_signals", n_signals, lo=0, allow_array=True)
    if np.any(np.asarray(k) > np.asarray(n)):
        kk, nn = np.broadcast_arrays(np.asarray(k), np.asarray(n))
        raise ValueError(
            f"n_signals must be in [0, n_observations]; got {int(kk[kk > nn][0])} "
            f"with n_observations = {int(nn[kk > nn][0])}"
        )
    p = v.real("prior", prior, lo=0.0, hi=1.0)
    a = v.real("p_signal_if_h", p_signal_if_h, lo=0.0, hi=1.0)
    b = v.real("p_signal_if_not_h", p_signal_if_not_h, lo=0.0, hi=1.0)
    k, n, p, a, b = np.broadcast_arrays(*(np.asarray(x, float) for x in (k, n, p, a, b)))
    log_h = _xlogy(np.ones_like(p), p) + _xlogy(k, a) + _xlogy(n - k, 1.0 - a)
    log_n = _xlogy(np.ones_like(p), 1.0 - p) + _xlogy(k, b) + _xlogy(n - k, 1.0 - b)
    post = _normalise_log(np.stack([log_h, log_n], axis=-1), "n_signals and n_observations")
    return _out(post[..., 0])


def simulate_observations(*, likelihoods, true_hypothesis, n_steps, seed=None):
    """Draw ``n_steps`` i.i.d. outcome indices from row ``true_hypothesis`` of ``likelihoods``."""
    L = _check_likelihoods(likelihoods)
    h = v.integer("true_hypothesis", true_hypothesis, lo=0, hi=L.shape[0] - 1)
    n = v.integer("n_steps", n_steps, lo=1, hi=10_000_000)
    if seed is not None:
        seed = v.integer("seed", seed, lo=0)
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(L[h])
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(n), side="right").astype(int)


def information_per_observation(*, p_signal_if_h, p_signal_if_not_h):
    """Expected log-likelihood ratio (nats) per yes/no observation when H is true: KL(H || not H).

    0 when the signal is equally likely under both hypotheses (priors never wash out); ``inf``
    when an outcome possible under H is impossible under not-H. Broadcasts.
    """
    a = v.real("p_signal_if_h", p_signal_if_h, lo=0.0, hi=1.0)
    b = v.real("p_signal_if_not_h", p_signal_if_not_h, lo=0.0, hi=1.0)
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a == 0, 0.0, a * (np.log(a) - np.log(b)))
        t0 = np.where(a == 1, 0.0, (1 - a) * (np.log1p(-a) - np.log1p(-b)))
    return _out(t1 + t0)


def sweep(
    *,
    observer_priors=(0.2, 0.8),
    p_signal_if_h=(0.6, 0.45, 0.4),
    p_signal_if_not_h=(0.3, 0.4, 0.4),
    true_hypothesis="H",
    n_steps=100,
    seed=0,
):
    """Posterior paths of several observers under several strengths of evidence.

    Each position ``j`` of ``p_signal_if_h`` / ``p_signal_if_not_h`` is one evidence regime
    (a yes/no signal per step); the same uniform draws drive every regime, so the regimes
    differ only in how informative the signal is. ``observer_priors`` are P(H).
    Columns: ``step`` (0 = prior), ``evidence`` (label with the two signal probabilities),
    ``information_nats`` (per observation, under the true hypothesis), ``observer``
    (``"prior 0.2"`` ...), ``prior`` (float), ``posterior_h`` (float in [0, 1]),
    ``disagreement`` (largest minus smallest posterior across observers at that step).
    """
    priors = np.atleast_1d(v.real("observer_priors", observer_priors, lo=0.0, hi=1.0))
    a_all = np.atleast_1d(v.real("p_signal_if_h", p_signal_if_h, lo=0.0, hi=1.0))
    b_all = np.atleast_1d(v.real("p_signal_if_not_h", p_signal_if_not_h, lo=0.0, hi=1.0))
    for name, arr in (("observer_priors", priors), ("p_signal_if_h", a_all), ("p_signal_if_not_h", b_all)):
        if arr.ndim != 1:
            raise ValueError(f"{name} must be a number or a flat sequence; got array with shape {arr.shape}")
    if a_all.size != b_all.size:
        raise ValueError(
            f"p_signal_if_not_h must have as many entries as p_signal_if_h ({a_all.size}); got {b_all.size}"
        )
    truth = v.choice("true_hypothesis", true_hypothesis, ("H", "not H"))
    n = v.integer("n_steps", n_steps, lo=1, hi=100_000)
    s = v.integer("seed", seed, lo=0)
    u = np.random.default_rng(s).random(n)
    prior_mat = np.stack([priors, 1.0 - priors], axis=-1)
    frames = []
    for a, b in zip(a_all, b_all):
        p_true = a if truth == "H" else b
        obs = (u < p_true).astype(int)
        L = np.array([[1.0 - a, a], [1.0 - b, b]])
        post = posterior_path(obs, likelihoods=L, prior=prior_mat)[..., 0]  # (n_obs, n+1)
        if truth == "H":
            info = information_per_observation(p_signal_if_h=a, p_signal_if_not_h=b)
        else:
            info = information_per_observation(p_signal_if_h=b, p_signal_if_not_h=a)
        gap = post.max(axis=0) - post.min(axis=0)
        m = priors.size
        frames.append(
            pd.DataFrame(
                {
                    "step": np.tile(np.arange(n + 1), m),
                    "evidence": f"P(signal | H) = {a:g}, P(signal | not H) = {b:g}",
                    "information_nats": info,
                    "observer": np.repeat([f"prior {p:g}" for p in priors], n + 1),
                    "prior": np.repeat(priors, n + 1),
                    "posterior_h": post.ravel(),
                    "disagreement": np.tile(gap, m),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------- Part 2: warnings too late
def _check_warning(warning_threshold, no_return_threshold, doubling_months, response_months):
    cw = v.real("warning_threshold", warning_threshold, lo=0.0, lo_open=True)
    cp = v.real("no_return_threshold", no_return_threshold, lo=0.0, lo_open=True)
    d = v.real("doubling_months", doubling_months, lo=0.0, lo_open=True)
    resp = v.real("response_months", response_months, lo=0.0)
    return cw, cp, d, resp


def _window(cw, cp, d, resp):
    t_w = np.maximum(0.0, d * np.log2(cw))
    t_p = d * np.log2(cp)
    return np.maximum(0.0, t_p - resp - t_w)


def warning_window_months(*, warning_threshold=2.0, no_return_threshold=4.0, doubling_months=12.0, response_months=3.0):
    """Months during which a warning would still be useful (0 if there are none).

    ``max(0, t_p - response_months - max(0, t_w))`` with ``t_x = doubling_months *
    log2(threshold_x)``. Broadcasts.
    """
    args = _check_warning(warning_threshold, no_return_threshold, doubling_months, response_months)
    return _out(_window(*args))


def p_warning_in_time(
    *, warning_threshold=2.0, no_return_threshold=4.0, doubling_months=12.0, warning_rate=0.25, response_months=3.0
):
    """P(at least one warning early enough to respond before the point of no return).

    Closed form ``1 - exp(-warning_rate * window)`` with the window from
    :func:`warning_window_months`; deterministic exponential capability growth. Broadcasts.
    """
    cw, cp, d, resp = _check_warning(warning_threshold, no_return_threshold, doubling_months, response_months)
    r = v.real("warning_rate", warning_rate, lo=0.0)
    return _out(-np.expm1(-np.asarray(r) * _window(cw, cp, d, resp)))


def simulate_warnings(
    *,
    warning_threshold=2.0,
    no_return_threshold=4.0,
    doubling_months=12.0,
    warning_rate=0.25,
    response_months=3.0,
    growth_volatility=0.0,
    n_runs=10_000,
    step_months=0.25,
    max_months=1200.0,
    seed=None,
):
    """Monte Carlo of the warning process; allows noisy capability growth.

    Log-capability moves in steps of ``step_months`` with drift ``ln 2 / doubling_months`` per
    month and Gaussian noise of standard deviation ``growth_volatility * sqrt(step_months)``,
    linearly between step ends (so with ``growth_volatility = 0`` the path is exactly
    ``2 ** (t / doubling_months)`` and the result matches :func:`p_warning_in_time` in
    distribution). Warnings arrive at ``warning_rate`` per month while capability is at or
    above ``warning_threshold`` and the point of no return has not been reached. A run
    succeeds if its first warning comes at least ``response_months`` before the point of no
    return (runs that never reach it within ``max_months`` succeed if warned at all).

    Returns a dict: ``p_warning_in_time``, ``standard_error``, ``p_warned_at_all``
    (any warning before the point of no return) and ``n_runs``.
    """
    cw, cp, d, resp = _check_warning(warning_threshold, no_return_threshold, doubling_months, response_months)
    for name, val in (
        ("warning_threshold", cw),
        ("no_return_threshold", cp),
        ("doubling_months", d),
        ("response_months", resp),
    ):
        if np.ndim(val):
            raise ValueError(f"{name} must be a single number for simulate_warnings; got array")
    r = v.real("warning_rate", warning_rate, lo=0.0, allow_array=False)
    sigma = v.real("growth_volatility", growth_volatility, lo=0.0, allow_array=False)
    n = v.integer("n_runs", n_runs, lo=1, hi=10_000_000)
    dt = v.real("step_months", step_months, lo=0.0, lo_open=True, allow_array=False)
    horizon = v.real("max_months", max_months, lo=0.0, lo_open=True, allow_array=False)
    if seed is not None:
        seed = v.integer("seed", seed, lo=0)
    rng = np.random.default_rng(seed)

    lw, lp = math.log(cw), math.log(cp)
    mu = math.log(2.0) / d
    x = np.zeros(n)  # log capability (today = 0)
    t = 0.0
    first_warning = np.full(n, np.inf)
    t_no_return = np.full(n, np.inf)
    if lp <= 0.0:  # already past the point of no return
        t_no_return[:] = 0.0
    active = np.isinf(t_no_return)
    n_steps = int(math.ceil(horizon / dt))
    for _ in range(n_steps):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        x0 = x[idx]
        x1 = x0 + mu * dt + (sigma * math.sqrt(dt) * rng.standard_normal(idx.size) if sigma else 0.0)
        slope = (x1 - x0) / dt
        with np.errstate(divide="ignore", invalid="ignore"):
            # time within the step at which the linear path crosses each level (if it does)
            cross_p = np.where((x0 < lp) & (x1 >= lp), (lp - x0) / slope, np.inf)
            cross_w = (lw - x0) / slope
        end = np.minimum(dt, cross_p)  # the run stops at the point of no return
        # sub-interval of [0, end] where x >= lw (x is linear, so it is one interval)
        up = slope > 0
        down = slope < 0
        a = np.where(x0 >= lw, 0.0, np.where(up, cross_w, np.inf))
        b = np.where(x0 >= lw, np.where(down, np.minimum(cross_w, end), end), np.where(up, end, -np.inf))
        a = np.clip(a, 0.0, None)
        b = np.minimum(b, end)
        need = np.isinf(first_warning[idx]) & (b > a)
        if r > 0 and need.any():
            wait = rng.exponential(1.0 / r, size=idx.size)
            hit = need & (a + wait <= b)
            first_warning[idx[hit]] = t + a[hit] + wait[hit]
        passed = np.isfinite(cross_p)
        t_no_return[idx[passed]] = t + cross_p[passed]
        x[idx] = x1
        active[idx[passed]] = False
        t += dt

    success = first_warning <= t_no_return - resp
    p = float(success.mean())
    return {
        "p_warning_in_time": p,
        "standard_error": math.sqrt(max(p * (1.0 - p), 0.0) / n),
        "p_warned_at_all": float((first_warning < t_no_return).mean()),
        "n_runs": n,
    }


def warning_sweep(
    *,
    doubling_months=None,
    warning_threshold=(1.5, 2.0, 3.0, 4.0),
    no_return_threshold=4.0,
    warning_rate=0.25,
    response_months=3.0,
):
    """Tidy frame of P(useful warning) against the capability doubling time.

    ``doubling_months`` defaults to 71 points from 1 to 36 months. Columns:
    ``doubling_months``, ``warning_threshold``, ``no_return_threshold``,
    ``window_months``, ``p_warning_in_time``.
    """
    if doubling_months is None:
        doubling_months = np.linspace(1.0, 36.0, 71)
    ds = np.atleast_1d(v.real("doubling_months", doubling_months, lo=0.0, lo_open=True))
    cws = np.atleast_1d(v.real("warning_threshold", warning_threshold, lo=0.0, lo_open=True))
    for name, arr in (("doubling_months", ds), ("warning_threshold", cws)):
        if arr.ndim != 1:
            raise ValueError(f"{name} must be a number or a flat sequence; got array with shape {arr.shape}")
    cp = v.real("no_return_threshold", no_return_threshold, lo=0.0, lo_open=True, allow_array=False)
    r = v.real("warning_rate", warning_rate, lo=0.0, allow_array=False)
    resp = v.real("response_months", response_months, lo=0.0, allow_array=False)
    D, CW = np.meshgrid(ds, cws)
    win = _window(CW, cp, D, resp)
    return pd.DataFrame(
        {
            "doubling_months": D.ravel(),
            "warning_threshold": CW.ravel(),
            "no_return_threshold": cp,
            "window_months": win.ravel(),
            "p_warning_in_time": (-np.expm1(-r * win)).ravel(),
        }
    )
