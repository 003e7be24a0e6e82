"""Tests for the offense-defense explorer and its kernel-free chart.

Expected numbers come from the contest formula worked by hand (b / (b + r^k), 1 - (1 - P)^n,
r* = (b (1 - e) / e)^(1/k)) or from the model called directly, never from the explorer."""

from __future__ import annotations

import json

import pytest

from alignlessons.models import offense_defense as od
from alignlessons.widgets import offense_defense as odw
from alignlessons.widgets._base import Choice, Number

V5 = "application/vnd.vegalite.v5+json"


@pytest.fixture
def explorer():
    return odw.offense_defense_explorer()


def _snapshot(ex):
    return json.dumps(ex.chart.datasets, sort_keys=True), ex.sentence_html.value


def test_initial_sentence_is_karnofskys_case_worked_by_hand(explorer):
    # 75% of the resources is a 3:1 lead; offence favoured 10:1 -> 10 / (10 + 3) by hand.
    risk = 10 / (10 + 3)
    needed = (10 * 0.9 / 0.1) / (1 + 10 * 0.9 / 0.1)  # r* = 90, share 90/91
    text = explorer.sentence_html.value
    assert "With 75% of the resources (a 3:1 lead) and offence favoured 10:1" in text
    assert f"still prevails {risk:.0%} of the time" in text and "77%" in text
    assert f"holding the risk under 10% would take {needed:.0%} of the resources (a 90:1 lead)" in text
    assert explorer.message_html.value == ""


def test_set_changes_sentence_and_datasets_to_the_models_output(explorer):
    before = _snapshot(explorer)
    explorer.set(offense_advantage=3.0, safe_share=90, n_attempts=5, decisiveness=2.0, target_risk=20)
    assert _snapshot(explorer) != before
    # By hand: r = 9, k = 2 -> per contest 3 / (3 + 81); five attempts -> 1 - (1 - p)^5.
    p1 = 3 / (3 + 81)
    risk = 1 - (1 - p1) ** 5
    assert f"prevails at least once in 5 attempts {risk:.0%} of the time" in explorer.sentence_html.value
    assert "(decisiveness k = 2)" in explorer.sentence_html.value
    data = explorer.chart.datasets
    kw = dict(offense_advantage=3.0, decisiveness=2.0, n_attempts=5)
    assert data["current"][0]["safe_share"] == pytest.approx(0.9)
    assert data["current"][0]["p_dangerous_prevails"] == pytest.approx(od.p_dangerous_prevails(0.9, **kw), abs=1e-6)
    assert data["needed"][0]["safe_share"] == pytest.approx(od.safe_share_needed(0.2, **kw), abs=1e-6)
    assert data["needed"][0]["target_risk"] == pytest.approx(0.2)
    sweep = od.sweep(offense_advantage=odw.LEVELS, n_points=odw.N_POINTS, decisiveness=2.0, n_attempts=5)
    assert len(data["curves"]) == len(sweep) == len(odw.LEVELS) * odw.N_POINTS
    for row, (_, ref) in zip(data["curves"], sweep.iterrows()):
        assert row["offense_advantage"] == pytest.approx(ref["offense_advantage"])
        assert row["safe_share"] == pytest.approx(ref["safe_share"])
        assert row["p_dangerous_prevails"] == pytest.approx(ref["p_dangerous_prevails"], abs=1e-6)
    bold = {r["level"] for r in data["curves"] if r["highlight"] == "yes"}
    assert bold == {"offence 3:1"}


def test_risk_within_target_is_said_so(explorer):
    explorer.set(offense_advantage=1 / 3, safe_share=90, target_risk=10)
    risk = (1 / 3) / (1 / 3 + 9)
    assert risk < 0.1
    text = explorer.sentence_html.value
    assert "defence favoured 3:1" in text and f"prevails {risk:.0%} of the time, within the 10% target" in text


def test_presets_apply_without_a_message(explorer):
    seen = set()
    assert 3 <= len(explorer.presets) <= 4
    for name in explorer.presets:
        explorer.preset.value = name
        assert explorer.message_html.value == "", name
        seen.add(explorer.sentence_html.value)
    assert len(seen) == len(explorer.presets)
    explorer.preset.value = "Many attempts (stop ~all dangerous deployments)"
    risk = 1 - (1 - 1 / (1 + 9)) ** 20  # even balance, 9:1 lead, 20 attempts
    assert f"{risk:.0%} of the time" in explorer.sentence_html.value


def test_typed_out_of_range_value_shows_message_and_keeps_chart(explorer):
    for key, bad in [
        ("safe_share", 150),
        ("safe_share", 0),
        ("n_attempts", 0),
        ("decisiveness", 9.0),
        ("target_risk", 80),
    ]:
        explorer.message_html.value = ""
        before = _snapshot(explorer)
        explorer.controls[key].text.value = bad
        assert "must be between" in explorer.message_html.value, key
        assert _snapshot(explorer) == before, key


def test_controls_are_labelled_with_units(explorer):
    for key, control in explorer.controls.items():
        if isinstance(control, Number):
            assert control.label and control.unit, key
            assert control.unit in control.slider.description
        else:
            assert isinstance(control, Choice)
            assert control.description.strip(), key
    assert "%" in explorer.controls["safe_share"].slider.description


def test_live_chart_has_title_and_description(explorer):
    spec = explorer.chart.spec
    assert spec["title"] and "offence" in json.dumps(spec["title"])
    assert len(explorer.chart.description) > 40
    assert set(explorer.chart.datasets) == {"curves", "current", "needed"}


@pytest.fixture(scope="module")
def kernel_free():
    chart = odw.offense_defense_kernel_free()
    bundle = chart._repr_mimebundle_()[0]
    return bundle


def test_kernel_free_chart_is_small_and_has_bound_controls(kernel_free):
    assert V5 in kernel_free
    assert len(json.dumps(kernel_free)) <= 300_000
    spec = kernel_free[V5]
    params = {p["name"]: p for p in spec["params"]}
    assert {"level", "k", "n", "t", "share"} <= set(params)
    assert all("bind" in p for p in params.values())
    assert spec["title"] and spec["description"]


def test_kernel_free_grid_covers_the_controls_and_matches_the_model(kernel_free):
    spec = kernel_free[V5]
    params = {p["name"]: p for p in spec["params"]}
    grid = next(rows for rows in spec["datasets"].values() if rows and "s" in rows[0] and "k" in rows[0])
    need = next(rows for rows in spec["datasets"].values() if rows and "t" in rows[0])
    share = params["share"]["bind"]
    shares = sorted({r["s"] for r in grid})
    assert shares[0] <= share["min"] and shares[-1] >= share["max"]
    assert all(
        any(abs(s - x) < 1e-9 for s in shares)
        for x in [
            share["min"] + i * share["step"]
            for i in range(int(round((share["max"] - share["min"]) / share["step"])) + 1)
        ]
    )
    pairs = {(r["k"], r["n"]) for r in grid}
    assert pairs == {(k, n) for k in params["k"]["bind"]["options"] for n in params["n"]["bind"]["options"]}
    levels = params["level"]["bind"]["options"]
    assert all(key in grid[0] for key in levels)
    assert {r["t"] for r in need} == set(params["t"]["bind"]["options"])
    # Spot checks against the model: b = 10 (key b4), k = 1, n = 1 at a 3:1 lead.
    row = next(r for r in grid if r["k"] == 1 and r["n"] == 1 and abs(r["s"] - 0.75) < 1e-9)
    assert odw.LEVELS[4] == 10.0
    assert row["b4"] == pytest.approx(10 / 13, abs=1e-4)
    row = next(r for r in grid if r["k"] == 2 and r["n"] == 10 and abs(r["s"] - 0.9) < 1e-9)
    assert row["b3"] == pytest.approx(
        od.p_dangerous_prevails(0.9, offense_advantage=3.0, decisiveness=2.0, n_attempts=10), abs=1e-4
    )
    got = next(r for r in need if r["k"] == 1 and r["n"] == 1 and r["key"] == "b4" and r["t"] == 0.1)
    assert got["safe_share"] == pytest.approx(90 / 91, abs=1e-4)
