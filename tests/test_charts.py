"""Tests for alignlessons.charts: theme, offline renderer, finish() and documents_timeline()."""

from __future__ import annotations

import copy
import json
import re

import altair as alt
import nbformat
import pandas as pd
import pytest

import alignlessons.charts as charts
from alignlessons.charts import render, theme

V5_MIME = "application/vnd.vegalite.v5+json"
V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def bar_chart(title="Most values rose", description="Bars show two values: 3 and 4.", **kw):
    data = pd.DataFrame({"x": ["a", "b"], "y": [3, 4]})
    chart = alt.Chart(data).mark_bar().encode(x="x:N", y="y:Q")
    return charts.finish(chart, title=title, description=description, **kw)


def bundle_of(chart):
    result = chart._repr_mimebundle_()
    data = result[0] if isinstance(result, tuple) else result
    return data


SOURCES = pd.DataFrame(
    {
        "doc": ["c", "a", "b", "d"],
        "title": [
            "Third document",
            "A first document with a very long title that must be cut short",
            "Second <document> & more",
            "Fourth",
        ],
        "author": ["Carol", "Alice", "Bob", "Alice"],
        "date": ["2023-02-14", "2021-11-30", "2022-08-01", "2023-02-28"],
        "venue": ["x", "y", "z", "w"],
    }
)


# --- registration ---------------------------------------------------------------------------
def test_import_enables_renderer_and_theme():
    assert alt.renderers.active == "alignlessons"
    assert alt.theme.active == "alignlessons"


def test_enable_is_idempotent_and_restores_the_course_settings():
    alt.renderers.enable("default")
    alt.theme.enable("default")
    try:
        charts.enable()
        charts.enable()
    finally:
        charts.enable()
    assert alt.renderers.active == "alignlessons"
    assert alt.theme.active == "alignlessons"
    assert list(alt.renderers.names()).count("alignlessons") == 1


def test_palette_has_eight_distinct_hex_colours():
    palette = charts.PALETTE
    assert len(palette) == 8
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in palette)
    assert len({c.lower() for c in palette}) == 8
    assert theme.theme()["config"]["range"]["category"] == palette


def test_charts_carry_the_theme():
    spec = bundle_of(bar_chart())[V5_MIME]
    assert spec["config"]["range"]["category"] == charts.PALETTE


# --- the mime bundle ----------------------------------------------------------------------------
def test_bundle_has_exactly_vegalite_v5_and_text():
    bundle = bundle_of(bar_chart())
    assert set(bundle) == {V5_MIME, "text/plain"}
    assert bundle[V5_MIME]["$schema"] == V5_SCHEMA


def test_bundle_spec_is_the_chart_spec_apart_from_schema():
    chart = bar_chart()
    spec = dict(bundle_of(chart)[V5_MIME])
    expected = chart.to_dict()
    spec.pop("$schema")
    expected.pop("$schema")
    assert spec == expected
    assert spec["title"] == "Most values rose"
    assert spec["description"] == "Bars show two values: 3 and 4."


def test_bundle_is_deterministic():
    first = bundle_of(bar_chart())
    second = bundle_of(bar_chart())  # an independently built, identical chart
    again = bundle_of(bar_chart())
    assert first == second == again
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    timeline = [json.dumps(bundle_of(charts.documents_timeline(SOURCES)), sort_keys=True) for _ in range(2)]
    assert timeline[0] == timeline[1]


def test_bundle_does_not_change_the_chart():
    chart = bar_chart()
    before = copy.deepcopy(chart.to_dict())
    bundle_of(chart)
    assert chart.to_dict() == before


@pytest.mark.parametrize(
    "title,description,subtitle,expected",
    [
        ("Most values rose", "Bars show two values.", None, "Chart: Most values rose. Bars show two values."),
        ("Most values rose.", "Bars show two values", None, "Chart: Most values rose. Bars show two values."),
        ("Rose", "Bars.", "from 2020 to 2024", "Chart: Rose — from 2020 to 2024. Bars."),
    ],
)
def test_text_plain_is_title_and_description(title, description, subtitle, expected):
    bundle = bundle_of(bar_chart(title, description, subtitle=subtitle))
    assert bundle["text/plain"] == expected


def test_text_plain_of_an_untitled_chart():
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    assert bundle_of(chart)["text/plain"] == "Chart: (untitled)"


def test_bundle_is_a_valid_notebook_output():
    bundle = bundle_of(charts.documents_timeline(SOURCES))
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "charts.documents_timeline(sources)", outputs=[nbformat.v4.new_output("display_data", data=bundle)]
        )
    )
    nbformat.validate(nb)
    # Round trip through JSON: what is written is what is read.
    again = nbformat.reads(nbformat.writes(nb), as_version=4)
    assert again.cells[0].outputs[0]["data"][V5_MIME] == bundle[V5_MIME]


def test_nbformat_check_is_strict_enough_to_catch_a_bad_mime_type():
    # The reason for the v5 renderer: a JSON spec under a non-"+json" mime key is invalid.
    bundle = bundle_of(bar_chart())
    good = nbformat.v4.new_notebook()
    good.cells.append(nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("display_data", data=bundle)]))
    bad = json.loads(nbformat.writes(good))
    output = bad["cells"][0]["outputs"][0]
    output["data"] = {"application/vnd.vegalite.v6.json": output["data"][V5_MIME]}
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nbformat.from_dict(bad))


# --- finish() ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "title,description", [("", "d"), ("   ", "d"), (None, "d"), ("t", ""), ("t", " \n "), ("t", None)]
)
def test_finish_requires_title_and_description(title, description):
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point()
    with pytest.raises(ValueError):
        charts.finish(chart, title=title, description=description)


def test_finish_with_subtitle():
    spec = bar_chart("T", "D.", subtitle="S").to_dict()
    assert spec["title"] == {"text": "T", "subtitle": "S"}
    assert spec["description"] == "D."


# --- documents_timeline() ---------------------------------------------------------------------------
def _layers(spec):
    return spec.get("layer", [spec])


def test_timeline_title_counts_documents_and_months():
    spec = charts.documents_timeline(SOURCES).to_dict()
    dates = pd.to_datetime(SOURCES["date"])
    months = (dates.max().to_period("M") - dates.min().to_period("M")).n  # Nov 2021 to Feb 2023
    assert months == 15
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    numbers = [int(n) for n in re.findall(r"\d+", title)]
    assert numbers == [len(SOURCES), months]
    assert "November 2021" in spec["title"]["subtitle"] and "February 2023" in spec["title"]["subtitle"]


def test_timeline_has_a_tooltip_with_title_author_and_date():
    spec = charts.documents_timeline(SOURCES).to_dict()
    tooltips = [layer.get("encoding", {}).get("tooltip") for layer in _layers(spec)]
    tooltips = [t for t in tooltips if t] or [spec.get("encoding", {}).get("tooltip")]
    assert tooltips and all(tooltips)
    fields = {t["field"] for t in tooltips[0]}
    assert {"title", "author", "date"} <= fields


def test_timeline_description_mentions_every_document():
    spec = charts.documents_timeline(SOURCES).to_dict()
    description = spec["description"]
    for row in SOURCES.itertuples():
        assert row.title in description  # in full, even when the label is shortened
        assert row.author in description
    assert str(len(SOURCES)) in description


def test_timeline_data_is_in_date_order_and_labels_are_short():
    spec = charts.documents_timeline(SOURCES).to_dict()
    (rows,) = spec["datasets"].values()
    assert [r["doc"] for r in rows] == ["a", "b", "c", "d"]
    assert [r["row"] for r in rows] == [0, 1, 2, 3]
    assert [r["date"] for r in rows] == sorted(SOURCES["date"])
    for r in rows:
        assert len(r["label"]) <= len(r["author"]) + 2 + 38
    long = next(r for r in rows if r["doc"] == "a")
    assert long["label"].endswith("…")


def test_timeline_does_not_change_its_input():
    before = SOURCES.copy(deep=True)
    charts.documents_timeline(SOURCES)
    pd.testing.assert_frame_equal(SOURCES, before)


@pytest.mark.parametrize("drop", ["doc", "title", "author", "date"])
def test_timeline_missing_columns(drop):
    with pytest.raises(ValueError, match=drop):
        charts.documents_timeline(SOURCES.drop(columns=[drop]))


def test_render_alt_text_helper_matches_bundle():
    chart = bar_chart()
    assert render.alt_text(chart.to_dict()) == bundle_of(chart)["text/plain"]


def test_annotation_kinds_chart_counts_and_lists_silent_groups():
    frame = pd.DataFrame({"claim_group": ["a", "a", "b"], "kind": ["question", "irony", "question"]})
    chart = charts.annotation_kinds(frame, claim_groups=["a", "b", "c"], kinds=["question", "irony"])
    spec = chart.to_dict()
    assert spec["title"]["text"].startswith("Question is the annotator's most common response (2 of 3 notes)")
    assert "No notes: c." in spec["description"]
    with pytest.raises(ValueError, match="missing columns"):
        charts.annotation_kinds(frame.drop(columns="kind"), claim_groups=["a"], kinds=["question"])


def test_plans_coverage_chart_places_each_step_in_its_rating_and_validates():
    import pandas as pd
    import pytest

    from alignlessons.charts import plans as plan_charts

    table = pd.DataFrame({"step": [1, 2], "name": ["A", "B"], "coverage": ["unclear", "adequate"]})
    spec = plan_charts.coverage_chart(table, title="t", description="d").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["label"], r["coverage"]) for r in rows] == [("1. A", "unclear"), ("2. B", "adequate")]
    assert spec["description"] == "d"
    with pytest.raises(ValueError, match="coverage must be one of"):
        plan_charts.coverage_chart(table.assign(coverage=["good", "adequate"]), title="t", description="d")
    with pytest.raises(ValueError, match="missing"):
        plan_charts.coverage_chart(table.drop(columns="coverage"), title="t", description="d")


# --------------------------------------------------------------------------------------
# deployment.phase_chart (lesson 04)
# --------------------------------------------------------------------------------------


def _phase_chart(aligned=14.0, handled=40.0, horizon=60.0, ends=None):
    from alignlessons.charts import deployment as deployment_charts
    from alignlessons.models import deployment

    timeline = deployment.phase_timeline(aligned_tai_month=aligned, risk_handled_month=handled, horizon_months=horizon)
    risks = {1: "risk one", 2: "risk two", 3: "risk three"}
    return timeline, deployment_charts.phase_chart(
        timeline, main_risk=risks, ends=ends, title="Three phases", description="A bar per phase."
    )


def test_phase_chart_has_a_bar_per_phase_with_its_risk_and_months():
    timeline, chart = _phase_chart()
    spec = chart.to_dict()
    rows = next(rows for rows in spec["datasets"].values() if rows and "risk" in rows[0])
    assert [r["phase"] for r in rows] == list(timeline["phase"])
    assert [r["risk"] for r in rows] == ["risk one", "risk two", "risk three"]
    assert [(r["start_month"], r["end_month"]) for r in rows] == [(0.0, 14.0), (14.0, 40.0), (40.0, 60.0)]
    assert spec["title"] == "Three phases" and spec["description"] == "A bar per phase."


def test_phase_chart_marks_only_ends_inside_the_horizon():
    _, chart = _phase_chart(ends={1: "first ends", 2: "second ends", 3: "never shown"})
    spec = chart.to_dict()
    texts = [row for name, rows in spec["datasets"].items() for row in rows if "text" in row]
    assert [(r["end_month"], r["text"]) for r in texts] == [(14.0, "first ends"), (40.0, "second ends")]
    _, short = _phase_chart(aligned=14.0, handled=None)
    assert len(short.to_dict()["layer"]) == 3  # no ends given: bars and two text layers only


def test_phase_chart_needs_a_risk_for_every_phase():
    from alignlessons.charts import deployment as deployment_charts
    from alignlessons.models import deployment

    timeline = deployment.phase_timeline(aligned_tai_month=10, risk_handled_month=20)
    with pytest.raises(ValueError, match="missing \\[3\\]"):
        deployment_charts.phase_chart(timeline, main_risk={1: "a", 2: "b"}, title="t", description="d")
    with pytest.raises(ValueError, match="missing columns"):
        deployment_charts.phase_chart(
            timeline.drop(columns="condition"), main_risk={1: "a", 2: "b", 3: "c"}, title="t", description="d"
        )
