"""Charts render with no network: in JupyterLab (a stored notebook opened, closed and reopened
without running it) and in a standalone HTML export. Screenshots go to artifacts/browser/."""

from __future__ import annotations

import shutil

import pytest

from alignlessons.export import export_notebook
from tests.browser_support import ARTIFACTS, offline_page
from tests.helpers import ROOT, TOKEN, free_port, make_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = ROOT / "lessons" / "00_start_here.ipynb"
CHART = ".jp-RenderedVegaCommon5 svg, .jp-RenderedVegaCommon5 canvas"


def _open_and_find_chart(page, url):
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    chart = page.wait_for_selector(CHART, timeout=60_000, state="attached")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 80, f"chart has no size: {box}"
    return chart


def test_stored_chart_renders_in_jupyterlab_offline_and_after_reopening(tmp_path):
    shutil.copy(LESSON, tmp_path / LESSON.name)
    port = free_port()
    url = f"http://127.0.0.1:{port}/lab/tree/{LESSON.name}?token={TOKEN}"
    with make_lab(port, root_dir=tmp_path, log=tmp_path / "lab.log"):
        with offline_page() as (page, blocked):
            chart = _open_and_find_chart(page, url)
            chart.screenshot(path=str(ARTIFACTS / "lesson00-chart-jupyterlab.png"))
            # Close the notebook and reopen it in a fresh page load, without running anything.
            page.goto(f"http://127.0.0.1:{port}/lab/tree?token={TOKEN}")
            page.wait_for_selector(".jp-DirListing", timeout=60_000)
            chart = _open_and_find_chart(page, url)
            chart.screenshot(path=str(ARTIFACTS / "lesson00-chart-reopened.png"))
            text = page.inner_text(".jp-Notebook")
            assert "Error displaying" not in text.split("Record your starting beliefs")[0]
    # Whatever JupyterLab tried to fetch elsewhere, nothing the chart needs came from the network.
    assert not [u for u in blocked if "vega" in u.lower()], blocked


def test_html_export_renders_offline(tmp_path):
    html = export_notebook(LESSON, tmp_path / "00_start_here.html")
    with offline_page() as (page, blocked):
        page.goto(html.as_uri())
        chart = page.wait_for_selector(".alignlessons-chart svg", timeout=30_000)
        box = chart.bounding_box()
        assert box and box["width"] > 200, box
        chart.screenshot(path=str(ARTIFACTS / "lesson00-chart-html-export.png"))
        page.screenshot(path=str(ARTIFACTS / "lesson00-html-export.png"), full_page=False)
        assert "Self-check" in page.inner_text("body")
    assert blocked == [], f"the export tried to load remote resources: {blocked}"
