"""The unilateralist's-curse explorer and its kernel-free chart."""

from __future__ import annotations

import json
from statistics import NormalDist

import numpy as np
import pytest

from alignlessons.models import unilateralist
from alignlessons.widgets._base import Number
from alignlessons.widgets.unilateralist import UnilateralistExplorer, unilateralist_explorer, unilateralist_kernel_free
from tests.widgets._fixtures import bound_params, explorer_fixtures

PHI = NormalDist()


_shared, e, kernel_free = explorer_fixtures(unilateralist_explorer, unilateralist_kernel_free)


def _sentence(e) -> str:
    return e.sentence_html.value


def _rows(e, name):
    return e.chart.datasets[name]


def test_default_sentence_states_the_curse_and_the_conforming_threshold(e):
    assert isinstance(e, UnilateralistExplorer)
    # Independent arithmetic: 1 - 0.5**5 and Phi^-1(0.5**(1/5)).
    assert f"{1 - 0.5**5:.0%}" == "97%"
    tc = PHI.inv_cdf(0.5 ** (1 / 5))
    text = _sentence(e)
    assert "97%" in text and f"{tc:.2f}" in text and "back to 50%" in text
    assert "5 agents" in text and "σ = 1.0" in text


def test_set_changes_sentence_and_datasets_to_the_models_numbers(e):
    before = (_sentence(e), json.dumps(e.chart.datasets, sort_keys=True))
    e.set(n_agents=12, true_value=-1.0, noise_sd=0.5, threshold=0.2)
    assert (_sentence(e), json.dumps(e.chart.datasets, sort_keys=True)) != before
    p = unilateralist.p_happens(12, -1.0, noise_sd=0.5, threshold=0.2)
    # independent check of the model's number: 1 - Phi((T - V)/sigma)**N
    assert p == pytest.approx(1 - PHI.cdf((0.2 + 1.0) / 0.5) ** 12, rel=1e-9)
    tc = unilateralist.conforming_threshold(12, noise_sd=0.5)
    assert f"{p:.0%}" in _sentence(e) and f"{tc:.2f}" in _sentence(e)
    current = {r["policy"]: r for r in _rows(e, "current")}
    assert current["naive"]["p_happens"] == pytest.approx(p, abs=1e-5)
    assert current["conforming"]["p_happens"] == pytest.approx(
        unilateralist.p_happens(12, -1.0, noise_sd=0.5, threshold=tc), abs=1e-5
    )
    thresholds = {r["policy"]: r["threshold"] for r in _rows(e, "thresholds")}
    assert thresholds == pytest.approx({"naive": 0.2, "conforming": tc}, abs=1e-5)
    curves = _rows(e, "curves")
    for row in curves[::37]:
        t = 0.2 if row["policy"] == "naive" else tc
        assert row["p_happens"] == pytest.approx(
            unilateralist.p_happens(12, row["true_value"], noise_sd=0.5, threshold=t), abs=1e-5
        )
    assert {r["policy"] for r in curves} == {"naive", "conforming"}


def test_block_mode_lowers_the_veto_threshold():
    e = unilateralist_explorer(mode="block", n_agents=10, true_value=1.0)
    p = PHI.cdf(1.0) ** 10  # nobody of 10 sees an estimate below 0
    tc = -PHI.inv_cdf(0.5 ** (1 / 10))
    text = _sentence(e)
    assert "veto" in text and f"{p:.0%}" in text and f"{tc:.2f}" in text and "lowering" in text


def test_single_agent_needs_no_change(e):
    e.set(n_agents=1)
    assert "1 agent acting" in _sentence(e) and "same threshold (0.00)" in _sentence(e)


def test_every_preset_applies_cleanly(e):
    seen = set()
    for name in UnilateralistExplorer.presets:
        e.preset.value = name
        assert e.message_html.value == "", name
        assert all(e.values()[k] == v for k, v in e.presets[name].items()), name
        seen.add(e.sentence_html.value)
    assert len(seen) == len(e.presets)


BAD_VALUES = [("n_agents", 50), ("noise_sd", 0.0), ("true_value", 9.0), ("threshold", -7.5)]


def test_typed_out_of_range_value_shows_message_and_keeps_chart(e):
    for key, bad in BAD_VALUES:
        e.message_html.value = ""
        data, text = json.dumps(e.chart.datasets, sort_keys=True), _sentence(e)
        e.controls[key].text.value = bad
        assert e.message_html.value != "", key
        assert json.dumps(e.chart.datasets, sort_keys=True) == data and _sentence(e) == text


def test_controls_are_labelled_with_units(e):
    for key, control in e.controls.items():
        desc = control.slider.description if isinstance(control, Number) else control.description
        assert desc.strip(), key
        if isinstance(control, Number) and control.unit:
            assert control.unit in desc


def test_unknown_initial_setting_is_refused():
    with pytest.raises(ValueError, match="unknown setting"):
        unilateralist_explorer(agents=3)


def test_live_chart_has_title_and_description(e):
    spec = e.chart.spec
    assert spec["title"]["text"] and spec["description"]
    assert set(spec["datasets"]) == {"curves", "current", "thresholds"}


def test_kernel_free_chart_is_small_interactive_and_covers_its_sliders(kernel_free):
    chart, bundle = kernel_free
    assert "application/vnd.vegalite.v5+json" in bundle
    spec = bundle["application/vnd.vegalite.v5+json"]
    assert len(json.dumps(bundle)) <= 300_000
    binds = bound_params(spec)
    assert set(binds) == {"agents", "noise"}
    assert spec["title"]["text"] and spec["description"]
    rows = max(spec["datasets"].values(), key=len)
    ns = {r["n"] for r in rows}
    b = binds["agents"]
    assert ns == set(range(b["min"], b["max"] + 1))
    b = binds["noise"]
    sds = np.round(np.arange(b["min"], b["max"] + 1e-9, b["step"]), 4)
    assert {r["s"] for r in rows} == set(sds)
    # conforming threshold per slider setting, for the rule; and the probabilities are the model's
    (thr,) = [d for d in spec["datasets"].values() if d and "t" in d[0]]
    assert len(thr) == len(ns) * len(sds)
    row = next(r for r in rows if r["n"] == 5 and r["s"] == 1.0 and r["v"] == 0.0)
    assert row["naive"] == pytest.approx(1 - 0.5**5, abs=1e-4)
    assert row["conforming"] == pytest.approx(0.5, abs=1e-4)
