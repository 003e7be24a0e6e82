"""Tests for ``alignlessons.models.unilateralist`` (Bostrom, Douglas & Sandberg 2016).

Expected values are established here, independently of the module: the closed form
``1 - Phi((T - V) / sigma) ** N`` written with ``math.erf``, plain simulations of the agents,
a bisection inverse of ``Phi``, the exact one-agent expected value and a brute-force
numerical integration.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignlessons.models import unilateralist as u


def phi_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def phi_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def ppf(p: float) -> float:
    """Inverse of phi_cdf by bisection (slow, plain, independent)."""
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if phi_cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def closed_release(n, v, sd, t):
    return 1.0 - phi_cdf((t - v) / sd) ** n


def closed_block(n, v, sd, t):
    """P(at least one blocks): someone's estimate is below t."""
    return 1.0 - (1.0 - phi_cdf((t - v) / sd)) ** n


def agents(n, v, sd, t, mode, draws, seed):
    """Plain simulation: P(initiative happens)."""
    rng = np.random.default_rng(seed)
    estimates = v + sd * rng.normal(size=(draws, n))
    if mode == "release":
        return float(np.mean((estimates > t).any(axis=1)))
    return float(np.mean(~(estimates < t).any(axis=1)))


def se(p, n):
    return math.sqrt(p * (1 - p) / n)


GRID = [
    (n, v, sd, t)
    for n in (1, 2, 5, 20, 100)
    for v in (-2.0, -0.5, 0.0, 0.7, 3.0)
    for sd in (0.3, 1.0, 2.5)
    for t in (-1.0, 0.0, 0.5)
]


# --------------------------------------------------------------------------- closed forms


def test_p_any_acts_matches_closed_form():
    for n, v, sd, t in GRID:
        got = u.p_any_acts(n, v, noise_sd=sd, threshold=t)
        assert isinstance(got, float)
        assert got == pytest.approx(closed_release(n, v, sd, t), rel=1e-10, abs=1e-13)


def test_p_blocked_and_p_happens_match_closed_form():
    for n, v, sd, t in GRID:
        blocked = closed_block(n, v, sd, t)
        assert u.p_blocked(n, v, noise_sd=sd, threshold=t) == pytest.approx(blocked, rel=1e-10, abs=1e-13)
        assert u.p_happens(n, v, noise_sd=sd, threshold=t, mode="block") == pytest.approx(
            1 - blocked, rel=1e-10, abs=1e-13
        )
        assert u.p_happens(n, v, noise_sd=sd, threshold=t, mode="release") == pytest.approx(
            closed_release(n, v, sd, t), rel=1e-10, abs=1e-13
        )


def test_hand_values():
    assert u.p_any_acts(1, 0.0) == pytest.approx(0.5)
    assert u.p_any_acts(3, 0.0) == pytest.approx(1 - 0.5**3)
    assert u.p_blocked(4, 0.0) == pytest.approx(1 - 0.5**4)
    assert u.p_happens(4, 0.0, mode="block") == pytest.approx(0.5**4)
    # V = 1, sigma = 1, T = 0: one agent acts w.p. Phi(1) = 0.841344746...
    assert u.p_any_acts(1, 1.0) == pytest.approx(0.8413447460685429)


def test_broadcasting_matches_scalar_calls():
    n = np.array([1, 3, 10])[:, None]
    v = np.linspace(-2, 2, 5)
    got = u.p_any_acts(n, v, noise_sd=0.7, threshold=0.2)
    assert got.shape == (3, 5)
    for i, j in np.ndindex(got.shape):
        assert got[i, j] == pytest.approx(closed_release(int(n[i, 0]), v[j], 0.7, 0.2))


@pytest.mark.parametrize("mode", u.MODES)
@pytest.mark.parametrize(
    "n,v,sd,t", [(1, 0.0, 1.0, 0.0), (5, -0.5, 1.0, 0.0), (20, -1.0, 0.5, 0.3), (3, 0.4, 2.0, -0.2)]
)
def test_probabilities_match_simulation_of_the_agents(n, v, sd, t, mode):
    draws = 100_000
    rate = agents(n, v, sd, t, mode, draws, seed=n * 1000 + int(10 * sd))
    p = u.p_happens(n, v, noise_sd=sd, threshold=t, mode=mode)
    assert abs(rate - p) <= 4 * se(p, draws) + 1e-12


@pytest.mark.parametrize("mode", u.MODES)
@pytest.mark.parametrize("n,v", [(1, 0.0), (5, -0.5), (50, -1.5), (7, 1.0)])
def test_module_simulate_agrees(n, v, mode):
    r = u.simulate(n, v, noise_sd=1.0, threshold=0.0, mode=mode, n_draws=80_001, seed=3)
    p = u.p_happens(n, v, mode=mode)
    assert r.n_draws == 80_001
    assert abs(r.initiative_rate - p) <= 4 * se(p, r.n_draws) + 1e-12
    assert r.standard_error == pytest.approx(se(r.initiative_rate, r.n_draws))


def test_simulate_is_seeded():
    a = u.simulate(4, -0.3, n_draws=10_000, seed=1)
    assert a == u.simulate(4, -0.3, n_draws=10_000, seed=1)
    assert a != u.simulate(4, -0.3, n_draws=10_000, seed=2)
    assert u.simulate(2, 0.0, n_draws=1, seed=0).n_draws == 1


def test_spoiler_is_the_mirror_image():
    for n, v, sd, t in GRID:
        assert u.p_blocked(n, v, noise_sd=sd, threshold=t) == pytest.approx(
            u.p_any_acts(n, -v, noise_sd=sd, threshold=-t), rel=1e-12, abs=1e-15
        )


# --------------------------------------------------------------------------- conformity


@pytest.mark.parametrize("mode", u.MODES)
def test_conforming_threshold_restores_target(mode):
    for n in (1, 2, 5, 30, 1000):
        for target in (0.01, 0.2, 0.5, 0.9):
            for sd in (0.5, 1.0, 3.0):
                t = u.conforming_threshold(n, noise_sd=sd, target=target, mode=mode)
                if mode == "release":
                    p = closed_release(n, 0.0, sd, t)
                else:
                    p = 1 - closed_block(n, 0.0, sd, t)
                assert p == pytest.approx(target, abs=1e-9), (n, target, sd)


def test_conforming_threshold_hand_values():
    assert abs(u.conforming_threshold(1)) < 1e-12
    assert abs(u.conforming_threshold(1, mode="block")) < 1e-12
    # release, N = 2, target 1/2: Phi(T)^2 = 1/2 -> T = Phi^-1(sqrt(1/2))
    assert u.conforming_threshold(2) == pytest.approx(ppf(math.sqrt(0.5)), abs=1e-9)
    # block, N = 3, target 1/2: Phi(-T)^3 = 1/2 -> T = -Phi^-1(2^(-1/3))
    assert u.conforming_threshold(3, mode="block") == pytest.approx(-ppf(0.5 ** (1 / 3)), abs=1e-9)
    # scales with the noise
    assert u.conforming_threshold(4, noise_sd=2.5, target=0.3) == pytest.approx(2.5 * ppf(0.7**0.25), abs=1e-9)


# --------------------------------------------------------------------------- properties

ns = st.integers(min_value=1, max_value=500)
vals = st.floats(min_value=-5, max_value=5, allow_nan=False)
sds = st.floats(min_value=0.05, max_value=5, allow_nan=False)
targets = st.floats(min_value=0.001, max_value=0.999, allow_nan=False)
FEW = settings(max_examples=60)


@FEW
@given(n=ns, extra=st.integers(min_value=1, max_value=50), v=vals, sd=sds, t=vals)
def test_more_agents_make_action_more_likely(n, extra, v, sd, t):
    assert u.p_any_acts(n + extra, v, noise_sd=sd, threshold=t) >= u.p_any_acts(n, v, noise_sd=sd, threshold=t) - 1e-15
    assert u.p_blocked(n + extra, v, noise_sd=sd, threshold=t) >= u.p_blocked(n, v, noise_sd=sd, threshold=t) - 1e-15


@FEW
@given(n=ns, extra=st.integers(min_value=1, max_value=50), sd=sds, target=targets)
def test_conforming_threshold_moves_with_group_size(n, extra, sd, target):
    assert (
        u.conforming_threshold(n + extra, noise_sd=sd, target=target)
        >= u.conforming_threshold(n, noise_sd=sd, target=target) - 1e-12
    )
    assert (
        u.conforming_threshold(n + extra, noise_sd=sd, target=target, mode="block")
        <= u.conforming_threshold(n, noise_sd=sd, target=target, mode="block") + 1e-12
    )


@FEW
@given(n=ns, v1=vals, v2=vals, sd=sds, t=vals)
def test_better_initiatives_happen_more_often(n, v1, v2, sd, t):
    lo, hi = sorted((v1, v2))
    for mode in u.MODES:
        assert (
            u.p_happens(n, hi, noise_sd=sd, threshold=t, mode=mode)
            >= u.p_happens(n, lo, noise_sd=sd, threshold=t, mode=mode) - 1e-15
        )


@FEW
@given(n=ns, v=vals, sd=sds, t=vals)
def test_probabilities_in_unit_interval(n, v, sd, t):
    for mode in u.MODES:
        assert 0.0 <= u.p_happens(n, v, noise_sd=sd, threshold=t, mode=mode) <= 1.0


# --------------------------------------------------------------------------- expected value


def ev_one_agent(m, s, sd, t):
    """Exact E[V 1{V + noise > t}] for one agent: (V, estimate) is bivariate normal."""
    r = math.sqrt(s * s + sd * sd)
    b = (t - m) / r
    return m * (1 - phi_cdf(b)) + s * s / r * phi_pdf(b)


def ev_brute(n, m, s, sd, t, mode, points=40_001):
    """Simpson's rule over V on +-10 prior sds, probabilities from math.erf."""
    z = np.linspace(-10, 10, points)
    v = m + s * z
    cdf = np.vectorize(phi_cdf)
    if mode == "release":
        p = 1 - cdf((t - v) / sd) ** n
    else:
        p = (1 - cdf((t - v) / sd)) ** n
    f = v * p * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    h = z[1] - z[0]
    return h / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())


@pytest.mark.parametrize("mode", u.MODES)
@pytest.mark.parametrize(
    "m,s,sd,t",
    [
        (0.0, 1.0, 1.0, 0.0),
        (-0.5, 1.0, 0.1, 0.2),
        (0.3, 2.0, 3.0, -1.0),
        (-2.0, 0.5, 0.01, 0.0),
        (1.0, 1.0, 20.0, 0.5),
        (0.0, 1.0, 0.1, 0.3),
        # extremes that need the right integration route
        (0.0, 1.0, 0.001, 0.3),
        (0.0, 1.0, 1000.0, 0.3),
        (0.0, 0.001, 1.0, 0.3),
    ],
)
def test_expected_value_one_agent_exact(m, s, sd, t, mode):
    got = u.expected_value(1, prior_mean=m, prior_sd=s, noise_sd=sd, threshold=t, mode=mode)
    assert got == pytest.approx(ev_one_agent(m, s, sd, t), abs=1e-10)


@pytest.mark.parametrize("mode", u.MODES)
@pytest.mark.parametrize(
    "n,m,s,sd,t",
    [
        (5, 0.0, 1.0, 1.0, 0.0),
        (5, -0.5, 1.0, 0.05, 0.2),
        (40, -1.0, 1.0, 0.5, 0.0),
        (3, 0.5, 0.3, 2.0, 1.0),
        (1000, -2.0, 1.0, 0.2, 0.5),
    ],
)
def test_expected_value_matches_brute_force(n, m, s, sd, t, mode):
    got = u.expected_value(n, prior_mean=m, prior_sd=s, noise_sd=sd, threshold=t, mode=mode)
    assert got == pytest.approx(ev_brute(n, m, s, sd, t, mode), abs=1e-8)


@pytest.mark.parametrize("mode", u.MODES)
def test_expected_value_matches_simulation(mode):
    n, m, s, sd, t = 6, -0.4, 1.0, 0.8, 0.0
    rng = np.random.default_rng(99)
    draws = 200_000
    v = rng.normal(m, s, size=draws)
    est = v[:, None] + sd * rng.normal(size=(draws, n))
    happens = (est > t).any(axis=1) if mode == "release" else ~(est < t).any(axis=1)
    x = v * happens
    got = u.expected_value(n, prior_mean=m, prior_sd=s, noise_sd=sd, threshold=t, mode=mode)
    assert abs(x.mean() - got) <= 4 * x.std() / math.sqrt(draws)


def test_expected_value_broadcasts():
    n = np.array([1, 4, 16])
    sd = np.array([[0.2], [2.0]])  # exercises both integration routes
    got = u.expected_value(n, prior_mean=-0.3, noise_sd=sd)
    assert got.shape == (2, 3)
    for i, j in np.ndindex(got.shape):
        assert got[i, j] == pytest.approx(
            u.expected_value(int(n[j]), prior_mean=-0.3, noise_sd=float(sd[i, 0])), abs=1e-14
        )
    assert got[0, 0] == pytest.approx(ev_one_agent(-0.3, 1.0, 0.2, 0.0), abs=1e-10)


def test_curse_hurts_and_conformity_helps_for_a_harmful_prior():
    # A harmful-looking initiative (prior mean -1): 20 naive agents do worse than one,
    # and the conforming threshold recovers most of the loss.
    one = u.expected_value(1, prior_mean=-1.0)
    many = u.expected_value(20, prior_mean=-1.0)
    conform = u.expected_value(20, prior_mean=-1.0, threshold=u.conforming_threshold(20))
    assert many < one
    assert conform > many


# --------------------------------------------------------------------------- sweep


def test_sweep_is_tidy_and_consistent():
    df = u.sweep()
    assert list(df.columns) == ["n_agents", "true_value", "mode", "policy", "threshold", "p_happens"]
    assert 100 <= len(df) <= 5000
    assert set(df["mode"]) == set(u.MODES) and set(df["policy"]) == set(u.POLICIES)
    assert pd.api.types.is_integer_dtype(df["n_agents"])
    assert df["p_happens"].between(0, 1).all()
    row = df[(df.n_agents == 5) & (df.true_value == 0.0) & (df["mode"] == "release") & (df.policy == "naive")]
    assert row["p_happens"].item() == pytest.approx(1 - 0.5**5)
    conf = df[(df.true_value == 0.0) & (df.policy == "conforming")]
    np.testing.assert_allclose(conf["p_happens"], 0.5, atol=1e-9)


def test_sweep_grid_size():
    df = u.sweep(n_agents=[1, 2, 3], true_value=[-1, 0, 1, 2], mode="block", policy="naive", threshold=0.5)
    assert len(df) == 12
    assert (df["threshold"] == 0.5).all()


# --------------------------------------------------------------------------- validation

BAD_N = [0, -1, 2.5, float("nan"), float("inf"), "3", None, True, 2_000_000]
BAD_REAL = [float("nan"), float("inf"), float("-inf"), "x", None]
BAD_SD = [0.0, -1.0, float("nan"), float("inf")]
BAD_MODE = ["relase", "Block", None, 1]


def _cases():
    base = {
        u.p_any_acts: ((3, 0.0), {}),
        u.p_blocked: ((3, 0.0), {}),
        u.p_happens: ((3, 0.0), {"mode": "release"}),
        u.conforming_threshold: ((3,), {}),
        u.expected_value: ((3,), {}),
        u.simulate: ((3, 0.0), {"n_draws": 10, "seed": 0}),
    }
    bad = {
        "n_agents": BAD_N,
        "true_value": BAD_REAL,
        "noise_sd": BAD_SD,
        "threshold": BAD_REAL,
        "target": [0.0, 1.0, -0.1, 1.5, float("nan")],
        "mode": BAD_MODE,
        "prior_mean": BAD_REAL,
        "prior_sd": BAD_SD,
        "n_draws": [0, 1.5, float("nan")],
        "seed": [-1, 0.5, "s"],
    }
    accepts = {
        u.p_any_acts: ["n_agents", "true_value", "noise_sd", "threshold"],
        u.p_blocked: ["n_agents", "true_value", "noise_sd", "threshold"],
        u.p_happens: ["n_agents", "true_value", "noise_sd", "threshold", "mode"],
        u.conforming_threshold: ["n_agents", "noise_sd", "target", "mode"],
        u.expected_value: ["n_agents", "prior_mean", "prior_sd", "noise_sd", "threshold", "mode"],
        u.simulate: ["n_agents", "true_value", "noise_sd", "threshold", "mode", "n_draws", "seed"],
    }
    for fn, (args, kw) in base.items():
        for name in accepts[fn]:
            for value in bad[name]:
                yield pytest.param(fn, args, kw, name, value, id=f"{fn.__name__}-{name}-{value!r}")


@pytest.mark.parametrize("fn,args,kw,name,value", list(_cases()))
def test_bad_input_names_the_parameter(fn, args, kw, name, value):
    args = list(args)
    kw = dict(kw)
    positional = {"n_agents": 0, "true_value": 1}
    if name in positional and positional[name] < len(args):
        args[positional[name]] = value
    else:
        kw[name] = value
    with pytest.raises(ValueError, match=name):
        fn(*args, **kw)


@pytest.mark.parametrize(
    "kw,name",
    [
        (dict(n_agents=20_000), "n_agents"),
        (dict(true_value=[0.0, 1.0]), "true_value"),
        (dict(noise_sd=np.array([1.0])), "noise_sd"),
    ],
)
def test_simulate_wants_scalars_and_a_modest_group(kw, name):
    args = {"n_agents": 3, "true_value": 0.0, **kw}
    with pytest.raises(ValueError, match=name):
        u.simulate(args.pop("n_agents"), args.pop("true_value"), **args)


@pytest.mark.parametrize(
    "kw,name",
    [
        (dict(n_agents=[1, 0]), "n_agents"),
        (dict(n_agents=[[1, 2]]), "n_agents"),
        (dict(true_value=[0.0, float("nan")]), "true_value"),
        (dict(noise_sd=0.0), "noise_sd"),
        (dict(noise_sd=[1.0, 2.0]), "noise_sd"),
        (dict(threshold=float("inf")), "threshold"),
        (dict(target=1.0), "target"),
        (dict(mode=["release", "x"]), "mode"),
        (dict(mode=[]), "mode"),
        (dict(policy="wise"), "policy"),
        (dict(policy=None), "policy"),
    ],
)
def test_sweep_rejects_bad_input(kw, name):
    with pytest.raises(ValueError, match=name):
        u.sweep(**kw)


def test_mismatched_shapes_raise_value_error():
    with pytest.raises(ValueError, match="broadcast"):
        u.p_any_acts([1, 2, 3], [0.0, 1.0])


def test_docstring_examples_run():
    result = doctest.testmod(u, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
