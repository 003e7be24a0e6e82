"""Tests for the takeoff explorer (continuous vs. discontinuous progress) and its kernel-free chart."""

from __future__ import annotations

import copy
import functools
import json
import re

import pytest

from alignlessons.models import takeoff
from alignlessons.widgets import takeoff as tw
from alignlessons.widgets._base import Number

V5 = "application/vnd.vegalite.v5+json"


@pytest.fixture
def explorer():
    return tw.takeoff_explorer()


def _snapshot(ex):
    return json.dumps(ex.chart.datasets, sort_keys=True), ex.sentence_html.value


def test_initial_sentence_states_the_models_probability(explorer):
    step = takeoff.p_step_aligned(radius=10, median_jump=2, tail=1.0)
    whole = takeoff.p_all_aligned(10, radius=10, median_jump=2, tail=1.0)
    text = explorer.sentence_html.value
    assert f"within reach with probability {step:.1%}" in text
    assert f"all 10 generations stay aligned with probability {whole:.1%}" in text
    assert explorer.message_html.value == ""


def test_set_changes_sentence_and_datasets_to_the_models_output(explorer):
    before = _snapshot(explorer)
    explorer.set(tail=1.5, radius=20.0, generations=30, distribution="pareto")
    assert _snapshot(explorer) != before
    kw = dict(radius=20, median_jump=2, tail=1.5, distribution="pareto")
    whole = takeoff.p_all_aligned(30, **kw)
    assert f"all 30 generations stay aligned with probability {whole:.1%}" in explorer.sentence_html.value
    data = explorer.chart.datasets
    assert data["current"][0]["generations"] == 30
    assert data["current"][0]["p_all_aligned"] == pytest.approx(whole, abs=1e-6)
    assert data["radius"][0]["p_step_aligned"] == pytest.approx(takeoff.p_step_aligned(**kw), abs=1e-6)
    mine = {r["generations"]: r["p_all_aligned"] for r in data["curves"] if r["series"] == "Your setting"}
    assert sorted(mine) == list(range(1, tw.MAX_GENERATIONS + 1))
    for g in (1, 7, 50):
        assert mine[g] == pytest.approx(takeoff.p_all_aligned(g, **kw), abs=1e-6)
    refs = {r["series"] for r in data["curves"]} - {"Your setting"}
    assert len(refs) == len(tw.REFERENCE_TAILS)
    cdf = {r["jump"]: r["p_jump_within"] for r in data["cdf"]}
    assert cdf[10.0] == pytest.approx(
        takeoff.p_step_aligned(radius=10, median_jump=2, tail=1.5, distribution="pareto"), abs=1e-6
    )


def test_the_critiques_two_worlds(explorer):
    explorer.preset.value = "Continuous: every successor is a 102"
    assert "with probability 100%" in explorer.sentence_html.value
    explorer.preset.value = "Discontinuous: the successor is a 200"
    assert "the one generation stays aligned with probability 0%" in explorer.sentence_html.value


def test_small_probabilities_are_not_rounded_to_zero(explorer):
    explorer.set(tail=2.0, median_jump=10.0, radius=10.0, generations=50)
    p = takeoff.p_all_aligned(50, radius=10, median_jump=10, tail=2.0)
    assert 0 < p < 0.001
    assert "less than 0.1%" in explorer.sentence_html.value


def test_every_preset_applies_without_a_message(explorer):
    seen = set()
    for name, values in tw.TakeoffExplorer.presets.items():
        explorer.preset.value = name
        assert explorer.message_html.value == "", name
        assert explorer.values() == values, name
        seen.add(explorer.sentence_html.value)
    assert len(seen) == len(tw.TakeoffExplorer.presets)


BAD_VALUES = [("tail", 5.0), ("radius", 0.0), ("generations", 500), ("median_jump", -2.0)]


def test_out_of_range_typed_value_shows_a_message_and_keeps_the_chart(explorer):
    for key, bad in BAD_VALUES:
        explorer.message_html.value = ""
        before = _snapshot(explorer)
        explorer.controls[key].text.value = bad
        assert explorer.message_html.value != ""
        assert _snapshot(explorer) == before


def test_controls_are_labelled_with_units(explorer):
    for key, control in explorer.controls.items():
        label = control.slider.description if isinstance(control, Number) else control.description
        assert label, key
        if isinstance(control, Number) and control.unit:
            assert control.unit in label
    assert "points" in explorer.controls["radius"].slider.description


def test_live_chart_has_title_description_and_named_data(explorer):
    spec = explorer.chart.spec
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    assert title and spec["description"]
    assert set(explorer.chart.datasets) == {"curves", "current", "cdf", "radius"}


@functools.lru_cache(maxsize=1)
def _bundle():
    bundle = tw.takeoff_kernel_free()._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


def test_kernel_free_chart_is_small_bound_and_covers_the_sliders():
    bundle = _bundle()
    assert V5 in bundle
    assert len(json.dumps(bundle)) <= 300_000
    spec = bundle[V5]
    params = {p["name"]: p for p in spec["params"]}
    assert {"tail", "radius"} <= set(params) and all("bind" in p for p in params.values())
    rows = next(iter(spec["datasets"].values()))
    for name in ("tail", "radius"):
        b = params[name]["bind"]
        n = round((b["max"] - b["min"]) / b["step"]) + 1
        expected = {round(b["min"] + i * b["step"], 4) for i in range(n)}
        assert {round(r[name], 4) for r in rows} == expected, name
    gens = sorted(int(k[1:]) for k in rows[0] if re.fullmatch(r"g\d+", k))
    assert gens == list(range(1, 31))
    row = next(r for r in rows if r["tail"] == 1.5 and r["radius"] == 6)
    assert row["g12"] == pytest.approx(takeoff.p_all_aligned(12, radius=6, tail=1.5), abs=1e-4)


def test_kernel_free_label_follows_the_sliders():
    vlc = pytest.importorskip("vl_convert")
    spec = copy.deepcopy(_bundle()[V5])
    for p in spec["params"]:
        p["value"] = {"tail": 0.7, "radius": 4}[p["name"]]
    svg = vlc.vegalite_to_svg(spec, vl_version="5.21")
    p30 = takeoff.p_all_aligned(30, radius=4, tail=0.7)
    assert f"after 30: {p30:.1%}" in svg
