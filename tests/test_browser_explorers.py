"""Real-browser tests of the explorers: live (JupyterLab + kernel) and kernel-free (HTML export).
Screenshots go to artifacts/browser/."""

from __future__ import annotations

import pytest

from alignlessons.export import export_notebook
from alignlessons.tooling import execute_notebook
from tests.browser_support import ARTIFACTS, offline_page
from tests.helpers import TOKEN, free_port, make_lab, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_racing_explorer_responds_to_the_teams_slider(tmp_path):
    write_notebook(
        tmp_path / "racing.ipynb",
        "from alignlessons.widgets import racing_explorer\nexplorer = racing_explorer()\nexplorer",
    )
    port = free_port()
    with make_lab(port, root_dir=tmp_path, log=tmp_path / "lab.log", extra="--LabApp.expose_app_in_browser=True"):
        with offline_page() as (page, blocked):
            page.goto(f"http://127.0.0.1:{port}/lab/tree/racing.ipynb?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            page.wait_for_function(
                "window.jupyterapp && window.jupyterapp.shell.currentWidget "
                "&& window.jupyterapp.shell.currentWidget.sessionContext "
                "&& window.jupyterapp.shell.currentWidget.sessionContext.session",
                timeout=60_000,
            )
            page.wait_for_function(
                "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.connectionStatus === 'connected'",
                timeout=60_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            sentence = page.wait_for_selector("p[aria-live=polite]", timeout=90_000)
            page.wait_for_selector(".alignlessons-vega svg", timeout=60_000)
            page.wait_for_function(
                "document.querySelector('.alignlessons-vega').parentElement.dataset.updates >= 1", timeout=30_000
            )
            before_text = sentence.inner_text()
            before_svg = page.inner_html(".alignlessons-vega svg")
            page.screenshot(path=str(ARTIFACTS / "racing-explorer-before.png"), full_page=True)
            assert "With 5 teams" in before_text
            # Move the teams slider with the keyboard (two steps down).
            handle = page.locator(".widget-slider .noUi-handle").first
            handle.focus()
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            page.wait_for_function(
                "document.querySelector('p[aria-live=polite]').innerText.includes('With 3 teams')", timeout=30_000
            )
            after_text = page.inner_text("p[aria-live=polite]")
            assert "With 3 teams" in after_text, after_text
            page.wait_for_function(
                f"document.querySelector('.alignlessons-vega svg').innerHTML !== {before_svg!r}", timeout=30_000
            )
            page.screenshot(path=str(ARTIFACTS / "racing-explorer-after.png"), full_page=True)
            # A typed value outside the range: a message, and the last good chart stays.
            svg = page.inner_html(".alignlessons-vega svg")
            box = page.locator(".widget-text input").nth(1)
            box.fill("9")
            box.press("Enter")
            page.wait_for_selector("p[role=alert]", timeout=30_000)
            assert "must be between" in page.inner_text("p[role=alert]")
            assert page.inner_html(".alignlessons-vega svg") == svg
            assert "With 3 teams" in page.inner_text("p[aria-live=polite]")
    assert not [u for u in blocked if "vega" in u.lower()], blocked


def test_kernel_free_racing_chart_is_interactive_in_html_export(tmp_path):
    nb_path = write_notebook(
        tmp_path / "kf.ipynb", "from alignlessons.widgets import racing_kernel_free\nracing_kernel_free()"
    )
    import nbformat

    nb = execute_notebook(nb_path)
    nbformat.write(nb, nb_path)
    html = export_notebook(nb_path, tmp_path / "kf.html")
    with offline_page() as (page, blocked):
        page.goto(html.as_uri())
        page.wait_for_selector(".alignlessons-chart svg", timeout=30_000)
        slider = page.locator(".alignlessons-chart input[type=range]").first
        before = page.inner_html(".alignlessons-chart svg")
        page.screenshot(path=str(ARTIFACTS / "racing-kernel-free-before.png"))
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"document.querySelector('.alignlessons-chart svg').innerHTML !== {before!r}", timeout=30_000
        )
        page.screenshot(path=str(ARTIFACTS / "racing-kernel-free-after.png"))
    assert blocked == [], blocked
