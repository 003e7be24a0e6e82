"""Tests for alignlessons.models.offense_defense.

The contest success function is checked against a seeded simulation of its standard
micro-foundation (an exponential race: each side "breaks through" at a rate equal to its
effective strength, the first to do so prevails), and the inverse functions against a
bisection search written here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignlessons.models import offense_defense as od

share = st.floats(0.0, 1.0)
advantage = st.floats(0.01, 100.0)
decisive = st.floats(0.1, 5.0)
attempts = st.integers(1, 50)
target = st.floats(0.001, 0.999)


def race(s, b, k, n_attempts, n, rng):
    """Fraction of simulated worlds in which the dangerous side wins at least one race."""
    strength_d = b * (1.0 - s) ** k
    strength_s = s**k
    t_d = rng.exponential(1.0, (n, n_attempts)) / strength_d if strength_d > 0 else np.full((n, n_attempts), np.inf)
    t_s = rng.exponential(1.0, (n, n_attempts)) / strength_s if strength_s > 0 else np.full((n, n_attempts), np.inf)
    return np.any(t_d < t_s, axis=1).mean()


@pytest.mark.parametrize(
    "s,b,k,m",
    [
        (0.5, 1.0, 1.0, 1),
        (0.75, 3.0, 1.0, 1),
        (0.75, 10.0, 1.0, 1),
        (0.9, 0.3, 2.0, 1),
        (0.8, 2.0, 0.5, 4),
        (0.95, 1.0, 1.0, 10),
        (0.2, 0.5, 3.0, 2),
    ],
)
def test_matches_simulated_race(s, b, k, m):
    rng = np.random.default_rng(17)
    n = 100_000
    freq = race(s, b, k, m, n, rng)
    se = math.sqrt(max(freq * (1 - freq), 1e-12) / n)
    got = od.p_dangerous_prevails(s, offense_advantage=b, decisiveness=k, n_attempts=m)
    assert abs(got - freq) <= 4 * se


def test_extremes_and_symmetry():
    assert od.p_dangerous_prevails(0.0, offense_advantage=0.01) == 1.0
    assert od.p_dangerous_prevails(1.0, offense_advantage=100.0) == 0.0
    for k in (0.3, 1.0, 4.0):
        assert od.p_dangerous_prevails(0.5, decisiveness=k) == pytest.approx(0.5)


def test_several_times_the_resources_may_not_suffice():
    # Karnofsky: "several times as much resources behind safe AI" - a 3:1 lead (share 0.75).
    assert od.p_dangerous_prevails(0.75, offense_advantage=1.0) == pytest.approx(0.25)
    assert od.p_dangerous_prevails(0.75, offense_advantage=10.0) == pytest.approx(10 / 13)
    # ... and with many dangerous deployments the lead leaks even when defence is favoured.
    one = od.p_dangerous_prevails(0.75, offense_advantage=0.5)
    ten = od.p_dangerous_prevails(0.75, offense_advantage=0.5, n_attempts=10)
    assert ten == pytest.approx(1 - (1 - one) ** 10)
    assert ten > 0.5 > one


@given(share, advantage, decisive, attempts)
def test_resource_form_equals_share_form(s, b, k, m):
    total = 7.5
    a = od.p_dangerous_prevails_resources(s * total, (1 - s) * total, offense_advantage=b, decisiveness=k, n_attempts=m)
    c = od.p_dangerous_prevails(s, offense_advantage=b, decisiveness=k, n_attempts=m)
    assert a == pytest.approx(c, abs=1e-12)


def bisect_share(eps, b, k, m):
    """Smallest share with P <= eps by bisection on an explicitly written formula."""

    def p(s):
        if s >= 1.0:
            return 0.0
        if s <= 0.0:
            return 1.0
        one = b * (1 - s) ** k / (b * (1 - s) ** k + s**k)
        return 1 - (1 - one) ** m

    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if p(mid) <= eps:
            hi = mid
        else:
            lo = mid
    return hi


@given(target, st.floats(0.1, 30.0), st.floats(0.5, 3.0), st.integers(1, 20))
def test_share_needed_matches_bisection(eps, b, k, m):
    got = od.safe_share_needed(eps, offense_advantage=b, decisiveness=k, n_attempts=m)
    assert got == pytest.approx(bisect_share(eps, b, k, m), abs=1e-7)
    r = od.resource_ratio_needed(eps, offense_advantage=b, decisiveness=k, n_attempts=m)
    assert r / (1 + r) == pytest.approx(got, rel=1e-9)
    # at the threshold the risk is exactly the target
    assert od.p_dangerous_prevails(got, offense_advantage=b, decisiveness=k, n_attempts=m) == pytest.approx(
        eps, abs=1e-7
    )


# ------------------------------------------------------------------ properties
@given(share, share, advantage, decisive, attempts)
def test_more_safe_resources_never_increase_danger(s1, s2, b, k, m):
    lo, hi = sorted((s1, s2))
    kw = dict(offense_advantage=b, decisiveness=k, n_attempts=m)
    assert od.p_dangerous_prevails(hi, **kw) <= od.p_dangerous_prevails(lo, **kw) + 1e-15


@given(share, advantage, advantage, decisive, attempts)
def test_more_offense_advantage_never_decreases_danger(s, b1, b2, k, m):
    lo, hi = sorted((b1, b2))
    kw = dict(decisiveness=k, n_attempts=m)
    assert (
        od.p_dangerous_prevails(s, offense_advantage=hi, **kw)
        >= od.p_dangerous_prevails(s, offense_advantage=lo, **kw) - 1e-15
    )


@given(share, advantage, decisive, attempts, attempts)
def test_more_attempts_never_decrease_danger(s, b, k, m1, m2):
    lo, hi = sorted((m1, m2))
    kw = dict(offense_advantage=b, decisiveness=k)
    p_hi = od.p_dangerous_prevails(s, n_attempts=hi, **kw)
    assert p_hi >= od.p_dangerous_prevails(s, n_attempts=lo, **kw) - 1e-15
    assert 0.0 <= p_hi <= 1.0


@given(target, advantage, decisive, attempts)
def test_share_needed_grows_with_offense_and_attempts(eps, b, k, m):
    base = od.safe_share_needed(eps, offense_advantage=b, decisiveness=k, n_attempts=m)
    assert 0.0 <= base <= 1.0
    assert od.safe_share_needed(eps, offense_advantage=2 * b, decisiveness=k, n_attempts=m) >= base
    assert od.safe_share_needed(eps, offense_advantage=b, decisiveness=k, n_attempts=m + 1) >= base


def test_broadcasting():
    s = np.linspace(0, 1, 11)
    out = od.p_dangerous_prevails(s[:, None], offense_advantage=np.array([0.5, 1, 5]))
    assert out.shape == (11, 3)
    for i, si in enumerate(s):
        for j, b in enumerate((0.5, 1, 5)):
            assert out[i, j] == pytest.approx(od.p_dangerous_prevails(float(si), offense_advantage=b))


# --------------------------------------------------------------------- sweep
def test_sweep_is_tidy():
    df = od.sweep(offense_advantage=(1.0, 10.0), n_points=51, n_attempts=3)
    assert list(df.columns) == ["offense_advantage", "safe_share", "p_dangerous_prevails"]
    assert len(df) == 2 * 51
    assert not df.isna().any().any()
    assert df["p_dangerous_prevails"].between(0, 1).all()
    for _, row in df.iterrows():
        assert row.p_dangerous_prevails == pytest.approx(
            od.p_dangerous_prevails(row.safe_share, offense_advantage=row.offense_advantage, n_attempts=3)
        )
    assert 100 <= len(od.sweep()) <= 5000


# ----------------------------------------------------------------- validation
def _raises(fn, param, value, **kwargs):
    with pytest.raises(ValueError, match=param):
        fn(**{**kwargs, param: value})


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "param,bad",
    [
        ("safe_share", -0.1),
        ("safe_share", 1.1),
        ("safe_share", NAN),
        ("safe_share", "half"),
        ("offense_advantage", 0.0),
        ("offense_advantage", INF),
        ("offense_advantage", None),
        ("decisiveness", -1.0),
        ("decisiveness", NAN),
        ("n_attempts", 0),
        ("n_attempts", 2.5),
        ("n_attempts", INF),
    ],
)
def test_p_dangerous_prevails_rejects(param, bad):
    _raises(od.p_dangerous_prevails, param, bad, safe_share=0.5)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("safe_resources", -1.0),
        ("safe_resources", NAN),
        ("dangerous_resources", INF),
        ("dangerous_resources", "lots"),
        ("offense_advantage", -2.0),
        ("n_attempts", 1.5),
    ],
)
def test_resource_form_rejects(param, bad):
    _raises(od.p_dangerous_prevails_resources, param, bad, safe_resources=3.0, dangerous_resources=1.0)


def test_resource_form_rejects_no_resources_at_all():
    with pytest.raises(ValueError, match="safe_resources"):
        od.p_dangerous_prevails_resources(0.0, 0.0)


@pytest.mark.parametrize("fn", [od.resource_ratio_needed, od.safe_share_needed])
@pytest.mark.parametrize(
    "param,bad",
    [
        ("target_risk", 0.0),
        ("target_risk", 1.0),
        ("target_risk", NAN),
        ("target_risk", "low"),
        ("offense_advantage", 0.0),
        ("decisiveness", INF),
        ("n_attempts", 0),
        ("n_attempts", 3.3),
    ],
)
def test_inverse_functions_reject(fn, param, bad):
    _raises(fn, param, bad, target_risk=0.1)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("offense_advantage", [1.0, -1.0]),
        ("offense_advantage", [1.0, NAN]),
        ("offense_advantage", [[1.0, 2.0]]),
        ("n_points", 1),
        ("n_points", 10.5),
        ("decisiveness", [1.0, 2.0]),
        ("decisiveness", 0.0),
        ("n_attempts", 0),
    ],
)
def test_sweep_rejects(param, bad):
    _raises(od.sweep, param, bad)
