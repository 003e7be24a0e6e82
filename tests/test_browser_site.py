"""The course website in headless Chromium, served from a loopback port with every other request
blocked: nothing leaves the machine, every chart is drawn and named by its description, one
kernel-free slider per lesson changes its chart, search finds a glossary term, and axe-core
reports no serious or critical violation. Screenshots go to artifacts/browser/site-*.png.

The site is built once per session (about 20-40 s); expectations come from the source notebooks
and the content CSVs, never from the built pages.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest

from alignlessons import content
from alignlessons.charts.render import MIME_TYPE
from alignlessons.tooling import LESSONS, lesson_paths
from tests.browser_support import ARTIFACTS, offline_page
from tests.helpers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
LESSON_FILES = lesson_paths(LESSONS)
DRAWN = "() => [...document.querySelectorAll('figure.alignlessons-chart')].every(f => f.dataset.drawn === 'true')"


def _stored_descriptions(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [
        out["data"][MIME_TYPE].get("description", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if MIME_TYPE in out.get("data", {})
    ]


def _stored_counts(path: Path) -> tuple[int, int, int]:
    """(widget outputs, self-checks' static parts, folded answers in them) stored in the notebook."""
    nb = nbformat.read(path, as_version=4)
    outs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    widgets = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outs)
    quiz_html = [
        str(o["data"]["text/html"]) for o in outs if "alignlessons-quiz" in str(o.get("data", {}).get("text/html", ""))
    ]
    return widgets, len(quiz_html), sum(h.count("<details") for h in quiz_html)


def _uses_an_explorer(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    return any(
        re.search(r"\b[a-z_]+_(explorer|kernel_free)\s*\(", cell.source)
        for cell in nb.cells
        if cell.cell_type == "code"
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def _serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _no_network_prefix() -> list[str] | None:
    """``unshare -rn``: a new user and network namespace with no interface but loopback."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    probe = subprocess.run([unshare, "-rn", sys.executable, "-c", "pass"], capture_output=True)
    return [unshare, "-rn"] if probe.returncode == 0 else None


@dataclass
class _Built:
    out: Path
    pages: list[str]
    offline: bool


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built once (where possible in a namespace with no network at all), then served."""
    out = tmp_path_factory.mktemp("site") / "site"
    prefix = _no_network_prefix()
    script = (
        "import sys, warnings; warnings.simplefilter('ignore')\n"
        "from alignlessons.site import build_site\n"
        "b = build_site(sys.argv[1])\nprint('\\n'.join(b.warnings), file=sys.stderr)"
    )
    done = subprocess.run(
        [*(prefix or []), sys.executable, "-c", script, str(out)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"the site build failed:\n{done.stdout}\n{done.stderr}"
    built = _Built(out, sorted(str(p.relative_to(out)) for p in out.rglob("*.html")), prefix is not None)
    with _serve(built.out) as url:
        yield built, url


def test_the_site_builds_with_no_network(site):
    built, _ = site
    if not built.offline:
        pytest.skip(
            "cannot make a network-less namespace here (`unshare -rn` unavailable): "
            "the site was built with the network present"
        )
    assert "index.html" in built.pages and "search.html" in built.pages


@pytest.fixture(scope="module")
def _browser():
    with offline_page() as (page, blocked):
        errors: list[str] = []
        missing: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        yield page, blocked, errors, missing


@pytest.fixture
def browser_page(_browser):
    """One browser for the module; what each test records (blocked, errors, 404s) starts empty."""
    for record in _browser[1:]:
        record.clear()
    return _browser


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')})`))""")
    return found


def _open(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(DRAWN, timeout=60_000)


def test_landing_page_maps_the_course_offline_and_passes_axe(site, browser_page):
    built, url = site
    page, blocked, errors, missing = browser_page
    _open(page, f"{url}/index.html")
    text = page.inner_text("main")
    for path in LESSON_FILES:  # the map links every lesson
        assert page.locator(f"main a[href$='lessons/{path.stem}.html']").count() >= 1, path.stem
    for row in content.sources().to_dict("records"):
        assert row["title"] in text, row["title"]
    for needed in ("make lab", "instructor guide", "Who it is for"):
        assert needed in text, needed
    page.screenshot(path=str(ARTIFACTS / "site-index.png"))
    if AXE.exists():
        assert _axe(page) == [], "axe-core: serious or critical violations on the landing page"
    assert blocked == [], f"the landing page tried to reach the network: {blocked}"
    assert errors == [] and missing == [], (errors, missing)


@pytest.mark.parametrize("lesson", LESSON_FILES, ids=[p.stem for p in LESSON_FILES])
def test_lesson_page_draws_every_chart_offline(site, browser_page, lesson):
    built, url = site
    page, blocked, errors, missing = browser_page
    _open(page, f"{url}/lessons/{lesson.stem}.html")
    figures = page.locator("figure.alignlessons-chart")
    # Every stored chart is on the page, named by its own description, and drawn with a size.
    names = page.eval_on_selector_all(
        "figure.alignlessons-chart [role=img]", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    stored = _stored_descriptions(lesson)
    # A lesson with a live explorer but no stored twin gets the twin drawn in its place.
    assert figures.count() >= len(stored) and (figures.count() >= 1 or not _uses_an_explorer(lesson))
    for description in stored:
        assert description in names, f"chart not on the page (or unnamed): {description[:80]}"
    for i in range(figures.count()):
        figure = figures.nth(i)
        svg = figure.locator(".alignlessons-chart-view svg").first
        svg.scroll_into_view_if_needed()
        box = svg.bounding_box()
        assert box and box["width"] > 150 and box["height"] > 80, (i, box)
        assert figure.locator("details.alignlessons-chart-data table tbody tr").count() >= 1, i
    # Self-checks keep their static question and folded answers; every widget became a note.
    widgets, quizzes, folded = _stored_counts(lesson)
    assert page.locator("main .alignlessons-quiz").count() == quizzes
    assert page.locator("main .alignlessons-quiz details").count() == folded
    assert page.locator("main .alignlessons-offline-note").count() == widgets
    assert page.locator("main .jupyter-widgets, main .widget-area").count() == 0
    assert page.locator("a[download][href$='.ipynb']").count() >= 1
    nxt = page.locator(".prev-next-area a")
    assert nxt.count() >= 1, "no previous/next links"
    page.screenshot(path=str(ARTIFACTS / f"site-{lesson.stem}.png"))
    if AXE.exists():
        assert _axe(page) == [], f"axe-core: serious or critical violations on {lesson.stem}"
    assert blocked == [], f"{lesson.stem} tried to reach the network: {blocked}"
    assert errors == [] and missing == [], (errors, missing)


@pytest.mark.parametrize(
    "lesson",
    [p for p in LESSON_FILES if _uses_an_explorer(p)],
    ids=[p.stem for p in LESSON_FILES if _uses_an_explorer(p)],
)
def test_one_kernel_free_slider_per_lesson_changes_its_chart(site, browser_page, lesson):
    built, url = site
    page, blocked, errors, missing = browser_page
    _open(page, f"{url}/lessons/{lesson.stem}.html")
    figure = page.locator("figure.alignlessons-chart[data-interactive=true]").first
    slider = figure.locator(".alignlessons-chart-controls input[type=range]").first
    slider.scroll_into_view_if_needed()
    assert slider.get_attribute("aria-label") or slider.evaluate("e => !!e.closest('label')"), "unlabelled slider"
    before = figure.locator(".alignlessons-chart-view svg").first.inner_html()
    value = slider.input_value()
    slider.focus()
    key = "ArrowLeft" if float(value) >= float(slider.get_attribute("max")) else "ArrowRight"
    for _ in range(3):
        page.keyboard.press(key)
    assert slider.input_value() != value, "the slider did not move with the keyboard"
    figure_id = figure.get_attribute("id")
    page.wait_for_function(
        "([id, before]) => document.getElementById(id)"
        ".querySelector('.alignlessons-chart-view svg').innerHTML !== before",
        arg=[figure_id, before],
        timeout=30_000,
    )
    figure.screenshot(path=str(ARTIFACTS / f"site-{lesson.stem}-slider.png"))
    assert blocked == [], blocked


def test_search_finds_a_glossary_term(site, browser_page):
    built, url = site
    page, blocked, errors, missing = browser_page
    term, word = next(
        (t, max(words, key=len))
        for t in reversed(list(content.glossary()["term"]))
        if (words := re.findall(r"[A-Za-z]{5,}", t))
    )
    page.goto(f"{url}/search.html?q={quote(word)}")
    results = page.locator("#search-results ul li a")
    results.first.wait_for(timeout=30_000)
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("glossary.html" in h for h in hrefs), (word, hrefs)
    page.screenshot(path=str(ARTIFACTS / "site-search.png"))
    page.goto(f"{url}/glossary.html")
    assert term in page.inner_text("main")
    if AXE.exists():
        assert _axe(page) == [], "axe-core: serious or critical violations on the glossary"
    assert blocked == [], blocked


REFERENCE_PAGES = ["sources.html", "instructors.html", "search.html?q=racing"] + [
    f"assignments/{p.stem}.html" for p in sorted((ROOT / "assignments").glob("*/*.ipynb"))
]


@pytest.mark.parametrize("path", REFERENCE_PAGES)
def test_reference_and_assignment_pages_pass_axe_offline(site, browser_page, path):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (needs npm: `npm ci --prefix tests/js`, run by `make test`'s set-up)")
    built, url = site
    page, blocked, errors, missing = browser_page
    _open(page, f"{url}/{path}")
    page.wait_for_load_state("networkidle")
    assert _axe(page) == [], f"axe-core: serious or critical violations on {path}"
    assert blocked == [], blocked
    assert errors == [] and missing == [], (errors, missing)


def test_assignments_are_student_versions_only(site):
    built, _ = site
    pages = set(built.pages)
    for path in sorted((ROOT / "assignments").glob("*/*.ipynb")):
        assert f"assignments/{path.stem}.html" in pages, path
        assert (built.out / "notebooks" / "assignments" / path.name).read_bytes() == path.read_bytes()
    assert not any("solution" in p for p in pages)
    every = "\n".join(p.read_text(encoding="utf-8") for p in (built.out / "assignments").glob("*.html"))
    assert "BEGIN SOLUTION" not in every and "BEGIN MARK SCHEME" not in every and "BEGIN HIDDEN TESTS" not in every


def test_axe_core_is_installed_for_the_accessibility_checks():
    if not AXE.exists():
        pytest.skip(
            "axe-core is not installed (needs npm: `npm ci --prefix tests/js`, which `make test` runs "
            "at set-up); the accessibility checks above were not run"
        )


def test_no_page_loads_a_script_style_font_or_image_from_elsewhere(site):
    built, _ = site
    remote = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
    found = {}
    for page in built.pages:
        text = (built.out / page).read_text(encoding="utf-8")
        hits = [m.group(0)[:120] for m in remote.finditer(text) if 'rel="canonical"' not in m.group(0)]
        if hits:
            found[page] = hits[:3]
    css = [
        p for p in built.out.rglob("*.css") if re.search(r"url\(\s*[\"']?(?:https?:)?//", p.read_text(errors="replace"))
    ]
    assert found == {} and css == [], (found, css)
