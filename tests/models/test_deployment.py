"""Tests for alignlessons.models.deployment.

Expected values come from independent computations: seeded Monte Carlo of the deployment
race and of the phase Markov chain, brute-force grid search for the optimal wait, and
textbook closed forms (halvings, geometric survival).
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from alignlessons.models import deployment as dep

PARAMS = dict(
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=1 / 12,
    p_other_misaligned=0.5,
)

prob = st.floats(0.0, 1.0)
pos = st.floats(0.5, 48.0)
months = st.floats(0.0, 120.0)


@st.composite
def scenarios(draw):
    p0 = draw(st.floats(0.01, 1.0))
    return dict(
        p_misaligned_now=p0,
        p_misaligned_floor=draw(st.floats(0.0, 1.0)) * p0,
        halving_months=draw(pos),
        lead_months=draw(st.floats(0.0, 24.0)),
        # hazards below one in a million per month are numerically meaningless here
        hazard_per_month=draw(st.one_of(st.just(0.0), st.floats(1e-6, 1.0))),
        p_other_misaligned=draw(prob),
    )


def independent_total(t, p):
    """P(catastrophe) re-derived step by step (written separately from the module)."""
    excess = p["p_misaligned_now"] - p["p_misaligned_floor"]
    p_mine = p["p_misaligned_floor"] + excess * 0.5 ** (t / p["halving_months"])
    exposed = max(0.0, t - p["lead_months"])
    survive = math.exp(-p["hazard_per_month"] * exposed)  # nobody else has deployed yet
    return survive * p_mine + (1.0 - survive) * p["p_other_misaligned"]


# ------------------------------------------------------------------ correctness
def test_misalignment_halves_every_halving_period():
    p0, f, h = 0.4, 0.1, 5.0
    expected = p0
    for k in range(8):
        got = dep.p_misaligned(k * h, p_misaligned_now=p0, p_misaligned_floor=f, halving_months=h)
        assert got == pytest.approx(expected, abs=1e-12)
        expected = f + (expected - f) / 2


def test_preemption_matches_simulated_arrivals():
    rng = np.random.default_rng(11)
    lead, lam, n = 9.0, 0.07, 200_000
    arrival = lead + rng.exponential(1 / lam, n)
    for t in (0.0, 5.0, 9.0, 15.0, 30.0, 80.0):
        freq = np.mean(arrival < t)
        se = math.sqrt(max(freq * (1 - freq), 1e-12) / n)
        got = dep.p_preempted(t, lead_months=lead, hazard_per_month=lam)
        assert abs(got - freq) <= 4 * se + 1e-12


def test_catastrophe_matches_monte_carlo_race():
    rng = np.random.default_rng(5)
    n = 200_000
    p = dict(PARAMS, hazard_per_month=0.1, lead_months=4.0)
    for t in (0.0, 3.0, 8.0, 20.0):
        other_first = (p["lead_months"] + rng.exponential(1 / p["hazard_per_month"], n)) < t
        p_mine = 0.05 + 0.25 * 2.0 ** (-t / 6.0)
        misaligned = np.where(other_first, rng.random(n) < p["p_other_misaligned"], rng.random(n) < p_mine)
        for fn, event in (
            (dep.p_catastrophe, misaligned),
            (dep.inaction_risk, other_first & misaligned),
            (dep.action_risk, ~other_first & misaligned),
        ):
            freq = event.mean()
            se = math.sqrt(max(freq * (1 - freq), 1e-12) / n)
            assert abs(fn(t, **p) - freq) <= 4 * se + 1e-12


@given(scenarios(), months)
def test_total_matches_independent_formula_and_components(p, t):
    total = dep.p_catastrophe(t, **p)
    assert total == pytest.approx(independent_total(t, p), abs=1e-12)
    assert dep.action_risk(t, **p) + dep.inaction_risk(t, **p) == pytest.approx(total, abs=1e-12)


def grid_min(p, t_max, step):
    ts = np.arange(0.0, t_max + step, step)
    vals = np.array([independent_total(t, p) for t in ts])
    i = int(np.argmin(vals))
    return ts[i], vals[i], vals


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        dict(halving_months=24.0, lead_months=6.0, hazard_per_month=0.02),
        dict(halving_months=30.0, lead_months=0.0, hazard_per_month=0.01, p_other_misaligned=0.9),
        dict(lead_months=0.0, hazard_per_month=0.5),
    ],
)
def test_optimal_wait_matches_grid_search(overrides):
    p = dict(PARAMS, **overrides)
    t_grid, v_grid, _ = grid_min(p, 200.0, 0.01)
    t_opt = dep.optimal_wait(**p)
    assert math.isfinite(t_opt)
    assert abs(t_opt - t_grid) <= 0.02
    assert independent_total(t_opt, p) <= v_grid + 1e-12


@given(scenarios())
def test_optimal_wait_is_no_worse_than_any_grid_point(p):
    t_opt = dep.optimal_wait(**p)
    ts = np.linspace(0.0, 150.0, 301)
    vals = np.array([independent_total(t, p) for t in ts])
    if math.isinf(t_opt):
        # waiting forever is best: the risk never rises along the grid
        assert np.all(np.diff(vals) <= 1e-12)
    else:
        assert independent_total(t_opt, p) <= vals.min() + 1e-9
        # nothing earlier is as good (earliest minimiser), checked on a fine grid below t_opt
        earlier = np.linspace(0.0, t_opt, 50)[:-1]
        assert all(independent_total(t, p) >= independent_total(t_opt, p) - 1e-12 for t in earlier)


@given(scenarios())
def test_break_even_wait(p):
    t_be = dep.break_even_wait(**p)
    c0 = independent_total(0.0, p)
    if math.isinf(t_be):
        ts = np.linspace(0.0, 500.0, 501)
        assert all(independent_total(t, p) <= c0 + 1e-12 for t in ts)
    else:
        assert independent_total(t_be, p) <= c0 + 1e-9
        later = t_be + max(1e-3, 1e-3 * t_be)
        if p["p_other_misaligned"] - p["p_misaligned_now"] > 1e-9:  # resolvable in floats
            assert independent_total(later, p) > c0
        t_opt = dep.optimal_wait(**p)
        assert t_opt <= t_be + 1e-9


def test_defaults_reproduce_the_documents_story():
    # With a 12-month lead nobody can pre-empt, waiting the lead out is best.
    assert dep.optimal_wait() == pytest.approx(12.0)
    t_be = dep.break_even_wait()
    assert 12.0 < t_be < 36.0
    assert dep.p_catastrophe(t_be) == pytest.approx(dep.p_catastrophe(0.0), abs=1e-7)


# ------------------------------------------------------------------ properties
@given(scenarios(), months, months)
def test_waiting_lowers_misalignment_but_raises_preemption(p, t1, t2):
    lo, hi = sorted((t1, t2))
    kw_p = {k: p[k] for k in ("p_misaligned_now", "p_misaligned_floor", "halving_months")}
    kw_f = {k: p[k] for k in ("lead_months", "hazard_per_month")}
    assert dep.p_misaligned(hi, **kw_p) <= dep.p_misaligned(lo, **kw_p) + 1e-15
    assert dep.p_preempted(hi, **kw_f) >= dep.p_preempted(lo, **kw_f) - 1e-15
    assert dep.inaction_risk(hi, **p) >= dep.inaction_risk(lo, **p) - 1e-15
    assert dep.action_risk(hi, **p) <= dep.action_risk(lo, **p) + 1e-15


@given(scenarios(), months)
def test_probabilities_in_unit_interval(p, t):
    for fn in (dep.action_risk, dep.inaction_risk, dep.p_catastrophe):
        assert 0.0 <= fn(t, **p) <= 1.0


@given(scenarios(), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_more_hazard_never_lengthens_the_optimal_wait(p, lam1, lam2):
    # Holds whenever the other actor is no safer than Magma can ever get (q >= floor); if
    # the others were safer, being pre-empted would be welcome and the claim would fail.
    assume(p["p_other_misaligned"] >= p["p_misaligned_floor"])
    lo, hi = sorted((lam1, lam2))
    t_lo = dep.optimal_wait(**dict(p, hazard_per_month=lo))
    t_hi = dep.optimal_wait(**dict(p, hazard_per_month=hi))
    assert t_hi <= t_lo * (1 + 1e-9) + 1e-9


@given(scenarios())
def test_never_deploy_inside_a_free_lead_when_risk_is_falling(p):
    assume(p["p_misaligned_now"] > p["p_misaligned_floor"] * (1 + 1e-9) + 1e-12)
    assert dep.optimal_wait(**p) >= p["lead_months"]


def test_vectorised_optimum_matches_scalar_calls():
    lams = np.array([0.0, 0.01, 0.05, 0.2, 1.0])
    vec = dep.optimal_wait(**dict(PARAMS, hazard_per_month=lams))
    be = dep.break_even_wait(**dict(PARAMS, hazard_per_month=lams))
    for i, lam in enumerate(lams):
        assert vec[i] == dep.optimal_wait(**dict(PARAMS, hazard_per_month=float(lam)))
        assert be[i] == pytest.approx(dep.break_even_wait(**dict(PARAMS, hazard_per_month=float(lam))), abs=1e-7)


def test_risk_curve_is_consistent_with_pointwise_functions():
    c = dep.risk_curve(max_wait_months=24.0, n_points=25)
    assert c["wait_months"].tolist() == list(np.arange(25.0))
    for t, total in zip(c["wait_months"], c["p_catastrophe"]):
        assert total == pytest.approx(independent_total(t, PARAMS), abs=1e-12)


# --------------------------------------------------------------------- sweeps
def test_sweep_is_tidy():
    df = dep.sweep(n_points=61, hazard_per_month=(0.02, 0.1))
    assert list(df.columns) == ["hazard_per_month", "wait_months", "risk", "probability"]
    assert len(df) == 2 * 3 * 61
    assert not df.isna().any().any()
    assert set(df["risk"]) == {"action risk", "inaction risk", "total"}
    assert df["probability"].between(0, 1).all()
    wide = df.pivot_table(index=["hazard_per_month", "wait_months"], columns="risk", values="probability")
    np.testing.assert_allclose(wide["total"], wide["action risk"] + wide["inaction risk"])
    for (lam, t), row in wide.iterrows():
        assert row["total"] == pytest.approx(independent_total(t, dict(PARAMS, hazard_per_month=lam)))


def test_default_sweep_size():
    assert 300 <= len(dep.sweep()) <= 5000


# --------------------------------------------------------------------- phases
def test_phase_chain_matches_simulation_and_closed_form():
    a, b, c1, c2 = 0.1, 0.05, 0.02, 0.01
    probs = dep.phase_probabilities(
        30, p_reach_aligned_tai=a, p_risk_handled=b, p_catastrophe_phase1=c1, p_catastrophe_phase2=c2
    )
    assert probs.shape == (31, 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    # Phase 1 survival is geometric.
    np.testing.assert_allclose(probs[:, 0], (1 - a - c1) ** np.arange(31))
    # Seeded simulation of the chain, month by month.
    rng = np.random.default_rng(3)
    n = 100_000
    state = np.zeros(n, dtype=int)
    counts = [np.bincount(state, minlength=4) / n]
    for _ in range(30):
        u = rng.random(n)
        new = state.copy()
        new[(state == 0) & (u < a)] = 1
        new[(state == 0) & (u >= a) & (u < a + c1)] = 3
        new[(state == 1) & (u < b)] = 2
        new[(state == 1) & (u >= b) & (u < b + c2)] = 3
        state = new
        counts.append(np.bincount(state, minlength=4) / n)
    freq = np.array(counts)
    se = np.sqrt(np.maximum(freq * (1 - freq), 1e-6) / n)
    assert np.all(np.abs(probs - freq) <= 4 * se + 1e-4)


@given(st.floats(0, 0.5), st.floats(0, 0.5), st.floats(0, 0.5), st.floats(0, 0.5))
def test_absorbing_states_only_accumulate(a, b, c1, c2):
    probs = dep.phase_probabilities(
        24, p_reach_aligned_tai=a, p_risk_handled=b, p_catastrophe_phase1=c1, p_catastrophe_phase2=c2
    )
    assert np.all(probs >= -1e-15) and np.all(probs <= 1 + 1e-12)
    assert np.all(np.diff(probs[:, 2]) >= -1e-15)
    assert np.all(np.diff(probs[:, 3]) >= -1e-15)
    assert np.all(np.diff(probs[:, 0]) <= 1e-15)


def test_phase_sweep_is_tidy():
    df = dep.phase_sweep(n_months=36)
    assert list(df.columns) == ["month", "state", "probability"]
    assert len(df) == 37 * 4
    assert not df.isna().any().any()
    np.testing.assert_allclose(df.groupby("month")["probability"].sum(), 1.0)


@given(st.floats(0, 50), st.floats(0, 50), st.floats(1, 80))
def test_phase_timeline_agrees_with_phase_at(x, y, horizon):
    a, r = sorted((x, y))
    tl = dep.phase_timeline(aligned_tai_month=a, risk_handled_month=r, horizon_months=horizon)
    assert list(tl.columns) == ["phase", "label", "start_month", "end_month", "condition"]
    assert tl["start_month"].iloc[0] == 0.0
    assert tl["end_month"].iloc[-1] == horizon
    assert np.all(tl["end_month"].to_numpy()[:-1] == tl["start_month"].to_numpy()[1:])
    assert tl["phase"].is_monotonic_increasing
    for _, row in tl.iterrows():
        mid = 0.5 * (row.start_month + row.end_month)
        assert dep.phase_at(mid, aligned_tai_month=a, risk_handled_month=r) == row.phase


def test_phase_at_handles_unmet_conditions():
    assert dep.phase_at(100.0, aligned_tai_month=None) == 1
    np.testing.assert_array_equal(
        dep.phase_at([0, 5, 10, 20, 30], aligned_tai_month=10, risk_handled_month=20), [1, 1, 2, 3, 3]
    )
    tl = dep.phase_timeline(aligned_tai_month=None, horizon_months=24)
    assert tl["phase"].tolist() == [1]
    assert len(dep.PHASES) == 3


# ----------------------------------------------------------------- validation
BAD_REAL = [float("nan"), float("inf"), "3", None]

CURVE_FUNCS = [dep.action_risk, dep.inaction_risk, dep.p_catastrophe]


def _raises(fn, param, value, **kwargs):
    with pytest.raises(ValueError, match=param):
        fn(**{**kwargs, param: value})


@pytest.mark.parametrize("fn", CURVE_FUNCS)
@pytest.mark.parametrize(
    "param,bad",
    [
        ("wait_months", -1.0),
        ("p_misaligned_now", 1.5),
        ("p_misaligned_floor", -0.1),
        ("halving_months", 0.0),
        ("lead_months", -2.0),
        ("hazard_per_month", -0.1),
        ("p_other_misaligned", 2.0),
    ],
)
def test_curve_functions_reject_out_of_range(fn, param, bad):
    _raises(fn, param, bad, wait_months=1.0)


@pytest.mark.parametrize("fn", CURVE_FUNCS + [dep.p_misaligned])
@pytest.mark.parametrize("bad", BAD_REAL)
def test_curve_functions_reject_non_finite_and_non_numbers(fn, bad):
    _raises(fn, "wait_months", bad)
    _raises(fn, "p_misaligned_now", bad, wait_months=1.0)


def test_floor_above_current_risk_is_rejected():
    with pytest.raises(ValueError, match="p_misaligned_floor"):
        dep.p_catastrophe(1.0, p_misaligned_now=0.2, p_misaligned_floor=0.3)


@pytest.mark.parametrize(
    "param,bad", [("wait_months", -1), ("lead_months", float("nan")), ("hazard_per_month", float("inf"))]
)
def test_p_preempted_rejects(param, bad):
    _raises(dep.p_preempted, param, bad, wait_months=1.0)


@pytest.mark.parametrize("fn", [dep.optimal_wait, dep.break_even_wait])
@pytest.mark.parametrize(
    "param,bad",
    [
        ("p_misaligned_now", float("nan")),
        ("p_misaligned_floor", 2.0),
        ("halving_months", -1.0),
        ("lead_months", float("inf")),
        ("hazard_per_month", "fast"),
        ("p_other_misaligned", -0.5),
    ],
)
def test_optimum_functions_reject(fn, param, bad):
    _raises(fn, param, bad)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("max_wait_months", 0.0),
        ("max_wait_months", float("nan")),
        ("n_points", 2.5),
        ("n_points", 1),
        ("halving_months", float("inf")),
        ("hazard_per_month", [0.1, 0.2]),
    ],
)
def test_risk_curve_rejects(param, bad):
    _raises(dep.risk_curve, param, bad)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("max_wait_months", -3.0),
        ("n_points", 10.5),
        ("hazard_per_month", [0.1, float("nan")]),
        ("hazard_per_month", -1.0),
        ("p_other_misaligned", 1.1),
        ("lead_months", [1.0, 2.0]),
    ],
)
def test_sweep_rejects(param, bad):
    _raises(dep.sweep, param, bad)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("n_months", 2.5),
        ("n_months", -1),
        ("p_reach_aligned_tai", 1.5),
        ("p_risk_handled", float("nan")),
        ("p_catastrophe_phase1", 0.95),
        ("p_catastrophe_phase2", float("inf")),
    ],
)
@pytest.mark.parametrize("fn", [dep.phase_probabilities, dep.phase_sweep])
def test_phase_chain_rejects(fn, param, bad):
    _raises(fn, param, bad, n_months=12)


def test_phase_chain_rejects_rates_summing_above_one():
    with pytest.raises(ValueError, match="p_catastrophe_phase2"):
        dep.phase_probabilities(5, p_risk_handled=0.7, p_catastrophe_phase2=0.5)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("aligned_tai_month", -1.0),
        ("aligned_tai_month", float("nan")),
        ("risk_handled_month", 5.0),  # before aligned_tai_month = 10
        ("horizon_months", 0.0),
        ("horizon_months", float("inf")),
    ],
)
def test_phase_timeline_rejects(param, bad):
    _raises(dep.phase_timeline, param, bad, aligned_tai_month=10.0)


def test_phase3_needs_phase2_and_month_validated():
    with pytest.raises(ValueError, match="risk_handled_month"):
        dep.phase_timeline(aligned_tai_month=None, risk_handled_month=5.0)
    with pytest.raises(ValueError, match="month"):
        dep.phase_at(float("nan"), aligned_tai_month=1.0)
    with pytest.raises(ValueError, match="month"):
        dep.phase_at(-1.0, aligned_tai_month=1.0)


def test_parameters_are_the_keywords_of_every_scenario_function():
    for fn in (
        dep.action_risk,
        dep.inaction_risk,
        dep.p_catastrophe,
        dep.optimal_wait,
        dep.break_even_wait,
    ):
        keywords = [k for k, p in inspect.signature(fn).parameters.items() if p.kind is p.KEYWORD_ONLY]
        assert tuple(keywords) == dep.PARAMETERS, fn.__name__
