"""Tests for the transition explorer (staged vs. sudden release) and its kernel-free chart."""

from __future__ import annotations

import copy
import functools
import json
import re

import pytest

from alignlessons.models import transition
from alignlessons.widgets import transition as tw
from alignlessons.widgets._base import Number

V5 = "application/vnd.vegalite.v5+json"


@pytest.fixture
def explorer():
    return tw.transition_explorer()


def _model(n, spacing=1.0, rate=1.0, p=1.0, weights=(1.0, 1.0, 1.0)):
    c = transition.staged_schedule(n, spacing=spacing)
    wp, wh, wd = weights
    return {
        "peak": transition.peak_gap(c, rate=rate),
        "harm": transition.cumulative_harm(c, rate=rate, exponent=p),
        "cost": transition.cost(c, rate=rate, harm_exponent=p, peak_weight=wp, harm_weight=wh, delay_weight=wd),
        "capability": c,
        "adaptation": transition.adaptation_path(c, rate=rate),
    }


def _snapshot(ex):
    return json.dumps(ex.chart.datasets, sort_keys=True), ex.sentence_html.value


def test_initial_sentence_states_the_models_numbers(explorer):
    staged, sudden = _model(4), _model(1)
    text = explorer.sentence_html.value
    assert "Released in 4 steps, 1 year apart" in text
    assert f"largest adaptation gap is {staged['peak']:.2f}" in text
    assert f"cumulative harm {staged['harm']:.2f}" in text
    assert f"weighted cost {staged['cost']:.2f}" in text
    assert f"they would be {sudden['peak']:.2f}, {sudden['harm']:.2f} and {sudden['cost']:.2f}" in text
    assert explorer.message_html.value == ""


def test_set_changes_sentence_and_datasets_to_the_models_output(explorer):
    before = _snapshot(explorer)
    explorer.set(n_steps=6, spacing=0.5, rate=2.0, harm_exponent=2.0)
    assert _snapshot(explorer) != before
    staged, sudden = _model(6, 0.5, 2.0, 2.0), _model(1, rate=2.0, p=2.0)
    text = explorer.sentence_html.value
    assert "Released in 6 steps, 0.5 years apart" in text
    assert f"gap is {staged['peak']:.2f}, the cumulative harm {staged['harm']:.2f}" in text
    assert f"they would be {sudden['peak']:.2f}, {sudden['harm']:.2f}" in text
    data = explorer.chart.datasets
    assert data["peak"][0]["gap"] == pytest.approx(staged["peak"], abs=1e-4)
    assert data["summary"][0]["staged_harm"] == pytest.approx(staged["harm"], abs=1e-4)
    assert data["summary"][0]["sudden_harm"] == pytest.approx(sudden["harm"], abs=1e-4)
    # Paths at the grid times are the model's capability and adaptation; the harm is gap ** p.
    t = transition.time_grid()
    rows = {round(r["time"], 4): r for r in data["paths"]}
    for i in (0, 7, 10, 33, 150):
        row = rows[round(t[i], 4)]
        assert row["capability"] == pytest.approx(staged["capability"][i], abs=1e-4)
        assert row["adaptation"] == pytest.approx(staged["adaptation"][i], abs=1e-4)
        gap = staged["capability"][i] - staged["adaptation"][i]
        assert row["harm"] == pytest.approx(max(gap, 0) ** 2, abs=2e-4)
    assert [r["time"] for r in data["releases"]] == pytest.approx([0, 0.5, 1.0, 1.5, 2.0, 2.5])
    # Every release is drawn as a vertical jump: a point just before it at the old level.
    assert len(data["paths"]) == len(t) + 5


def test_sudden_release_sentence_and_equal_linear_harm(explorer):
    explorer.set(n_steps=1)
    text = explorer.sentence_html.value
    assert text.count("Released all at once") == 1 and "1.00" in text
    explorer.set(n_steps=8, spacing=1.0, harm_exponent=1.0, rate=0.5)
    # With linear harm the staged and the sudden release bear the same total harm (1 / rate).
    summary = explorer.chart.datasets["summary"][0]
    assert summary["staged_harm"] == pytest.approx(2.0, abs=1e-3)
    assert summary["sudden_harm"] == pytest.approx(2.0, abs=1e-3)


def test_every_preset_applies_without_a_message(explorer):
    seen = set()
    for name, values in tw.TransitionExplorer.presets.items():
        explorer.preset.value = name
        assert explorer.message_html.value == "", name
        assert explorer.values() == pytest.approx(values), name
        seen.add(explorer.sentence_html.value)
    assert len(seen) == len(tw.TransitionExplorer.presets)


BAD_VALUES = [("rate", 9.0), ("n_steps", 40), ("spacing", 0.0), ("harm_exponent", -1.0)]


def test_out_of_range_typed_value_shows_a_message_and_keeps_the_chart(explorer):
    for key, bad in BAD_VALUES:
        explorer.message_html.value = ""
        before = _snapshot(explorer)
        explorer.controls[key].text.value = bad
        assert explorer.message_html.value != ""
        assert _snapshot(explorer) == before
        assert explorer.controls[key].text.value == explorer.controls[key].value


def test_steps_that_do_not_fit_the_horizon_show_a_message(explorer):
    before = _snapshot(explorer)
    explorer.set(n_steps=12, spacing=1.0)
    message = explorer.message_html.value
    assert "12 steps 1 year apart do not fit" in message
    assert "Traceback" not in message
    assert _snapshot(explorer) == before
    explorer.set(spacing=0.5)
    assert explorer.message_html.value == ""
    assert "Released in 12 steps, 0.5 years apart" in explorer.sentence_html.value


def test_controls_are_labelled_with_units(explorer):
    for key, control in explorer.controls.items():
        assert control.description if not isinstance(control, Number) else control.slider.description, key
        if isinstance(control, Number) and control.unit:
            assert control.unit in control.slider.description
    assert "years" in explorer.controls["spacing"].slider.description
    assert "per year" in explorer.controls["rate"].slider.description


def test_live_chart_has_title_description_and_named_data(explorer):
    spec = explorer.chart.spec
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    assert title and spec["description"]
    assert set(explorer.chart.datasets) == {"paths", "releases", "peak", "summary"}
    text = json.dumps(spec)
    for name in ("paths", "releases", "peak", "summary"):
        assert f'"name": "{name}"' in text


@functools.lru_cache(maxsize=1)
def _kernel_free_spec():
    bundle = tw.transition_kernel_free()._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    return bundle


def test_kernel_free_chart_is_small_bound_and_covers_the_sliders():
    bundle = _kernel_free_spec()
    assert V5 in bundle
    assert len(json.dumps(bundle)) <= 300_000
    spec = bundle[V5]
    params = {p["name"]: p for p in spec["params"]}
    assert {"steps", "rate", "p"} <= set(params)
    assert all("bind" in p for p in params.values())
    steps_bind, rate_bind = params["steps"]["bind"], params["rate"]["bind"]
    datasets = list(spec["datasets"].values())
    paths = next(d for d in datasets if "n" in d[0])
    summary = next(d for d in datasets if "n_steps" in d[0])
    assert {r["n"] for r in paths} == set(range(steps_bind["min"], steps_bind["max"] + 1))
    n_rates = round((rate_bind["max"] - rate_bind["min"]) / rate_bind["step"]) + 1
    assert {k for k in paths[0] if re.fullmatch(r"a\d+", k)} == {f"a{i}" for i in range(n_rates)}
    assert {round(r["rate"], 4) for r in summary} == {
        round(rate_bind["min"] + i * rate_bind["step"], 4) for i in range(n_rates)
    }
    assert {r["exponent"] for r in summary} == set(params["p"]["bind"]["options"])
    assert min(r["t"] for r in paths) == 0 and max(r["t"] for r in paths) >= transition.HORIZON - 0.2


def test_kernel_free_label_follows_the_sliders():
    vlc = pytest.importorskip("vl_convert")
    spec = copy.deepcopy(_kernel_free_spec()[V5])
    for p in spec["params"]:
        p["value"] = {"steps": 7, "rate": 2.5, "p": 2.0}[p["name"]]
    svg = vlc.vegalite_to_svg(spec, vl_version="5.21")
    staged, sudden = _model(7, rate=2.5, p=2.0), _model(1, rate=2.5, p=2.0)
    assert f"In steps: largest gap {staged['peak']:.2f}, total harm {staged['harm']:.2f}" in svg
    assert f"All at once: largest gap {sudden['peak']:.2f}, total harm {sudden['harm']:.2f}" in svg
