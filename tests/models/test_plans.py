"""Tests for alignlessons.models.plans and the plan_steps.csv course data."""

from __future__ import annotations

import csv
import itertools
import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignlessons.models import plans

probs = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6)
rhos = st.floats(0.0, 1.0)


# --- independent reference implementations --------------------------------------------------


def enumerate_independent(p):
    """P(all succeed) by summing over every success/failure outcome of independent steps."""
    total = 0.0
    for outcome in itertools.product([0, 1], repeat=len(p)):
        weight = 1.0
        for ok, pi in zip(outcome, p):
            weight *= pi if ok else 1.0 - pi
        if all(outcome):
            total += weight
    return total


def simulate_common_cause(p, rho, n, seed):
    """Draw the generative model described in the module docstring; return (all, per-step)."""
    rng = np.random.default_rng(seed)
    p = np.asarray(p)
    common = rng.random(n) < rho
    u_common = rng.random((n, 1))
    u_indep = rng.random((n, p.size))
    u = np.where(common[:, None], u_common, u_indep)
    success = u < p
    return success.all(axis=1), success.mean(axis=0)


# --- correctness ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [[0.9] * 6, [0.95, 0.5, 0.7, 0.2, 0.99, 0.8], [0.3], [1.0, 0.0]])
def test_independent_matches_enumeration(p):
    assert plans.success_probability(p) == pytest.approx(enumerate_independent(p), abs=1e-12)


def test_comonotone_extreme_is_min():
    p = [0.95, 0.5, 0.7, 0.2, 0.99, 0.8]
    assert plans.success_probability(p, correlation=1.0) == pytest.approx(0.2)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.8, 1.0])
def test_common_cause_matches_simulation(rho):
    p = [0.9, 0.6, 0.75, 0.95]
    n = 200_000
    all_ok, per_step = simulate_common_cause(p, rho, n, seed=1)
    est = all_ok.mean()
    se = math.sqrt(est * (1 - est) / n)
    assert abs(plans.success_probability(p, correlation=rho) - est) < 4 * se + 1e-9
    # The model keeps each step's own success probability (marginals) for every rho.
    assert np.all(np.abs(per_step - np.array(p)) < 4 * np.sqrt(0.25 / n))


def test_correlation_array_broadcasts():
    p = [0.9, 0.5]
    rho = np.array([0.0, 0.5, 1.0])
    out = plans.success_probability(p, correlation=rho)
    assert out.shape == (3,)
    assert out[0] == pytest.approx(0.45) and out[2] == pytest.approx(0.5)


@given(st.floats(0.01, 0.99), rhos)
def test_correlation_parameter_is_pairwise_correlation_for_equal_steps(q, rho):
    both = plans.success_probability([q, q], correlation=rho)
    corr = (both - q * q) / (q * (1 - q))
    assert corr == pytest.approx(rho, abs=1e-9)


def reference_gains(p, rho, delta):
    def success(v):
        return (1 - rho) * math.prod(v) + rho * min(v)

    base = success(p)
    gains = []
    for i in range(len(p)):
        raised = list(p)
        raised[i] = min(1.0, raised[i] + delta)
        gains.append(success(raised) - base)
    return gains


def test_sensitivity_matches_loop():
    p = [0.9, 0.5, 0.8, 0.99]
    for rho in (0.0, 0.4, 1.0):
        assert plans.sensitivity(p, correlation=rho, improvement=0.05) == pytest.approx(
            reference_gains(p, rho, 0.05), abs=1e-12
        )


def test_weakest_and_most_sensitive_examples():
    p = [0.9, 0.5, 0.8]
    assert plans.weakest_step(p) == 1
    assert plans.most_sensitive_step(p) == 1
    # Independent steps: gain of step i is improvement * product of the others.
    assert plans.sensitivity(p, improvement=0.1)[1] == pytest.approx(0.1 * 0.9 * 0.8)


# --- properties ----------------------------------------------------------------------------


@given(probs, rhos)
def test_bounds(p, rho):
    out = plans.success_probability(p, correlation=rho)
    assert math.prod(p) - 1e-12 <= out <= min(p) + 1e-12


@given(probs, rhos, rhos)
def test_more_common_cause_never_lowers_success(p, r1, r2):
    lo, hi = sorted((r1, r2))
    assert plans.success_probability(p, correlation=lo) <= plans.success_probability(p, correlation=hi) + 1e-12


@given(probs, rhos, st.integers(0, 5), st.floats(0.0, 1.0))
def test_raising_a_step_never_lowers_success(p, rho, i, delta):
    i = i % len(p)
    raised = list(p)
    raised[i] = min(1.0, raised[i] + delta)
    assert plans.success_probability(raised, correlation=rho) >= plans.success_probability(p, correlation=rho) - 1e-12


@given(probs, rhos, st.floats(0.001, 1.0))
def test_weakest_step_gains_most(p, rho, delta):
    gains = plans.sensitivity(p, correlation=rho, improvement=delta)
    assert np.all(gains >= -1e-12)
    assert gains[plans.weakest_step(p)] >= gains.max() - 1e-12
    assert gains[plans.most_sensitive_step(p, correlation=rho, improvement=delta)] == gains.max()


# --- sweep -----------------------------------------------------------------------------------


def test_sweep_is_tidy():
    df = plans.sweep()
    assert list(df.columns) == ["n_steps", "step_probability", "correlation", "p_success"]
    assert len(df) == 51 * 5
    assert not df.isna().any().any()
    assert (df["n_steps"] == 6).all()
    independent = df[df["correlation"] == 0.0]
    assert np.allclose(independent["p_success"], independent["step_probability"] ** 6)
    comonotone = df[df["correlation"] == 1.0]
    assert np.allclose(comonotone["p_success"], comonotone["step_probability"])
    assert df["p_success"].between(0, 1).all()


def test_sweep_custom_grid():
    df = plans.sweep(n_steps=3, step_probability=[0.5, 0.9], correlation=[0.5])
    assert len(df) == 2
    assert df["p_success"].tolist() == pytest.approx([0.5 * 0.125 + 0.25, 0.5 * 0.729 + 0.45])


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [[0.5, 1.5], [0.5, float("nan")], [float("inf")], [], 0.5, "abc", None, [[0.5, 0.5]], [-0.1]]
)
def test_bad_step_probabilities(bad):
    with pytest.raises(ValueError, match="step_probabilities"):
        plans.success_probability(bad)
    with pytest.raises(ValueError, match="step_probabilities"):
        plans.sensitivity(bad)
    with pytest.raises(ValueError, match="step_probabilities"):
        plans.weakest_step(bad)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), float("inf"), "x", None, True])
def test_bad_correlation(bad):
    with pytest.raises(ValueError, match="correlation"):
        plans.success_probability([0.5], correlation=bad)
    with pytest.raises(ValueError, match="correlation"):
        plans.most_sensitive_step([0.5], correlation=bad)


def test_bad_correlation_message_names_value_and_range():
    with pytest.raises(ValueError, match=r"correlation must be in \[0, 1\]; got 1.5"):
        plans.success_probability([0.5], correlation=1.5)


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan"), [0.1, 0.2]])
def test_bad_improvement(bad):
    with pytest.raises(ValueError, match="improvement"):
        plans.sensitivity([0.5, 0.6], improvement=bad)


@pytest.mark.parametrize("bad", [0, 2.5, 101, float("nan"), "6", True])
def test_bad_sweep_n_steps(bad):
    with pytest.raises(ValueError, match="n_steps"):
        plans.sweep(n_steps=bad)


def test_bad_sweep_grids():
    with pytest.raises(ValueError, match="step_probability"):
        plans.sweep(step_probability=[0.5, 1.2])
    with pytest.raises(ValueError, match="correlation"):
        plans.sweep(correlation=[float("nan")])


# --- course data -----------------------------------------------------------------------------


def load_steps():
    path = resources.files("alignlessons") / "content" / "data" / "plan_steps.csv"
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_plan_steps_csv():
    fields, rows = load_steps()
    assert fields == ["step", "id", "name", "description", "doc"]
    assert "quote" not in fields
    assert len(rows) == plans.N_STEPS == 6
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == 6
    assert all(i == i.strip().lower() and " " not in i for i in ids)
    for r in rows:
        assert all(v is not None and v.strip() for v in r.values()), r
        assert r["doc"] == "alignment-plan-critique"


def test_plan_steps_keep_the_coverage_key_out_of_course_data():
    # The critique's coverage ratings are graded in assignment 02; the CSV must not hold them.
    _, rows = load_steps()
    labels = {"adequate", "inadequate", "unclear", "unaddressed"}
    for r in rows:
        assert not ({v.strip().lower() for v in r.values()} & labels), r


def test_sweep_steps_adds_the_independent_reference_to_each_row():
    out = plans.sweep_steps(n_steps=(1, 3, 6), step_probability=[0.5, 0.9], correlation=[0.0, 0.5, 1.0])
    assert list(out.columns) == ["n_steps", "step_probability", "correlation", "p_success", "p_independent"]
    assert len(out) == 3 * 2 * 3
    for row in out.itertuples():
        q, n, rho = row.step_probability, row.n_steps, row.correlation
        assert row.p_success == pytest.approx(plans.success_probability([q] * n, correlation=rho))
        assert row.p_independent == pytest.approx(q**n)
    with pytest.raises(ValueError, match="at least one"):
        plans.sweep_steps(n_steps=())
