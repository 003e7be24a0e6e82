"""The research-balance explorer and its kernel-free chart."""

from __future__ import annotations

import json

import numpy as np
import pytest

from alignlessons.models import research
from alignlessons.widgets._base import Number
from alignlessons.widgets.research import ResearchExplorer, research_explorer, research_kernel_free
from tests.widgets._fixtures import bound_params, explorer_fixtures, state

UNIFORM = "Uniform 3× assistant (the critique's point)"


_shared, e, kernel_free = explorer_fixtures(research_explorer, research_kernel_free)
_state = state


def test_default_is_openai_with_a_uniform_3x_assistant(e):
    text = e.sentence_html.value
    assert "100 capabilities and 30 alignment researchers" in text
    assert f"{30 / 100:.2f}" in text and "30%" in text and "never catches up" in text
    assert e.controls["alignment_multiplier"].slider.disabled


def test_uniform_preset_leaves_the_balance_unchanged_at_every_date(e):
    e.preset.value = UNIFORM
    assert e.message_html.value == ""
    balances = [r["balance"] for r in e.chart.datasets["balance"]]
    assert balances == pytest.approx([0.3] * len(balances))
    assert "never changes the balance" in e.sentence_html.value
    # the assistant still speeds both fields up: progress at year 30 is larger than without it
    rows = e.chart.datasets["progress"]
    end = {(r["field"], r["path"]): r["progress"] for r in rows if r["year"] == 30}
    assert end[("capabilities", "with the assistant")] == pytest.approx(100 * (5 + 3 * 25))
    assert end[("capabilities", "without an assistant")] == pytest.approx(100 * 30)
    assert end[("alignment", "with the assistant")] == pytest.approx(30 * (5 + 3 * 25))


def test_no_speed_up_shows_no_arrival(e):
    e.set(multiplier=1.0)
    assert "no speed-up" in e.sentence_html.value
    assert e.chart.datasets["events"] == []
    e.set(assistant="differential", alignment_multiplier=2.0)
    assert "only alignment work (2×)" in e.sentence_html.value
    assert [r["event"] for r in e.chart.datasets["events"]] == ["assistant"]


def test_differential_assistant_catches_up_in_the_models_year(e):
    before = _state(e)
    e.set(assistant="differential", alignment_multiplier=15.0)
    assert _state(e) != before
    assert not e.controls["alignment_multiplier"].slider.disabled
    year = 5 + 5 * (100 - 30) / (30 * 15 - 100 * 3)  # A = C: 30 (5 + 15 s) = 100 (5 + 3 s)
    assert research.catch_up_year(alignment_multiplier=15.0) == pytest.approx(year)
    assert f"in year {year:.1f}" in e.sentence_html.value
    events = {r["event"]: r["year"] for r in e.chart.datasets["events"]}
    assert events == pytest.approx({"assistant": 5.0, "catch-up": year})
    rows = e.chart.datasets["balance"]
    expected = research.balance([r["year"] for r in rows], alignment_multiplier=15.0)
    assert [r["balance"] for r in rows] == pytest.approx(list(expected), abs=1e-5)


def test_required_ratio_and_headcounts_change_the_verdict(e):
    e.set(capabilities_researchers=100, alignment_researchers=100)
    assert "from the start" in e.sentence_html.value
    e.set(required_ratio=2.0)
    assert "never catches up" in e.sentence_html.value
    assert e.chart.datasets["required"][0]["balance"] == 2.0


def test_late_catch_up_is_reported_beyond_the_chart():
    e = research_explorer(assistant="differential", alignment_multiplier=4.0, multiplier=1.0, assistant_year=20.0)
    # A/C after the assistant: 30 (20 + 4 s) / (100 (20 + s)) = 1  =>  s = 1400 / 20 = 70
    assert "year 90.0" in e.sentence_html.value and "beyond the chart" in e.sentence_html.value
    assert [r["event"] for r in e.chart.datasets["events"]] == ["assistant"]


def test_every_preset_applies_cleanly(e):
    seen = set()
    for name in ResearchExplorer.presets:
        e.preset.value = name
        assert e.message_html.value == "", name
        assert all(e.values()[k] == v for k, v in e.presets[name].items()), name
        seen.add(e.sentence_html.value)
    assert len(seen) == len(e.presets)


BAD_VALUES = [
    ("capabilities_researchers", 0),
    ("alignment_researchers", 5000),
    ("multiplier", 0.5),
    ("assistant_year", 40.0),
    ("required_ratio", 0.0),
]


def test_typed_out_of_range_value_shows_message_and_keeps_chart(e):
    for key, bad in BAD_VALUES:
        e.message_html.value = ""
        before = _state(e)
        e.controls[key].text.value = bad
        assert e.message_html.value != "", key
        assert _state(e) == before


def test_controls_are_labelled_with_units(e):
    for key, control in e.controls.items():
        desc = control.slider.description if isinstance(control, Number) else control.description
        assert desc.strip(), key
        if isinstance(control, Number):
            assert control.unit and control.unit in desc


def test_live_chart_has_title_and_description(e):
    spec = e.chart.spec
    assert spec["title"]["text"] and spec["description"]
    assert set(spec["datasets"]) == {"progress", "balance", "events", "required"}


def test_kernel_free_chart_is_small_interactive_and_covers_its_sliders(kernel_free):
    _, bundle = kernel_free
    assert "application/vnd.vegalite.v5+json" in bundle
    spec = bundle["application/vnd.vegalite.v5+json"]
    assert len(json.dumps(bundle)) <= 300_000
    assert spec["title"]["text"] and spec["description"]
    binds = bound_params(spec)
    assert set(binds) == {"multiplier", "alignment_multiplier"}
    rows = max(spec["datasets"].values(), key=len)
    for name, column in (("multiplier", "mc"), ("alignment_multiplier", "ma")):
        b = binds[name]
        grid = np.round(np.arange(b["min"], b["max"] + 1e-9, b["step"]), 4)
        assert {r[column] for r in rows} == set(grid)
    assert min(r["t"] for r in rows) == 0 and max(r["t"] for r in rows) == 30
    row = next(r for r in rows if r["mc"] == 3 and r["ma"] == 3 and r["t"] == 30)
    assert row["b"] == pytest.approx(0.3) and row["c"] == pytest.approx(100 * (5 + 3 * 25))
