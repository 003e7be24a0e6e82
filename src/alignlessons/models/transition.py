"""Gradual vs. sudden deployment, and who pays for the adaptation gap.

Source
------
``planning-for-agi`` (Altman, "Planning for AGI and beyond", OpenAI, 2023). OpenAI's
highlighted passages argue that "a gradual transition to a world with AGI is better than a
sudden one", that it is better to adjust to faster progress incrementally, and that a gradual
transition gives people, policymakers and institutions time to understand, adapt and
regulate. The reader's marginal annotation beside the "adjust incrementally" passage asks
"At what cost?", and the next one objects that deploy-first-and-think-next offloads the burden
to users and policymakers "even if the release is gradual". This module puts both voices in
one model.

Model
-----
Time runs on a grid ``t_i = i * dt`` over ``[0, horizon)``. A *schedule* is the deployed
capability ``C_i`` on each interval ``[t_i, t_i + dt)``: non-negative and non-decreasing
(capability once released stays released). :func:`staged_schedule` releases ``total`` in
``n_steps`` equal steps at ``0, spacing, 2 * spacing, ...``; ``n_steps = 1`` is the sudden
release of everything at ``t = 0``.

Society's adaptation ``A`` follows the deployed capability with a first-order lag,
``dA/dt = rate * (C - A)``, solved exactly on each interval (``C`` is constant there)::

    A_{i+1} = C_i + (A_i - C_i) * exp(-rate * dt),    A_0 = initial (default 0)

The *adaptation gap* is ``C - A``. Within an interval it decays exponentially, so the values
at the grid points (just after each release) are the exact maxima.

Costs (all exact for the piecewise-constant schedule):

* ``peak_gap`` -- the largest gap: the size of the shock society must absorb at once (OpenAI's
  side: fewer "one shot to get it right" moments).
* ``cumulative_harm`` -- ``integral of max(gap, 0) ** exponent dt`` from 0 to infinity,
  assuming deployment stays at its last level after the horizon and counting harm until
  adaptation is complete. The annotator's side: every step imposes harm on the people using
  the system before adaptation catches up. With ``exponent = 1`` this integral equals
  ``(final capability - initial) / rate`` for *every* schedule (as long as adaptation starts at
  or below the first deployed level): a gradual release does not
  reduce the total harm at all, it spreads it over more time (and more successive users).
  Only if harm is convex in the gap (``exponent > 1``) does spreading reduce it; if it is
  concave (``exponent < 1``) spreading increases it.
* ``delayed_benefit`` -- ``integral of (final capability - C(t)) dt`` over the horizon: the
  capability-years of benefit forgone by holding capability back.

The stated cost is ``peak_weight * peak_gap + harm_weight * cumulative_harm + delay_weight *
delayed_benefit``; :func:`best_schedule` searches a grid of step counts and spacings for its
minimum. With the default (equal) weights and ``rate = 1`` the sudden schedule tends to win;
weighting the peak more, or faster adaptation, favours gradual release.

Assumptions and what the model leaves out
-----------------------------------------
The document gives no numbers; every default (horizon 10 years, dt 0.05, rate 1 per year,
spacing 1 year, weights 1) is illustrative. Society is one aggregate with one adaptation rate
that does not depend on experience or on the schedule; learning from deployment (OpenAI's
"tight feedback loop") that would make later steps safer is left out, as are competitors,
capability growth during the rollout, and who exactly the users bearing the harm are.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._validate import integer, real

__all__ = [
    "HORIZON",
    "DT",
    "RATE",
    "SPACING",
    "BestSchedule",
    "time_grid",
    "staged_schedule",
    "adaptation_path",
    "adaptation_gap",
    "harm_per_year",
    "peak_index",
    "peak_gap",
    "cumulative_harm",
    "delayed_benefit",
    "cost",
    "cost_table",
    "best_schedule",
    "sweep",
    "sweep_rates",
    "staged_vs_sudden",
]

#: Default simulated period in years (illustrative).
HORIZON = 10.0
#: Default time step in years (illustrative).
DT = 0.05
#: Default adaptation rate per year, i.e. a one-year adaptation time constant (illustrative).
RATE = 1.0
#: Default time between deployment steps in years (illustrative).
SPACING = 1.0

_MAX_POINTS = 100_000
_MAX_STEPS = 1000
_EXP_LIMIT = 500.0  # keep exp(rate * dt * block) far below float overflow


class BestSchedule(NamedTuple):
    """The staged schedule with the lowest stated cost, and its cost components."""

    n_steps: int
    spacing: float
    cost: float
    peak_gap: float
    cumulative_harm: float
    delayed_benefit: float


def _grid(horizon, dt):
    h = real("horizon", horizon, lo=0.0, hi=1e4, lo_open=True, allow_array=False)
    step = real("dt", dt, lo=0.0, hi=h, lo_open=True, allow_array=False)
    n = round(h / step)
    if abs(n * step - h) > 1e-9 * max(1.0, h):
        raise ValueError(f"horizon must be a whole multiple of dt={step:g}; got {h:g}")
    if n > _MAX_POINTS:
        raise ValueError(f"horizon / dt must be at most {_MAX_POINTS}; got {n}")
    return h, step, n


def time_grid(*, horizon=HORIZON, dt=DT) -> np.ndarray:
    """Start times ``0, dt, ..., horizon - dt`` of the simulation intervals."""
    _, step, n = _grid(horizon, dt)
    return np.arange(n) * step


def _release_indices(n, spacing, dt):
    return np.floor(np.arange(n) * spacing / dt + 0.5 + 1e-9).astype(int)


def staged_schedule(n_steps, *, total=1.0, spacing=SPACING, horizon=HORIZON, dt=DT):
    """Deploy ``total`` capability in ``n_steps`` equal steps, ``spacing`` years apart from t = 0.

    Release times are rounded to the nearest grid point. ``n_steps = 1`` is the sudden
    schedule (``spacing`` is then ignored).

    Parameters
    ----------
    n_steps : int in [1, 1000]
    total : float in (0, 1e6]
        Capability deployed in the end.
    spacing : float in [dt, (horizon - dt) / (n_steps - 1)]
        Years between releases; the last release must fall inside the horizon. Any value in
        [0, 1e4] is accepted (and ignored) when ``n_steps = 1``.
    horizon : float in (0, 1e4], a whole multiple of ``dt``
    dt : float in (0, horizon]

    Returns
    -------
    ndarray of length ``horizon / dt``: deployed capability on each interval.
    """
    n = integer("n_steps", n_steps, lo=1, hi=_MAX_STEPS)
    size = real("total", total, lo=0.0, hi=1e6, lo_open=True, allow_array=False)
    h, step, n_t = _grid(horizon, dt)
    gap = real("spacing", spacing, lo=0.0, hi=1e4, allow_array=False)
    releases = np.zeros(n_t)
    if n == 1:
        releases[0] = size
    else:
        if gap < step - 1e-12:
            raise ValueError(f"spacing must be at least dt={step:g} when n_steps > 1; got {gap:g}")
        idx = _release_indices(n, gap, step)
        if idx[-1] >= n_t:
            most = (h - step) / (n - 1)
            raise ValueError(
                f"spacing must be in [{step:g}, {most:g}] so that all {n} steps "
                f"are released before horizon={h:g}; got {gap:g}"
            )
        np.add.at(releases, idx, size / n)
    return np.cumsum(releases)


def _schedule(schedule):
    c = real("schedule", schedule, lo=0.0, hi=1e9)
    c = np.atleast_1d(c)
    if c.ndim > 2:
        raise ValueError(f"schedule must be a 1-D array (or 2-D, one schedule per row); got array with shape {c.shape}")
    if np.any(np.diff(c, axis=-1) < 0):
        raise ValueError(
            "schedule must be non-decreasing along time (deployed capability stays deployed); got a decrease"
        )
    return c


def _rate_dt(rate, dt):
    r = real("rate", rate, lo=0.0, hi=1e3, lo_open=True, allow_array=False)
    step = real("dt", dt, lo=0.0, hi=1e4, lo_open=True, allow_array=False)
    return r, step


def _adapt(c, lam, a0):
    """Exact first-order lag on the grid, vectorised along the last axis (block-wise cumsum)."""
    n = c.shape[-1]
    out = np.empty_like(c)
    one_minus_a = -math.expm1(-lam)
    block = max(1, min(n, int(_EXP_LIMIT / lam)))
    start = np.full(c.shape[:-1], float(a0))
    for b in range(0, n, block):
        seg = c[..., b : b + block]
        m = seg.shape[-1]
        i = np.arange(m)
        cs = np.cumsum(seg * np.exp(lam * (i + 1)), axis=-1)
        before = np.concatenate([np.zeros(cs.shape[:-1] + (1,)), cs[..., :-1]], axis=-1)
        out[..., b : b + m] = np.exp(-lam * i) * (start[..., None] + one_minus_a * before)
        start = math.exp(-lam * m) * (start + one_minus_a * cs[..., -1])
    return out


def adaptation_path(schedule, *, rate=RATE, dt=DT, initial=0.0) -> np.ndarray:
    """Society's adaptation ``A_i`` at each grid time for a deployment ``schedule``.

    Parameters
    ----------
    schedule : 1-D array (or 2-D, one schedule per row) of non-negative, non-decreasing floats
    rate : float in (0, 1000]
        Adaptation rate per year (1 / time constant).
    dt : float in (0, 1e4]
        Grid step of the schedule, in years.
    initial : float in [0, 1e9]
        Adaptation at ``t = 0``.
    """
    c = _schedule(schedule)
    r, step = _rate_dt(rate, dt)
    a0 = real("initial", initial, lo=0.0, hi=1e9, allow_array=False)
    return _adapt(c, r * step, a0)


def adaptation_gap(schedule, *, rate=RATE, dt=DT, initial=0.0) -> np.ndarray:
    """Deployed capability minus adaptation, ``C_i - A_i``, at each grid time."""
    c = _schedule(schedule)
    return c - adaptation_path(c, rate=rate, dt=dt, initial=initial)


def _harm(gap, exponent):
    return np.maximum(gap, 0.0) ** exponent


def harm_per_year(gap, *, exponent=1.0) -> np.ndarray:
    """The harm borne per year at an adaptation ``gap``: ``max(gap, 0) ** exponent``.

    This is the integrand of :func:`cumulative_harm`; ``gap`` is an array (e.g. from
    :func:`adaptation_gap`), ``exponent`` in (0, 10] as there.
    """
    g = np.asarray(real("gap", gap), dtype=float)
    p = real("exponent", exponent, lo=0.0, hi=10.0, lo_open=True, allow_array=False)
    return _harm(g, p)


def _components(c, rate, dt, a0, exponent):
    lam = rate * dt
    gap = c - _adapt(c, lam, a0)
    pos = np.maximum(gap, 0.0)
    peak = np.max(gap, axis=-1)
    # Within an interval the gap decays as G exp(-rate s): integral of G**p exp(-p rate s) ds.
    per_interval = np.sum(_harm(gap, exponent), axis=-1) * (-math.expm1(-exponent * lam)) / (exponent * rate)
    tail = (pos[..., -1] * math.exp(-lam)) ** exponent / (exponent * rate)
    harm = per_interval + tail
    delay = np.sum(c[..., -1:] - c, axis=-1) * dt
    return peak, harm, delay


def _scalar(x):
    return float(x) if np.ndim(x) == 0 else x


def peak_index(schedule, *, rate=RATE, dt=DT, initial=0.0) -> int:
    """Grid index of the largest adaptation gap of a 1-D ``schedule`` (the first, on ties)."""
    gap = adaptation_gap(schedule, rate=rate, dt=dt, initial=initial)
    if gap.ndim != 1:
        raise ValueError(f"schedule must be a single (1-D) schedule for peak_index; got shape {gap.shape}")
    return int(np.argmax(gap))


def peak_gap(schedule, *, rate=RATE, dt=DT, initial=0.0):
    """Largest adaptation gap over the horizon (float, or one per row for a 2-D schedule)."""
    return _scalar(np.max(adaptation_gap(schedule, rate=rate, dt=dt, initial=initial), axis=-1))


def cumulative_harm(schedule, *, rate=RATE, dt=DT, initial=0.0, exponent=1.0):
    """``integral of max(gap, 0) ** exponent dt`` from 0 until adaptation is complete.

    After the horizon, deployment is held at its last level and the remaining gap decays;
    that tail is included, so the result does not depend on where the horizon cuts off.
    ``exponent`` in (0, 10]: 1 is linear harm, > 1 convex (big gaps are worse than their size).
    """
    c = _schedule(schedule)
    r, step = _rate_dt(rate, dt)
    a0 = real("initial", initial, lo=0.0, hi=1e9, allow_array=False)
    p = real("exponent", exponent, lo=0.0, hi=10.0, lo_open=True, allow_array=False)
    return _scalar(_components(c, r, step, a0, p)[1])


def delayed_benefit(schedule, *, dt=DT):
    """Capability-years held back: ``integral of (final capability - C(t)) dt`` over the horizon."""
    c = _schedule(schedule)
    step = real("dt", dt, lo=0.0, hi=1e4, lo_open=True, allow_array=False)
    return _scalar(np.sum(c[..., -1:] - c, axis=-1) * step)


def _weights(peak_weight, harm_weight, delay_weight, harm_exponent):
    return (
        real("peak_weight", peak_weight, lo=0.0, hi=1e6, allow_array=False),
        real("harm_weight", harm_weight, lo=0.0, hi=1e6, allow_array=False),
        real("delay_weight", delay_weight, lo=0.0, hi=1e6, allow_array=False),
        real("harm_exponent", harm_exponent, lo=0.0, hi=10.0, lo_open=True, allow_array=False),
    )


def cost(
    schedule, *, rate=RATE, dt=DT, initial=0.0, peak_weight=1.0, harm_weight=1.0, delay_weight=1.0, harm_exponent=1.0
):
    """The stated cost of a schedule.

    ``peak_weight * peak_gap + harm_weight * cumulative_harm(exponent=harm_exponent) +
    delay_weight * delayed_benefit``; weights in [0, 1e6], ``harm_exponent`` in (0, 10].
    Returns a float (or one per row for a 2-D schedule).
    """
    c = _schedule(schedule)
    r, step = _rate_dt(rate, dt)
    a0 = real("initial", initial, lo=0.0, hi=1e9, allow_array=False)
    wp, wh, wd, p = _weights(peak_weight, harm_weight, delay_weight, harm_exponent)
    peak, harm, delay = _components(c, r, step, a0, p)
    return _scalar(wp * peak + wh * harm + wd * delay)


def cost_table(
    *,
    n_steps=None,
    spacings=SPACING,
    total=1.0,
    horizon=HORIZON,
    dt=DT,
    rate=RATE,
    peak_weight=1.0,
    harm_weight=1.0,
    delay_weight=1.0,
    harm_exponent=1.0,
):
    """Cost components of every staged schedule on a grid of step counts and spacings.

    Parameters
    ----------
    n_steps : array of int in [1, 1000], optional
        Step counts to try (default 1 to 12).
    spacings : float or array of float > 0
        Spacings to try. Combinations whose last release would fall beyond the horizon (or
        whose spacing is below ``dt``) are left out; ``n_steps = 1`` appears once, with
        spacing 0.
    total, horizon, dt, rate : as in :func:`staged_schedule` / :func:`adaptation_path`.
    peak_weight, harm_weight, delay_weight, harm_exponent : as in :func:`cost`.

    Returns
    -------
    pandas.DataFrame with columns ``n_steps``, ``spacing``, ``peak_gap``, ``cumulative_harm``,
    ``delayed_benefit``, ``cost``.
    """
    if n_steps is None:
        n_steps = np.arange(1, 13)
    ns = np.atleast_1d(integer("n_steps", n_steps, lo=1, hi=_MAX_STEPS, allow_array=True)).ravel()
    sp = np.atleast_1d(real("spacings", spacings, lo=0.0, hi=1e4, lo_open=True)).ravel()
    size = real("total", total, lo=0.0, hi=1e6, lo_open=True, allow_array=False)
    h, step, n_t = _grid(horizon, dt)
    r, _ = _rate_dt(rate, step)
    wp, wh, wd, p = _weights(peak_weight, harm_weight, delay_weight, harm_exponent)
    rows, combos = [], []
    for n in np.unique(ns):
        for s in [0.0] if n == 1 else np.unique(sp):
            if n > 1:
                if s < step - 1e-12:
                    continue
                idx = _release_indices(int(n), float(s), step)
                if idx[-1] >= n_t:
                    continue
            else:
                idx = np.array([0])
            releases = np.zeros(n_t)
            np.add.at(releases, idx, size / n)
            rows.append(np.cumsum(releases))
            combos.append((int(n), float(s)))
    if not rows:
        raise ValueError(
            "spacings must leave at least one schedule that fits within the "
            f"horizon={h:g} for the given n_steps; got none"
        )
    peak, harm, delay = _components(np.array(rows), r, step, 0.0, p)
    table = pd.DataFrame(combos, columns=["n_steps", "spacing"])
    table["peak_gap"] = peak
    table["cumulative_harm"] = harm
    table["delayed_benefit"] = delay
    table["cost"] = wp * peak + wh * harm + wd * delay
    return table


def best_schedule(
    *,
    n_steps=None,
    spacings=SPACING,
    total=1.0,
    horizon=HORIZON,
    dt=DT,
    rate=RATE,
    peak_weight=1.0,
    harm_weight=1.0,
    delay_weight=1.0,
    harm_exponent=1.0,
) -> BestSchedule:
    """The staged schedule in :func:`cost_table`'s grid with the lowest stated cost.

    Ties go to fewer steps, then to the smaller spacing. Same parameters as
    :func:`cost_table`; returns a :class:`BestSchedule`.
    """
    table = cost_table(
        n_steps=n_steps,
        spacings=spacings,
        total=total,
        horizon=horizon,
        dt=dt,
        rate=rate,
        peak_weight=peak_weight,
        harm_weight=harm_weight,
        delay_weight=delay_weight,
        harm_exponent=harm_exponent,
    )
    row = table.iloc[int(np.argmin(table["cost"].to_numpy()))]
    return BestSchedule(
        int(row["n_steps"]),
        float(row["spacing"]),
        float(row["cost"]),
        float(row["peak_gap"]),
        float(row["cumulative_harm"]),
        float(row["delayed_benefit"]),
    )


def sweep(*, n_steps=(1, 3, 6), spacing=SPACING, total=1.0, horizon=HORIZON, dt=DT, rate=RATE):
    """Capability, adaptation and gap over time for several staged schedules.

    Returns
    -------
    pandas.DataFrame in long format with columns ``n_steps``, ``spacing``, ``time``,
    ``quantity`` ("capability", "adaptation" or "gap") and ``value``.
    """
    ns = np.atleast_1d(integer("n_steps", n_steps, lo=1, hi=_MAX_STEPS, allow_array=True)).ravel()
    t = time_grid(horizon=horizon, dt=dt)
    r, step = _rate_dt(rate, dt)
    c = np.array([staged_schedule(int(n), total=total, spacing=spacing, horizon=horizon, dt=dt) for n in ns])
    a = _adapt(c, r * step, 0.0)
    k, n_t = c.shape
    values = np.stack([c, a, c - a])  # (quantity, schedule, time)
    return pd.DataFrame(
        {
            "n_steps": np.tile(np.repeat(ns, n_t), 3),
            "spacing": np.tile(np.repeat(np.where(ns == 1, 0.0, float(spacing)), n_t), 3),
            "time": np.tile(t, 3 * k),
            "quantity": np.repeat(["capability", "adaptation", "gap"], k * n_t),
            "value": values.ravel(),
        }
    )


def sweep_rates(*, n_steps=(1, 3, 6), spacing=SPACING, rates=(RATE,), total=1.0, horizon=HORIZON, dt=DT):
    """:func:`sweep` for each adaptation rate in ``rates``, stacked, with a column ``rate``."""
    rs = np.atleast_1d(real("rates", rates, lo=0.0, hi=1000.0, lo_open=True)).ravel()
    return pd.concat(
        [
            sweep(n_steps=n_steps, spacing=spacing, total=total, horizon=horizon, dt=dt, rate=float(r)).assign(
                rate=float(r)
            )
            for r in rs
        ],
        ignore_index=True,
    )


def staged_vs_sudden(
    *, n_steps=None, spacing=SPACING, rates=(RATE,), exponents=(1.0,), total=1.0, horizon=HORIZON, dt=DT
):
    """Largest gap and cumulative harm of each staged schedule next to the sudden release's.

    For every adaptation rate in ``rates`` and harm exponent in ``exponents``: the staged
    schedules of :func:`cost_table` (``n_steps`` releases ``spacing`` years apart; it must
    include 1, the sudden release).

    Returns
    -------
    pandas.DataFrame with columns ``n_steps``, ``peak_gap``, ``cumulative_harm``, ``rate``,
    ``exponent``, ``sudden_peak`` and ``sudden_harm``; one row per (rate, exponent, n_steps).
    """
    rs = np.atleast_1d(real("rates", rates, lo=0.0, hi=1000.0, lo_open=True)).ravel()
    ps = np.atleast_1d(real("exponents", exponents, lo=0.0, hi=10.0, lo_open=True)).ravel()
    rows = []
    for r in rs:
        for p in ps:
            table = cost_table(
                n_steps=n_steps,
                spacings=spacing,
                total=total,
                horizon=horizon,
                dt=dt,
                rate=float(r),
                harm_exponent=float(p),
            )
            sudden = table[table["n_steps"] == 1]
            if sudden.empty:
                raise ValueError(f"n_steps must include 1 (the sudden release) to compare with it; got {n_steps!r}")
            first = sudden.iloc[0]
            rows.append(
                table.loc[:, ["n_steps", "peak_gap", "cumulative_harm"]].assign(
                    rate=float(r),
                    exponent=float(p),
                    sudden_peak=first["peak_gap"],
                    sudden_harm=first["cumulative_harm"],
                )
            )
    return pd.concat(rows, ignore_index=True)
