"""Continuous vs. discontinuous progress: does a validated alignment technique keep up?

Sources
-------
* ``alignment-plan-critique`` (Akash, 2022), section 3, "Disagreements" point 2 ("The OpenAI
  plan seems (much) worse if we have sharp left turns or major discontinuities"): a 100-IQ
  system might develop alignment techniques that work for a 102-IQ successor but not for a
  200-IQ one, and in a discontinuous world GPT-N might be the former and GPT-N+1 the latter.
* ``openai-misconceptions`` (Hilton, 2022), "Personal opinions": OpenAI leadership tend to put
  more likelihood on slow takeoff than the alignment community.
* Paul Christiano, "Takeoff speeds" (sideways-view.com, 2018), for the operationalisation of
  slow takeoff: a complete 4-year interval in which world output doubles happens before the
  first 1-year interval in which it doubles. (Not one of the course documents; cited because
  the course uses it as the standard yardstick for "slow takeoff".)

Model 1: generations and a generalisation radius
------------------------------------------------
Capability starts at ``START_LEVEL`` = 100 (the critique's "100 IQ" system) and each new
generation adds an i.i.d. jump ``J > 0``. A technique validated on generation ``k`` carries to
``k + 1`` only if ``J <= radius``. The chain of ``G`` generations stays aligned with
probability ``P(J <= radius) ** G`` (closed form), checked by :func:`simulate`.

Jump distributions, both parametrised by their median (default 2 points, the critique's
100 -> 102 step) and a ``tail`` parameter, where 0 is the lightest tail and larger values are
heavier (more discontinuous):

* ``"lognormal"``: ``J = median * exp(tail * Z)``, Z standard normal. ``tail = 0`` is the
  perfectly continuous world in which every jump equals the median.
  ``P(J <= r) = Phi(ln(r / median) / tail)``.
* ``"pareto"``: generalised Pareto with shape ``xi = tail`` and scale set so the median is
  ``median``: ``P(J > r) = (1 + r (2**xi - 1) / median) ** (-1 / xi)``; ``xi = 0`` is the
  exponential distribution; for ``xi > 0`` the tail is a power law with index ``1 / xi``.

The documents give no radius: the critique only implies ``2 <= radius < 100``. The default
``radius = 10`` is illustrative. Jumps are additive "IQ-like points"; i.i.d. jumps and a radius
that does not grow with capability are simplifying assumptions. The model leaves out
everything about *how* techniques are validated, partial generalisation, and the chance of
noticing a failed step and stopping.

Model 2: Christiano's slow-takeoff test on an output path
---------------------------------------------------------
``output`` is world output sampled at ``t_i = i * dt`` (``i = 0 .. n-1``). A *complete w-year
doubling interval* is a window ``[t_i, t_i + w]`` lying entirely inside the sampled range with
``output(t_i + w) >= 2 * output(t_i)`` (a relative tolerance of 1e-12 absorbs rounding), where
``w / dt`` must be a whole number of samples. The *first* such interval is the one that
starts (equivalently, for a fixed length, ends) earliest. :func:`is_slow_takeoff` returns True
iff some complete 4-year doubling interval *ends no later than the start* of the first 1-year
doubling interval; if the path has a 4-year doubling and no 1-year doubling at all it returns
True (slow, as far as the path shows); without any complete 4-year doubling it returns False.
(Requiring the 4-year interval to end before the 1-year interval *ends* would be vacuous for
non-decreasing output: any 4-year window containing the doubling year also doubles.)
:func:`output_path` generates example paths: exponential, hyperbolic (``1 / (1 - g t)``, which
blows up at ``t = 1/g``) and an exponential path with a sudden jump in the growth rate.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._validate import choice, integer, real

__all__ = [
    "START_LEVEL",
    "CONTINUOUS_JUMP",
    "DISCONTINUOUS_JUMP",
    "DISTRIBUTIONS",
    "SimulationResult",
    "p_step_aligned",
    "p_all_aligned",
    "sample_jumps",
    "capability_levels",
    "simulate",
    "first_doubling",
    "is_slow_takeoff",
    "output_path",
    "sweep",
]

#: The critique's "100 IQ" system.
START_LEVEL = 100.0
#: Jump in the continuous world (100 -> 102); default median jump.
CONTINUOUS_JUMP = 2.0
#: Jump in the discontinuous world (100 -> 200).
DISCONTINUOUS_JUMP = 100.0
#: Supported jump-size distributions.
DISTRIBUTIONS = ("lognormal", "pareto")

_MAX_TAIL = 10.0
_MAX_GENERATIONS = 10_000
_DOUBLING_TOL = 1e-12
_XI_EXPONENTIAL = 1e-12  # generalised-Pareto shapes below this use the exponential limit


class SimulationResult(NamedTuple):
    """Monte Carlo estimate of P(every step stays aligned)."""

    p_all_aligned: float
    standard_error: float
    n_runs: int


def _jump_params(median_jump, tail, distribution, *, allow_array=True):
    m = real("median_jump", median_jump, lo=0.0, hi=1e6, lo_open=True, allow_array=allow_array)
    xi = real("tail", tail, lo=0.0, hi=_MAX_TAIL, allow_array=allow_array)
    dist = choice("distribution", distribution, DISTRIBUTIONS)
    return m, xi, dist


def _erf(x):
    if np.ndim(x) == 0:
        return math.erf(float(x))
    return np.vectorize(math.erf, otypes=[float])(x)


def _cdf(r, m, xi, dist):
    """P(J <= r) for r >= 0, broadcasting."""
    r, m, xi = np.broadcast_arrays(np.asarray(r, float), np.asarray(m, float), np.asarray(xi, float))
    out = np.zeros(r.shape)
    pos = r > 0
    if dist == "lognormal":
        zero = xi == 0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = np.log(np.where(pos, r, 1.0) / m) / np.where(zero, 1.0, xi * math.sqrt(2.0))
        smooth = 0.5 * (1.0 + _erf(z))
        out = np.where(pos & zero, (r >= m).astype(float), np.where(pos, smooth, 0.0))
    else:
        # Shapes below _XI_EXPONENTIAL use the exponential limit (avoids 0/0 as 2**xi - 1 -> 0).
        light = xi < _XI_EXPONENTIAL
        x = np.where(light, 1.0, xi)
        q = np.expm1(x * math.log(2.0))  # 2**xi - 1
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            power = np.exp(-np.log1p(r * q / m) / x)
        survival = np.where(light, np.exp(-r * math.log(2.0) / m), power)
        out = np.where(pos, 1.0 - survival, 0.0)
    return float(out) if out.ndim == 0 else out


def p_step_aligned(*, radius=10.0, median_jump=CONTINUOUS_JUMP, tail=1.0, distribution="lognormal"):
    """P(one generation's jump is within the generalisation radius), ``P(J <= radius)``.

    Parameters
    ----------
    radius : float or array in [0, 1e6]
        Largest jump a validated technique survives (same units as the jumps).
    median_jump : float or array in (0, 1e6]
        Median jump per generation (default 2, the critique's 100 -> 102).
    tail : float or array in [0, 10]
        Tail heaviness (0 = lightest; see the module docstring).
    distribution : {"lognormal", "pareto"}

    Arrays broadcast against each other; the result is a float or an array.
    """
    r = real("radius", radius, lo=0.0, hi=1e6)
    m, xi, dist = _jump_params(median_jump, tail, distribution)
    return _cdf(r, m, xi, dist)


def p_all_aligned(generations, *, radius=10.0, median_jump=CONTINUOUS_JUMP, tail=1.0, distribution="lognormal"):
    """P(every one of ``generations`` i.i.d. jumps stays within the radius) = ``P(J <= r)**G``.

    ``generations`` is a whole number (or array of them) in [0, 10000]; other parameters as in
    :func:`p_step_aligned`, all broadcasting.
    """
    g = integer("generations", generations, lo=0, hi=_MAX_GENERATIONS, allow_array=True)
    p = p_step_aligned(radius=radius, median_jump=median_jump, tail=tail, distribution=distribution)
    out = np.power(p, g)
    return float(out) if np.ndim(out) == 0 else out


def sample_jumps(
    generations, *, n_runs=10_000, median_jump=CONTINUOUS_JUMP, tail=1.0, distribution="lognormal", seed=0
) -> np.ndarray:
    """Draw i.i.d. jumps, an array of shape ``(n_runs, generations)``.

    Uses ``numpy.random.default_rng(seed)``; the same seed gives the same jumps.
    """
    g = integer("generations", generations, lo=1, hi=_MAX_GENERATIONS)
    n = integer("n_runs", n_runs, lo=1, hi=10_000_000)
    m, xi, dist = _jump_params(median_jump, tail, distribution, allow_array=False)
    s = integer("seed", seed, lo=0)
    if n * g > 50_000_000:
        raise ValueError(f"n_runs * generations must be at most 50000000; got {n * g}")
    rng = np.random.default_rng(s)
    if dist == "lognormal":
        return m * np.exp(xi * rng.standard_normal((n, g)))
    u = rng.random((n, g))
    e = -np.log1p(-u)  # standard exponential
    if xi < _XI_EXPONENTIAL:
        return m * e / math.log(2.0)
    return m * np.expm1(xi * e) / math.expm1(xi * math.log(2.0))


def capability_levels(jumps, *, start=START_LEVEL) -> np.ndarray:
    """Capability after each generation: ``start`` followed by cumulative sums of the jumps.

    ``jumps`` is 1-D (one run) or 2-D ``(runs, generations)`` with non-negative entries; the
    result has one more column (generation 0 = ``start``).
    """
    j = real("jumps", jumps, lo=0.0)
    j = np.atleast_1d(j)
    if j.ndim > 2:
        raise ValueError(f"jumps must be a 1-D or 2-D array; got array with shape {j.shape}")
    s = real("start", start, lo=0.0, allow_array=False)
    pad = np.zeros(j.shape[:-1] + (1,))
    return s + np.concatenate([pad, np.cumsum(j, axis=-1)], axis=-1)


def simulate(
    generations, *, radius=10.0, median_jump=CONTINUOUS_JUMP, tail=1.0, distribution="lognormal", n_runs=10_000, seed=0
) -> SimulationResult:
    """Monte Carlo estimate of P(every generation's jump is within ``radius``).

    Returns a :class:`SimulationResult` with the estimate, its standard error and ``n_runs``.
    """
    r = real("radius", radius, lo=0.0, hi=1e6, allow_array=False)
    jumps = sample_jumps(
        generations, n_runs=n_runs, median_jump=median_jump, tail=tail, distribution=distribution, seed=seed
    )
    ok = np.all(jumps <= r, axis=1)
    p = float(ok.mean())
    n = ok.size
    return SimulationResult(p, math.sqrt(p * (1.0 - p) / n), int(n))


# --- Christiano's slow-takeoff operationalisation ---------------------------------------------


def _output(output) -> np.ndarray:
    y = real("output", output, lo=0.0, lo_open=True)
    y = np.atleast_1d(y)
    if y.ndim != 1 or y.size < 2:
        raise ValueError(f"output must be a 1-D array of at least 2 positive numbers; got array with shape {y.shape}")
    return y


def _samples(name, years, dt):
    k = round(years / dt)
    if k < 1 or abs(k * dt - years) > 1e-9 * max(1.0, years):
        raise ValueError(f"{name} must be a whole multiple of dt={dt:g}; got {years:g}")
    return k


def _first_doubling(y, dt, k):
    if y.size <= k:
        return None
    hits = np.flatnonzero(y[k:] >= 2.0 * (1.0 - _DOUBLING_TOL) * y[:-k])
    if hits.size == 0:
        return None
    i = int(hits[0])
    return (i * dt, (i + k) * dt)


def first_doubling(output, *, dt, window):
    """The first complete ``window``-year interval over which ``output`` at least doubles.

    Parameters
    ----------
    output : 1-D array of positive floats
        World output at equally spaced times ``0, dt, 2 dt, ...``.
    dt : float in (0, 100]
        Sampling interval in years.
    window : float in (0, 1000]
        Interval length in years; must be a whole multiple of ``dt``.

    Returns
    -------
    ``(start, end)`` in years, or ``None`` if no complete interval of that length doubles.
    """
    y = _output(output)
    step = real("dt", dt, lo=0.0, hi=100.0, lo_open=True, allow_array=False)
    w = real("window", window, lo=0.0, hi=1000.0, lo_open=True, allow_array=False)
    return _first_doubling(y, step, _samples("window", w, step))


def is_slow_takeoff(output, *, dt) -> bool:
    """Christiano's test: a complete 4-year doubling ends before the first 1-year doubling starts.

    See the module docstring for the exact definition and the edge cases (no 1-year doubling:
    True if there is a 4-year doubling; no 4-year doubling: False). ``dt`` must divide one year
    into a whole number of samples (e.g. 1, 0.5, 0.25, 0.1, 1/12).
    """
    y = _output(output)
    step = real("dt", dt, lo=0.0, hi=1.0, lo_open=True, allow_array=False)
    k1 = round(1.0 / step)
    if abs(k1 * step - 1.0) > 1e-9:
        raise ValueError(
            f"dt must divide one year into a whole number of samples (e.g. 1, 0.5, 0.25, 0.1); got {step:g}"
        )
    four = _first_doubling(y, step, 4 * k1)
    if four is None:
        return False
    one = _first_doubling(y, step, k1)
    if one is None:
        return True
    return four[1] <= one[0] + 1e-9


def output_path(kind="hyperbolic", *, years=30.0, dt=0.25, growth=0.03, jump_year=20.0, jump_growth=1.0):
    """An example world-output path, normalised to 1 at ``t = 0``.

    Parameters
    ----------
    kind : {"exponential", "hyperbolic", "jump"}
        ``"exponential"``: ``exp(growth * t)``. ``"hyperbolic"``: ``1 / (1 - growth * t)``
        (initial growth rate ``growth``, infinite at ``t = 1 / growth``, so ``years`` must be
        smaller than that). ``"jump"``: exponential at ``growth`` until ``jump_year``, then at
        continuous rate ``jump_growth`` per year.
    years : float in (0, 1000]
        Length of the path; a whole multiple of ``dt``.
    dt : float in (0, 1]
    growth : float in (0, 10]
        Initial continuous growth rate per year (default 0.03, illustrative).
    jump_year : float >= 0
    jump_growth : float in (0, 100]

    Returns
    -------
    (times, output): two 1-D arrays.
    """
    k = choice("kind", kind, ("exponential", "hyperbolic", "jump"))
    step = real("dt", dt, lo=0.0, hi=1.0, lo_open=True, allow_array=False)
    span = real("years", years, lo=0.0, hi=1000.0, lo_open=True, allow_array=False)
    g = real("growth", growth, lo=0.0, hi=10.0, lo_open=True, allow_array=False)
    tj = real("jump_year", jump_year, lo=0.0, hi=1000.0, allow_array=False)
    gj = real("jump_growth", jump_growth, lo=0.0, hi=100.0, lo_open=True, allow_array=False)
    n = _samples("years", span, step)
    t = np.arange(n + 1) * step
    if k == "exponential":
        y = np.exp(g * t)
    elif k == "hyperbolic":
        if span >= 1.0 / g:
            raise ValueError(f"years must be in (0, 1/growth) = (0, {1.0 / g:g}) for a hyperbolic path; got {span:g}")
        y = 1.0 / (1.0 - g * t)
    else:
        y = np.exp(g * np.minimum(t, tj) + gj * np.maximum(t - tj, 0.0))
    if not np.all(np.isfinite(y)):
        raise ValueError(f"years must be short enough for output to stay finite; got {span:g}")
    return t, y


def sweep(*, tails=None, generations=None, radius=10.0, median_jump=CONTINUOUS_JUMP, distribution="lognormal"):
    """P(all aligned) over generations for several tail parameters (closed form).

    Parameters
    ----------
    tails : array of float in [0, 10], optional
        Default: 0 to 2 in 21 points.
    generations : array of int in [0, 10000], optional
        Default: 1 to 20.
    radius, median_jump, distribution : as in :func:`p_step_aligned` (scalars).

    Returns
    -------
    pandas.DataFrame with columns ``distribution``, ``radius``, ``median_jump``, ``tail``,
    ``generations``, ``p_step_aligned``, ``p_all_aligned``.
    """
    if tails is None:
        tails = np.linspace(0.0, 2.0, 21)
    if generations is None:
        generations = np.arange(1, 21)
    xi = np.atleast_1d(real("tails", tails, lo=0.0, hi=_MAX_TAIL)).ravel()
    g = np.atleast_1d(integer("generations", generations, lo=0, hi=_MAX_GENERATIONS, allow_array=True)).ravel()
    r = real("radius", radius, lo=0.0, hi=1e6, allow_array=False)
    m, _, dist = _jump_params(median_jump, 0.0, distribution, allow_array=False)
    p = np.atleast_1d(_cdf(r, m, xi, dist))
    pp, gg = np.meshgrid(p, g, indexing="ij")
    xx, _ = np.meshgrid(xi, g, indexing="ij")
    n = pp.size
    return pd.DataFrame(
        {
            "distribution": np.full(n, dist),
            "radius": np.full(n, r),
            "median_jump": np.full(n, m),
            "tail": xx.ravel(),
            "generations": gg.ravel(),
            "p_step_aligned": pp.ravel(),
            "p_all_aligned": pp.ravel() ** gg.ravel(),
        }
    )
