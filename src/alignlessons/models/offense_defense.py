"""Safe vs. dangerous AI as a contest: can a resource lead be enough?

Source
------
Doc ``deployment-nearcast`` (Holden Karnofsky), Phase 2 section, the paragraph after "A key
overall hope here is...": the hope is that cautious actors roll out safe AI first and build
"a substantial advantage" in resources for it. "That hope might not work out": perhaps the
"offense-defense balance" is unfavorable - "in a world with several times as much resources
behind safe AI systems as dangerous AI systems, the dangerous AI systems would still do
catastrophic damage" - so Magma and IAIA "can't rely on safer systems' early lead and
resource advantage, and need to find a way to stop ~all dangerous deployments". (Footnote 12
uses the same term for individuals asking AI to design powerful weapons.)

The functional form is a Tullock contest success function (Tullock 1980; Hirshleifer 1989)
with the offense-defense balance as a multiplier on the attacker's effective resources, in
the spirit of Garfinkel & Dafoe (2019), "How does the offense-defense balance scale?",
Journal of Strategic Studies 42(6), who treat the balance as how much the defender must
invest to offset the attacker's investment.

Model
-----
The safe side holds a share ``s`` of the resources, the dangerous side ``1 - s``. In one
contest (e.g. one dangerous deployment meeting the safe systems' defences)::

    P(dangerous side prevails) = b (1 - s)^k / (b (1 - s)^k + s^k)
                               = b / (b + r^k),           r = s / (1 - s)

* ``b = offense_advantage``: with ``k = 1`` the safe side needs ``b`` times the dangerous
  side's resources just to make the contest a coin flip (``b > 1``: offence favoured;
  ``b < 1``: defence favoured). In general the coin-flip ratio is ``b ** (1 / k)``.
* ``k = decisiveness``: how strongly a resource edge turns into winning (``k -> 0`` pure
  luck; large ``k`` the larger side almost always wins).
* ``n_attempts``: independent contests at the same balance (several dangerous deployments,
  or repeated attempts by one). The dangerous side needs to prevail once:
  ``1 - (1 - P)^n``. This is what makes "stop ~all dangerous deployments" visible: with many
  attempts even a large resource lead leaks.

Karnofsky's "several times as much resources": at ``r = 3`` (a 75% share) and ``k = 1`` the
dangerous side still prevails with probability ``b / (b + 3)``, i.e. at least one half as
soon as ``b >= 3``. The document gives no value for ``b`` or ``k``; ``offense_advantage=1``
(neutral) and ``decisiveness=1`` are neutral defaults and the sweep shows several balances.

Assumptions and what is left out
--------------------------------
A static contest between two aggregated sides; resources are one-dimensional and fully
usable; the balance does not change with the scale of investment (Garfinkel & Dafoe's
central question - how the balance shifts as both sides invest more - is not modelled);
attempts are independent; no deterrence, detection, or stopping deployments outright (the
document's "drastic measures"); "prevails" lumps every catastrophic outcome together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "p_dangerous_prevails",
    "p_dangerous_prevails_resources",
    "resource_ratio_needed",
    "safe_share_needed",
    "sweep",
]


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def _check_common(offense_advantage, decisiveness, n_attempts):
    b = v.real("offense_advantage", offense_advantage, lo=0.0, lo_open=True)
    k = v.real("decisiveness", decisiveness, lo=0.0, lo_open=True)
    n = v.integer("n_attempts", n_attempts, lo=1, allow_array=True)
    return b, k, n


def _single_contest(s, b, k):
    """P(dangerous prevails) in one contest, via its log-odds ``ln b + k ln((1-s)/s)``."""
    s = np.asarray(s, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        z = np.log(b) + k * (np.log1p(-s) - np.log(s))  # +inf at s = 0, -inf at s = 1
        ez = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def _at_least_once(p, n):
    # 1 - (1 - p)^n, accurate for small p.
    with np.errstate(divide="ignore"):
        return -np.expm1(n * np.log1p(-np.minimum(p, 1.0)))


def p_dangerous_prevails(safe_share, *, offense_advantage=1.0, decisiveness=1.0, n_attempts=1):
    """P(the dangerous side prevails at least once) when the safe side holds ``safe_share``.

    ``safe_share`` in [0, 1] is the safe side's fraction of all resources. Per contest
    ``b (1-s)^k / (b (1-s)^k + s^k)``; over ``n_attempts`` independent contests
    ``1 - (1 - P)^n``. Broadcasts over every argument.
    """
    s = v.real("safe_share", safe_share, lo=0.0, hi=1.0)
    b, k, n = _check_common(offense_advantage, decisiveness, n_attempts)
    return _out(_at_least_once(_single_contest(s, b, k), n))


def p_dangerous_prevails_resources(
    safe_resources, dangerous_resources, *, offense_advantage=1.0, decisiveness=1.0, n_attempts=1
):
    """Same as :func:`p_dangerous_prevails`, from absolute resources (any common unit).

    Both must be >= 0 and not both zero. Broadcasts.
    """
    rs = v.real("safe_resources", safe_resources, lo=0.0)
    rd = v.real("dangerous_resources", dangerous_resources, lo=0.0)
    b, k, n = _check_common(offense_advantage, decisiveness, n_attempts)
    total = np.asarray(rs, float) + np.asarray(rd, float)
    if np.any(total <= 0):
        raise ValueError("safe_resources and dangerous_resources must not both be 0; got 0 and 0")
    return _out(_at_least_once(_single_contest(np.asarray(rs) / total, b, k), n))


def _check_target(target_risk):
    return v.real("target_risk", target_risk, lo=0.0, hi=1.0, lo_open=True, hi_open=True)


def _ratio_needed(eps, b, k, n):
    eps1 = -np.expm1(np.log1p(-np.asarray(eps, float)) / n)  # per-contest budget
    with np.errstate(over="ignore"):
        return np.power(b * (1.0 - eps1) / eps1, 1.0 / k)


def resource_ratio_needed(target_risk, *, offense_advantage=1.0, decisiveness=1.0, n_attempts=1):
    """Safe-to-dangerous resource ratio needed to keep P(dangerous prevails) <= ``target_risk``.

    Closed form: with per-contest budget ``e = 1 - (1 - target_risk) ** (1 / n_attempts)``,
    ``r* = (b (1 - e) / e) ** (1 / k)``. ``target_risk`` must be in (0, 1). Broadcasts; may
    be ``inf`` when the requirement overflows a float.
    """
    eps = _check_target(target_risk)
    b, k, n = _check_common(offense_advantage, decisiveness, n_attempts)
    return _out(_ratio_needed(eps, b, k, n))


def safe_share_needed(target_risk, *, offense_advantage=1.0, decisiveness=1.0, n_attempts=1):
    """Smallest safe share of resources keeping P(dangerous prevails) <= ``target_risk``.

    ``r* / (1 + r*)`` with ``r*`` from :func:`resource_ratio_needed`; 1.0 means only (all but)
    total control of resources suffices. Broadcasts.
    """
    eps = _check_target(target_risk)
    b, k, n = _check_common(offense_advantage, decisiveness, n_attempts)
    r = _ratio_needed(eps, b, k, n)
    with np.errstate(divide="ignore"):
        share = 1.0 / (1.0 + 1.0 / r)  # = r / (1 + r), monotone in r under rounding
    return _out(share)


def sweep(*, offense_advantage=(0.3, 1.0, 3.0, 10.0, 30.0), n_points=101, decisiveness=1.0, n_attempts=1):
    """Tidy frame of P(dangerous prevails) against the safe share, one curve per balance.

    Columns: ``offense_advantage`` (float), ``safe_share`` (float in [0, 1], ``n_points``
    evenly spaced) and ``p_dangerous_prevails`` (float in [0, 1]). A share of 0.75 is the
    document's "several times as much resources" (3 : 1).
    """
    bs = np.atleast_1d(v.real("offense_advantage", offense_advantage, lo=0.0, lo_open=True))
    if bs.ndim != 1:
        raise ValueError(
            "offense_advantage must be a number or a flat sequence of numbers in "
            f"(0, inf); got array with shape {bs.shape}"
        )
    n_pts = v.integer("n_points", n_points, lo=2, hi=100_000)
    k = v.real("decisiveness", decisiveness, lo=0.0, lo_open=True, allow_array=False)
    n = v.integer("n_attempts", n_attempts, lo=1)
    s = np.linspace(0.0, 1.0, n_pts)
    S, B = np.meshgrid(s, bs)
    p = _at_least_once(_single_contest(S, B, k), n)
    return pd.DataFrame(
        {
            "offense_advantage": B.ravel(),
            "safe_share": S.ravel(),
            "p_dangerous_prevails": p.ravel(),
        }
    )
