"""The plan-chain explorer (the critique's six steps) and its kernel-free chart."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from alignlessons import content
from alignlessons.models import plans
from alignlessons.widgets._base import Number
from alignlessons.widgets.plans import PlansExplorer, plans_explorer, plans_kernel_free
from tests.widgets._fixtures import bound_params, explorer_fixtures, state

STEPS = [f"step_{i}" for i in range(1, 7)]


_shared, e, kernel_free = explorer_fixtures(plans_explorer, plans_kernel_free)
_state = state


def test_one_labelled_slider_per_step_of_the_critique(e):
    names = list(content.plan_steps()["name"])
    assert len(names) == 6
    for key, name in zip(STEPS, names):
        assert name in e.controls[key].slider.description
    assert "correlation" in e.controls


def test_default_sentence_is_the_product_of_the_steps(e):
    assert f"{0.8**6:.0%}" in e.sentence_html.value  # 26%
    assert "All steps are equally likely" in e.sentence_html.value


def test_set_changes_sentence_weakest_step_and_datasets(e):
    before = _state(e)
    probs = [0.9, 0.7, 0.5, 0.8, 0.95, 0.85]
    e.set(**dict(zip(STEPS, probs)), correlation=0.4)
    assert _state(e) != before
    expected = 0.6 * math.prod(probs) + 0.4 * min(probs)  # the mixture, computed here
    assert plans.success_probability(probs, correlation=0.4) == pytest.approx(expected)
    text = e.sentence_html.value
    assert f"{expected:.0%}" in text and "step 3" in text and "Evaluate the assistant" in text
    rows = e.chart.datasets["steps"]
    assert [r["probability"] for r in rows] == pytest.approx(probs)
    assert [r["role"] for r in rows].count("weakest step") == 1 and rows[2]["role"] == "weakest step"
    gains = plans.sensitivity(probs, correlation=0.4, improvement=0.1)
    assert [r["gain"] for r in rows] == pytest.approx(list(gains), abs=1e-6)
    (overall,) = e.chart.datasets["overall"]
    assert overall["p_success"] == pytest.approx(expected, abs=1e-6)


def test_tied_weakest_steps_are_all_highlighted(e):
    e.set(step_2=0.5, step_5=0.5)
    roles = [r["role"] for r in e.chart.datasets["steps"]]
    assert roles == ["other steps", "weakest step", "other steps", "other steps", "weakest step", "other steps"]
    assert "Steps 2 and 5 tie" in e.sentence_html.value


def test_every_preset_applies_cleanly(e):
    seen = set()
    for name in PlansExplorer.presets:
        e.preset.value = name
        assert e.message_html.value == "", name
        assert all(e.values()[k] == pytest.approx(v) for k, v in e.presets[name].items()), name
        seen.add(e.sentence_html.value)
    assert len(seen) == len(e.presets)


def test_no_control_or_preset_reveals_the_critiques_coverage_ratings(e):
    # The ratings are graded in assignment 02, so the explorer must not show or encode them.
    text = " ".join(
        [c.help for c in e.controls.values()]
        + [c.slider.description for c in e.controls.values()]
        + list(PlansExplorer.presets)
    )
    for label in content.COVERAGE_LABELS:
        assert label not in text.lower(), label
    assert not any("coverage" in str(k) for r in e.chart.datasets["steps"] for k in r)


def test_five_strong_steps_and_one_at_half_preset():
    e = plans_explorer(**PlansExplorer.presets["Five at 90%, step 4 at 50%"])
    p = 0.9**5 * 0.5
    assert f"{p:.0%}" in e.sentence_html.value and "step 4" in e.sentence_html.value


BAD_VALUES = [("step_1", 1.5), ("step_6", -0.1), ("correlation", 2.0)]


def test_typed_out_of_range_value_shows_message_and_keeps_chart(e):
    for key, bad in BAD_VALUES:
        e.message_html.value = ""
        before = _state(e)
        e.controls[key].text.value = bad
        assert e.message_html.value != "", key
        assert _state(e) == before


def test_controls_are_labelled_with_units_and_help(e):
    for control in e.controls.values():
        assert isinstance(control, Number)
        assert control.slider.description.strip() and control.unit in control.slider.description
        assert control.help


def test_live_chart_has_title_and_description(e):
    spec = e.chart.spec
    assert spec["title"]["text"] and spec["description"]
    assert set(spec["datasets"]) == {"steps", "overall"}


def test_kernel_free_chart_is_small_interactive_and_covers_its_sliders(kernel_free):
    _, bundle = kernel_free
    assert "application/vnd.vegalite.v5+json" in bundle
    spec = bundle["application/vnd.vegalite.v5+json"]
    assert len(json.dumps(bundle)) <= 300_000
    assert spec["title"]["text"] and spec["description"]
    binds = bound_params(spec)
    assert set(binds) == {"step_probability", "shared_cause"}
    rows = max(spec["datasets"].values(), key=len)
    for name, column in (("step_probability", "q"), ("shared_cause", "r")):
        b = binds[name]
        grid = np.round(np.arange(b["min"], b["max"] + 1e-9, b["step"]), 4)
        assert {r[column] for r in rows} == set(grid)
    assert {r["n"] for r in rows} >= {1, 6}
    row = next(r for r in rows if r["n"] == 6 and r["q"] == 0.9 and r["r"] == 0.5)
    assert row["p"] == pytest.approx(0.5 * 0.9**6 + 0.5 * 0.9, abs=1e-4)
    assert row["p0"] == pytest.approx(0.9**6, abs=1e-4)
