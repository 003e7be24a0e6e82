"""Tests for the deployment explorer (action vs. inaction risk) and its kernel-free chart."""

from __future__ import annotations

import copy
import functools
import json
import re

import pytest

from alignlessons.models import deployment
from alignlessons.widgets import deployment as dw
from alignlessons.widgets._base import Number

V5 = "application/vnd.vegalite.v5+json"
DEFAULTS = dict(
    p_misaligned_now=0.3,
    p_misaligned_floor=0.05,
    halving_months=6.0,
    lead_months=12.0,
    hazard_per_month=0.08,
    p_other_misaligned=0.5,
)


@pytest.fixture
def explorer():
    return dw.deployment_explorer()


def _snapshot(ex):
    return json.dumps(ex.chart.datasets, sort_keys=True), ex.sentence_html.value


def test_initial_sentence_states_the_models_numbers(explorer):
    text = explorer.sentence_html.value
    total = deployment.p_catastrophe(6.0, **DEFAULTS)
    best = deployment.optimal_wait(**DEFAULTS)
    even = deployment.break_even_wait(**DEFAULTS)
    assert "Waiting 6 months" in text
    assert f"P(catastrophe) is {total:.1%}" in text
    assert f"the best wait is {best:.1f} months ({deployment.p_catastrophe(best, **DEFAULTS):.1%})" in text
    assert f"waiting more than {even:.1f} months is worse than deploying at once" in text
    assert explorer.message_html.value == ""


def test_set_changes_sentence_and_datasets_to_the_models_output(explorer):
    before = _snapshot(explorer)
    params = dict(DEFAULTS, lead_months=6.0, hazard_per_month=0.15, p_other_misaligned=0.7)
    explorer.set(lead_months=6.0, hazard_per_month=0.15, p_other_misaligned=0.7, wait_months=20.0)
    assert _snapshot(explorer) != before
    text = explorer.sentence_html.value
    assert f"action risk is {deployment.action_risk(20.0, **params):.1%}" in text
    assert f"inaction risk {deployment.inaction_risk(20.0, **params):.1%}" in text
    even = deployment.break_even_wait(**params)
    assert f"waiting more than {even:.1f} months" in text
    data = explorer.chart.datasets
    current = {r["risk"]: r["probability"] for r in data["current"]}
    assert current["total"] == pytest.approx(deployment.p_catastrophe(20.0, **params), abs=1e-6)
    assert all(r["wait_months"] == 20.0 for r in data["current"])
    assert data["optimum"][0]["wait_months"] == pytest.approx(deployment.optimal_wait(**params), abs=1e-4)
    assert data["break_even"][0]["wait_months"] == pytest.approx(even, abs=1e-4)
    assert data["baseline"][0]["probability"] == pytest.approx(0.3)
    totals = {r["wait_months"]: r["probability"] for r in data["curves"] if r["risk"] == "total"}
    assert len(totals) == dw.N_POINTS and max(totals) == dw.MAX_WAIT
    for t in (0.0, 7.25, 30.0, 48.0):
        assert totals[t] == pytest.approx(deployment.p_catastrophe(t, **params), abs=1e-6)


def test_no_hazard_means_waiting_always_helps(explorer):
    explorer.set(hazard_per_month=0.0)
    text = explorer.sentence_html.value
    assert "waiting longer always lowers the risk" in text
    assert "no wait is worse than deploying at once" in text
    assert explorer.chart.datasets["optimum"] == [] and explorer.chart.datasets["break_even"] == []


def test_every_preset_applies_without_a_message(explorer):
    seen = set()
    for name, values in dw.DeploymentExplorer.presets.items():
        explorer.preset.value = name
        assert explorer.message_html.value == "", name
        assert explorer.values() == values, name
        seen.add(explorer.sentence_html.value)
    assert len(seen) == len(dw.DeploymentExplorer.presets)


BAD_VALUES = [("p_misaligned_now", 1.5), ("halving_months", 0.0), ("wait_months", 60.0), ("hazard_per_month", -0.1)]


def test_out_of_range_typed_value_shows_a_message_and_keeps_the_chart(explorer):
    for key, bad in BAD_VALUES:
        explorer.message_html.value = ""
        before = _snapshot(explorer)
        explorer.controls[key].text.value = bad
        assert explorer.message_html.value != ""
        assert _snapshot(explorer) == before


def test_floor_above_current_risk_shows_a_message_and_keeps_the_chart(explorer):
    before = _snapshot(explorer)
    explorer.set(p_misaligned_floor=0.4)
    message = explorer.message_html.value
    assert "floor" in message and "cannot be above" in message
    assert _snapshot(explorer) == before
    explorer.set(p_misaligned_now=0.6)
    assert explorer.message_html.value == ""
    assert _snapshot(explorer) != before


def test_controls_are_labelled_with_units(explorer):
    for key, control in explorer.controls.items():
        label = control.slider.description if isinstance(control, Number) else control.description
        assert label, key
        if isinstance(control, Number) and control.unit:
            assert control.unit in label
    assert "months" in explorer.controls["wait_months"].slider.description


def test_live_chart_has_title_description_and_named_data(explorer):
    spec = explorer.chart.spec
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    assert title and spec["description"]
    assert set(explorer.chart.datasets) == {"curves", "current", "optimum", "baseline", "break_even"}


@functools.lru_cache(maxsize=1)
def _bundle():
    bundle = dw.deployment_kernel_free()._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


def test_kernel_free_chart_is_small_bound_and_covers_the_sliders():
    bundle = _bundle()
    assert V5 in bundle
    assert len(json.dumps(bundle)) <= 300_000
    spec = bundle[V5]
    params = {p["name"]: p for p in spec["params"]}
    assert {"hazard", "other"} <= set(params) and all("bind" in p for p in params.values())
    rows = max(spec["datasets"].values(), key=len)
    for name, column in (("hazard", "h"), ("other", "q")):
        b = params[name]["bind"]
        n = round((b["max"] - b["min"]) / b["step"]) + 1
        assert {round(r[column], 4) for r in rows} == {round(b["min"] + i * b["step"], 4) for i in range(n)}
    waits = sorted(int(k[1:]) for k in rows[0] if re.fullmatch(r"a\d+", k))
    assert waits == list(range(0, 49))
    row = next(r for r in rows if r["h"] == 0.14 and r["q"] == 0.7)
    params = dict(DEFAULTS, hazard_per_month=0.14, p_other_misaligned=0.7)
    assert row["i20"] == pytest.approx(deployment.inaction_risk(20.0, **params), abs=1e-4)
    assert row["a20"] == pytest.approx(deployment.action_risk(20.0, **params), abs=1e-4)


def test_kernel_free_labels_follow_the_sliders():
    vlc = pytest.importorskip("vl_convert")
    spec = copy.deepcopy(_bundle()[V5])
    for p in spec["params"]:
        p["value"] = {"hazard": 0.2, "other": 0.9}[p["name"]]
    svg = vlc.vegalite_to_svg(spec, vl_version="5.21")
    params = dict(DEFAULTS, hazard_per_month=0.2, p_other_misaligned=0.9)
    assert f"Best wait: {deployment.optimal_wait(**params):.1f} months" in svg
    assert f"Waiting over {deployment.break_even_wait(**params):.1f} months" in svg
