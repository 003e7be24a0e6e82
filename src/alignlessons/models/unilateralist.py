"""The unilateralist's curse: many well-meaning agents, one of whom will act.

Source
    Nick Bostrom, Thomas Douglas and Anders Sandberg, "The Unilateralist's Curse and the Case
    for a Principle of Conformity", *Social Epistemology* 30(4), 350-371 (2016). The curse:
    when any one of several well-meaning agents can undertake an initiative on its own
    judgement, it is undertaken more often than is optimal. The section "Lifting the curse"
    defines a unilateralist situation as one in which each agent can undertake *or spoil*
    the initiative (the ``"block"`` mode here) and states the principle of conformity:
    reduce your probability of unilaterally undertaking or spoiling the initiative to a
    level that ex ante would be expected to lift the curse (:func:`conforming_threshold`).
    The noise model (estimate = true value + independent normal error) is this module's
    formalisation of the paper's argument, as specified for the course.

The model
    An initiative has true value ``V`` (the status quo is worth 0). Each of ``N`` agents sees
    ``V`` plus its own independent normal noise with standard deviation ``sigma``
    (``noise_sd``) and acts if its estimate exceeds a threshold ``T`` (``threshold``). With
    ``Phi`` the standard normal CDF:

    ``mode="release"`` (the curse): the initiative happens if **at least one** agent acts,
        ``P(happens | V) = 1 - Phi((T - V) / sigma) ** N``.
    ``mode="block"`` (the spoiler variant): each agent can veto, and does so if its estimate
        is **below** ``T``; the initiative happens only if **nobody** blocks,
        ``P(happens | V) = Phi((V - T) / sigma) ** N``.

    With ``T = 0`` every agent acts on its honest best guess, yet as ``N`` grows a harmful
    initiative (``V < 0``) is released almost surely (and, in the spoiler mirror image, a
    beneficial one is almost surely blocked). :func:`conforming_threshold` gives the threshold
    that restores a chosen ``P(happens | V = 0)`` (by default 1/2, what a single agent with
    ``T = 0`` would give), one way to follow the paper's principle of conformity.
    :func:`expected_value` averages the outcome ``V * 1{happens}`` over a normal prior on
    ``V``.

Assumptions and limits
    Agents are identical, their errors independent and normal with a common known
    ``sigma``, and each decides alone and simultaneously on a fixed threshold: no
    communication, no learning from others' actions, no strategic behaviour (the paper's
    collective-deliberation, epistemic-deference and moral-deference models are outside
    this one). The value of the initiative is additive and the status quo is 0. Correlated
    errors, heterogeneous agents and costly action are left out.

Normal probabilities use ``math.erfc`` (vectorised with ``numpy.frompyfunc``) in
log space, so ``Phi(x) ** N`` stays accurate for large ``N``; quantiles use a rational
starting point (Abramowitz & Stegun 26.2.23) refined by Newton steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alignlessons.models._validate import as_result, broadcast, choice, integer, real

__all__ = [
    "MODES",
    "POLICIES",
    "UnilateralistSimulation",
    "p_any_acts",
    "p_blocked",
    "p_happens",
    "conforming_threshold",
    "expected_value",
    "simulate",
    "sweep",
]

#: ``"release"``: happens if anyone acts; ``"block"``: happens unless anyone blocks.
MODES = ("release", "block")
#: :func:`sweep` policies: everyone uses the given threshold, or the conforming one.
POLICIES = ("naive", "conforming")
#: Default true values of :func:`sweep` (a tuple: a default argument must not be mutable).
_SWEEP_TRUE_VALUES = tuple(np.round(np.linspace(-3.0, 3.0, 61), 4).tolist())

_MAX_AGENTS = 1_000_000
_MAX_SIMULATED_AGENTS = 10_000
_MAX_DRAWS = 10**10
_CHUNK_VALUES = 250_000

# ------------------------------------------------------------------ normal distribution

_erfc_obj = np.frompyfunc(math.erfc, 1, 1)
_SQRT1_2 = math.sqrt(0.5)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _erfc(x):
    return np.asarray(_erfc_obj(np.asarray(x, dtype=float)), dtype=float)


def _sf(x):
    """Upper tail Q(x) = 1 - Phi(x), accurate for large x."""
    return 0.5 * _erfc(np.asarray(x, float) * _SQRT1_2)


def _cdf(x):
    """Phi(x), accurate for very negative x."""
    return 0.5 * _erfc(-np.asarray(x, float) * _SQRT1_2)


def _log_cdf(x):
    """log Phi(x) without cancellation at either end."""
    x = np.asarray(x, float)
    with np.errstate(divide="ignore"):
        return np.where(x > 0, np.log1p(-_sf(np.maximum(x, 0.0))), np.log(_cdf(np.minimum(x, 0.0))))


def _log_pdf(x):
    x = np.asarray(x, float)
    return -0.5 * x * x - _LOG_SQRT_2PI


def _isf(q, qc):
    """x with Q(x) = q, given q in (0, 1) and its complement qc = 1 - q (both accurate)."""
    q, qc = np.broadcast_arrays(np.asarray(q, float), np.asarray(qc, float))
    upper = q <= 0.5
    p = np.where(upper, q, qc)  # the tail probability, <= 1/2
    # Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4), then Newton steps on log Q(x) = log p
    t = np.sqrt(-2.0 * np.log(p))
    x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t**3)
    log_p = np.log(p)
    for _ in range(4):
        sf = _sf(x)
        step = (np.log(sf) - log_p) * sf / np.exp(_log_pdf(x))
        x = np.where(np.isfinite(step), x + step, x)
    return np.where(upper, x, -x)


# ------------------------------------------------------------------ validation helpers


def _agents(n_agents: Any, *, allow_array: bool = True, hi: int = _MAX_AGENTS):
    return integer("n_agents", n_agents, lo=1, hi=hi, allow_array=allow_array)


def _sd(name: str, value: Any, *, allow_array: bool = True):
    return real(name, value, lo=0.0, lo_open=True, allow_array=allow_array)


def _mode(mode: Any) -> str:
    return choice("mode", mode, MODES)


def _happens(n, v, sd, t, mode: str) -> np.ndarray:
    """P(initiative happens | V = v); inputs already validated, arrays broadcast."""
    if mode == "release":
        return -np.expm1(n * _log_cdf((t - v) / sd))
    return np.exp(n * _log_cdf((v - t) / sd))


# ------------------------------------------------------------------ closed forms


def p_any_acts(n_agents: Any, true_value: Any, *, noise_sd: Any = 1.0, threshold: Any = 0.0) -> float | np.ndarray:
    """Probability that at least one of ``n_agents`` acts (the initiative is released).

    ``1 - Phi((threshold - true_value) / noise_sd) ** n_agents``.

    Parameters
    ----------
    n_agents : int or array of int in [1, 1000000]
    true_value : float or array
        The initiative's true value ``V`` (status quo = 0).
    noise_sd : float or array, > 0
        Standard deviation of each agent's independent estimation error.
    threshold : float or array
        Each agent acts if its estimate exceeds this.

    Arrays broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        A float if every argument is a scalar.

    Examples
    --------
    >>> round(p_any_acts(1, 0.0), 12)
    0.5
    >>> round(p_any_acts(5, 0.0), 12)          # 1 - 0.5 ** 5
    0.96875
    """
    n = _agents(n_agents)
    v = real("true_value", true_value)
    sd = _sd("noise_sd", noise_sd)
    t = real("threshold", threshold)
    bn, bv, bsd, bt = broadcast(n_agents=n, true_value=v, noise_sd=sd, threshold=t)
    return as_result(_happens(bn, bv, bsd, bt, "release"), n, v, sd, t)


def p_blocked(n_agents: Any, true_value: Any, *, noise_sd: Any = 1.0, threshold: Any = 0.0) -> float | np.ndarray:
    """Spoiler variant: probability that at least one agent blocks the initiative.

    Each agent vetoes if its estimate is below ``threshold``:
    ``1 - Phi((true_value - threshold) / noise_sd) ** n_agents``. The initiative happens
    with probability ``1 - p_blocked(...)``.

    Parameters
    ----------
    n_agents : int or array of int in [1, 1000000]
    true_value : float or array
    noise_sd : float or array, > 0
    threshold : float or array

    Returns
    -------
    float or numpy.ndarray
        A float if every argument is a scalar.

    Examples
    --------
    >>> round(p_blocked(3, 0.0), 12)           # 1 - 0.5 ** 3
    0.875
    """
    n = _agents(n_agents)
    v = real("true_value", true_value)
    sd = _sd("noise_sd", noise_sd)
    t = real("threshold", threshold)
    arrs = broadcast(n_agents=n, true_value=v, noise_sd=sd, threshold=t)
    return as_result(-np.expm1(arrs[0] * _log_cdf((arrs[1] - arrs[3]) / arrs[2])), n, v, sd, t)


def p_happens(
    n_agents: Any, true_value: Any, *, noise_sd: Any = 1.0, threshold: Any = 0.0, mode: str = "release"
) -> float | np.ndarray:
    """Probability that the initiative happens, in either mode.

    ``mode="release"`` gives :func:`p_any_acts`; ``mode="block"`` gives
    ``1 - p_blocked(...)`` (computed without cancellation).

    Parameters
    ----------
    n_agents : int or array of int in [1, 1000000]
    true_value : float or array
    noise_sd : float or array, > 0
    threshold : float or array
    mode : {"release", "block"}

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(p_happens(3, 0.0, mode="block"), 12)   # 0.5 ** 3
    0.125
    """
    n = _agents(n_agents)
    v = real("true_value", true_value)
    sd = _sd("noise_sd", noise_sd)
    t = real("threshold", threshold)
    md = _mode(mode)
    bn, bv, bsd, bt = broadcast(n_agents=n, true_value=v, noise_sd=sd, threshold=t)
    return as_result(_happens(bn, bv, bsd, bt, md), n, v, sd, t)


def conforming_threshold(
    n_agents: Any, *, noise_sd: Any = 1.0, target: Any = 0.5, mode: str = "release"
) -> float | np.ndarray:
    """Threshold that brings ``P(initiative happens | V = 0)`` back to ``target``.

    ``"release"``: solves ``1 - Phi(T / sigma) ** N = target``, i.e.
    ``T = sigma * Phi^-1((1 - target) ** (1 / N))``; it rises with ``N`` (each agent needs a
    clearer signal before acting alone). ``"block"``: solves ``Phi(-T / sigma) ** N =
    target``, i.e. ``T = -sigma * Phi^-1(target ** (1 / N))``; it falls with ``N`` (each agent
    needs a clearer signal before vetoing). With ``N = 1`` and ``target = 0.5`` both give 0.

    Parameters
    ----------
    n_agents : int or array of int in [1, 1000000]
    noise_sd : float or array, > 0
    target : float or array in (0, 1)
        Desired probability that a zero-value initiative happens.
    mode : {"release", "block"}

    Returns
    -------
    float or numpy.ndarray
        The threshold ``T``; a float if every argument is a scalar.

    Examples
    --------
    >>> abs(conforming_threshold(1)) < 1e-12
    True
    >>> T = conforming_threshold(5)
    >>> round(p_any_acts(5, 0.0, threshold=T), 9)
    0.5
    """
    n = _agents(n_agents)
    sd = _sd("noise_sd", noise_sd)
    tg = real("target", target, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    md = _mode(mode)
    n_b, sd_b, tg_b = broadcast(n_agents=n, noise_sd=sd, target=tg)
    if md == "release":
        log_qc = np.log1p(-tg_b) / n_b  # log of Phi(T/sigma)
    else:
        log_qc = np.log(tg_b) / n_b  # log of Phi(-T/sigma)
    qc, q = np.exp(log_qc), -np.expm1(log_qc)
    x = _isf(q, qc)  # Q(x) = q, Phi(x) = qc
    t = sd_b * (x if md == "release" else -x)
    return as_result(t, n, sd, tg)


# ------------------------------------------------------------------ expected value

_H = 0.02
_Z = np.arange(-9.0, 9.0 + _H / 2, _H)  # prior quantiles, for noise_sd >= prior_sd
_W_Z = _H * np.exp(_log_pdf(_Z))
_T = np.arange(-9.0, 10.0 + _H / 2, _H)  # extreme-noise quantiles, otherwise
_LOG_CDF_T = _log_cdf(_T)
_LOG_PDF_T = _log_pdf(_T)


def _ev_over_prior(n, m, s, sd, t, mode):
    """E[V 1{happens}] integrating over V = m + s z (smooth when sd >= s)."""
    v = m[:, None] + s[:, None] * _Z
    p = _happens(n[:, None], v, sd[:, None], t[:, None], mode)
    return (v * p) @ _W_Z


def _ev_over_noise(n, m, s, sd, t, mode):
    """Same, integrating over the extreme error instead (smooth when sd < s).

    Release: happens iff V > T - sd * M, M the largest of N standard normal errors.
    Block: happens iff V > T + sd * M (the smallest error is -M in distribution).
    Given the cut a, E[V 1{V > a}] = m Q(alpha) + s phi(alpha), alpha = (a - m) / s.
    """
    sign = -1.0 if mode == "release" else 1.0
    a = t[:, None] + sign * sd[:, None] * _T
    alpha = (a - m[:, None]) / s[:, None]
    g = m[:, None] * _sf(alpha) + s[:, None] * np.exp(_log_pdf(alpha))
    # density of M: N phi(t) Phi(t)^(N-1)
    dens = np.exp(np.log(n)[:, None] + _LOG_PDF_T + (n[:, None] - 1.0) * _LOG_CDF_T)
    return _H * np.sum(g * dens, axis=1)


def expected_value(
    n_agents: Any,
    *,
    prior_mean: Any = 0.0,
    prior_sd: Any = 1.0,
    noise_sd: Any = 1.0,
    threshold: Any = 0.0,
    mode: str = "release",
) -> float | np.ndarray:
    """Expected value of the outcome, ``E[V * 1{initiative happens}]``, under a normal prior.

    ``V ~ Normal(prior_mean, prior_sd**2)``; the status quo is worth 0, so a positive result
    means the group does better than never acting. Numerical integration on a fine grid
    (trapezoid rule with spacing 0.02 over +-9 standard deviations, exact to about 1e-12
    for smooth integrands), over the prior when ``noise_sd >= prior_sd`` and over the
    distribution of the most extreme error otherwise, so the integrand stays smooth even
    when the noise is tiny.

    Parameters
    ----------
    n_agents : int or array of int in [1, 1000000]
    prior_mean : float or array
        Mean of the prior on the true value ``V``.
    prior_sd : float or array, > 0
        Standard deviation of the prior.
    noise_sd : float or array, > 0
        Standard deviation of each agent's estimation error.
    threshold : float or array
        Acting (release) or vetoing (block) threshold on the estimate.
    mode : {"release", "block"}

    Returns
    -------
    float or numpy.ndarray
        A float if every argument is a scalar.

    Examples
    --------
    One agent, ``T = 0``, standard normal prior and noise: ``E[V 1{V + e > 0}] =
    1 / (2 sqrt(pi))`` (the prior-weighted share ``prior_sd**2 / sqrt(prior_sd**2 +
    noise_sd**2)`` of a standard normal density at 0).

    >>> round(expected_value(1), 9) == round(1 / (2 * math.sqrt(math.pi)), 9)
    True
    """
    n = _agents(n_agents)
    m = real("prior_mean", prior_mean)
    s = _sd("prior_sd", prior_sd)
    sd = _sd("noise_sd", noise_sd)
    t = real("threshold", threshold)
    md = _mode(mode)
    arrs = broadcast(n_agents=n, prior_mean=m, prior_sd=s, noise_sd=sd, threshold=t)
    shape = arrs[0].shape
    n_f, m_f, s_f, sd_f, t_f = (a.ravel() for a in arrs)
    out = np.empty(n_f.shape)
    over_prior = sd_f >= s_f
    for mask, fn in ((over_prior, _ev_over_prior), (~over_prior, _ev_over_noise)):
        if np.any(mask):
            out[mask] = fn(n_f[mask], m_f[mask], s_f[mask], sd_f[mask], t_f[mask], md)
    return as_result(out.reshape(shape), n, m, s, sd, t)


# ------------------------------------------------------------------ simulation


@dataclass(frozen=True)
class UnilateralistSimulation:
    """Result of :func:`simulate`.

    Attributes
    ----------
    initiative_rate : float
        Fraction of trials in which the initiative happened.
    standard_error : float
        Binomial standard error ``sqrt(p (1 - p) / n_draws)``.
    n_draws : int
        Number of trials.
    """

    initiative_rate: float
    standard_error: float
    n_draws: int


def simulate(
    n_agents: int,
    true_value: float,
    *,
    noise_sd: float = 1.0,
    threshold: float = 0.0,
    mode: str = "release",
    n_draws: int = 100_000,
    seed: int | None = None,
) -> UnilateralistSimulation:
    """Simulate the agents' decisions ``n_draws`` times for a fixed true value.

    Each trial draws every agent's estimate ``true_value + noise_sd * Normal(0, 1)`` and
    applies the rule: release if any estimate exceeds ``threshold``; block if any estimate
    is below it.

    Parameters
    ----------
    n_agents : int in [1, 10000]
    true_value : float
    noise_sd : float > 0
    threshold : float
    mode : {"release", "block"}
    n_draws : int >= 1
    seed : int >= 0 or None
        Seed for ``numpy.random.default_rng``.

    Returns
    -------
    UnilateralistSimulation
        ``initiative_rate``, ``standard_error`` and ``n_draws``.

    Examples
    --------
    >>> r = simulate(5, 0.0, n_draws=100_000, seed=0)
    >>> abs(r.initiative_rate - 0.96875) < 4 * r.standard_error
    True
    """
    n = _agents(n_agents, allow_array=False, hi=_MAX_SIMULATED_AGENTS)
    v = real("true_value", true_value, allow_array=False)
    sd = _sd("noise_sd", noise_sd, allow_array=False)
    t = real("threshold", threshold, allow_array=False)
    md = _mode(mode)
    draws = integer("n_draws", n_draws, lo=1, hi=_MAX_DRAWS)
    rng = np.random.default_rng(None if seed is None else integer("seed", seed, lo=0))
    chunk = max(1, _CHUNK_VALUES // n)
    happened = 0
    done = 0
    while done < draws:
        m = min(chunk, draws - done)
        estimates = v + sd * rng.standard_normal((n, m))
        if md == "release":
            happened += int(np.count_nonzero(estimates.max(axis=0) > t))
        else:
            happened += int(np.count_nonzero(estimates.min(axis=0) >= t))
        done += m
    p = happened / draws
    return UnilateralistSimulation(initiative_rate=p, standard_error=math.sqrt(p * (1.0 - p) / draws), n_draws=draws)


# ------------------------------------------------------------------ sweep


def _strings(name: str, value: Any, options: tuple[str, ...]) -> list[str]:
    items = [value] if isinstance(value, str) else value
    try:
        items = list(items)
    except TypeError:
        raise ValueError(f"{name} must be one of {options} or a sequence of them; got {value!r}") from None
    if not items:
        raise ValueError(f"{name} must not be empty; got []")
    return [choice(name, x, options) for x in items]


def _flat(arr: Any, name: str) -> np.ndarray:
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a number or a flat sequence; got array with shape {arr.shape}")
    return arr


def sweep(
    *,
    n_agents: Any = (1, 2, 5, 10),
    true_value: Any = _SWEEP_TRUE_VALUES,
    noise_sd: float = 1.0,
    threshold: float = 0.0,
    target: float = 0.5,
    mode: Any = MODES,
    policy: Any = POLICIES,
) -> pd.DataFrame:
    """Tidy table of ``P(initiative happens)`` against the true value.

    Parameters
    ----------
    n_agents : int or sequence of int in [1, 1000000]
    true_value : float or sequence of floats
    noise_sd : float > 0
    threshold : float
        Threshold used by the ``"naive"`` policy.
    target : float in (0, 1)
        ``P(happens | V = 0)`` the ``"conforming"`` policy aims for.
    mode : str or sequence of {"release", "block"}
    policy : str or sequence of {"naive", "conforming"}
        ``"naive"``: every agent uses ``threshold``; ``"conforming"``: every agent uses
        :func:`conforming_threshold` for the group size.

    The defaults give 4 x 61 x 2 x 2 = 976 rows.

    Returns
    -------
    pandas.DataFrame
        Long format with columns ``n_agents``, ``true_value``, ``mode``, ``policy``,
        ``threshold``, ``p_happens``; e.g. ``x="true_value"``, ``y="p_happens"``,
        ``color="n_agents:N"``, ``column="policy"``, ``row="mode"``.

    Examples
    --------
    >>> df = sweep(n_agents=[1, 5], true_value=0.0, mode="release", policy="naive")
    >>> df["p_happens"].round(6).tolist()
    [0.5, 0.96875]
    """
    ns = _flat(_agents(n_agents), "n_agents")
    vs = _flat(real("true_value", true_value), "true_value")
    sd = _sd("noise_sd", noise_sd, allow_array=False)
    t0 = real("threshold", threshold, allow_array=False)
    tg = real("target", target, lo=0.0, hi=1.0, lo_open=True, hi_open=True, allow_array=False)
    modes = _strings("mode", mode, MODES)
    policies = _strings("policy", policy, POLICIES)
    n_g, v_g = (a.ravel() for a in np.meshgrid(ns, vs, indexing="ij"))
    frames = []
    for md in modes:
        for pol in policies:
            if pol == "naive":
                t_g = np.full(n_g.shape, t0)
            else:
                t_g = np.asarray(conforming_threshold(n_g, noise_sd=sd, target=tg, mode=md))
            frames.append(
                pd.DataFrame(
                    {
                        "n_agents": n_g.astype(int),
                        "true_value": v_g.astype(float),
                        "mode": md,
                        "policy": pol,
                        "threshold": t_g,
                        "p_happens": _happens(n_g.astype(float), v_g, sd, t_g, md),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
