"""Tests for alignlessons.models.evidence.

Posteriors are checked against a plain loop that multiplies likelihoods and renormalises;
the warning model against seeded simulations (one written here, one the module's own
capability-path simulation) and against properties of the closed form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from alignlessons.models import evidence as ev

NAN, INF = float("nan"), float("inf")


def loop_posterior(obs, L, prior):
    """Bayes' rule one observation at a time, in ordinary probability space."""
    post = list(prior)
    path = [post[:]]
    for o in obs:
        post = [p * L[h][o] for h, p in enumerate(post)]
        z = sum(post)
        post = [p / z for p in post]
        path.append(post[:])
    return np.array(path)


@st.composite
def bayes_problems(draw):
    n_h = draw(st.integers(2, 4))
    n_o = draw(st.integers(2, 4))
    rows = []
    for _ in range(n_h):
        w = [draw(st.floats(0.05, 1.0)) for _ in range(n_o)]
        rows.append([x / sum(w) for x in w])
    pw = [draw(st.floats(0.01, 1.0)) for _ in range(n_h)]
    prior = [x / sum(pw) for x in pw]
    obs = draw(st.lists(st.integers(0, n_o - 1), min_size=1, max_size=40))
    return np.array(rows), np.array(prior), obs


# ------------------------------------------------------------------ Bayes
@given(bayes_problems())
def test_posterior_path_matches_loop(problem):
    L, prior, obs = problem
    got = ev.posterior_path(obs, likelihoods=L, prior=prior)
    np.testing.assert_allclose(got, loop_posterior(obs, L, prior), rtol=1e-9, atol=1e-12)


@given(bayes_problems())
def test_several_observers_at_once(problem):
    L, prior, obs = problem
    other = prior[::-1]
    got = ev.posterior_path(obs, likelihoods=L, prior=np.stack([prior, other]))
    assert got.shape == (2, len(obs) + 1, L.shape[0])
    np.testing.assert_allclose(got[1], loop_posterior(obs, L, other), rtol=1e-9, atol=1e-12)


@given(
    st.lists(st.integers(0, 1), min_size=1, max_size=60),
    st.floats(0.01, 0.99),
    st.floats(0.01, 0.99),
    st.floats(0.01, 0.99),
)
def test_binary_closed_form_matches_loop(obs, prior, a, b):
    L = [[1 - a, a], [1 - b, b]]
    expected = loop_posterior(obs, L, [prior, 1 - prior])[-1, 0]
    got = ev.posterior_after(sum(obs), len(obs), prior=prior, p_signal_if_h=a, p_signal_if_not_h=b)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(ev.binary_likelihoods(p_signal_if_h=a, p_signal_if_not_h=b), L)


def test_impossible_outcomes_are_handled():
    L = [[0.0, 1.0], [0.5, 0.5]]
    # a "no" rules out H entirely
    path = ev.posterior_path([1, 0, 1], likelihoods=L, prior=[0.5, 0.5])
    assert path[-1, 0] == 0.0
    with pytest.raises(ValueError, match="observations"):
        ev.posterior_path([0], likelihoods=L, prior=[1.0, 0.0])
    assert ev.posterior_after(0, 3, prior=0.5, p_signal_if_h=1.0, p_signal_if_not_h=0.5) == 0.0


@given(st.integers(1, 9), st.integers(1, 9), st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.integers(1, 30))
def test_posteriors_move_toward_the_generating_hypothesis(i, j, p1, p2, m):
    """On data with exactly the true signal frequency, more data means more belief in the truth."""
    assume(i != j)
    a, b = i / 10, j / 10  # H is true: signals at rate a, 10 per block
    kw = dict(p_signal_if_h=a, p_signal_if_not_h=b)
    for prior in (p1, p2):
        before = ev.posterior_after(i * m, 10 * m, prior=prior, **kw)
        after = ev.posterior_after(i * (m + 1), 10 * (m + 1), prior=prior, **kw)
        assert after >= before and (after > before or before > 1 - 1e-9)
        # and when not-H generates the data, belief in H falls
        before_n = ev.posterior_after(j * m, 10 * m, prior=prior, **kw)
        after_n = ev.posterior_after(j * (m + 1), 10 * (m + 1), prior=prior, **kw)
        assert after_n <= before_n and (after_n < before_n or before_n < 1e-9)


@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_a_single_signal_raises_belief_iff_it_is_more_likely_under_h(prior, a, b):
    post = ev.posterior_after(1, 1, prior=prior, p_signal_if_h=a, p_signal_if_not_h=b)
    # strict where the likelihood ratio is resolvable in floating point
    if a > b:
        assert post > prior or (post == pytest.approx(prior) and a < b * (1 + 1e-9))
    elif a < b:
        assert post < prior or (post == pytest.approx(prior) and b < a * (1 + 1e-9))
    else:
        assert post == pytest.approx(prior)


@given(
    st.floats(0.01, 0.99),
    st.floats(0.01, 0.99),
    st.floats(0.05, 0.95),
    st.lists(st.integers(0, 1), min_size=1, max_size=200),
)
def test_uninformative_evidence_leaves_disagreement_intact(p1, p2, a, obs):
    L = ev.binary_likelihoods(p_signal_if_h=a, p_signal_if_not_h=a)
    path = ev.posterior_path(obs, likelihoods=L, prior=[[p1, 1 - p1], [p2, 1 - p2]])
    np.testing.assert_allclose(path[0, :, 0], p1)
    np.testing.assert_allclose(path[1, :, 0], p2)
    assert ev.information_per_observation(p_signal_if_h=a, p_signal_if_not_h=a) == 0.0


def test_informative_evidence_brings_agreement():
    L = ev.binary_likelihoods(p_signal_if_h=0.6, p_signal_if_not_h=0.3)
    obs = ev.simulate_observations(likelihoods=L, true_hypothesis=0, n_steps=400, seed=2)
    path = ev.posterior_path(obs, likelihoods=L, prior=[[0.05, 0.95], [0.95, 0.05]])
    assert abs(path[0, 0, 0] - path[1, 0, 0]) == pytest.approx(0.9)
    assert abs(path[0, -1, 0] - path[1, -1, 0]) < 1e-3
    assert path[0, -1, 0] > 0.99


def test_information_is_kl_divergence():
    a, b = 0.6, 0.3
    kl = a * math.log(a / b) + (1 - a) * math.log((1 - a) / (1 - b))
    assert ev.information_per_observation(p_signal_if_h=a, p_signal_if_not_h=b) == pytest.approx(kl)
    # the mean log-likelihood ratio over simulated H-data estimates it
    rng = np.random.default_rng(8)
    x = rng.random(200_000) < a
    llr = np.where(x, math.log(a / b), math.log((1 - a) / (1 - b)))
    assert abs(llr.mean() - kl) <= 4 * llr.std() / math.sqrt(x.size)


def test_simulated_observations_follow_the_likelihoods():
    L = np.array([[0.2, 0.5, 0.3], [0.6, 0.2, 0.2]])
    n = 100_000
    for h in (0, 1):
        obs = ev.simulate_observations(likelihoods=L, true_hypothesis=h, n_steps=n, seed=h)
        freq = np.bincount(obs, minlength=3) / n
        se = np.sqrt(L[h] * (1 - L[h]) / n)
        assert np.all(np.abs(freq - L[h]) <= 4 * se)
    same = ev.simulate_observations(likelihoods=L, true_hypothesis=0, n_steps=50, seed=4)
    np.testing.assert_array_equal(same, ev.simulate_observations(likelihoods=L, true_hypothesis=0, n_steps=50, seed=4))


def test_sweep_is_tidy_and_consistent():
    df = ev.sweep(observer_priors=(0.1, 0.5, 0.9), n_steps=40, seed=3)
    assert list(df.columns) == [
        "step",
        "evidence",
        "information_nats",
        "observer",
        "prior",
        "posterior_h",
        "disagreement",
    ]
    assert len(df) == 3 * 3 * 41
    assert not df.isna().any().any()
    assert df["posterior_h"].between(0, 1).all()
    first = df[df["step"] == 0]
    np.testing.assert_allclose(first["posterior_h"], first["prior"])
    # the uninformative regime (0.4 vs 0.4) never moves
    flat = df[df["evidence"].str.contains("H\\) = 0.4, P")]
    np.testing.assert_allclose(flat["posterior_h"], flat["prior"])
    np.testing.assert_allclose(flat["disagreement"], 0.8)
    # reproduce one path with the loop implementation on the same uniform draws
    u = np.random.default_rng(3).random(40)
    obs = (u < 0.6).astype(int).tolist()
    expected = loop_posterior(obs, [[0.4, 0.6], [0.7, 0.3]], [0.1, 0.9])[:, 0]
    got = df[df["evidence"].str.startswith("P(signal | H) = 0.6") & (df["observer"] == "prior 0.1")]
    np.testing.assert_allclose(got.sort_values("step")["posterior_h"], expected, rtol=1e-9)
    assert 100 <= len(ev.sweep()) <= 5000


# --------------------------------------------------------------- warnings
def simulate_first_warning(cw, cp, d, rate, resp, n, rng):
    """Independent simulation: the first warning after capability reaches cw."""
    t_w = max(0.0, d * math.log2(cw))
    t_p = d * math.log2(cp)
    first = t_w + rng.exponential(1.0 / rate, n)
    return np.mean(first <= t_p - resp)


@pytest.mark.parametrize(
    "cw,cp,d,rate,resp",
    [
        (2.0, 4.0, 12.0, 0.25, 3.0),
        (1.5, 4.0, 6.0, 0.1, 0.0),
        (0.5, 3.0, 9.0, 0.05, 2.0),
        (3.0, 4.0, 24.0, 0.5, 6.0),
    ],
)
def test_closed_form_matches_simulations(cw, cp, d, rate, resp):
    kw = dict(warning_threshold=cw, no_return_threshold=cp, doubling_months=d, warning_rate=rate, response_months=resp)
    p = ev.p_warning_in_time(**kw)
    n = 40_000
    freq = simulate_first_warning(cw, cp, d, rate, resp, n, np.random.default_rng(1))
    se = math.sqrt(max(p * (1 - p), 1e-12) / n)
    assert abs(p - freq) <= 4 * se
    sim = ev.simulate_warnings(**kw, n_runs=n, seed=2)
    assert abs(p - sim["p_warning_in_time"]) <= 4 * se + 1e-12
    assert sim["p_warned_at_all"] >= sim["p_warning_in_time"]


def test_no_warning_when_warnings_start_at_or_after_the_point_of_no_return():
    for cw in (4.0, 6.0):
        kw = dict(warning_threshold=cw, no_return_threshold=4.0, response_months=0.0)
        assert ev.p_warning_in_time(**kw) == 0.0
        assert ev.warning_window_months(**kw) == 0.0
        sim = ev.simulate_warnings(**kw, warning_rate=5.0, n_runs=2000, seed=0)
        assert sim["p_warning_in_time"] == 0.0 and sim["p_warned_at_all"] == 0.0
        sim = ev.simulate_warnings(**kw, warning_rate=5.0, n_runs=2000, seed=0, growth_volatility=0.5)
        assert sim["p_warned_at_all"] == 0.0


def test_already_past_the_point_of_no_return():
    assert ev.p_warning_in_time(no_return_threshold=0.9, warning_threshold=0.5) == 0.0
    assert (
        ev.simulate_warnings(no_return_threshold=0.9, warning_threshold=0.5, n_runs=100, seed=0)["p_warning_in_time"]
        == 0.0
    )


def test_window_in_months():
    # capability 2 -> 8 at a 6-month doubling time is 12 months; minus 3 to respond
    assert ev.warning_window_months(
        warning_threshold=2, no_return_threshold=8, doubling_months=6, response_months=3
    ) == pytest.approx(9.0)
    assert ev.p_warning_in_time(
        warning_threshold=2, no_return_threshold=8, doubling_months=6, warning_rate=0.2, response_months=3
    ) == pytest.approx(1 - math.exp(-1.8))


def test_noisy_growth_runs_and_is_reproducible():
    a = ev.simulate_warnings(growth_volatility=0.2, n_runs=5000, seed=9)
    b = ev.simulate_warnings(growth_volatility=0.2, n_runs=5000, seed=9)
    assert a == b
    assert 0.0 <= a["p_warning_in_time"] <= a["p_warned_at_all"] <= 1.0
    assert a["standard_error"] == pytest.approx(math.sqrt(a["p_warning_in_time"] * (1 - a["p_warning_in_time"]) / 5000))


thr = st.floats(0.1, 20.0)
dbl = st.floats(0.5, 48.0)
rate = st.floats(0.0, 3.0)
resp = st.floats(0.0, 24.0)


@given(thr, thr, thr, dbl, rate, resp)
def test_later_warnings_never_help(cw1, cw2, cp, d, r, s):
    lo, hi = sorted((cw1, cw2))
    kw = dict(no_return_threshold=cp, doubling_months=d, warning_rate=r, response_months=s)
    p_hi = ev.p_warning_in_time(warning_threshold=hi, **kw)
    assert 0.0 <= p_hi <= ev.p_warning_in_time(warning_threshold=lo, **kw) + 1e-15
    if hi >= cp:
        assert p_hi == 0.0


@given(thr, thr, dbl, dbl, rate, resp)
def test_slower_takeoff_never_reduces_warning_chance(cw, cp, d1, d2, r, s):
    lo, hi = sorted((d1, d2))
    kw = dict(warning_threshold=cw, no_return_threshold=cp, warning_rate=r, response_months=s)
    assert ev.p_warning_in_time(doubling_months=hi, **kw) >= ev.p_warning_in_time(doubling_months=lo, **kw) - 1e-15


@given(thr, thr, dbl, rate, rate, resp, resp)
def test_more_warnings_and_faster_response_help(cw, cp, d, r1, r2, s1, s2):
    kw = dict(warning_threshold=cw, no_return_threshold=cp, doubling_months=d)
    rl, rh = sorted((r1, r2))
    sl, sh = sorted((s1, s2))
    assert (
        ev.p_warning_in_time(warning_rate=rh, response_months=sl, **kw)
        >= ev.p_warning_in_time(warning_rate=rl, response_months=sh, **kw) - 1e-15
    )


def test_warning_sweep_is_tidy():
    df = ev.warning_sweep(doubling_months=[1, 6, 12, 24], warning_threshold=(2.0, 4.0))
    assert list(df.columns) == [
        "doubling_months",
        "warning_threshold",
        "no_return_threshold",
        "window_months",
        "p_warning_in_time",
    ]
    assert len(df) == 8
    assert not df.isna().any().any()
    for _, row in df.iterrows():
        assert row.p_warning_in_time == pytest.approx(
            ev.p_warning_in_time(
                warning_threshold=row.warning_threshold, no_return_threshold=4.0, doubling_months=row.doubling_months
            )
        )
    assert (df.loc[df["warning_threshold"] == 4.0, "p_warning_in_time"] == 0).all()
    assert 100 <= len(ev.warning_sweep()) <= 5000


# ----------------------------------------------------------------- validation
def _raises(fn, param, value, **kwargs):
    with pytest.raises(ValueError, match=param):
        fn(**{**kwargs, param: value})


L_OK = [[0.7, 0.3], [0.4, 0.6]]


@pytest.mark.parametrize(
    "param,bad",
    [
        ("observations", [0, 2]),
        ("observations", [0, 1.5]),
        ("observations", []),
        ("observations", [[0, 1]]),
        ("observations", "01"),
        ("observations", [0, NAN]),
        ("likelihoods", [[0.7, 0.4], [0.4, 0.6]]),
        ("likelihoods", [[1.2, -0.2], [0.4, 0.6]]),
        ("likelihoods", [0.5, 0.5]),
        ("likelihoods", [[NAN, 0.5], [0.5, 0.5]]),
        ("likelihoods", "abc"),
        ("prior", [0.5, 0.6]),
        ("prior", [0.5, 0.3, 0.2]),
        ("prior", 0.5),
        ("prior", [INF, 0.0]),
    ],
)
def test_posterior_path_rejects(param, bad):
    _raises(ev.posterior_path, param, bad, observations=[0, 1], likelihoods=L_OK, prior=[0.5, 0.5])


@pytest.mark.parametrize(
    "param,bad",
    [
        ("n_signals", 5),
        ("n_signals", -1),
        ("n_signals", 1.5),
        ("n_observations", NAN),
        ("prior", 1.2),
        ("prior", NAN),
        ("p_signal_if_h", -0.1),
        ("p_signal_if_not_h", INF),
        ("p_signal_if_h", "high"),
    ],
)
def test_posterior_after_rejects(param, bad):
    _raises(
        ev.posterior_after,
        param,
        bad,
        n_signals=2,
        n_observations=4,
        prior=0.5,
        p_signal_if_h=0.6,
        p_signal_if_not_h=0.3,
    )


@pytest.mark.parametrize(
    "param,bad", [("p_signal_if_h", 1.5), ("p_signal_if_not_h", NAN), ("p_signal_if_h", [0.1, 0.2])]
)
def test_binary_likelihoods_rejects(param, bad):
    _raises(ev.binary_likelihoods, param, bad, p_signal_if_h=0.6, p_signal_if_not_h=0.3)


@pytest.mark.parametrize("param,bad", [("p_signal_if_h", -1.0), ("p_signal_if_not_h", INF)])
def test_information_rejects(param, bad):
    _raises(ev.information_per_observation, param, bad, p_signal_if_h=0.6, p_signal_if_not_h=0.3)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("true_hypothesis", 2),
        ("true_hypothesis", 0.5),
        ("n_steps", 0),
        ("n_steps", 3.5),
        ("seed", -1),
        ("seed", 1.5),
        ("likelihoods", [[0.5, 0.6], [0.5, 0.5]]),
    ],
)
def test_simulate_observations_rejects(param, bad):
    _raises(ev.simulate_observations, param, bad, likelihoods=L_OK, true_hypothesis=0, n_steps=10)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("observer_priors", [0.2, 1.2]),
        ("observer_priors", [NAN]),
        ("p_signal_if_h", [0.6, 0.5]),
        ("p_signal_if_not_h", [0.3, -0.3, 0.4]),
        ("true_hypothesis", "fast"),
        ("n_steps", 0),
        ("n_steps", 2.5),
        ("seed", -3),
        ("observer_priors", [[0.2, 0.8]]),
    ],
)
def test_sweep_rejects(param, bad):
    _raises(ev.sweep, param, bad)


WARN_BAD = [
    ("warning_threshold", 0.0),
    ("warning_threshold", NAN),
    ("no_return_threshold", -1.0),
    ("no_return_threshold", INF),
    ("doubling_months", 0.0),
    ("doubling_months", "fast"),
    ("response_months", -1.0),
    ("response_months", NAN),
]


@pytest.mark.parametrize("param,bad", WARN_BAD)
def test_window_rejects(param, bad):
    _raises(ev.warning_window_months, param, bad)


@pytest.mark.parametrize("param,bad", WARN_BAD + [("warning_rate", -0.1), ("warning_rate", INF)])
def test_p_warning_rejects(param, bad):
    _raises(ev.p_warning_in_time, param, bad)


@pytest.mark.parametrize(
    "param,bad",
    WARN_BAD
    + [
        ("warning_rate", -0.1),
        ("growth_volatility", -0.5),
        ("growth_volatility", NAN),
        ("n_runs", 0),
        ("n_runs", 10.5),
        ("step_months", 0.0),
        ("max_months", INF),
        ("seed", 2.5),
        ("warning_threshold", [2.0, 3.0]),
    ],
)
def test_simulate_warnings_rejects(param, bad):
    _raises(ev.simulate_warnings, param, bad, n_runs=10)


@pytest.mark.parametrize(
    "param,bad",
    [
        ("doubling_months", [1.0, 0.0]),
        ("doubling_months", [[1.0]]),
        ("warning_threshold", [NAN]),
        ("no_return_threshold", [4.0, 5.0]),
        ("no_return_threshold", 0.0),
        ("warning_rate", -1.0),
        ("response_months", INF),
    ],
)
def test_warning_sweep_rejects(param, bad):
    _raises(ev.warning_sweep, param, bad)
