"""The course website: ``make site`` builds every lesson, the student assignments, the
glossary, the sources and the instructor guide into a static folder (default ``_build/site``).

The tool is Sphinx with MyST-NB and sphinx-book-theme (see README, "The course website"):
pure Python, so the build needs no network and no Node. Notebooks are rendered from their
stored outputs, rewritten by :mod:`alignlessons.site.prepare`; nothing is executed. The site
serves its own Vega, Vega-Lite and Vega-Embed (from ``vl-convert-python``) and MathJax (from
``jupyter-server-mathjax``), so it loads nothing from elsewhere.

The build is staged in a scratch folder and the finished site replaces the old one only when
Sphinx has succeeded: a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..charts.render import VEGALITE_VERSION
from ..paths import ASSIGNMENTS, LESSONS, REPO
from ..paths import TEMPLATES as _TEMPLATES
from ..tooling import ToolingError, assignment_names, lesson_paths

SITE_OUT = REPO / "_build" / "site"
TEMPLATES = _TEMPLATES / "site"
DOCS = REPO / "docs"


@dataclass
class SiteBuild:
    """The result of :func:`build_site`."""

    out: Path
    seconds: float
    pages: list[str] = field(default_factory=list)
    charts: dict[str, int] = field(default_factory=dict)
    minutes: dict[str, str] = field(default_factory=dict)
    interactive: dict[str, int] = field(default_factory=dict)
    twins_added: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.out.rglob("*") if p.is_file())


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _minutes(nb: nbformat.NotebookNode) -> str:
    """The lesson's own "Estimated time" line, e.g. "30–40 minutes" ("" if it has none)."""
    for cell in nb.cells[:3]:
        found = re.search(r"\*\*Estimated time:\*\*\s*([0-9][0-9–-]* minutes)", cell.source)
        if found:
            return found.group(1)
    return ""


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", str(text))


def _glossary_md() -> str:
    from .. import content

    docs = {row["doc"]: row for row in content.sources().to_dict("records")}
    lines = [
        "# Glossary",
        "",
        "Terms the lessons use, with the documents in which each matters. The same definitions "
        'appear in a lesson as `content.term("…")`.',
        "",
        ":::{glossary}",
    ]
    for row in content.glossary().to_dict("records"):
        where = ", ".join(f"*{_md_escape(docs[d]['title'])}*" if d in docs else d for d in str(row["docs"]).split())
        lines += [_md_escape(row["term"]), f"  {_md_escape(row['definition'])} (Documents: {where}.)", ""]
    lines.append(":::")
    return "\n".join(lines) + "\n"


def _sources_md() -> str:
    from .. import content

    lines = [
        "# Sources",
        "",
        "The four public documents the course reads side by side. Each lesson names the ones it uses; "
        "quotations in the lessons are short, attributed and checked against these texts.",
        "",
    ]
    for row in content.sources().to_dict("records"):
        lines += [
            f"(source-{row['doc']})=",
            f"## {_md_escape(row['title'])}",
            "",
            f"{_md_escape(row['author'])}, *{_md_escape(row['venue'])}*, {row['date']}. "
            f"Document id: `{row['doc']}`. [Read the original]({row['url']}).",
            "",
            _md_escape(row["summary"]),
            "",
        ]
    return "\n".join(lines)


def _landing_md(lessons: list[tuple[str, str]], assignments: list[tuple[str, str]]) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .. import content

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, keep_trailing_newline=True)
    return env.get_template("index.md.j2").render(
        lessons=lessons, assignments=assignments, sources=content.sources().to_dict("records"), md_escape=_md_escape
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy_static(static: Path) -> None:
    import jupyter_server_mathjax
    import vl_convert

    shutil.copytree(TEMPLATES / "_static", static, dirs_exist_ok=True)
    # One classic script; wrapped so its top-level names (``_`` among them) stay out of the page's
    # global scope. It sets window.vega, window.vegaLite and window.vegaEmbed.
    bundle = vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)
    _write(
        static / "vega-bundle.js",
        "// Vega, Vega-Lite and Vega-Embed (BSD-3-Clause), from vl-convert-python.\n"
        "(function () {\n" + bundle + "\n})();\n",
    )
    mathjax = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(mathjax, static / "mathjax", ignore=shutil.ignore_patterns("localization", "*.md", "unpacked"))


def _stage_notebook(
    src: Path, dest: Path, *, slug: str, download: str, what: str, build: SiteBuild, data_dir: Path
) -> str:
    from .prepare import download_cell, prepare_notebook

    nb = nbformat.read(src, as_version=4)
    prepared = prepare_notebook(nb, slug=slug, data_prefix="../data/")
    for name, text in prepared.data_files.items():
        _write(data_dir / name, text)
    nb.cells.insert(1 if nb.cells else 0, download_cell(download, what))
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    build.minutes[slug] = _minutes(nb)
    build.charts[slug] = prepared.charts
    build.interactive[slug] = prepared.interactive_charts
    if prepared.twins_added:
        build.twins_added[slug] = prepared.twins_added
    return _title(nb, slug)


def stage(work: Path, build: SiteBuild) -> None:
    """Write the Sphinx source folder for the whole course into ``work`` (emptied first)."""
    if work.exists():
        shutil.rmtree(work)
    extra = work / "_extra"
    _copy_static(work / "_static")
    shutil.copy(TEMPLATES / "conf.py", work / "conf.py")
    shutil.copytree(TEMPLATES / "_templates", work / "_templates")
    lessons = []
    for path in lesson_paths(LESSONS):
        shutil.copy(path, _mkdir(extra / "notebooks") / path.name)
        title = _stage_notebook(
            path,
            work / "lessons" / path.name,
            slug=path.stem,
            download=f"../notebooks/{path.name}",
            what="lesson",
            build=build,
            data_dir=extra / "data",
        )
        lessons.append((f"lessons/{path.stem}", title, build.minutes[path.stem]))
    assignments = []
    for name in assignment_names():
        for path in sorted((ASSIGNMENTS / name).glob("*.ipynb")):
            shutil.copy(path, _mkdir(extra / "notebooks" / "assignments") / path.name)
            slug = f"assignment-{path.stem}"
            title = _stage_notebook(
                path,
                work / "assignments" / path.name,
                slug=slug,
                download=f"../notebooks/assignments/{path.name}",
                what="assignment (student version)",
                build=build,
                data_dir=extra / "data",
            )
            assignments.append((f"assignments/{path.stem}", title))
    if not lessons:
        raise ToolingError(f"no lessons found in {LESSONS}")
    _write(work / "index.md", _landing_md(lessons, assignments))
    _write(work / "glossary.md", _glossary_md())
    _write(work / "sources.md", _sources_md())
    guide = (DOCS / "instructors.md").read_text(encoding="utf-8")
    _write(work / "instructors.md", guide)
    _write(extra / ".nojekyll", "")  # GitHub Pages: serve _static/ as it is


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_site(out: Path | str | None = None, *, quiet: bool = True) -> SiteBuild:
    """Build the site into ``out`` (default ``_build/site``); returns what was built."""
    from sphinx.application import Sphinx

    out = Path(out) if out is not None else SITE_OUT
    out = out.resolve()
    scratch = out.parent / f".{out.name}-build"
    t0 = time.perf_counter()
    build = SiteBuild(out=out, seconds=0.0)
    if scratch.exists():  # left by an interrupted build: never let its pages into this one
        shutil.rmtree(scratch)
    stage(scratch / "src", build)
    html_dir = scratch / "html"
    warnings = io.StringIO()
    app = Sphinx(
        str(scratch / "src"),
        str(scratch / "src"),
        str(html_dir),
        str(scratch / "doctrees"),
        "html",
        status=None if quiet else sys.stdout,
        warning=warnings,
        freshenv=True,
        keep_going=True,
    )
    app.build(force_all=True)
    build.warnings = [w for w in warnings.getvalue().splitlines() if w.strip()]
    if app.statuscode != 0:
        raise ToolingError("the site build failed (the previous site is unchanged):\n" + warnings.getvalue())
    with_sources = html_dir / "_sources"  # left empty by Sphinx (html_copy_source = False)
    if with_sources.is_dir() and not any(with_sources.iterdir()):
        with_sources.rmdir()
    build.pages = sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html"))
    old = out.with_name(f".{out.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.replace(old)
    html_dir.replace(out)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(scratch, ignore_errors=True)
    build.seconds = time.perf_counter() - t0
    return build
