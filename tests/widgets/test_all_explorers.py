"""Properties every registered explorer must have (new explorers are covered automatically)."""

from __future__ import annotations

import json

import ipywidgets as w
import pytest

from alignlessons.widgets import EXPLORERS
from alignlessons.widgets._base import Choice, Explorer, Number

NAMES = sorted(EXPLORERS)


@pytest.fixture(scope="module")
def explorers():
    return {name: EXPLORERS[name][0]() for name in NAMES}


def test_every_model_has_an_explorer():
    for model in (
        "racing",
        "unilateralist",
        "plans",
        "research",
        "takeoff",
        "transition",
        "deployment",
        "offense_defense",
        "evidence",
    ):
        assert model in EXPLORERS


@pytest.mark.parametrize("name", NAMES)
def test_explorer_basics(name, explorers):
    e = explorers[name]
    assert isinstance(e, Explorer)
    assert e.title and e.presets, "an explorer needs a title and named presets"
    assert e.sentence_html.value and not e.message_html.value
    spec = e.chart.spec
    assert spec.get("title") and spec.get("description"), "the chart needs a takeaway title and alt text"
    assert spec["$schema"].endswith("/v5.json")
    for key, control in e.controls.items():
        assert isinstance(control, (Number, Choice, w.Dropdown, w.ToggleButtons, w.IntSlider, w.FloatSlider)), key
        label = control.slider.description if isinstance(control, Number) else control.description
        assert label.strip(), f"control {key} has no label"


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_applies_cleanly_and_moves_the_sentence(name, explorers):
    e = explorers[name]
    seen = set()
    for preset, values in e.presets.items():
        e.set(**values)
        assert not e.message_html.value, f"preset {preset!r} gives a message: {e.message_html.value}"
        seen.add(e.sentence_html.value)
    assert len(seen) == len(e.presets), "different presets should say different things"


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_typed_value_keeps_the_last_good_chart(name, explorers):
    e = explorers[name]
    numbers = {k: c for k, c in e.controls.items() if isinstance(c, Number)}
    if not numbers:
        pytest.skip("no numeric controls")
    key, control = next(iter(numbers.items()))
    before_data, before_sentence = json.dumps(e.chart.datasets, sort_keys=True), e.sentence_html.value
    control.text.value = control.max + 1000
    assert "must be between" in e.message_html.value
    assert json.dumps(e.chart.datasets, sort_keys=True) == before_data
    assert e.sentence_html.value == before_sentence
    assert control.value <= control.max


@pytest.mark.parametrize("name", NAMES)
def test_kernel_free_chart_is_interactive_and_small(name):
    chart = EXPLORERS[name][1]()
    bundle = chart._repr_mimebundle_()[0]
    spec = bundle["application/vnd.vegalite.v5+json"]
    text = json.dumps(spec)
    assert len(text) <= 300_000, f"{name}: {len(text)} bytes"
    assert '"bind"' in text, "kernel-free charts need controls bound to Vega-Lite parameters"
    assert spec.get("description")
