"""The course site's staging step (no Sphinx, no browser): outputs rewritten for a static page,
widgets replaced, charts given a name and a data table, the right notebooks staged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from alignlessons import content
from alignlessons.charts.render import MIME_TYPE, to_v5
from alignlessons.site import SiteBuild, stage
from alignlessons.site.prepare import TABLE_ROWS, WIDGET_MIME, chart_html, prepare_notebook
from tests.helpers import ROOT


def _spec(rows: int, *, bound: bool = False) -> dict:
    frame = pd.DataFrame({"x": range(rows), "y": [i * 0.5 for i in range(rows)], "label": ["</script><b>"] * rows})
    chart = alt.Chart(frame).mark_line().encode(x="x", y="y")
    if bound:
        chart = chart.add_params(alt.param(name="k", value=1, bind=alt.binding_range(min=0, max=3, step=1, name="k ")))
    return to_v5(chart.properties(title="A title", description="Line of y against x.").to_dict())


def _widget_output(text: str) -> dict:
    return nbformat.v4.new_output(
        "display_data",
        data={WIDGET_MIME: {"model_id": "abc", "version_major": 2, "version_minor": 0}, "text/plain": text},
    )


def test_chart_figure_is_named_by_its_description_with_a_table_and_every_row_in_csv():
    body, files = chart_html(_spec(TABLE_ROWS + 5), "p-chart-1", "../data/")
    assert "role='img' aria-label='Line of y against x.'" in body
    assert body.count("<tr>") == TABLE_ROWS + 1  # header + the rows shown
    assert f"The first {TABLE_ROWS} of {TABLE_ROWS + 5} rows" in body
    assert "</script><b>" not in body.split("<script type='application/json'")[0]  # data escaped in the table
    payload = body.split("class='alignlessons-chart-spec'>", 1)[1].rsplit("</script>", 1)[0]
    assert "</script" not in payload and json.loads(payload)["description"] == "Line of y against x."
    ((name, text),) = files.items()
    assert name == "p-chart-1-1.csv" and "href='../data/p-chart-1-1.csv'" in body
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == TABLE_ROWS + 5 and rows[-1]["x"] == str(TABLE_ROWS + 4)
    assert "alignlessons-chart-controls" not in body


def test_a_kernel_free_chart_gets_a_labelled_group_for_its_sliders():
    body, _ = chart_html(_spec(3, bound=True), "p-chart-2", "")
    assert "data-interactive='true'" in body and "role='group' aria-label='Sliders for the chart: A title'" in body


def test_widgets_become_notes_and_a_live_explorer_without_a_stored_twin_gets_one():
    nb = nbformat.v4.new_notebook()
    quiz = nbformat.v4.new_code_cell(
        "quiz.multiple_choice('Q?', {})",
        outputs=[
            nbformat.v4.new_output(
                "display_data",
                data={"text/html": "<div class='alignlessons-quiz'>Q?</div>", "text/plain": "Self-check. Q?"},
            ),
            _widget_output("(Answer box: run this cell with a kernel to check your answer.)"),
        ],
    )
    live = nbformat.v4.new_code_cell(
        "racing_explorer(n_teams=3)",
        outputs=[_widget_output("(Racing: an interactive explorer; run this cell with a kernel to use it.)")],
    )
    other = nbformat.v4.new_code_cell(
        "plans_explorer()",
        outputs=[_widget_output("(Plans: an interactive explorer; run this cell with a kernel to use it.)")],
    )
    stored = nbformat.v4.new_code_cell(
        "plans_kernel_free()",
        outputs=[nbformat.v4.new_output("display_data", data={MIME_TYPE: _spec(2, bound=True), "text/plain": "Chart"})],
    )
    nb.cells = [quiz, live, other, stored]
    nb.metadata["widgets"] = {"state": {}}
    calls = []
    twins = {
        "racing": lambda: (
            calls.append("racing")
            or alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a").properties(description="Twin chart.")
        ),
        "plans": lambda: calls.append("plans"),
    }
    done = prepare_notebook(nb, slug="t", data_prefix="", twins=twins)
    everything = json.dumps(nb)
    assert WIDGET_MIME not in everything and "widgets" not in nb.metadata
    assert quiz.outputs[0]["data"]["text/html"].startswith("<div class='alignlessons-quiz'>")
    assert "Answer box" in quiz.outputs[1]["data"]["text/html"]
    assert calls == ["racing"] and done.twins_added == ["racing"]  # plans' twin is stored: not redrawn
    assert "kernel-free version follows" in live.outputs[0]["data"]["text/html"]
    assert "aria-label='Twin chart.'" in live.outputs[1]["data"]["text/html"]
    assert "kernel-free version of this explorer is below" in other.outputs[0]["data"]["text/html"]
    assert done.charts == 2 and done.interactive_charts == 1


def test_staging_uses_stored_lessons_student_assignments_and_the_content_csvs(tmp_path):
    build = SiteBuild(out=tmp_path / "out", seconds=0)
    stage(tmp_path / "src", build)
    src = tmp_path / "src"
    lessons = sorted(p.name for p in (ROOT / "lessons").glob("*.ipynb"))
    assert sorted(p.name for p in (src / "lessons").glob("*.ipynb")) == lessons
    index = (src / "index.md").read_text()
    for name in lessons:
        assert f"lessons/{name}" in index
    glossary = (src / "glossary.md").read_text()
    for term in content.glossary()["term"]:
        assert term.replace("(", "").split()[0] in glossary
    assert all(row["url"] in (src / "sources.md").read_text() for row in content.sources().to_dict("records"))
    staged = "\n".join(p.read_text() for p in (src / "assignments").glob("*.ipynb"))
    assert "### BEGIN SOLUTION" not in staged and "BEGIN MARK SCHEME" not in staged
    assert (src / "_static" / "vega-bundle.js").stat().st_size > 100_000
    assert (src / "_static" / "mathjax" / "MathJax.js").exists()
    for nb_path in (src / "lessons").glob("*.ipynb"):
        assert WIDGET_MIME not in nb_path.read_text() and MIME_TYPE not in nb_path.read_text(), nb_path.name


def test_a_missing_lessons_folder_is_a_clear_error(tmp_path, monkeypatch):
    import alignlessons.site as site
    from alignlessons.tooling import ToolingError

    monkeypatch.setattr(site, "LESSONS", tmp_path / "nothing-here")
    with pytest.raises(ToolingError, match="no lessons found"):
        stage(tmp_path / "src", SiteBuild(out=tmp_path / "out", seconds=0))


def test_a_failed_sphinx_build_leaves_the_previous_site_as_it_was(tmp_path, monkeypatch):
    import sphinx.application

    import alignlessons.site as site
    from alignlessons.tooling import ToolingError

    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site")

    class FailingSphinx:
        def __init__(self, srcdir, confdir, outdir, doctreedir, buildername, *, warning, **kwargs):
            self.outdir, self.warning, self.statuscode = Path(outdir), warning, 0

        def build(self, force_all=False):
            self.outdir.mkdir(parents=True, exist_ok=True)
            (self.outdir / "index.html").write_text("half a site")
            self.warning.write("lessons/00.ipynb: ERROR: something broke\n")
            self.statuscode = 1

    monkeypatch.setattr(sphinx.application, "Sphinx", FailingSphinx)
    with pytest.raises(ToolingError, match="something broke"):
        site.build_site(out)
    assert (out / "index.html").read_text() == "the previous site"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_lesson_stores_the_kernel_free_twin_of_each_live_explorer(path):
    """The site draws a twin from the package only as a fallback: every lesson stores its own,
    so every chart on the site comes from stored outputs."""
    nb = nbformat.read(path, as_version=4)
    drawn = []
    twins = {name: (lambda name=name: drawn.append(name)) for name in _explorer_names()}
    done = prepare_notebook(nb, slug=path.stem, data_prefix="", twins=twins)
    assert done.twins_added == [] and drawn == [], f"{path.name}: add a cell calling the *_kernel_free() twin"


def _explorer_names() -> list[str]:
    from alignlessons.widgets import EXPLORERS

    return list(EXPLORERS)
