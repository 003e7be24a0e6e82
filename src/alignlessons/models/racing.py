"""Racing to the precipice: the AI-race model of Armstrong, Bostrom & Shulman.

Source
    Stuart Armstrong, Nick Bostrom and Carl Shulman, "Racing to the precipice: a model of
    artificial intelligence development", *AI & Society* 31(2), 201-206 (2016); first
    circulated as FHI technical report 2013-1: the model and its symmetric Nash equilibria
    under three information regimes (no, private and public information about
    capabilities).

The game
    ``n`` teams race to build the first AI. Team ``i`` has a capability ``c_i``, drawn
    i.i.d. uniformly from ``[0, mu]``, and chooses a safety level ``s_i`` in ``[0, 1]``.
    Safety costs speed: the score is ``c_i - s_i`` and the highest score wins. The winner's
    AI is safe with probability ``s_winner``; otherwise there is a disaster. Payoffs: 1 for
    your own safe win, ``1 - e`` for another team's safe win, 0 for a disaster. ``e`` in
    ``[0, 1]`` is the *enmity* between teams; ``mu > 0`` (``capability_weight``) measures how
    much capability matters relative to safety.

Symmetric equilibria (``information``)
    ``"none"``     nobody knows any capability: every team takes ``s* = min(1, mu / (e n))``.
                   The winner's safety is then ``s*`` whatever the draws, so
                   ``P(disaster) = 1 - s*``.
    ``"private"``  each team knows only its own capability ``x``:
                   ``s(x) = min(1, x / K)`` with ``K = 1 + e (n - 1)``. Scores rise with ``x``,
                   so the most capable team wins and
                   ``P(disaster) = 1 - n mu / ((n + 1) K)`` if ``mu < K``,
                   else ``K**n / ((n + 1) mu**n)``.
    ``"public"``   all capabilities are known: the leader takes ``min(1, gap / e)``, ``gap``
                   being the lead over the runner-up; that is the most safety it can take
                   before the runner-up would rather race past it (the runner-up gets at most
                   ``s_leader - gap`` by overtaking and ``(1 - e) s_leader`` by conceding).
                   ``P(disaster) = 1 - mu / (e (n + 1))`` if ``mu <= e``, else
                   ``(mu - e)**(n + 1) / (e (n + 1) mu**n) - mu / (e (n + 1)) + 1``.
    ``e = 0`` means full safety (``s = 1``, no disaster) in every regime.

Each closed form above was derived from the stated game and strategies and is checked
against a direct simulation of the game in ``tests/models/test_racing.py``; the strategies
are checked there by a best-response search. Two points the formulas hide:

* ``"private"`` is discontinuous at ``e = 0``: as ``e -> 0+`` the equilibrium tends to
  ``s(x) = min(1, x)``, not to full safety, because ``K -> 1`` makes every team's score
  nearly equal and a small safety increase loses the race to a less capable, less safe team.
  At ``e = 0`` exactly every team is indifferent between its own and another's safe win,
  full safety is an equilibrium in every regime, and that is the one used.
* In ``"private"`` more teams can be *safer* when ``e`` is small (the winner's capability,
  hence its safety margin, grows with ``n``). The paper's finding that extra teams can
  increase the danger holds without exception in the ``"none"`` and ``"public"`` regimes,
  and that is what the tests assert.

Assumptions and limits
    One-shot game; capabilities independent and uniform; safety is a single number that is
    also the probability the winner's AI is safe; the only payoff-relevant outcome is who wins
    and whether it is safe (no second place, no partial disasters, no value of time); teams
    are symmetric apart from their draws and play the symmetric equilibrium (in ``"public"``
    the one above, the safest of a family of equilibria). The model leaves out
    regulation, learning over time, espionage, alliances (but see
    :func:`with_merge_and_assist`) and any benefit of the technology beyond winning.

Everything here is a pure function over numpy; :func:`sweep` returns a tidy pandas
``DataFrame`` for charts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alignlessons.models._validate import as_result, broadcast, choice, integer, real

__all__ = [
    "INFORMATION",
    "RaceSimulation",
    "equilibrium_safety",
    "disaster_probability",
    "simulate",
    "sweep",
    "with_merge_and_assist",
]

#: The information regimes, in increasing order of what the teams know.
INFORMATION = ("none", "private", "public")
#: Default capability weights of :func:`sweep` (a tuple: a default argument must not be mutable).
_SWEEP_CAPABILITY_WEIGHTS = tuple(np.round(np.linspace(0.05, 3.0, 60), 4).tolist())

# Largest number of teams :func:`simulate` will play: it loops over teams in Python, so
# its speed falls with n (about 2 million games per second at 100 teams).
_MAX_SIMULATED_TEAMS = 100
# Largest number of games :func:`simulate` will play in one call.
_MAX_DRAWS = 10**10
# Uniform draws per chunk in :func:`simulate`: 2 MB of float64 per buffer keeps the work
# in cache (measured: about twice as fast as 40 MB chunks) and memory bounded.
_CHUNK_VALUES = 250_000


# --------------------------------------------------------------------------- validation


def _params(n_teams: Any, capability_weight: Any, enmity: Any, information: Any, *, allow_array: bool = True):
    n = integer("n_teams", n_teams, lo=2, allow_array=allow_array)
    mu = real("capability_weight", capability_weight, lo=0.0, lo_open=True, allow_array=allow_array)
    e = real("enmity", enmity, lo=0.0, hi=1.0, allow_array=allow_array)
    info = choice("information", information, INFORMATION)
    return n, mu, e, info


# --------------------------------------------------------------------------- closed forms


def _none_safety(n, mu, e):
    """s* = min(1, mu / (e n)); 1 when e = 0."""
    n, mu, e = np.broadcast_arrays(np.asarray(n, float), np.asarray(mu, float), np.asarray(e, float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = np.where(e > 0, np.minimum(1.0, mu / (e * n)), 1.0)
    return s


def _private_safety(x, n, mu, e):
    """s(x) = min(1, x / K), K = 1 + e (n - 1); 1 when e = 0."""
    k = 1.0 + np.asarray(e, float) * (np.asarray(n, float) - 1.0)
    s = np.minimum(1.0, np.asarray(x, float) / k)
    return np.where(np.asarray(e) > 0, s, 1.0)


def _closed_form(n, mu, e, info: str) -> np.ndarray:
    """P(disaster) in the symmetric equilibrium; arrays broadcast, n may be an array."""
    n, mu, e = np.broadcast_arrays(np.asarray(n, float), np.asarray(mu, float), np.asarray(e, float))
    if info == "none":
        return 1.0 - _none_safety(n, mu, e)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if info == "private":
            k = 1.0 + e * (n - 1.0)
            low = 1.0 - n * mu / ((n + 1.0) * k)  # mu < K
            high = np.exp(n * np.log(k / mu)) / (n + 1.0)  # mu >= K: (K/mu)^n/(n+1)
            p = np.where(mu < k, low, high)
        else:  # public: 1 - E[min(1, gap/e)], P(gap > t) = (1 - t/mu)^n
            ratio = mu / (e * (n + 1.0))
            low = 1.0 - ratio  # mu <= e
            # 1 - (1 - e/mu)^(n+1), written to stay accurate when e << mu
            tail = -np.expm1((n + 1.0) * np.log1p(-np.minimum(e / mu, 1.0)))
            high = 1.0 - ratio * tail  # mu > e
            p = np.where(mu <= e, low, high)
        p = np.where(e > 0, p, 0.0)
    return np.clip(p, 0.0, 1.0)


def disaster_probability(*, n_teams: Any, capability_weight: Any, enmity: Any, information: str) -> float | np.ndarray:
    """Probability of an AI disaster in the symmetric Nash equilibrium.

    Parameters
    ----------
    n_teams : int or array of int, >= 2
        Number of competing teams.
    capability_weight : float or array, > 0
        ``mu``: capabilities are uniform on ``[0, mu]``; larger means skill matters more
        relative to safety.
    enmity : float or array in [0, 1]
        ``e``: how much worse another team's safe win is than your own (0 = indifferent).
    information : {"none", "private", "public"}
        What the teams know about capabilities (see the module docstring).

    Array arguments broadcast against each other (numpy rules).

    Returns
    -------
    float or numpy.ndarray
        ``P(disaster)`` in ``[0, 1]``; a float if every argument is a scalar.

    Examples
    --------
    >>> disaster_probability(n_teams=2, capability_weight=1.0, enmity=1.0, information="none")
    0.5
    >>> disaster_probability(n_teams=2, capability_weight=[1.0, 3.0], enmity=1.0,
    ...                      information="private")
    array([0.66666667, 0.14814815])
    """
    n, mu, e, info = _params(n_teams, capability_weight, enmity, information)
    # only checks that the shapes broadcast (a clear error if not)
    broadcast(n_teams=n, capability_weight=mu, enmity=e)
    return as_result(_closed_form(n, mu, e, info), n, mu, e)


def equilibrium_safety(
    capability: Any, *, n_teams: Any, capability_weight: Any, enmity: Any, information: str
) -> float | np.ndarray:
    """Safety level each team takes in the symmetric Nash equilibrium.

    Parameters
    ----------
    capability : float or array, each in [0, capability_weight]
        For ``"none"`` and ``"private"`` any shape: each entry is one team's capability and
        the result has the broadcast shape (under ``"none"`` the value is ignored: nobody
        knows it). For ``"public"`` the **last axis lists all ``n_teams`` capabilities of one
        game**, e.g. shape ``(n_teams,)`` or ``(n_games, n_teams)``; the other parameters
        broadcast against the leading axes.
    n_teams : int (or array for "none"/"private"), >= 2
    capability_weight : float or array, > 0
    enmity : float or array in [0, 1]
    information : {"none", "private", "public"}

    Returns
    -------
    float or numpy.ndarray
        ``"none"``: ``min(1, mu / (e n))``. ``"private"``: ``min(1, x / (1 + e (n - 1)))``.
        ``"public"``: the leader takes ``min(1, gap / e)``; every other team takes the least
        safety that does not overtake the leader, ``clip(s_leader - (c_leader - c_j), 0, 1)``
        (its score ties the leader's at best, and ties go to the more capable team). Those
        threats are what hold the leader down to ``gap / e``. ``e = 0`` gives 1 everywhere.

    Examples
    --------
    >>> equilibrium_safety(0.9, n_teams=2, capability_weight=1.0, enmity=0.5,
    ...                    information="private")
    0.6
    >>> equilibrium_safety([0.2, 0.9, 0.5], n_teams=3, capability_weight=1.0, enmity=0.5,
    ...                    information="public")
    array([0.1, 0.8, 0.4])
    """
    n, mu, e, info = _params(n_teams, capability_weight, enmity, information)
    c = real("capability", capability, lo=0.0)
    if info == "public":
        if np.ndim(n) != 0:
            raise ValueError(
                f"n_teams must be a single whole number for information='public'; got array with shape {np.shape(n)}"
            )
        if np.ndim(c) == 0 or np.shape(c)[-1] != n:
            raise ValueError(
                f"capability must list all n_teams={n} capabilities along its last axis for "
                f"information='public'; got shape {np.shape(c)}"
            )
        mu_b = np.asarray(mu, float)[..., None]
        e_b = np.asarray(e, float)[..., None]
    else:
        # only checks that the shapes broadcast (a clear error if not)
        broadcast(capability=c, n_teams=n, capability_weight=mu, enmity=e)
        mu_b = np.asarray(mu, float)
        e_b = np.asarray(e, float)
    try:
        c_arr, mu_b, e_b = np.broadcast_arrays(np.asarray(c, float), mu_b, e_b)
    except ValueError:
        raise ValueError(
            "capability (leading axes for 'public'), capability_weight and enmity must "
            f"broadcast together; got shapes {np.shape(c)}, {np.shape(mu)}, {np.shape(e)}"
        ) from None
    too_big = c_arr > mu_b
    if np.any(too_big):
        raise ValueError(
            f"capability must be in [0, capability_weight]; got {c_arr[too_big].flat[0]:g} "
            f"with capability_weight={mu_b[too_big].flat[0]:g}"
        )

    if info == "none":
        s = _none_safety(n, mu, e)
        s = np.broadcast_to(s, np.broadcast_shapes(np.shape(s), c_arr.shape)).copy()
    elif info == "private":
        s = _private_safety(c_arr, n, mu_b, e_b)
    else:
        s = _public_safety(c_arr, e_b[..., 0])
    return as_result(s, c, n, mu, e)


def _public_safety(c: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Public-information profile for capabilities ``c`` (last axis = teams)."""
    top2 = np.sort(c, axis=-1)[..., -2:]
    lead, gap = top2[..., 1], top2[..., 1] - top2[..., 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s_lead = np.minimum(1.0, gap / e)
    s = np.clip(s_lead[..., None] - (lead[..., None] - c), 0.0, 1.0)
    return np.where(e[..., None] > 0, s, 1.0)  # e = 0: everyone takes full safety


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class RaceSimulation:
    """Result of :func:`simulate`.

    Attributes
    ----------
    disaster_rate : float
        Fraction of simulated games that ended in disaster.
    standard_error : float
        Binomial standard error of ``disaster_rate``, ``sqrt(p (1 - p) / n_draws)``.
    n_draws : int
        Number of games played.
    """

    disaster_rate: float
    standard_error: float
    n_draws: int


def _seed(seed: Any) -> int | None:
    if seed is None:
        return None
    return integer("seed", seed, lo=0)


def simulate(
    *,
    n_teams: int,
    capability_weight: float,
    enmity: float,
    information: str,
    n_draws: int = 100_000,
    seed: int | None = None,
) -> RaceSimulation:
    """Play the race ``n_draws`` times with the equilibrium strategies.

    Each game draws all capabilities, lets every team apply its equilibrium strategy (see
    :func:`equilibrium_safety`), picks the winner by score ``c - s`` (ties to the more
    capable team) and draws whether the winner's AI is safe. Vectorised numpy, in chunks of
    a quarter of a million uniforms, so memory stays bounded.

    Parameters
    ----------
    n_teams : int in [2, 100]
    capability_weight : float > 0
    enmity : float in [0, 1]
    information : {"none", "private", "public"}
    n_draws : int >= 1
        Number of games.
    seed : int >= 0 or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same result.

    Returns
    -------
    RaceSimulation
        ``disaster_rate``, ``standard_error`` and ``n_draws``.

    Examples
    --------
    >>> r = simulate(n_teams=2, capability_weight=1.0, enmity=1.0, information="none",
    ...              n_draws=200_000, seed=1)
    >>> abs(r.disaster_rate - 0.5) < 4 * r.standard_error
    True
    """
    n, mu, e, info = _params(n_teams, capability_weight, enmity, information, allow_array=False)
    if n > _MAX_SIMULATED_TEAMS:
        raise ValueError(f"n_teams must be a whole number in [2, {_MAX_SIMULATED_TEAMS}] for simulate; got {n}")
    draws = integer("n_draws", n_draws, lo=1, hi=_MAX_DRAWS)
    rng = np.random.default_rng(_seed(seed))

    chunk = max(1, _CHUNK_VALUES // n)
    width = min(chunk, draws)
    # buffers reused across chunks: capabilities, safeties, scores
    bufs = [np.empty((n, width)) for _ in range(3)]
    # Ties in score (the public regime makes them on purpose: every non-leader matches the
    # leader's score) go to the more capable team: the winner maximises c - s + tie * c.
    tie = 1e-9
    k = 1.0 + e * (n - 1)
    s_none = 1.0 if e == 0 else min(1.0, mu / (e * n))
    disasters = 0
    done = 0
    while done < draws:
        m = min(chunk, draws - done)
        c, s, key = bufs if m == width else [np.empty((n, m)) for _ in range(3)]
        rng.random(out=c)
        c *= mu
        # every team's equilibrium safety, shape (n, m)
        if info == "none" or e == 0:
            s.fill(s_none)  # s_none is 1 when e = 0, which is every regime's equilibrium
        elif info == "private":
            np.divide(c, k, out=s)
            np.minimum(s, 1.0, out=s)
        else:
            first = c[0].copy()
            second = np.full(m, -np.inf)
            for j in range(1, n):
                cj = c[j]
                np.maximum(second, np.minimum(first, cj), out=second)
                np.maximum(first, cj, out=first)
            with np.errstate(over="ignore"):
                s_lead = np.minimum((first - second) / e, 1.0)
            np.subtract(c, first, out=s)  # minus the leader's lead over team j
            s += s_lead
            np.clip(s, 0.0, 1.0, out=s)
        np.multiply(c, 1.0 + tie, out=key)
        key -= s  # score c - s, plus the tie-break
        best, best_s = key[0].copy(), s[0].copy()
        for j in range(1, n):
            take = key[j] > best
            np.maximum(best, key[j], out=best)
            np.copyto(best_s, s[j], where=take)
        disasters += int(np.count_nonzero(rng.random(m) >= best_s))
        done += m
    p = disasters / draws
    return RaceSimulation(disaster_rate=p, standard_error=math.sqrt(p * (1.0 - p) / draws), n_draws=draws)


# --------------------------------------------------------------------------- sweep


def _grid(name: str, values: Any, *, kind: str) -> np.ndarray:
    arr: float | np.ndarray
    if kind == "int":
        arr = integer(name, values, lo=2, allow_array=True)
    elif kind == "mu":
        arr = real(name, values, lo=0.0, lo_open=True)
    else:
        arr = real(name, values, lo=0.0, hi=1.0)
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a number or a flat sequence; got array with shape {arr.shape}")
    return arr


def _regimes(information: Any) -> list[str]:
    items = [information] if isinstance(information, str) else information
    try:
        items = list(items)
    except TypeError:
        raise ValueError(
            f"information must be one of {INFORMATION} or a sequence of them; got {information!r}"
        ) from None
    if not items:
        raise ValueError("information must not be empty; got []")
    return [choice("information", x, INFORMATION) for x in items]


def sweep(
    *,
    n_teams: Any = (2, 5, 10),
    capability_weight: Any = _SWEEP_CAPABILITY_WEIGHTS,
    enmity: Any = (0.25, 0.5, 1.0),
    information: Any = INFORMATION,
) -> pd.DataFrame:
    """Tidy table of equilibrium disaster probabilities over a parameter grid.

    Parameters
    ----------
    n_teams : int or sequence of int >= 2
    capability_weight : float or sequence of floats > 0
    enmity : float or sequence of floats in [0, 1]
    information : str or sequence of {"none", "private", "public"}

    The defaults give 3 x 60 x 3 x 3 = 1620 rows.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per combination, columns ``n_teams``, ``capability_weight``,
        ``enmity``, ``information``, ``disaster_probability``; ready for altair
        (e.g. ``x="capability_weight"``, ``y="disaster_probability"``,
        ``color="information"``, ``column="n_teams"``).

    Examples
    --------
    >>> df = sweep(n_teams=2, capability_weight=[1.0, 2.0], enmity=1.0, information="none")
    >>> df["disaster_probability"].tolist()
    [0.5, 0.0]
    """
    ns = _grid("n_teams", n_teams, kind="int")
    mus = _grid("capability_weight", capability_weight, kind="mu")
    es = _grid("enmity", enmity, kind="e")
    infos = _regimes(information)
    n_g, mu_g, e_g = (a.ravel() for a in np.meshgrid(ns, mus, es, indexing="ij"))
    frames = [
        pd.DataFrame(
            {
                "n_teams": n_g.astype(int),
                "capability_weight": mu_g.astype(float),
                "enmity": e_g.astype(float),
                "information": info,
                "disaster_probability": _closed_form(n_g, mu_g, e_g, info),
            }
        )
        for info in infos
    ]
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- extension


def with_merge_and_assist(
    *, n_teams: Any, coalition_size: Any, capability_weight: Any, enmity: Any, information: str
) -> float | np.ndarray:
    """Disaster probability when ``coalition_size`` teams stop racing each other.

    Extension (not in the paper), after OpenAI's Charter "merge and assist" clause ("if a
    value-aligned, safety-conscious project comes close to building AGI before we do, we
    commit to stop competing with and start assisting this project") and Karnofsky's "deals
    with other companies".

    Modelling choice: the ``m`` coalition members agree before the race to field a single
    project and not to race each other. The coalition enters the race as **one team**, with
    the same capability distribution, enmity towards outsiders and equilibrium play as any
    other team, so the race has ``n - m + 1`` symmetric teams and the closed forms of
    :func:`disaster_probability` apply. If everyone joins (``m = n``) nobody races: the lone
    project takes full safety and ``P(disaster) = 0``. ``m = 1`` is no coalition.

    Limits: pooled effort does not raise the coalition's capability (pooling the members'
    draws, e.g. taking their maximum, makes the game asymmetric, with no closed-form
    equilibrium under ``"none"`` or ``"private"``). Because of that, under ``"private"``
    with small enmity a merger can *raise* the risk: fewer independent draws mean a less
    capable winner, and in that regime safety scales with the winner's capability. The
    coalition is assumed to hold (no defection, no trigger condition such as "comes close",
    no verification problem), and outsiders do not react to its formation.

    Parameters
    ----------
    n_teams : int or array of int, >= 2
    coalition_size : int or array of int in [1, n_teams]
    capability_weight : float or array, > 0
    enmity : float or array in [0, 1]
    information : {"none", "private", "public"}

    Returns
    -------
    float or numpy.ndarray
        ``P(disaster)``; a float if every argument is a scalar.

    Examples
    --------
    >>> with_merge_and_assist(n_teams=4, coalition_size=3, capability_weight=1.0,
    ...                       enmity=1.0, information="none")
    0.5
    >>> with_merge_and_assist(n_teams=4, coalition_size=4, capability_weight=1.0,
    ...                       enmity=1.0, information="public")
    0.0
    """
    n, mu, e, info = _params(n_teams, capability_weight, enmity, information)
    m = integer("coalition_size", coalition_size, lo=1, allow_array=True)
    # only checks that the shapes broadcast (a clear error if not)
    broadcast(n_teams=n, coalition_size=m, capability_weight=mu, enmity=e)
    n_b, m_b = np.broadcast_arrays(np.asarray(n), np.asarray(m))
    over = m_b > n_b
    if np.any(over):
        raise ValueError(
            f"coalition_size must be a whole number in [1, n_teams]; got "
            f"{int(m_b[over].flat[0])} with n_teams={int(n_b[over].flat[0])}"
        )
    n_eff = (n_b - m_b + 1).astype(float)
    racing = n_eff >= 2
    p = _closed_form(np.where(racing, n_eff, 2.0), mu, e, info)
    p = np.where(racing, p, 0.0)
    return as_result(p, n, m, mu, e)
