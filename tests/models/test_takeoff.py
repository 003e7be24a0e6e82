"""Tests for alignlessons.models.takeoff."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignlessons.models import takeoff

radii = st.floats(0.0, 200.0)
medians = st.floats(0.1, 50.0)
tails = st.floats(0.0, 5.0)
dists = st.sampled_from(["lognormal", "pareto"])


# --- independent reference CDFs --------------------------------------------------------------


def ref_cdf(r, median, tail, dist):
    if r <= 0:
        return 0.0
    if dist == "lognormal":
        if tail == 0:
            return 1.0 if r >= median else 0.0
        return NormalDist(mu=math.log(median), sigma=tail).cdf(math.log(r))
    # Generalised Pareto in the textbook (shape xi, scale beta) form; beta fixed by the median.
    if tail < 1e-12:  # exponential limit (2**tail - 1 underflows for subnormal shapes)
        beta = median / math.log(2)
        return 1 - math.exp(-r / beta)
    beta = median * tail / (2**tail - 1)
    return 1 - (1 + tail * r / beta) ** (-1 / tail)


# --- the critique's example ------------------------------------------------------------------


def test_document_numbers():
    assert takeoff.START_LEVEL == 100.0
    assert takeoff.START_LEVEL + takeoff.CONTINUOUS_JUMP == 102.0
    assert takeoff.START_LEVEL + takeoff.DISCONTINUOUS_JUMP == 200.0


def test_capability_levels_reproduce_102_and_200():
    levels = takeoff.capability_levels(np.array([[2.0], [100.0]]))
    assert levels.tolist() == [[100.0, 102.0], [100.0, 200.0]]
    assert takeoff.capability_levels([1.0, 2.0, 3.0], start=10.0).tolist() == [10, 11, 13, 16]


def test_continuous_world_always_aligned_discontinuous_never():
    # Every jump is exactly 2 (tail 0): any radius >= 2 keeps every generation aligned ...
    assert takeoff.p_all_aligned(50, radius=2.0, tail=0.0) == 1.0
    # ... while a radius below the jump fails at the first generation.
    assert takeoff.p_all_aligned(1, radius=1.9, tail=0.0) == 0.0
    # A 100-point jump with a radius of 10 never carries over.
    assert takeoff.p_all_aligned(1, radius=10.0, median_jump=100.0, tail=0.0) == 0.0


# --- correctness ---------------------------------------------------------------------------


@given(radii, medians, tails, dists)
def test_cdf_matches_reference(r, m, xi, dist):
    got = takeoff.p_step_aligned(radius=r, median_jump=m, tail=xi, distribution=dist)
    assert got == pytest.approx(ref_cdf(r, m, xi, dist), abs=1e-9)


@given(medians, st.floats(0.01, 5.0), dists)
def test_median_is_median(m, xi, dist):
    assert takeoff.p_step_aligned(radius=m, median_jump=m, tail=xi, distribution=dist) == pytest.approx(0.5, abs=1e-9)


def test_array_arguments_broadcast():
    out = takeoff.p_step_aligned(radius=np.array([1.0, 10.0]), tail=np.array([[0.5], [1.0]]))
    assert out.shape == (2, 2)
    expect = [[ref_cdf(r, 2.0, t, "lognormal") for r in (1.0, 10.0)] for t in (0.5, 1.0)]
    assert np.allclose(out, expect)
    g = takeoff.p_all_aligned(np.arange(4), radius=5.0, tail=1.0)
    p = ref_cdf(5.0, 2.0, 1.0, "lognormal")
    assert np.allclose(g, [p**k for k in range(4)])


@pytest.mark.parametrize("dist", ["lognormal", "pareto"])
@pytest.mark.parametrize("tail", [0.0, 0.3, 1.0])
def test_sampler_matches_cdf(dist, tail):
    jumps = takeoff.sample_jumps(1, n_runs=100_000, median_jump=3.0, tail=tail, distribution=dist, seed=7).ravel()
    n = jumps.size
    for r in (1.0, 3.0, 10.0):
        p = ref_cdf(r, 3.0, tail, dist)
        emp = np.mean(jumps <= r)
        assert abs(emp - p) <= 4 * math.sqrt(max(p * (1 - p), 1e-12) / n) + 1e-12


@pytest.mark.parametrize(
    "dist,tail,radius,gens",
    [("lognormal", 1.0, 10.0, 10), ("lognormal", 0.4, 4.0, 5), ("pareto", 0.5, 10.0, 8), ("pareto", 0.0, 5.0, 3)],
)
def test_simulation_agrees_with_closed_form(dist, tail, radius, gens):
    sim = takeoff.simulate(gens, radius=radius, tail=tail, distribution=dist, n_runs=40_000, seed=3)
    exact = ref_cdf(radius, 2.0, tail, dist) ** gens
    assert sim.n_runs == 40_000
    assert abs(sim.p_all_aligned - exact) <= 4 * max(sim.standard_error, 1e-4)


def test_seed_reproducible():
    a = takeoff.sample_jumps(3, n_runs=10, seed=1)
    b = takeoff.sample_jumps(3, n_runs=10, seed=1)
    c = takeoff.sample_jumps(3, n_runs=10, seed=2)
    assert a.shape == (10, 3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


# --- properties ----------------------------------------------------------------------------


@given(st.integers(0, 50), st.integers(0, 50), radii, medians, tails, dists)
def test_more_generations_never_safer(g1, g2, r, m, xi, dist):
    lo, hi = sorted((g1, g2))
    kw = dict(radius=r, median_jump=m, tail=xi, distribution=dist)
    assert takeoff.p_all_aligned(hi, **kw) <= takeoff.p_all_aligned(lo, **kw) + 1e-15


@given(st.integers(1, 50), radii, radii, medians, tails, dists)
def test_bigger_radius_never_riskier(g, r1, r2, m, xi, dist):
    lo, hi = sorted((r1, r2))
    kw = dict(median_jump=m, tail=xi, distribution=dist)
    assert takeoff.p_all_aligned(g, radius=hi, **kw) >= takeoff.p_all_aligned(g, radius=lo, **kw) - 1e-12


@given(st.integers(1, 50), medians, st.floats(1.01, 100.0), tails, tails, dists)
def test_heavier_tail_is_riskier_when_radius_exceeds_median(g, m, factor, t1, t2, dist):
    lo, hi = sorted((t1, t2))
    kw = dict(radius=m * factor, median_jump=m, distribution=dist)
    assert takeoff.p_all_aligned(g, tail=hi, **kw) <= takeoff.p_all_aligned(g, tail=lo, **kw) + 1e-12


# --- Christiano's slow-takeoff test ----------------------------------------------------------


def brute_first_doubling(y, dt, window):
    k = round(window / dt)
    for i in range(len(y)):
        j = i + k
        if j < len(y) and y[j] >= 2 * y[i] * (1 - 1e-12):
            return (i * dt, j * dt)
    return None


def brute_slow(y, dt):
    """Definition by exhaustive search over all pairs of windows."""
    k1, k4 = round(1 / dt), round(4 / dt)
    n = len(y)
    one_starts = [i for i in range(n - k1) if y[i + k1] >= 2 * y[i] * (1 - 1e-12)]
    four_ends = [i + k4 for i in range(n - k4) if y[i + k4] >= 2 * y[i] * (1 - 1e-12)]
    if not four_ends:
        return False
    if not one_starts:
        return True
    return any(end <= min(one_starts) for end in four_ends)


growth_paths = st.lists(st.floats(-0.2, 0.9), min_size=2, max_size=60).map(lambda g: np.exp(np.cumsum(np.r_[0.0, g])))


@given(growth_paths, st.sampled_from([0.25, 0.5, 1.0]))
def test_slow_takeoff_matches_brute_force(y, dt):
    assert takeoff.is_slow_takeoff(y, dt=dt) == brute_slow(y, dt)
    for w in (1.0, 4.0):
        assert takeoff.first_doubling(y, dt=dt, window=w) == brute_first_doubling(y, dt, w)


def test_hyperbolic_closed_form():
    # y = 1 / (1 - t/T): [s, s+w] doubles iff T - s <= 2w. With T = 20: the first 4-year
    # doubling is [12, 16] and the first 1-year doubling [18, 19], so takeoff is slow.
    t, y = takeoff.output_path("hyperbolic", years=19.75, dt=0.25, growth=1 / 20)
    assert t[-1] == 19.75 and y[0] == 1.0
    assert takeoff.first_doubling(y, dt=0.25, window=4) == pytest.approx((12.0, 16.0))
    assert takeoff.first_doubling(y, dt=0.25, window=1) == pytest.approx((18.0, 19.0))
    assert takeoff.is_slow_takeoff(y, dt=0.25)


@pytest.mark.parametrize("doubling_time,expected", [(0.5, False), (1.0, False), (2.0, True), (4.0, True), (5.0, False)])
def test_exponential_paths(doubling_time, expected):
    # A constant doubling time D: slow iff 1 < D <= 4 (a 4-year doubling, no 1-year doubling).
    t, y = takeoff.output_path("exponential", years=20.0, dt=0.25, growth=math.log(2) / doubling_time)
    assert takeoff.is_slow_takeoff(y, dt=0.25) is expected


def test_jump_path_is_fast():
    # 3% growth (4-year growth 1.13x, no doubling) until year 20, then a 1-year doubling.
    t, y = takeoff.output_path("jump", years=30.0, dt=0.25, growth=0.03, jump_year=20.0, jump_growth=1.0)
    assert not takeoff.is_slow_takeoff(y, dt=0.25)
    assert np.allclose(y[t <= 20], np.exp(0.03 * t[t <= 20]))


def test_default_paths():
    _, hyper = takeoff.output_path()
    _, jump = takeoff.output_path("jump")
    assert takeoff.is_slow_takeoff(hyper, dt=0.25)
    assert not takeoff.is_slow_takeoff(jump, dt=0.25)


def test_edge_cases():
    assert takeoff.is_slow_takeoff(np.ones(100), dt=0.25) is False  # no doubling at all
    assert takeoff.is_slow_takeoff(np.linspace(10, 1, 50), dt=1.0) is False  # shrinking
    short = np.exp(np.arange(12) * 0.25 * math.log(2) / 2)  # doubles every 2 y, only 2.75 y
    assert takeoff.is_slow_takeoff(short, dt=0.25) is False  # no complete 4-year interval
    assert takeoff.first_doubling(short, dt=0.25, window=4) is None
    # Yearly data: 4-year doubling [0, 4], then a 1-year doubling [4, 5]: ends exactly at start.
    y = np.array([1.0, 1.2, 1.4, 1.7, 2.0, 4.0])
    assert takeoff.is_slow_takeoff(y, dt=1.0) is True
    # Exact doubling counts despite rounding.
    y = np.exp(np.arange(0, 41) * 0.1 * math.log(2) / 4)
    assert takeoff.first_doubling(y, dt=0.1, window=4) == pytest.approx((0.0, 4.0))


# --- sweep -----------------------------------------------------------------------------------


def test_sweep_is_tidy():
    df = takeoff.sweep()
    assert list(df.columns) == [
        "distribution",
        "radius",
        "median_jump",
        "tail",
        "generations",
        "p_step_aligned",
        "p_all_aligned",
    ]
    assert len(df) == 21 * 20
    assert not df.isna().any().any()
    assert df["p_all_aligned"].between(0, 1).all()
    row = df[(df["tail"] == 1.0) & (df["generations"] == 10)].iloc[0]
    assert row["p_all_aligned"] == pytest.approx(ref_cdf(10.0, 2.0, 1.0, "lognormal") ** 10)


def test_sweep_pareto():
    df = takeoff.sweep(tails=[0.0, 0.5], generations=[1, 5], distribution="pareto", radius=4.0)
    assert len(df) == 4
    assert df["p_step_aligned"].tolist() == pytest.approx(
        [ref_cdf(4.0, 2.0, t, "pareto") for t in (0.0, 0.0, 0.5, 0.5)]
    )


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,bad",
    [
        ("radius", -1.0),
        ("radius", float("nan")),
        ("radius", "10"),
        ("median_jump", 0.0),
        ("median_jump", float("inf")),
        ("tail", -0.5),
        ("tail", 11.0),
        ("tail", float("nan")),
        ("distribution", "cauchy"),
        ("distribution", None),
    ],
)
def test_bad_distribution_parameters(name, bad):
    with pytest.raises(ValueError, match=name):
        takeoff.p_step_aligned(**{name: bad})
    with pytest.raises(ValueError, match=name):
        takeoff.p_all_aligned(3, **{name: bad})
    with pytest.raises(ValueError, match=name):
        takeoff.simulate(3, n_runs=10, **{name: bad})


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan"), "3", True, 10_001])
def test_bad_generations(bad):
    with pytest.raises(ValueError, match="generations"):
        takeoff.p_all_aligned(bad)
    with pytest.raises(ValueError, match="generations"):
        takeoff.simulate(bad, n_runs=10)


@pytest.mark.parametrize("name,bad", [("n_runs", 0), ("n_runs", 1.5), ("seed", -1), ("seed", 0.5), ("seed", "x")])
def test_bad_simulation_arguments(name, bad):
    with pytest.raises(ValueError, match=name):
        takeoff.simulate(3, **{"n_runs": 10, **{name: bad}})


def test_bad_jumps():
    with pytest.raises(ValueError, match="jumps"):
        takeoff.capability_levels([1.0, -2.0])
    with pytest.raises(ValueError, match="jumps"):
        takeoff.capability_levels(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="start"):
        takeoff.capability_levels([1.0], start=float("nan"))


@pytest.mark.parametrize(
    "bad", [[1.0, 0.0, 2.0], [1.0, -1.0], [1.0, float("nan")], [1.0], np.ones((3, 3)), "abc", [float("inf"), 1.0]]
)
def test_bad_output(bad):
    with pytest.raises(ValueError, match="output"):
        takeoff.is_slow_takeoff(bad, dt=1.0)
    with pytest.raises(ValueError, match="output"):
        takeoff.first_doubling(bad, dt=1.0, window=1.0)


@pytest.mark.parametrize("bad", [0.0, -0.25, 0.3, 2.0, float("nan")])
def test_bad_dt(bad):
    with pytest.raises(ValueError, match="dt"):
        takeoff.is_slow_takeoff(np.ones(10), dt=bad)


def test_bad_window_and_paths():
    with pytest.raises(ValueError, match="window"):
        takeoff.first_doubling(np.ones(10), dt=0.25, window=0.3)
    with pytest.raises(ValueError, match="window"):
        takeoff.first_doubling(np.ones(10), dt=0.25, window=-1)
    with pytest.raises(ValueError, match="kind"):
        takeoff.output_path("linear")
    with pytest.raises(ValueError, match="years"):
        takeoff.output_path("hyperbolic", years=40.0, growth=0.03)
    with pytest.raises(ValueError, match="years"):
        takeoff.output_path(years=10.1, dt=0.25)
    with pytest.raises(ValueError, match="growth"):
        takeoff.output_path(growth=0.0)
    with pytest.raises(ValueError, match="jump_growth"):
        takeoff.output_path("jump", jump_growth=float("inf"))
    with pytest.raises(ValueError, match="jump_year"):
        takeoff.output_path("jump", jump_year=-1.0)


def test_bad_sweep_arguments():
    with pytest.raises(ValueError, match="tails"):
        takeoff.sweep(tails=[-1.0])
    with pytest.raises(ValueError, match="generations"):
        takeoff.sweep(generations=[1.5])
    with pytest.raises(ValueError, match="distribution"):
        takeoff.sweep(distribution="normal")
