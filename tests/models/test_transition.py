"""Tests for alignlessons.models.transition."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignlessons.models import transition as tr

# Non-decreasing schedules: cumulative sums of non-negative increments.
schedules = st.lists(st.floats(0.0, 5.0), min_size=1, max_size=80).map(np.cumsum)
rates = st.floats(0.05, 20.0)
dts = st.sampled_from([0.01, 0.05, 0.1, 0.5])


# --- independent references --------------------------------------------------------------


def loop_adaptation(c, rate, dt, a0=0.0):
    """Exact solution interval by interval, in a plain Python loop."""
    a = [a0]
    for ci in c[:-1]:
        a.append(ci + (a[-1] - ci) * math.exp(-rate * dt))
    return np.array(a)


def euler_adaptation(c, rate, dt, a0=0.0, substeps=2000):
    """Forward Euler with many sub-steps: an approximation from the differential equation."""
    h = dt / substeps
    a, out = a0, []
    for ci in c:
        out.append(a)
        for _ in range(substeps):
            a += rate * (ci - a) * h
    return np.array(out)


def numeric_harm(c, rate, dt, exponent, substeps=400, tail_years=None):
    """Midpoint-rule integral of max(gap, 0) ** exponent over the horizon plus a long tail."""
    h = dt / substeps
    a, total = 0.0, 0.0
    for ci in c:
        for _ in range(substeps):
            gap_mid = (ci - a) * math.exp(-rate * h / 2)
            total += max(gap_mid, 0.0) ** exponent * h
            a = ci + (a - ci) * math.exp(-rate * h)
    tail_years = tail_years or 40.0 / rate
    steps = 40_000
    h = tail_years / steps
    gap = c[-1] - a
    for k in range(steps):
        total += max(gap * math.exp(-rate * (k + 0.5) * h), 0.0) ** exponent * h
    return total


# --- correctness ---------------------------------------------------------------------------


def test_single_step_closed_form():
    c = tr.staged_schedule(1, horizon=5.0, dt=0.05)
    t = tr.time_grid(horizon=5.0, dt=0.05)
    a = tr.adaptation_path(c, rate=0.7, dt=0.05)
    assert np.allclose(a, 1 - np.exp(-0.7 * t), atol=1e-12)
    assert np.allclose(tr.adaptation_gap(c, rate=0.7, dt=0.05), np.exp(-0.7 * t), atol=1e-12)


def test_matches_euler():
    c = tr.staged_schedule(4, spacing=0.5, horizon=3.0, dt=0.1)
    a = tr.adaptation_path(c, rate=1.3, dt=0.1)
    assert np.allclose(a, euler_adaptation(c, 1.3, 0.1), atol=1e-3)


@given(schedules, rates, dts, st.floats(0.0, 3.0))
def test_matches_loop(c, rate, dt, a0):
    got = tr.adaptation_path(c, rate=rate, dt=dt, initial=a0)
    assert np.allclose(got, loop_adaptation(c, rate, dt, a0), rtol=1e-9, atol=1e-9)


def test_many_blocks_and_batches():
    # rate * dt = 50 makes the vectorised solver split the horizon into many blocks.
    rng = np.random.default_rng(0)
    c = np.cumsum(rng.random((3, 300)), axis=1)
    got = tr.adaptation_path(c, rate=100.0, dt=0.5)
    for row, out in zip(c, got):
        assert np.allclose(out, loop_adaptation(row, 100.0, 0.5), rtol=1e-12)
    slow = tr.adaptation_path(c, rate=0.01, dt=0.5, initial=2.0)
    assert np.allclose(slow[1], loop_adaptation(c[1], 0.01, 0.5, 2.0), rtol=1e-12)


def test_staged_schedule_shape():
    c = tr.staged_schedule(4, total=2.0, spacing=1.0, horizon=10.0, dt=0.05)
    assert c.shape == (200,)
    jumps = np.flatnonzero(np.diff(np.r_[0.0, c]))
    assert jumps.tolist() == [0, 20, 40, 60]
    assert np.allclose(np.diff(np.r_[0.0, c])[jumps], 0.5)
    assert c[-1] == pytest.approx(2.0)
    assert np.all(tr.staged_schedule(1, horizon=1.0, dt=0.1) == 1.0)


@pytest.mark.parametrize("n,spacing,rate", [(1, 1.0, 1.0), (3, 0.5, 1.0), (6, 1.0, 0.5), (5, 0.25, 3.0)])
def test_peak_and_delay_closed_forms(n, spacing, rate):
    c = tr.staged_schedule(n, spacing=spacing, horizon=10.0, dt=0.05)
    # Gap just after the k-th of n equal releases: (1/n) * sum_{j<k} exp(-rate*spacing*j).
    decay = math.exp(-rate * spacing)
    expect_peak = sum(decay**j for j in range(n)) / n
    assert tr.peak_gap(c, rate=rate, dt=0.05) == pytest.approx(expect_peak, rel=1e-9)
    # Step k is held back for k * spacing years: total * spacing * (n - 1) / 2.
    assert tr.delayed_benefit(c, dt=0.05) == pytest.approx(spacing * (n - 1) / 2, rel=1e-9)


@pytest.mark.parametrize("exponent", [0.5, 1.0, 2.0])
def test_harm_matches_numeric_integral(exponent):
    c = tr.staged_schedule(3, spacing=0.5, horizon=2.0, dt=0.1)
    got = tr.cumulative_harm(c, rate=1.5, dt=0.1, exponent=exponent)
    assert got == pytest.approx(numeric_harm(c, 1.5, 0.1, exponent), rel=1e-4)


def test_cost_is_weighted_sum():
    c = tr.staged_schedule(3, spacing=0.5)
    peak, harm = tr.peak_gap(c), tr.cumulative_harm(c, exponent=2.0)
    delay = tr.delayed_benefit(c)
    got = tr.cost(c, peak_weight=2.0, harm_weight=0.5, delay_weight=3.0, harm_exponent=2.0)
    assert got == pytest.approx(2.0 * peak + 0.5 * harm + 3.0 * delay)


# --- both sides of the argument, as properties ---------------------------------------------


@given(schedules, rates, dts)
def test_linear_harm_does_not_depend_on_the_schedule(c, rate, dt):
    # The annotator's "at what cost?": with linear harm, every schedule that ends at the same
    # capability imposes the same total harm, (final capability) / rate.
    harm = tr.cumulative_harm(c, rate=rate, dt=dt)
    assert harm == pytest.approx(c[-1] / rate, rel=1e-9, abs=1e-12)


@given(st.integers(2, 8), st.sampled_from([0.1, 0.5, 1.0]), rates)
def test_gradual_lowers_peak_but_delays_benefit(n, spacing, rate):
    sudden = tr.staged_schedule(1)
    gradual = tr.staged_schedule(n, spacing=spacing)
    assert tr.peak_gap(gradual, rate=rate) < tr.peak_gap(sudden, rate=rate)
    assert tr.delayed_benefit(gradual) > tr.delayed_benefit(sudden) == 0.0
    # Convex harm favours spreading the gap out; concave harm favours getting it over with.
    assert tr.cumulative_harm(gradual, rate=rate, exponent=2.0) < tr.cumulative_harm(sudden, rate=rate, exponent=2.0)
    assert tr.cumulative_harm(gradual, rate=rate, exponent=0.5) > tr.cumulative_harm(sudden, rate=rate, exponent=0.5)


@given(schedules, rates, dts)
def test_gap_bounds(c, rate, dt):
    gap = tr.adaptation_gap(c, rate=rate, dt=dt)
    assert np.all(gap >= -1e-9) and np.all(gap <= c + 1e-9)


# --- best schedule -------------------------------------------------------------------------


def brute_best(n_steps, spacings, rate, weights, exponent, horizon=10.0, dt=0.05):
    wp, wh, wd = weights
    best = None
    for n in n_steps:
        for s in [0.0] if n == 1 else spacings:
            if n > 1 and (n - 1) * s > horizon - dt + 1e-9:
                continue
            # Build the schedule by hand from release times k * s.
            c = np.zeros(round(horizon / dt))
            for k in range(n):
                c[round(k * s / dt) :] += 1.0 / n
            a = loop_adaptation(c, rate, dt)
            gap = c - a
            peak = gap.max()
            harm = numeric_harm(c, rate, dt, exponent, substeps=20) if exponent != 1 else 1 / rate
            delay = float(np.sum(c[-1] - c) * dt)
            cost = wp * peak + wh * harm + wd * delay
            if best is None or cost < best[2] - 1e-9:
                best = (n, s, cost)
    return best


@pytest.mark.parametrize(
    "weights,rate,exponent",
    [
        ((1.0, 1.0, 1.0), 1.0, 1.0),
        ((3.0, 1.0, 1.0), 1.0, 1.0),
        ((1.0, 1.0, 0.2), 2.0, 1.0),
        ((0.0, 1.0, 0.05), 1.0, 2.0),
    ],
)
def test_best_schedule_matches_brute_force(weights, rate, exponent):
    spacings = [0.25, 0.5, 1.0]
    got = tr.best_schedule(
        n_steps=range(1, 9),
        spacings=spacings,
        rate=rate,
        peak_weight=weights[0],
        harm_weight=weights[1],
        delay_weight=weights[2],
        harm_exponent=exponent,
    )
    ref = brute_best(range(1, 9), spacings, rate, weights, exponent)
    assert (got.n_steps, got.spacing) == (ref[0], ref[1])
    assert got.cost == pytest.approx(ref[2], rel=1e-3)


def test_weights_move_the_optimum():
    # Only delay counts: deploy at once. Only the peak counts: as many steps as allowed.
    assert tr.best_schedule(peak_weight=0.0, harm_weight=1.0, delay_weight=1.0).n_steps == 1
    best = tr.best_schedule(n_steps=range(1, 7), peak_weight=1.0, harm_weight=0.0, delay_weight=0.0)
    assert best.n_steps == 6


def test_cost_table_skips_schedules_that_do_not_fit():
    table = tr.cost_table(n_steps=[1, 2, 12], spacings=[1.0, 5.0], horizon=10.0, dt=0.05)
    combos = list(zip(table["n_steps"], table["spacing"]))
    assert combos == [(1, 0.0), (2, 1.0), (2, 5.0)]  # 12 steps 1 year apart overrun 10 years
    assert list(table.columns) == ["n_steps", "spacing", "peak_gap", "cumulative_harm", "delayed_benefit", "cost"]


# --- sweep -----------------------------------------------------------------------------------


def test_sweep_is_tidy():
    df = tr.sweep()
    assert list(df.columns) == ["n_steps", "spacing", "time", "quantity", "value"]
    assert len(df) == 3 * 3 * 200
    assert not df.isna().any().any()
    assert set(df["quantity"]) == {"capability", "adaptation", "gap"}
    wide = df.pivot_table(index=["n_steps", "time"], columns="quantity", values="value")
    assert np.allclose(wide["gap"], wide["capability"] - wide["adaptation"])
    sudden = wide.loc[1]
    t = sudden.index.to_numpy()
    assert np.allclose(sudden["adaptation"], 1 - np.exp(-tr.RATE * t))


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [[1.0, 0.5], [-1.0, 0.0], [0.0, float("nan")], [float("inf")], np.ones((2, 2, 2)), "abc", None, []]
)
def test_bad_schedule(bad):
    for fn in (tr.adaptation_path, tr.adaptation_gap, tr.peak_gap, tr.cumulative_harm, tr.delayed_benefit, tr.cost):
        with pytest.raises(ValueError, match="schedule"):
            fn(bad)


@pytest.mark.parametrize(
    "name,bad",
    [("rate", 0.0), ("rate", -1.0), ("rate", float("nan")), ("dt", 0.0), ("dt", float("inf")), ("initial", -1.0)],
)
def test_bad_dynamics_parameters(name, bad):
    for fn in (tr.adaptation_path, tr.adaptation_gap, tr.cumulative_harm, tr.cost):
        with pytest.raises(ValueError, match=name):
            fn([0.0, 1.0], **{name: bad})


@pytest.mark.parametrize(
    "name,bad",
    [
        ("peak_weight", -1.0),
        ("harm_weight", float("nan")),
        ("delay_weight", "1"),
        ("harm_exponent", 0.0),
        ("harm_exponent", 11.0),
    ],
)
def test_bad_cost_parameters(name, bad):
    with pytest.raises(ValueError, match=name):
        tr.cost([0.0, 1.0], **{name: bad})
    with pytest.raises(ValueError, match=name):
        tr.best_schedule(**{name: bad})


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"n_steps": 0}, "n_steps"),
        ({"n_steps": 2.5}, "n_steps"),
        ({"n_steps": 1001}, "n_steps"),
        ({"n_steps": 3, "spacing": 0.01}, "spacing"),
        ({"n_steps": 3, "spacing": 6.0}, "spacing"),
        ({"n_steps": 3, "spacing": -1.0}, "spacing"),
        ({"n_steps": 2, "total": 0.0}, "total"),
        ({"n_steps": 2, "horizon": 10.02}, "horizon"),
        ({"n_steps": 2, "horizon": 0.0}, "horizon"),
        ({"n_steps": 2, "dt": 0.0}, "dt"),
        ({"n_steps": 2, "dt": 20.0}, "dt"),
    ],
)
def test_bad_staged_schedule(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tr.staged_schedule(**kwargs)


def test_bad_search_arguments():
    with pytest.raises(ValueError, match="spacings"):
        tr.best_schedule(n_steps=[2, 3], spacings=[50.0])
    with pytest.raises(ValueError, match="spacings"):
        tr.cost_table(spacings=[0.0])
    with pytest.raises(ValueError, match="n_steps"):
        tr.cost_table(n_steps=[0, 1])
    with pytest.raises(ValueError, match="n_steps"):
        tr.sweep(n_steps=[1.5])
    with pytest.raises(ValueError, match="horizon"):
        tr.time_grid(horizon=-1.0)


# --- quantities the charts and the explorer show ---------------------------------------------


def test_harm_per_year_is_the_positive_gap_to_the_power_p():
    gap = np.array([-0.5, 0.0, 0.25, 0.5, 1.0])
    assert tr.harm_per_year(gap, exponent=2.0) == pytest.approx([0.0, 0.0, 0.0625, 0.25, 1.0])
    assert tr.harm_per_year(gap) == pytest.approx([0.0, 0.0, 0.25, 0.5, 1.0])
    with pytest.raises(ValueError, match="exponent"):
        tr.harm_per_year(gap, exponent=0.0)


def test_harm_per_year_integrates_to_cumulative_harm():
    # A fine grid after a single release: the gap decays as exp(-rate t); harm ** p integrates
    # to 1 / (p * rate) (the model's exact integral, tail included).
    dt, rate, p = 0.001, 1.0, 2.0
    c = tr.staged_schedule(1, dt=dt, horizon=30.0)
    gap = tr.adaptation_gap(c, rate=rate, dt=dt)
    riemann = float(np.sum(tr.harm_per_year(gap, exponent=p)) * dt)
    assert riemann == pytest.approx(tr.cumulative_harm(c, rate=rate, dt=dt, exponent=p), rel=2e-3)
    assert riemann == pytest.approx(1 / (p * rate), rel=2e-3)


def test_peak_index_points_at_the_peak_gap():
    c = tr.staged_schedule(4, spacing=2.0)
    i = tr.peak_index(c, rate=0.5)
    gap = tr.adaptation_gap(c, rate=0.5)
    assert gap[i] == tr.peak_gap(c, rate=0.5)
    assert all(gap[:i] < gap[i])  # the first on ties
    with pytest.raises(ValueError, match="1-D"):
        tr.peak_index(np.array([c, c]), rate=0.5)


def test_sweep_rates_stacks_one_sweep_per_rate():
    out = tr.sweep_rates(n_steps=(1, 3), rates=(0.5, 2.0), dt=0.1)
    assert sorted(out["rate"].unique()) == [0.5, 2.0]
    one = tr.sweep(n_steps=(1, 3), rate=2.0, dt=0.1)
    got = out[out["rate"] == 2.0].drop(columns="rate").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, one)


def test_staged_vs_sudden_puts_the_sudden_release_beside_every_schedule():
    out = tr.staged_vs_sudden(n_steps=[1, 2, 4], rates=(1.0, 3.0), exponents=(1.0, 2.0), dt=0.1)
    assert len(out) == 3 * 2 * 2
    for (rate, p), block in out.groupby(["rate", "exponent"]):
        sudden = tr.staged_schedule(1, dt=0.1)
        assert block["sudden_peak"].unique() == pytest.approx([tr.peak_gap(sudden, rate=rate, dt=0.1)])
        assert block["sudden_harm"].unique() == pytest.approx(
            [tr.cumulative_harm(sudden, rate=rate, dt=0.1, exponent=p)]
        )
        four = block[block["n_steps"] == 4].iloc[0]
        staged = tr.staged_schedule(4, dt=0.1)
        assert four["cumulative_harm"] == pytest.approx(tr.cumulative_harm(staged, rate=rate, dt=0.1, exponent=p))
    with pytest.raises(ValueError, match="include 1"):
        tr.staged_vs_sudden(n_steps=[2, 3])
