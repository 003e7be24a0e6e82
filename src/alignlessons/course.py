"""``alignlessons course init DIR``: a ready nbgrader course root for teaching a real class.

Creates, in ``DIR``:

* ``nbgrader_config.py`` -- the course's shared settings (:func:`alignlessons.grading.configure`:
  course id, feedback that never shows hidden tests or mark schemes, sandboxed autograding), the
  course root and gradebook, the exchange folder, the grading kernel and its limits;
* ``source/NAME/`` for every assignment, copied from the course's ``solutions/``;
* ``exchange/`` (unless ``--exchange PATH`` names a shared one);
* ``kernels/alignlessons-sandbox/kernel.json`` -- the grading kernel spec;
* ``README.md`` -- the next steps.

After that, standard nbgrader commands run in ``DIR``. An existing course root is never
overwritten without ``--force``; even then the gradebook, submissions and feedback are kept.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .grading import COURSE_ID
from .paths import solutions_dir

COURSE_MARKERS = ("nbgrader_config.py", "gradebook.db", "source", "release", "submitted", "autograded")

CONFIG_TEMPLATE = '''\
"""nbgrader configuration of an alignlessons course root (written by `alignlessons course init`).

Run nbgrader commands in this folder. Instructor guide: docs/instructors.md in the alignlessons
repository. Edit the limits below to suit your class; keep the rest.
"""
from pathlib import Path

from alignlessons.grading import configure

c = get_config()  # noqa: F821  (provided by nbgrader)
here = Path(__file__).resolve().parent

# Course id, feedback without hidden tests or mark schemes, sandboxed autograding.
configure(c)
c.CourseDirectory.root = str(here)
c.CourseDirectory.db_url = f"sqlite:///{{here / 'gradebook.db'}}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Where students fetch assignments and submit work. On a shared server this folder must be
# writable by everyone (chmod 1777), and students need the same Exchange.root and course id.
c.Exchange.root = {exchange!r}

# The grading sandbox: every submission runs in a bubblewrap jail with these limits.
c.SandboxKernelManager.kernel_spec_file = str(here / "kernels" / "alignlessons-sandbox" / "kernel.json")
c.SandboxKernelManager.memory_limit = {memory}          # bytes of memory per process
c.SandboxKernelManager.cpu_limit = {cpu}                # CPU seconds per notebook
c.SandboxKernelManager.wall_limit = {wall}              # seconds before a notebook's kernels are killed
c.SandboxKernelManager.process_limit = {nproc}          # processes and threads
c.Execute.timeout = {timeout}                           # seconds per cell
# Without bubblewrap, autograding refuses to run. Only if you cannot install it and accept that
# student code then runs with YOUR permissions (gradebook, solutions, other students, network):
# c.SandboxKernelManager.allow_unsandboxed = True
'''

README_TEMPLATE = """\
# alignlessons course root

Created by `alignlessons course init` for course id `{course_id}`. Assignments in `source/`:
{assignments}

Next steps (run them here, with the virtualenv's `bin/` first on `PATH`):

```bash
nbgrader generate_assignment ASSIGNMENT --force   # source/ -> release/ (student version)
nbgrader release_assignment ASSIGNMENT            # students can now fetch it
nbgrader collect ASSIGNMENT                       # after the deadline
nbgrader autograde ASSIGNMENT                     # sandboxed: see the instructor guide
nbgrader formgrader                               # or JupyterLab's Formgrader: essays, flagged work
nbgrader generate_feedback ASSIGNMENT
nbgrader release_feedback ASSIGNMENT
nbgrader export                                   # grades.csv
```

Students configure `c.Exchange.root = {exchange!r}` and `c.CourseDirectory.course_id =
"{course_id}"` (on JupyterHub, in a system-wide nbgrader_config.py) and use
`nbgrader fetch_assignment`, `nbgrader submit` and `nbgrader fetch_feedback`, or the Assignments
tab of JupyterLab.

Sandbox: {sandbox}

Submissions flagged by the autograder (tampering, deleted cells, crashed kernels, wrong file
names) are marked in formgrader and carry the reason as a comment. The full instructor guide,
including what the sandbox does and does not protect against, is `docs/instructors.md` in the
alignlessons repository.
"""


class CourseInitError(RuntimeError):
    """The course root could not be created; nothing was overwritten."""


@dataclass
class CourseRoot:
    root: Path
    exchange: Path
    assignments: list[str]
    written: list[Path] = field(default_factory=list)


def is_course_root(path: Path) -> bool:
    return any((path / m).exists() for m in COURSE_MARKERS)


def init_course(
    directory: str | os.PathLike,
    *,
    force: bool = False,
    exchange: str | os.PathLike | None = None,
    assignments: Iterable[str] | None = None,
    solutions: Path | None = None,
    memory_limit: int = 2 * 1024**3,
    cpu_limit: int = 600,
    wall_limit: int = 3600,
    process_limit: int = 64,
    timeout: int = 120,
) -> CourseRoot:
    """Create a course root in ``directory`` (see the module docstring)."""
    from .sandbox import available
    from .sandbox.kernelspec import install
    from .tooling import ToolingError, resolve_assignments

    root = Path(directory).expanduser().resolve()
    solutions = Path(solutions) if solutions else solutions_dir()
    if not solutions.is_dir():
        raise CourseInitError(
            f"the course's solutions folder {solutions} does not exist: run "
            "`alignlessons course init` from a clone of the alignlessons repository"
        )
    try:
        names = resolve_assignments(assignments, solutions)
    except ToolingError as exc:
        raise CourseInitError(str(exc)) from None
    if not names:
        raise CourseInitError(f"no assignments found in {solutions}")
    if root.exists() and not root.is_dir():
        raise CourseInitError(f"{root} exists and is not a folder")
    if root.exists() and not force:
        if is_course_root(root):
            raise CourseInitError(
                f"{root} is already a course root; refusing to overwrite it "
                "(use --force to rewrite its configuration and source/ -- the "
                "gradebook, submissions and feedback are kept)"
            )
        if any(root.iterdir()):
            raise CourseInitError(f"{root} is not empty; choose a new folder or use --force")
    root.mkdir(parents=True, exist_ok=True)
    exchange_path = Path(exchange).expanduser().resolve() if exchange else root / "exchange"
    result = CourseRoot(root, exchange_path, names)

    for name in names:
        target = root / "source" / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(solutions / name, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        result.written.append(target)
    if not exchange_path.exists():
        exchange_path.mkdir(parents=True)
        try:  # anyone may submit, nobody may delete others' files (like /tmp)
            exchange_path.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO | stat.S_ISVTX)
        except OSError:
            pass
    result.written.append(install(root / "kernels", python=sys.executable))
    config = root / "nbgrader_config.py"
    config.write_text(
        CONFIG_TEMPLATE.format(
            exchange=str(exchange_path),
            memory=memory_limit,
            cpu=cpu_limit,
            wall=wall_limit,
            nproc=process_limit,
            timeout=timeout,
        )
    )
    result.written.append(config)
    sandbox = (
        "bubblewrap found: autograding runs in the sandbox."
        if available()
        else "bubblewrap (`bwrap`) is NOT installed: autograding will refuse to run until you "
        "install it (`apt-get install bubblewrap`) or opt out in nbgrader_config.py."
    )
    readme = root / "README.md"
    readme.write_text(
        README_TEMPLATE.format(
            course_id=COURSE_ID,
            assignments="\n".join(f"- `{n}`" for n in names),
            exchange=str(exchange_path),
            sandbox=sandbox,
        )
    )
    result.written.append(readme)
    return result
