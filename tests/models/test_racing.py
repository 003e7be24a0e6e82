"""Tests for ``alignlessons.models.racing`` (Armstrong, Bostrom & Shulman 2016).

The closed forms are checked against things established here, independently of the module:

* a plain, readable simulation of the stated game (draw capabilities, apply the strategies,
  pick the winner by score c - s, draw whether the winner's AI is safe), within 4 standard
  errors, over a grid covering every branch of every formula and e = 0;
* a best-response search: with the other teams on the equilibrium strategy, no deviation on a
  grid pays more (expected utility by numerical integration written here); the search is
  itself shown to catch a wrong strategy;
* the paper's qualitative findings as hypothesis property tests.

Only hand-computed numbers appear as expected values, never numbers copied from the module.
"""

from __future__ import annotations

import doctest
import math
import zlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignlessons.models import racing

REGIMES = ("none", "private", "public")

# (n, mu, e) covering: mu/(e n) < 1 and >= 1 (none), mu < K and mu >= K (private),
# mu < e, mu = e and mu > e (public), e = 0 and a tiny e.
CASES = [
    (2, 1.0, 1.0),
    (2, 3.0, 1.0),
    (5, 1.0, 0.3),
    (5, 4.0, 0.3),
    (3, 0.5, 0.0),
    (2, 0.5, 1.0),
    (5, 0.2, 0.3),
    (5, 1.5, 0.3),
    (4, 1.0, 1.0),
    (3, 1.05, 0.01),
]
N_GAMES = 100_000


# --------------------------------------------------------------------------- the game, here


def play(n: int, mu: float, e: float, information: str, n_games: int, seed: int) -> float:
    """Empirical disaster rate of the stated game under the stated strategies."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.0, mu, size=(n_games, n))
    rows = np.arange(n_games)
    if e == 0:
        s = np.ones_like(c)  # full safety
    elif information == "none":
        s = np.full_like(c, min(1.0, mu / (e * n)))  # everyone takes s*
    elif information == "private":
        s = np.minimum(1.0, c / (1.0 + e * (n - 1)))  # s(x) = min(1, x / K)
    else:
        order = np.argsort(c, axis=1)
        lead, runner = order[:, -1], order[:, -2]
        gap = c[rows, lead] - c[rows, runner]
        s_lead = np.minimum(1.0, gap / e)
        s = np.ones_like(c)  # the rest concede
        s[rows, lead] = s_lead
        # The runner-up's best reply: overtaking needs s < s_lead - gap, so it gets just
        # under s_lead - gap; conceding gets (1 - e) s_lead. It overtakes only if better.
        grab = s_lead - gap - 1e-12
        overtake = (grab >= 0) & (grab > (1 - e) * s_lead)
        s[rows[overtake], runner[overtake]] = grab[overtake]
    winner = np.argmax(c - s, axis=1)
    s_win = s[rows, winner]
    return float(np.mean(rng.random(n_games) >= s_win))


def se(p: float, n: int) -> float:
    return math.sqrt(p * (1.0 - p) / n)


def test_cases_cover_every_branch():
    none_lo = any(e > 0 and mu / (e * n) < 1 for n, mu, e in CASES)
    none_hi = any(e > 0 and mu / (e * n) >= 1 for n, mu, e in CASES)
    priv_lo = any(e > 0 and mu < 1 + e * (n - 1) for n, mu, e in CASES)
    priv_hi = any(e > 0 and mu >= 1 + e * (n - 1) for n, mu, e in CASES)
    pub_lo = any(e > 0 and mu < e for n, mu, e in CASES)
    pub_hi = any(e > 0 and mu > e for n, mu, e in CASES)
    assert all([none_lo, none_hi, priv_lo, priv_hi, pub_lo, pub_hi])
    assert any(e == 0 for _, _, e in CASES)


@pytest.mark.parametrize("information", REGIMES)
@pytest.mark.parametrize("n,mu,e", CASES)
def test_closed_form_matches_simulation_of_the_game(n, mu, e, information):
    seed = zlib.crc32(repr((n, mu, e, information)).encode())
    rate = play(n, mu, e, information, N_GAMES, seed)
    p = racing.disaster_probability(n_teams=n, capability_weight=mu, enmity=e, information=information)
    assert abs(rate - p) <= 4 * se(p, N_GAMES) + 1e-12


def test_hand_computed_values():
    # none: s* = mu / (e n) = 1 / (1 * 2) -> P = 1/2; mu >= e n -> 0
    assert racing.disaster_probability(n_teams=2, capability_weight=1, enmity=1, information="none") == pytest.approx(
        0.5
    )
    assert racing.disaster_probability(n_teams=2, capability_weight=2, enmity=1, information="none") == 0
    # private, n = 2, e = 1: K = 2; winner capability = max of 2 U[0,1], mean 2/3,
    # safety = c / 2 -> mean 1/3 -> P = 2/3
    assert racing.disaster_probability(
        n_teams=2, capability_weight=1, enmity=1, information="private"
    ) == pytest.approx(2 / 3)
    # public, n = 2, mu = 1, e = 1: gap of 2 U[0,1] has mean 1/3 -> safety 1/3 -> P = 2/3
    assert racing.disaster_probability(n_teams=2, capability_weight=1, enmity=1, information="public") == pytest.approx(
        2 / 3
    )
    # public, n = 2, mu = 2, e = 1: gap density (2 - t)/2 on [0, 2];
    # E[min(1, gap)] = int_0^1 t (2-t)/2 dt + P(gap > 1) = 1/3 + 1/4 -> P = 5/12
    assert racing.disaster_probability(n_teams=2, capability_weight=2, enmity=1, information="public") == pytest.approx(
        5 / 12
    )
    for info in REGIMES:
        assert racing.disaster_probability(n_teams=7, capability_weight=0.3, enmity=0, information=info) == 0


@pytest.mark.parametrize("information", REGIMES)
@pytest.mark.parametrize("n,mu,e", [(5, 1.0, 0.5), (2, 3.0, 1.0), (3, 0.4, 0.7), (4, 1.0, 0.0)])
def test_module_simulate_agrees_with_closed_form(n, mu, e, information):
    r = racing.simulate(
        n_teams=n, capability_weight=mu, enmity=e, information=information, n_draws=123_457, seed=11
    )  # not a multiple of the chunk size
    p = racing.disaster_probability(n_teams=n, capability_weight=mu, enmity=e, information=information)
    assert r.n_draws == 123_457
    assert abs(r.disaster_rate - p) <= 4 * se(p, r.n_draws) + 1e-12
    assert r.standard_error == pytest.approx(se(r.disaster_rate, r.n_draws))


def test_simulate_is_seeded_and_frozen():
    kw = dict(n_teams=3, capability_weight=1.0, enmity=0.5, information="private", n_draws=20_000)
    a, b = racing.simulate(**kw, seed=5), racing.simulate(**kw, seed=5)
    assert a == b
    assert racing.simulate(**kw, seed=6) != a
    with pytest.raises(AttributeError):
        a.disaster_rate = 0.0  # type: ignore[misc]
    assert racing.simulate(**{**kw, "n_draws": 1}, seed=0).n_draws == 1


# --------------------------------------------------------------------------- strategies


def test_equilibrium_safety_hand_values():
    # none: mu / (e n) = 1 / (0.5 * 4) = 0.5, whatever the capability; shape kept
    s = racing.equilibrium_safety(
        np.array([[0.1, 0.9], [0.3, 0.2]]), n_teams=4, capability_weight=1.0, enmity=0.5, information="none"
    )
    np.testing.assert_allclose(s, np.full((2, 2), 0.5))
    # private: K = 1 + 0.5 * 2 = 2
    assert racing.equilibrium_safety(
        1.0, n_teams=3, capability_weight=3.0, enmity=0.5, information="private"
    ) == pytest.approx(0.5)
    assert racing.equilibrium_safety(2.5, n_teams=3, capability_weight=3.0, enmity=0.5, information="private") == 1.0
    # public: gap 0.1, e 0.25 -> leader 0.4, score 0.5; others match it where they can
    s = racing.equilibrium_safety([0.3, 0.9, 0.8], n_teams=3, capability_weight=1.0, enmity=0.25, information="public")
    np.testing.assert_allclose(s, [0.0, 0.4, 0.3], atol=1e-12)
    batch = racing.equilibrium_safety(
        [[0.3, 0.9, 0.8], [0.9, 0.1, 0.2]], n_teams=3, capability_weight=1.0, enmity=[0.25, 0.5], information="public"
    )
    # second game: gap 0.7, e 0.5 -> leader min(1, 1.4) = 1, score -0.1; the others match
    # it: 0.1 - 0.2 and 0.2 - 0.3
    np.testing.assert_allclose(batch, [[0.0, 0.4, 0.3], [1.0, 0.2, 0.3]], atol=1e-12)
    for info in ("none", "private"):
        assert racing.equilibrium_safety(0.2, n_teams=2, capability_weight=1.0, enmity=0.0, information=info) == 1.0
    np.testing.assert_allclose(
        racing.equilibrium_safety([0.2, 0.5], n_teams=2, capability_weight=1.0, enmity=0.0, information="public"),
        [1.0, 1.0],
    )


def test_public_profile_lets_the_leader_win():
    rng = np.random.default_rng(3)
    c = rng.uniform(0, 2.0, size=(500, 4))
    s = racing.equilibrium_safety(c, n_teams=4, capability_weight=2.0, enmity=0.4, information="public")
    score = c - s
    lead = np.argmax(c, axis=1)
    rows = np.arange(len(c))
    assert np.all(score <= score[rows, lead][:, None] + 1e-12)


def none_utility(s_dev, s_eq, n, mu, e, grid=20_000):
    """Expected utility of a team taking s_dev when n - 1 others take s_eq (no info)."""
    c = (np.arange(grid) + 0.5) * mu / grid  # own capability, midpoints
    s_dev = np.atleast_1d(s_dev)[:, None]
    # others' best score below c - s_dev <=> all others' c_j < c - s_dev + s_eq
    f = np.clip((c - s_dev + s_eq) / mu, 0.0, 1.0) ** (n - 1)
    p_win = f.mean(axis=1)
    return p_win * s_dev[:, 0] + (1 - p_win) * (1 - e) * s_eq


def none_equilibrium(n, mu, e):
    return 1.0 if e == 0 else min(1.0, mu / (e * n))


BR_CASES = [
    (2, 1.0, 1.0),
    (3, 0.5, 0.8),
    (5, 1.0, 0.3),
    (2, 3.0, 1.0),
    (4, 2.0, 0.2),
    (3, 1.0, 0.0),
    (5, 4.0, 0.3),
    (3, 1.05, 0.01),
]


@pytest.mark.parametrize("n,mu,e", BR_CASES)
def test_none_no_profitable_deviation(n, mu, e):
    s_eq = none_equilibrium(n, mu, e)
    deviations = np.linspace(0.0, 1.0, 201)
    u_eq = none_utility(s_eq, s_eq, n, mu, e)[0]
    assert none_utility(deviations, s_eq, n, mu, e).max() <= u_eq + 1e-6


def test_none_search_catches_a_wrong_strategy():
    n, mu, e = 2, 1.0, 1.0
    wrong = none_equilibrium(n, mu, e) / 2
    gain = none_utility(np.linspace(0, 1, 201), wrong, n, mu, e).max() - none_utility(wrong, wrong, n, mu, e)[0]
    assert gain > 1e-3


def private_utility(x, s_dev, strategy, n, mu, e, grid=20_001):
    """Expected utility of a team with capability x taking s_dev, others on ``strategy``."""
    z = np.linspace(0.0, mu, grid)
    s_z = strategy(z)
    score = z - s_z
    assert np.all(np.diff(score) > 0)  # so the best other is the most capable other
    dens = (n - 1) * z ** (n - 2) / mu ** (n - 1)  # density of max of n-1
    integrand = s_z * dens
    cum = np.concatenate([[0.0], np.cumsum((integrand[1:] + integrand[:-1]) / 2 * np.diff(z))])
    s_dev = np.atleast_1d(s_dev)
    y = x - s_dev  # own score
    z_star = np.interp(y, score, z, left=0.0, right=mu)  # win iff best other < z*
    p_win = (z_star / mu) ** (n - 1)
    others = cum[-1] - np.interp(z_star, z, cum)  # E[s_w 1{other wins}]
    return p_win * s_dev + (1 - e) * others


def private_strategy(n, e):
    if e == 0:
        return lambda z: np.ones_like(z)
    k = 1.0 + e * (n - 1)
    return lambda z: np.minimum(1.0, z / k)


@pytest.mark.parametrize("n,mu,e", BR_CASES)
def test_private_no_profitable_deviation(n, mu, e):
    strategy = private_strategy(n, e)
    deviations = np.linspace(0.0, 1.0, 401)
    for x in np.linspace(0.02, 1.0, 9) * mu:
        s_eq = float(strategy(np.array(x)))
        u_eq = private_utility(x, s_eq, strategy, n, mu, e)[0]
        best = private_utility(x, deviations, strategy, n, mu, e).max()
        assert best <= u_eq + 1e-6, (x, s_eq)


def test_private_search_catches_a_wrong_strategy():
    n, mu, e = 3, 1.0, 1.0
    wrong = lambda z: np.minimum(1.0, z / (1.0 + e * n))  # noqa: E731  (K off by e)
    gains = []
    for x in np.linspace(0.05, 1.0, 20):
        s_w = float(wrong(np.array(x)))
        u = private_utility(x, np.linspace(0, 1, 401), wrong, n, mu, e)
        gains.append(u.max() - private_utility(x, s_w, wrong, n, mu, e)[0])
    assert max(gains) > 1e-3


def test_module_strategies_match_those_searched():
    for n, mu, e in BR_CASES:
        x = np.linspace(0, mu, 7)
        np.testing.assert_allclose(
            racing.equilibrium_safety(x, n_teams=n, capability_weight=mu, enmity=e, information="private"),
            private_strategy(n, e)(x),
        )
        assert racing.equilibrium_safety(
            0.0, n_teams=n, capability_weight=mu, enmity=e, information="none"
        ) == pytest.approx(none_equilibrium(n, mu, e))


@pytest.mark.parametrize("e", [0.2, 0.5, 1.0])
def test_public_leader_takes_the_most_safety_that_is_not_overtaken(e):
    rng = np.random.default_rng(7)
    c = np.sort(rng.uniform(0, 1.5, size=(300, 3)), axis=1)
    s = racing.equilibrium_safety(c, n_teams=3, capability_weight=1.5, enmity=e, information="public")
    gap = c[:, -1] - c[:, -2]
    s_lead = s[:, -1]
    # runner-up: overtaking yields at most s_lead - gap, conceding (1 - e) s_lead
    assert np.all(s_lead - gap <= (1 - e) * s_lead + 1e-12)
    # any more safety and the runner-up would strictly prefer to overtake
    more = s_lead + 0.01
    room = more <= 1
    assert np.all((more - gap > (1 - e) * more)[room])


# --------------------------------------------------------------------------- properties

ns = st.integers(min_value=2, max_value=30)
mus = st.floats(min_value=0.01, max_value=10.0, allow_nan=False, allow_infinity=False)
es = st.one_of(st.just(0.0), st.just(1.0), st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
regimes = st.sampled_from(REGIMES)
FEW = settings(max_examples=60)


def dp(n, mu, e, info):
    return racing.disaster_probability(n_teams=n, capability_weight=mu, enmity=e, information=info)


@FEW
@given(n=ns, mu1=mus, mu2=mus, e=es, info=regimes)
def test_risk_never_rises_with_capability_weight(n, mu1, mu2, e, info):
    lo, hi = sorted((mu1, mu2))
    assert dp(n, hi, e, info) <= dp(n, lo, e, info) + 1e-12


@FEW
@given(n=ns, mu=mus, e1=es, e2=es, info=regimes)
def test_risk_never_falls_with_enmity(n, mu, e1, e2, info):
    lo, hi = sorted((e1, e2))
    assert dp(n, mu, hi, info) >= dp(n, mu, lo, info) - 1e-12


@FEW
@given(n=ns, mu=mus, e=es)
def test_no_information_is_never_riskier(n, mu, e):
    none = dp(n, mu, e, "none")
    assert none <= dp(n, mu, e, "private") + 1e-12
    assert none <= dp(n, mu, e, "public") + 1e-12


@FEW
@given(n=ns, extra=st.integers(min_value=1, max_value=20), mu=mus, e=es, info=st.sampled_from(("none", "public")))
def test_more_teams_is_never_safer_without_private_information(n, extra, mu, e, info):
    assert dp(n + extra, mu, e, info) >= dp(n, mu, e, info) - 1e-12


@FEW
@given(n=ns, mu=mus, e=es, info=regimes)
def test_probability_in_unit_interval(n, mu, e, info):
    assert 0.0 <= dp(n, mu, e, info) <= 1.0


def test_private_more_teams_can_be_safer_at_low_enmity():
    # documented: the paper's "more teams is riskier" does not hold under private info
    assert dp(3, 0.5, 0.05, "private") < dp(2, 0.5, 0.05, "private")


def test_broadcasting_matches_scalar_calls():
    n = np.array([2, 3, 8])[:, None, None]
    mu = np.array([0.3, 1.0, 4.0])[None, :, None]
    e = np.array([0.0, 0.4, 1.0])
    for info in REGIMES:
        arr = racing.disaster_probability(n_teams=n, capability_weight=mu, enmity=e, information=info)
        assert arr.shape == (3, 3, 3)
        for i, j, k in np.ndindex(arr.shape):
            assert arr[i, j, k] == pytest.approx(dp(int(n[i, 0, 0]), float(mu[0, j, 0]), float(e[k]), info), abs=1e-15)
    assert isinstance(dp(2, 1.0, 0.5, "none"), float)


# --------------------------------------------------------------------------- sweep


def test_sweep_is_tidy():
    df = racing.sweep()
    assert list(df.columns) == ["n_teams", "capability_weight", "enmity", "information", "disaster_probability"]
    assert 100 <= len(df) <= 5000
    assert set(df["information"]) == set(REGIMES)
    assert df["disaster_probability"].between(0, 1).all()
    assert pd.api.types.is_integer_dtype(df["n_teams"])
    assert not df.duplicated(["n_teams", "capability_weight", "enmity", "information"]).any()


def test_sweep_rows_follow_the_grid():
    df = racing.sweep(n_teams=[2, 4], capability_weight=[0.5, 1.0, 2.0], enmity=0.5, information=["none", "public"])
    assert len(df) == 2 * 3 * 1 * 2
    row = df[(df.n_teams == 2) & (df.capability_weight == 0.5) & (df.information == "none")]
    assert row["disaster_probability"].item() == pytest.approx(0.5)  # 1 - 0.5/(0.5*2)


# --------------------------------------------------------------------------- merge and assist


def test_merge_and_assist_limits():
    for info in REGIMES:
        base = dp(5, 1.0, 0.6, info)
        assert racing.with_merge_and_assist(
            n_teams=5, coalition_size=1, capability_weight=1.0, enmity=0.6, information=info
        ) == pytest.approx(base)
        assert (
            racing.with_merge_and_assist(
                n_teams=5, coalition_size=5, capability_weight=1.0, enmity=0.6, information=info
            )
            == 0.0
        )


@pytest.mark.parametrize("information", REGIMES)
def test_merge_and_assist_matches_simulation(information):
    # the coalition fields one project: a race of n - m + 1 teams
    n, m, mu, e = 6, 3, 1.0, 0.5
    rate = play(n - m + 1, mu, e, information, N_GAMES, seed=42)
    p = racing.with_merge_and_assist(
        n_teams=n, coalition_size=m, capability_weight=mu, enmity=e, information=information
    )
    assert abs(rate - p) <= 4 * se(p, N_GAMES) + 1e-12


def test_merge_and_assist_never_hurts_without_private_information():
    m = np.arange(1, 9)
    for info in ("none", "public"):
        p = racing.with_merge_and_assist(
            n_teams=8, coalition_size=m, capability_weight=0.8, enmity=0.7, information=info
        )
        assert p.shape == (8,)
        assert np.all(np.diff(p) <= 1e-12)


def test_merge_and_assist_private_low_enmity_limit_is_as_documented():
    kw = dict(n_teams=5, capability_weight=0.5, enmity=0.05, information="private")
    assert racing.with_merge_and_assist(coalition_size=3, **kw) > dp(5, 0.5, 0.05, "private")


# --------------------------------------------------------------------------- validation

GOOD = dict(n_teams=3, capability_weight=1.0, enmity=0.5, information="private")

BAD_COMMON = [
    ("n_teams", 1),
    ("n_teams", 0),
    ("n_teams", 2.5),
    ("n_teams", float("nan")),
    ("n_teams", float("inf")),
    ("n_teams", "3"),
    ("n_teams", None),
    ("n_teams", True),
    ("capability_weight", 0.0),
    ("capability_weight", -1.0),
    ("capability_weight", float("nan")),
    ("capability_weight", float("inf")),
    ("capability_weight", "big"),
    ("enmity", -0.1),
    ("enmity", 1.5),
    ("enmity", float("nan")),
    ("enmity", float("-inf")),
    ("information", "secret"),
    ("information", "None"),
    ("information", None),
    ("information", 1),
]


def _call(fn, **kw):
    if fn is racing.equilibrium_safety:
        cap = kw.pop("capability", 0.5)
        return fn(cap, **kw)
    return fn(**kw)


FUNCS = [racing.equilibrium_safety, racing.disaster_probability, racing.simulate, racing.with_merge_and_assist]


def _good(fn):
    kw = dict(GOOD)
    if fn is racing.with_merge_and_assist:
        kw["coalition_size"] = 2
    if fn is racing.simulate:
        kw.update(n_draws=10, seed=0)
    return kw


@pytest.mark.parametrize("fn", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("name,value", BAD_COMMON)
def test_bad_common_input_names_the_parameter(fn, name, value):
    kw = _good(fn)
    kw[name] = value
    with pytest.raises(ValueError, match=name):
        _call(fn, **kw)


@pytest.mark.parametrize("name,value", BAD_COMMON)
def test_sweep_rejects_bad_input(name, value):
    with pytest.raises(ValueError, match=name):
        racing.sweep(**{name: value})


def test_good_inputs_pass():
    for fn in FUNCS:
        _call(fn, **_good(fn))
    racing.sweep(**{k: v for k, v in GOOD.items()})


@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf"), 1.5, "x", None])
def test_equilibrium_safety_rejects_bad_capability(value):
    with pytest.raises(ValueError, match="capability"):
        racing.equilibrium_safety(value, **GOOD)


def test_equilibrium_safety_public_needs_all_capabilities():
    kw = dict(GOOD, information="public")
    with pytest.raises(ValueError, match="capability"):
        racing.equilibrium_safety(0.5, **kw)
    with pytest.raises(ValueError, match="capability"):
        racing.equilibrium_safety([0.5, 0.2], **kw)  # 2 entries, n_teams = 3
    with pytest.raises(ValueError, match="n_teams"):
        racing.equilibrium_safety([0.5, 0.2, 0.1], **{**kw, "n_teams": [3, 3]})
    with pytest.raises(ValueError, match="capability"):
        racing.equilibrium_safety([0.5, 0.2, 1.2], **kw)  # above capability_weight


@pytest.mark.parametrize(
    "name,value",
    [
        ("n_draws", 0),
        ("n_draws", 2.5),
        ("n_draws", float("nan")),
        ("n_draws", "10"),
        ("seed", -1),
        ("seed", 1.5),
        ("seed", "a"),
        ("seed", float("inf")),
        ("n_teams", 101),
        ("capability_weight", [1.0, 2.0]),
        ("enmity", np.array([0.5])),
    ],
)
def test_simulate_rejects_bad_input(name, value):
    kw = _good(racing.simulate)
    kw[name] = value
    with pytest.raises(ValueError, match=name):
        racing.simulate(**kw)


@pytest.mark.parametrize("value", [0, 4, 2.5, float("nan"), -1, "2"])
def test_merge_and_assist_rejects_bad_coalition(value):
    kw = dict(GOOD, coalition_size=value)
    with pytest.raises(ValueError, match="coalition_size"):
        racing.with_merge_and_assist(**kw)


@pytest.mark.parametrize(
    "kw,name",
    [
        (dict(n_teams=[2, 1]), "n_teams"),
        (dict(enmity=[0.5, 2.0]), "enmity"),
        (dict(capability_weight=[[1.0, 2.0]]), "capability_weight"),
        (dict(information=["none", "bad"]), "information"),
        (dict(information=[]), "information"),
    ],
)
def test_sweep_rejects_bad_sequences(kw, name):
    with pytest.raises(ValueError, match=name):
        racing.sweep(**kw)


def test_mismatched_shapes_raise_value_error():
    with pytest.raises(ValueError, match="broadcast"):
        racing.disaster_probability(n_teams=[2, 3, 4], capability_weight=[1.0, 2.0], enmity=0.5, information="none")
    with pytest.raises(ValueError, match="broadcast"):
        racing.equilibrium_safety(
            [0.1, 0.2, 0.3], n_teams=[2, 3], capability_weight=1.0, enmity=0.5, information="private"
        )
    with pytest.raises(ValueError, match="broadcast"):
        racing.with_merge_and_assist(
            n_teams=[4, 5], coalition_size=[1, 2, 3], capability_weight=1.0, enmity=0.5, information="none"
        )


def test_docstring_examples_run():
    result = doctest.testmod(racing, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
