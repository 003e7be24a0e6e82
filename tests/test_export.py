"""Tests for alignlessons.export: standalone HTML that works offline.

The Vega JavaScript bundle is built once per test session by vl-convert (a few seconds), so
the synthetic notebook is exported once per module and inspected by several tests.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

import alignlessons.charts as charts
from alignlessons import export, quiz

ROOT = Path(__file__).resolve().parents[1]
V5_MIME = "application/vnd.vegalite.v5+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MODEL_ID = "feedface0000model0000id0000marker"
WIDGET_STATE_MARKER = "widget-state-marker-that-must-not-be-exported"
MARKDOWN_MARKER = "Markdown marker: offline exports & friends"
EVIL = "Values rose </script><script>window.pwned = 1</script> </SCRIPT >"

# --- parsing the page --------------------------------------------------------------------------
RESOURCE_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "track": ("src",),
}
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)
CSS_REFS = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)|url\(\s*['"]?([^'")\s]+)""", re.I)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.ids: dict[str, dict] = {}
        self._open: tuple[str, dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in RESOURCE_ATTRS.get(tag, ()):
            if attrs.get(name):
                self.resources.append((tag, name, attrs[name]))
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        if "id" in attrs:
            self.ids[attrs["id"]] = {"tag": tag, **attrs}
        if tag in ("script", "style"):
            self._open = (tag, attrs, [])

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            kind, attrs, parts = self._open
            (self.scripts.append((attrs, "".join(parts))) if kind == "script" else self.styles.append("".join(parts)))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[2].append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def remote_references(page: str) -> list[str]:
    parsed = parse(page)
    refs = [f"<{tag} {attr}={value}>" for tag, attr, value in parsed.resources if REMOTE.match(value)]
    for css in parsed.styles:
        for imported, url in CSS_REFS.findall(css):
            ref = imported or url
            if REMOTE.match(ref):
                refs.append(f"css {ref}")
    return refs


def chart_calls(page: str) -> list[tuple[str, dict, str]]:
    """(element id, decoded spec, text after the spec) for each vegaEmbed call on the page."""
    calls = []
    for _, code in parse(page).scripts:
        code = code.strip()
        m = re.match(r'vegaEmbed\("#([\w-]+)", ', code)
        if not m:
            continue
        spec, end = json.JSONDecoder().raw_decode(code, m.end())
        calls.append((m.group(1), spec, code[end:]))
    return calls


def test_the_remote_reference_check_can_fail():
    page = (
        '<html><head><script src="https://cdn.example/require.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/x.css">'
        '<style>@import url("http://fonts.example/y.css"); .a{background:url(data:image/png;base64,AA)}'
        '</style></head><body><img src="local.png"><a href="https://example.org">link</a>'
        "<script>var s = \"<img src='https://not-a-tag.example'>\";</script></body></html>"
    )
    refs = remote_references(page)
    assert len(refs) == 3, refs
    assert any("require.js" in r for r in refs) and any("fonts.example/x.css" in r for r in refs)
    assert any("y.css" in r for r in refs)


# --- a small notebook ---------------------------------------------------------------------------
def make_chart(title, description):
    data = pd.DataFrame({"x": ["a", "b", "c"], "y": [1, 3, 2]})
    return charts.finish(
        alt.Chart(data).mark_bar().encode(x="x:N", y="y:Q", tooltip=["x", "y"]), title=title, description=description
    )


def chart_output(chart, kind="execute_result"):
    bundle = chart._repr_mimebundle_()[0]
    if kind == "execute_result":
        return nbformat.v4.new_output("execute_result", data=bundle, execution_count=1)
    return nbformat.v4.new_output("display_data", data=bundle)


def write_notebook(path: Path, with_charts: bool = True) -> list[dict]:
    """Write the test notebook; return the chart specs it holds, in order."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# Heading\n\n{MARKDOWN_MARKER}"))
    specs = []
    if with_charts:
        first = make_chart("Middle value is highest", "Bars for a, b, c: 1, 3 and 2.")
        second = make_chart(EVIL, f"Description with {EVIL} inside.")
        for chart, kind in ((first, "execute_result"), (second, "display_data")):
            output = chart_output(chart, kind)
            specs.append(output["data"][V5_MIME])
            nb.cells.append(nbformat.v4.new_code_cell("chart", outputs=[output]))
    q = quiz.multiple_choice("Quiz question marker?", {"yes": "fine", "no": "fine too"}, answer="yes")
    widget_view = {
        "text/plain": "VBox(children=(...))",
        WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": MODEL_ID},
    }
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "quiz",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"text/html": q.static_html(), "text/plain": q.static_text()}
                ),
                nbformat.v4.new_output("display_data", data=widget_view),
            ],
        )
    )
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                MODEL_ID: {
                    "model_name": "VBoxModel",
                    "model_module": "@jupyter-widgets/controls",
                    "model_module_version": "2.0.0",
                    "state": {"note": WIDGET_STATE_MARKER},
                }
            },
        }
    }
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return specs


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    source = folder / "lesson.ipynb"
    specs = write_notebook(source)
    before = source.read_bytes()
    out = folder / "html" / "lesson.html"
    result = export.export_notebook(source, out)
    return {
        "source": source,
        "source_bytes": before,
        "out": out,
        "result": result,
        "page": out.read_text(encoding="utf-8"),
        "specs": specs,
    }


def test_export_writes_the_page_atomically(exported):
    out = exported["out"]
    assert exported["result"] == out and out.is_file()
    assert sorted(p.name for p in out.parent.iterdir()) == ["lesson.html"]  # no leftover temp file
    assert exported["source"].read_bytes() == exported["source_bytes"]  # the notebook is untouched


def test_export_references_no_remote_resource(exported):
    assert remote_references(exported["page"]) == []


def test_export_inlines_the_vega_bundle_once_before_the_charts(exported):
    page = exported["page"]
    assert page.count("window.vegaEmbed=") == 1
    scripts = parse(page).scripts
    bundle = export._vega_bundle().strip()
    assert "</script" not in bundle.lower()
    holding = [i for i, (_, code) in enumerate(scripts) if code.strip() == bundle]
    assert len(holding) == 1  # inlined in full, exactly once
    calls = [i for i, (_, code) in enumerate(scripts) if code.strip().startswith("vegaEmbed(")]
    assert calls and holding[0] < min(calls)


def test_export_embeds_every_chart_with_its_spec(exported):
    page, specs = exported["page"], exported["specs"]
    calls = chart_calls(page)
    assert len(calls) == len(specs) == 2
    ids = [element for element, _, _ in calls]
    assert len(set(ids)) == 2
    parsed = parse(page)
    for (element, spec, rest), expected in zip(calls, specs):
        assert spec == expected
        assert rest.strip().endswith(").catch(console.error);")
        div = parsed.ids[element]
        assert div["tag"] == "div" and div["role"] == "img"
        assert div["aria-label"] == expected["description"]


def test_export_escapes_script_end_tags_in_specs(exported):
    page = exported["page"]
    parsed = parse(page)
    # The malicious title did not end a script early: no script holds the injected code...
    assert not any(code.strip().startswith("window.pwned") for _, code in parsed.scripts)
    # ...and the decoded spec still carries the title verbatim.
    titles = [spec["title"] for _, spec, _ in chart_calls(page)]
    assert EVIL in titles
    for _, code in parsed.scripts:
        assert "</script" not in code.lower()


def test_export_replaces_widgets_with_the_offline_note(exported):
    page = exported["page"]
    assert page.count("alignlessons-offline-note'>") + page.count('alignlessons-offline-note">') == 1
    assert "open this lesson in JupyterLab" in page
    assert MODEL_ID not in page
    assert WIDGET_STATE_MARKER not in page
    assert WIDGET_MIME not in page
    # The static self-check card stays.
    assert "Quiz question marker?" in page and "<details>" in page
    assert MARKDOWN_MARKER.replace("&", "&amp;") in page


def test_export_without_charts_does_not_inline_the_bundle(tmp_path):
    source = tmp_path / "plain.ipynb"
    write_notebook(source, with_charts=False)
    out = export.export_notebook(source, tmp_path / "plain.html")
    page = out.read_text(encoding="utf-8")
    assert "window.vegaEmbed=" not in page
    assert chart_calls(page) == []
    assert remote_references(page) == []
    assert "open this lesson in JupyterLab" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.html", "plain.ipynb"]


def test_export_replaces_an_earlier_page(tmp_path):
    source = tmp_path / "plain.ipynb"
    write_notebook(source, with_charts=False)
    out = tmp_path / "out.html"
    out.write_text("old page", encoding="utf-8")
    export.export_notebook(source, out)
    assert MARKDOWN_MARKER.replace("&", "&amp;") in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "plain.ipynb"]


def test_failed_write_keeps_the_earlier_page_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    source = tmp_path / "plain.ipynb"
    write_notebook(source, with_charts=False)
    out = tmp_path / "out.html"
    out.write_text("old page", encoding="utf-8")
    real_write_text = Path.write_text

    def half_then_fail(self, data, *args, **kwargs):
        real_write_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_fail)
    with pytest.raises(OSError):
        export.export_notebook(source, out)
    monkeypatch.undo()
    assert out.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "plain.ipynb"]


def test_prepare_counts_charts_and_drops_widget_state():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "c", outputs=[chart_output(make_chart("A", "B.")), chart_output(make_chart("C", "D."), "display_data")]
        )
    )
    nb.metadata["widgets"] = {"x": 1}
    prepared, count = export.prepare(nb)
    assert count == 2
    assert "widgets" not in prepared.metadata
    for out in prepared.cells[0].outputs:
        assert set(out["data"]) == {"text/html", "text/plain"}
        assert out["data"]["text/plain"].startswith("Chart: ")


def test_export_of_the_real_lesson_is_offline(tmp_path):
    lesson = ROOT / "lessons" / "00_start_here.ipynb"
    before = lesson.read_bytes()
    out = export.export_notebook(lesson, tmp_path / "00_start_here.html")
    page = out.read_text(encoding="utf-8")
    assert remote_references(page) == []
    nb = nbformat.read(lesson, as_version=4)
    n_charts = sum(V5_MIME in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert len(chart_calls(page)) == n_charts
    assert page.count("window.vegaEmbed=") == (1 if n_charts else 0)
    assert lesson.read_bytes() == before
