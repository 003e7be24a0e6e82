"""`make lab` (the README's first command) serves the course on loopback only."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.helpers import TOKEN, free_port, make_lab

pytestmark = pytest.mark.slow


def test_make_lab_serves_the_course(tmp_path):
    port = free_port()
    log = tmp_path / "lab.log"
    with make_lab(port, log=log):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=10) as resp:
            page = resp.read().decode()
            assert resp.status == 200
        assert "JupyterLab" in page
        # The course's lessons are in the served tree.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/lessons?token={TOKEN}", timeout=10) as resp:
            names = {item["name"] for item in __import__("json").loads(resp.read())["content"]}
        assert "00_start_here.ipynb" in names
    text = log.read_text()
    assert f"http://127.0.0.1:{port}/" in text, text[-2000:]
    assert "0.0.0.0" not in text, "the course server must listen on loopback only"


# --- learner mode: no nbgrader authoring or grading UI in `make lab` -----------------------------
NBGRADER_UI = (
    "Nbgrader",
    "Formgrader",
    "Create Assignment",
    "Create assignment",
    "Validate",
    "Course List",
    "Courses",
    "Assignment List",
)
ASSIGNMENT = "assignments/00_start_here/00_start_here.ipynb"


def _nbgrader_ui_in_lab(page, port: int, shot: str, notebook: str = ASSIGNMENT) -> dict:
    """Open an assignment notebook in JupyterLab and report which nbgrader UI is on screen:
    menu-bar entries, toolbar buttons, side-panel tabs, and the commands of the palette."""
    from tests.browser_support import ARTIFACTS

    page.goto(f"http://127.0.0.1:{port}/lab/tree/{notebook}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_selector(".jp-NotebookPanel-toolbar", timeout=30_000)
    page.wait_for_timeout(1500)  # late plug-ins add their buttons after the notebook opens
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    toolbar = page.locator(".jp-NotebookPanel-toolbar").inner_text()
    tabs = page.locator(".lm-TabBar-tab").evaluate_all(
        "els => els.map(e => (e.getAttribute('title') || '') + ' ' + e.innerText)"
    )
    page.keyboard.press("Control+Shift+C")  # the command palette lists every registered command
    page.wait_for_selector(".jp-ModalCommandPalette .lm-CommandPalette-content", timeout=10_000)
    palette = page.locator(".jp-ModalCommandPalette .lm-CommandPalette-content").inner_text()
    page.keyboard.press("Escape")
    menu_items = ""
    if "Nbgrader" in menus:  # open it: its items are what an instructor clicks
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        menu_items = page.locator(".lm-Menu-content").inner_text()
    page.screenshot(path=str(ARTIFACTS / shot))
    page.keyboard.press("Escape")
    found = {}
    for label in NBGRADER_UI:
        where = [
            name
            for name, text in (
                ("menu bar", " ".join(menus)),
                ("Nbgrader menu", menu_items),
                ("notebook toolbar", toolbar),
                ("side panels", " ".join(tabs)),
                ("command palette", palette),
            )
            if label in text
        ]
        if where:
            found[label] = where
    return found


@pytest.mark.browser
def test_make_lab_shows_no_nbgrader_authoring_or_grading_ui(tmp_path):
    from tests.browser_support import offline_page

    port = free_port()
    with make_lab(port, log=tmp_path / "lab.log"):
        with offline_page() as (page, _):
            found = _nbgrader_ui_in_lab(page, port, "make-lab-learner-mode.png")
        assert found == {}, f"`make lab` shows nbgrader's instructor UI: {found}"
        # Not just hidden: the server side (formgrader, course list, validation) is off too.
        for path in ("formgrader", "formgrader/api/assignments", "courses", "assignment_validation"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}?token={TOKEN}", timeout=10)
                status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            assert status == 404, f"/{path} answers {status} in learner mode"


@pytest.mark.browser
def test_instructor_lab_has_the_nbgrader_tools(tmp_path):
    """The other side (and proof that the learner-mode check can see these tools at all), in a
    course root made by `alignlessons course init`, whose configuration the formgrader uses."""
    import json

    from alignlessons.course import init_course
    from tests.browser_support import offline_page

    made = init_course(tmp_path / "course", exchange=tmp_path / "exchange", assignments=["00_start_here"])
    port = free_port()
    with make_lab(port, root_dir=made.root, log=tmp_path / "lab.log", target="instructor-lab"):
        with offline_page() as (page, _):
            found = _nbgrader_ui_in_lab(
                page, port, "make-instructor-lab.png", notebook="source/00_start_here/00_start_here.ipynb"
            )
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/formgrader/api/assignments?token={TOKEN}", timeout=30
        ) as resp:
            listed = {a["name"] for a in json.loads(resp.read())}
    assert "menu bar" in found.get("Nbgrader", []), found
    for label in ("Formgrader", "Validate", "Create Assignment"):
        assert label in found, f"{label} missing from `make instructor-lab`: {found}"
    assert listed == {"00_start_here"}, listed  # the course root's source/, not the repository's
