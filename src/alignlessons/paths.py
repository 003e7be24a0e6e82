"""Where the course's files are: the one place that knows the repository's layout.

The package runs in two situations:

* **from a checkout** (``make setup`` installs it editable, or ``PYTHONPATH=src``): the package
  is ``src/alignlessons`` inside a clone and :data:`CHECKOUT` is the clone's root. Lessons,
  nbgrader sources and student versions are the repository's own folders.
* **installed from a wheel**: :data:`CHECKOUT` is ``None``. The nbgrader source notebooks that
  ``alignlessons course init`` needs ship inside the package (:data:`PACKAGED_SOLUTIONS`, put
  there by the build hook in ``setup.py``); contributor commands that edit the repository
  (``generate-assignments``, ``refresh-outputs``, ``export-html``) need a checkout.

Standard library only: the sandbox launcher imports this module too.
"""

from __future__ import annotations

from pathlib import Path

#: The installed ``alignlessons`` package folder.
PACKAGE = Path(__file__).resolve().parent
#: Course data (CSV) and the HTML export templates, inside the package.
CONTENT_DATA = PACKAGE / "content" / "data"
TEMPLATES = PACKAGE / "templates"
#: Course files shipped inside the package by the wheel build (see ``setup.py``).
PACKAGED_COURSE = PACKAGE / "_course"
PACKAGED_SOLUTIONS = PACKAGED_COURSE / "solutions"


def _checkout() -> Path | None:
    root = PACKAGE.parents[1]
    if PACKAGE.parent.name == "src" and (root / "pyproject.toml").is_file() and (root / "solutions").is_dir():
        return root
    return None


#: The root of the repository clone the package runs from, or ``None`` when installed.
CHECKOUT: Path | None = _checkout()
#: The repository root for contributor commands (a path that does not exist when installed).
REPO = CHECKOUT if CHECKOUT is not None else PACKAGE.parents[1]
LESSONS = REPO / "lessons"
ASSIGNMENTS = REPO / "assignments"
#: nbgrader source notebooks (solutions, hidden tests, mark schemes): the repository's
#: ``solutions/`` in a checkout, the packaged copy when installed.
SOLUTIONS = CHECKOUT / "solutions" if CHECKOUT is not None else PACKAGED_SOLUTIONS
#: Where a checkout looks for the source texts of ``alignlessons check-quotes`` unless told
#: (``--sources DIR`` or ``ALIGNLESSONS_SOURCES=DIR``): ``../shared/seeds`` from the project root.
#: The project does not ship the texts (CONTRIBUTING.md says how to get them).
DEFAULT_SOURCES = REPO.parent / "shared" / "seeds"


def solutions_dir() -> Path:
    """The nbgrader source notebooks of the course (see :data:`SOLUTIONS`)."""
    return SOLUTIONS


def sources_dir() -> Path:
    """The folder of source texts: ``$ALIGNLESSONS_SOURCES`` if set, else :data:`DEFAULT_SOURCES`."""
    import os

    env = os.environ.get("ALIGNLESSONS_SOURCES")
    return Path(env).expanduser() if env else DEFAULT_SOURCES


def grader_only_paths() -> list[Path]:
    """Course files that hold solutions or hidden tests: the grading sandbox hides these even
    when they lie inside a folder it shows the student's kernel (the installed package)."""
    paths = [PACKAGED_COURSE]
    if CHECKOUT is not None:
        paths.append(CHECKOUT / "solutions")
    return paths


def require_checkout(what: str) -> Path:
    """The checkout's root, or a clear error for commands that only make sense in one."""
    if CHECKOUT is None:
        from .tooling import ToolingError

        raise ToolingError(
            f"{what} works in a clone of the alignlessons repository (after "
            f"`make setup`), not from an installed package ({PACKAGE})"
        )
    return CHECKOUT
