"""Tests for alignlessons.models.research."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from alignlessons.models import research

heads = st.integers(1, 10_000)
mults = st.floats(0.1, 100.0)
years = st.floats(0.0, 100.0)


def euler_progress(t_end, h_c, h_a, m_c, m_a, t_a, dt=1e-3):
    """Accumulate both fields step by step; multipliers switch on at t_a."""
    c = a = 0.0
    t = 0.0
    n = int(round(t_end / dt))
    for _ in range(n):
        mid = t + dt / 2
        on = mid >= t_a
        c += h_c * (m_c if on else 1.0) * dt
        a += h_a * (m_a if on else 1.0) * dt
        t += dt
    return c, a


# --- document defaults ---------------------------------------------------------------------


def test_document_numbers():
    # openai-misconceptions: 100 capabilities / 30 alignment / 15 policy researchers.
    assert dict(research.OPENAI_RESEARCHERS) == {"capabilities": 100, "alignment": 30, "policy": 15}
    # alignment-plan-critique 1A: ~300 alignment researchers worldwide, ~1000x funding gap;
    # section 2 question 1: a 3x assistant.
    assert research.WORLD_ALIGNMENT_RESEARCHERS == 300
    assert research.FUNDING_GAP == 1000
    assert research.ASSISTANT_MULTIPLIER == 3.0
    assert dict(research.SCENARIOS["world"]) == {"capabilities_researchers": 300_000, "alignment_researchers": 300}


# --- correctness ---------------------------------------------------------------------------


@pytest.mark.parametrize("t_end", [0.0, 2.0, 5.0, 7.5])
def test_progress_matches_euler(t_end):
    kw = dict(
        capabilities_researchers=100,
        alignment_researchers=30,
        multiplier=3.0,
        alignment_multiplier=7.0,
        assistant_year=2.5,
    )
    c, a = research.cumulative_progress(t_end, **kw)
    c_ref, a_ref = euler_progress(t_end, 100, 30, 3.0, 7.0, 2.5)
    assert c == pytest.approx(c_ref, rel=1e-6, abs=1e-9)
    assert a == pytest.approx(a_ref, rel=1e-6, abs=1e-9)


def test_progress_hand_computed():
    # 5 years at 100 researchers, then 5 years at 100 x 3: 500 + 1500.
    c, a = research.cumulative_progress(10.0)
    assert (c, a) == pytest.approx((2000.0, 600.0))


def test_progress_array_shape():
    c, a = research.cumulative_progress(np.linspace(0, 10, 7))
    assert c.shape == a.shape == (7,)


def brute_catch_up(k, h_c, h_a, m_c, m_a, t_a, t_max, step):
    times = np.arange(0.0, t_max, step)
    for t in times:
        if t == 0:
            ratio = h_a / h_c if t_a > 0 else h_a * m_a / (h_c * m_c)
        else:
            c, a = euler_progress_closed(t, h_c, h_a, m_c, m_a, t_a)
            ratio = a / c
        if ratio >= k - 1e-12:
            return t
    return math.inf


def euler_progress_closed(t, h_c, h_a, m_c, m_a, t_a):
    # Integral of a piecewise-constant rate, written out case by case.
    if t <= t_a:
        return h_c * t, h_a * t
    return h_c * (t_a + m_c * (t - t_a)), h_a * (t_a + m_a * (t - t_a))


@pytest.mark.parametrize(
    "k,h_c,h_a,m_c,m_a,t_a",
    [
        (1.0, 100, 30, 3.0, 20.0, 5.0),
        (1.0, 100, 30, 3.0, 10.0, 5.0),  # asymptote exactly at parity: never
        (0.5, 100, 30, 1.0, 3.0, 2.0),
        (0.2, 100, 30, 3.0, 3.0, 5.0),  # already above the requirement
        (1.0, 100, 30, 3.0, 20.0, 0.0),  # assistant from the start, rate ratio 2 >= 1
        (1.0, 100, 30, 3.0, 3.0, 0.0),
    ],
)
def test_catch_up_matches_brute_force(k, h_c, h_a, m_c, m_a, t_a):
    got = research.catch_up_year(
        required_ratio=k,
        capabilities_researchers=h_c,
        alignment_researchers=h_a,
        multiplier=m_c,
        alignment_multiplier=m_a,
        assistant_year=t_a,
    )
    ref = brute_catch_up(k, h_c, h_a, m_c, m_a, t_a, t_max=200.0, step=0.01)
    if math.isinf(ref):
        assert math.isinf(got)
    else:
        assert ref - 0.01 <= got <= ref + 1e-9


def test_world_scenario_needs_huge_differential():
    world = research.SCENARIOS["world"]
    # A differential assistant 100x better for alignment than capabilities is still not enough
    # to reach parity against a 1000x funding gap.
    assert math.isinf(research.catch_up_year(**world, multiplier=3.0, alignment_multiplier=300.0))
    assert math.isfinite(research.catch_up_year(**world, multiplier=3.0, alignment_multiplier=3.0 * 2000))


# --- the critique's point: a uniform multiplier preserves the balance ----------------------


@given(heads, st.integers(0, 10_000), mults, st.floats(0.0, 20.0), st.lists(years, min_size=1, max_size=5))
def test_uniform_multiplier_preserves_balance(h_c, h_a, m, t_a, ts):
    ratio = research.balance(
        np.array(ts), capabilities_researchers=h_c, alignment_researchers=h_a, multiplier=m, assistant_year=t_a
    )
    assert np.allclose(ratio, h_a / h_c, rtol=1e-9, atol=0)


@given(heads, st.integers(0, 10_000), mults, mults, st.floats(0.0, 20.0), st.floats(0.05, 5.0))
def test_uniform_multiplier_never_decides_whether_alignment_catches_up(h_c, h_a, m1, m2, t_a, k):
    kw = dict(required_ratio=k, capabilities_researchers=h_c, alignment_researchers=h_a, assistant_year=t_a)
    a = research.catch_up_year(multiplier=m1, **kw)
    b = research.catch_up_year(multiplier=m2, **kw)
    assert math.isinf(a) == math.isinf(b) == (h_a < k * h_c)


@given(heads, st.integers(0, 10_000), mults, mults, st.floats(0.0, 20.0), st.floats(0.0, 100.0), st.floats(0.0, 100.0))
def test_differential_balance_moves_monotonically_between_the_two_rate_ratios(h_c, h_a, m_c, m_a, t_a, t1, t2):
    kw = dict(
        capabilities_researchers=h_c,
        alignment_researchers=h_a,
        multiplier=m_c,
        alignment_multiplier=m_a,
        assistant_year=t_a,
    )
    lo_t, hi_t = sorted((t1, t2))
    b1, b2 = research.balance(lo_t, **kw), research.balance(hi_t, **kw)
    before, after = h_a / h_c, h_a * m_a / (h_c * m_c)
    tol = 1e-9 * max(before, after, 1.0)
    assert min(before, after) - tol <= b1 <= max(before, after) + tol
    if m_a >= m_c:
        assert b2 >= b1 - tol
    else:
        assert b2 <= b1 + tol


@given(heads, st.integers(1, 10_000), mults, st.floats(1.01, 50.0), st.floats(0.01, 20.0), st.floats(0.05, 5.0))
def test_catch_up_point_has_the_required_balance(h_c, h_a, m_c, boost, t_a, k):
    m_a = m_c * boost
    kw = dict(
        capabilities_researchers=h_c,
        alignment_researchers=h_a,
        multiplier=m_c,
        alignment_multiplier=m_a,
        assistant_year=t_a,
    )
    t = research.catch_up_year(required_ratio=k, **kw)
    assume(math.isfinite(t) and 0 < t < 1e6)
    assert research.balance(t, **kw) == pytest.approx(k, rel=1e-9)
    assert research.balance(t * (1 - 1e-3), **kw) < k


# --- sweep -----------------------------------------------------------------------------------


def test_sweep_is_tidy():
    df = research.sweep()
    assert list(df.columns) == [
        "scenario",
        "year",
        "multiplier",
        "alignment_multiplier",
        "uniform",
        "field",
        "progress",
        "balance",
    ]
    assert len(df) == 121 * 3 * 2
    assert not df.isna().any().any()
    assert set(df["field"]) == {"capabilities", "alignment"}
    assert np.allclose(df.loc[df["uniform"], "balance"], 0.3)
    # Rows agree with the scalar API.
    row = df[(df["year"] == 10.0) & (df["alignment_multiplier"] == 10.0) & (df["field"] == "alignment")].iloc[0]
    c, a = research.cumulative_progress(10.0, alignment_multiplier=10.0)
    assert row["progress"] == pytest.approx(a)
    assert row["balance"] == pytest.approx(a / c)


def test_sweep_world_and_start_balance():
    df = research.sweep(scenario="world", years=[0.0, 1.0], alignment_multipliers=[3.0, 30.0], assistant_year=0.0)
    start = df[(df["year"] == 0.0) & (df["alignment_multiplier"] == 30.0)]["balance"]
    assert np.allclose(start, 300 * 30 / (300_000 * 3))


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "x", None, [1.0, -2.0]])
def test_bad_years(bad):
    with pytest.raises(ValueError, match="years"):
        research.cumulative_progress(bad)
    with pytest.raises(ValueError, match="years"):
        research.balance(bad)


@pytest.mark.parametrize(
    "name,bad",
    [
        ("capabilities_researchers", 0),
        ("capabilities_researchers", 2.5),
        ("capabilities_researchers", float("nan")),
        ("capabilities_researchers", "100"),
        ("alignment_researchers", -1),
        ("alignment_researchers", 30.5),
        ("alignment_researchers", True),
        ("multiplier", 0.0),
        ("multiplier", float("inf")),
        ("multiplier", [3.0]),
        ("alignment_multiplier", -2.0),
        ("alignment_multiplier", float("nan")),
        ("assistant_year", -1.0),
        ("assistant_year", float("nan")),
    ],
)
def test_bad_parameters(name, bad):
    for fn in (
        lambda **kw: research.cumulative_progress(1.0, **kw),
        lambda **kw: research.balance(1.0, **kw),
        research.catch_up_year,
    ):
        with pytest.raises(ValueError, match=name):
            fn(**{name: bad})


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_required_ratio(bad):
    with pytest.raises(ValueError, match="required_ratio"):
        research.catch_up_year(required_ratio=bad)


def test_bad_sweep_arguments():
    with pytest.raises(ValueError, match="scenario"):
        research.sweep(scenario="mars")
    with pytest.raises(ValueError, match="alignment_multipliers"):
        research.sweep(alignment_multipliers=[0.0])
    with pytest.raises(ValueError, match="years"):
        research.sweep(years=[float("nan")])
    with pytest.raises(ValueError, match="multiplier"):
        research.sweep(multiplier=-3)
