"""The package works installed from a wheel, away from any checkout.

The test builds the wheel from a copy of the files the build reads (so the checkout gets no
``build/`` folder), installs it into a fresh virtualenv under the temporary folder, and runs
``alignlessons course init`` and ``nbgrader generate_assignment`` there.

Offline and quick: the build uses the setuptools already pinned in the project's virtualenv
(``--no-build-isolation``), and the wheel is installed with ``--no-deps --no-index``. The fresh
virtualenv gets its dependencies (nbgrader, pandas, ...) from the project's virtualenv through a
``.pth`` file that lists that virtualenv's site-packages folder. Python processes the ``.pth``
files only of its own site-packages, so the project's editable install of alignlessons (itself a
``.pth`` file there) is not picked up: ``alignlessons`` can only come from the wheel, which the
test checks. Scripts of the dependencies (nbgrader shells out to ``alembic``) come from the
project's ``bin/``, after the fresh virtualenv's own on ``PATH``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from alignlessons import paths, tooling

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "src", "solutions")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints", "build")
SECRET = re.compile(r"BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)")
pytestmark = pytest.mark.slow


def run(cmd, *, cwd, env, timeout=300):
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv outside the checkout with the wheel installed: (python, env, tmp)."""
    tmp = tmp_path_factory.mktemp("installed")
    assert not tmp.resolve().is_relative_to(ROOT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    tree = tmp / "tree"
    tree.mkdir()
    for name in BUILD_INPUTS:
        src = ROOT / name
        (shutil.copytree(src, tree / name, ignore=IGNORE) if src.is_dir() else shutil.copy2(src, tree / name))
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "-w",
            tmp / "dist",
            tree,
        ],
        cwd=tmp,
        env=env,
    )
    (wheel,) = (tmp / "dist").glob("alignlessons-*.whl")

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp, env=env)
    python = venv / "bin" / "python"
    run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
        cwd=tmp,
        env=env,
    )
    purelib = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp, env=env
    ).stdout.strip()
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(purelib, "_project_dependencies.pth").write_text("".join(f"{p}\n" for p in ours))
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")])
    return python, env, tmp


def test_the_package_comes_from_the_wheel_and_knows_it_is_installed(installed):
    python, env, tmp = installed
    out = run(
        [
            python,
            "-c",
            "import alignlessons, alignlessons.paths as p; "
            "print(alignlessons.__file__); print(p.CHECKOUT); print(p.SOLUTIONS)",
        ],
        cwd=tmp,
        env=env,
    ).stdout.splitlines()
    assert Path(out[0]).is_relative_to(tmp / "venv"), out
    assert out[1] == "None"
    assert Path(out[2]).is_relative_to(tmp / "venv") and Path(out[2]).is_dir()
    # Commands that rewrite the repository say they need a clone instead of writing elsewhere.
    proc = subprocess.run(
        [tmp / "venv" / "bin" / "alignlessons", "generate-assignments"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "clone of the alignlessons repository" in proc.stderr, proc.stderr


def test_course_init_and_generate_assignment_from_the_wheel(installed):
    python, env, tmp = installed
    work = tmp / "teaching"
    work.mkdir()
    name = tooling.assignment_names()[0]
    run([tmp / "venv" / "bin" / "alignlessons", "course", "init", "fall"], cwd=work, env=env)
    root = work / "fall"
    assert sorted(p.name for p in (root / "source").iterdir()) == tooling.assignment_names()
    for nb in (paths.SOLUTIONS / name).glob("*.ipynb"):
        assert (root / "source" / name / nb.name).read_bytes() == nb.read_bytes()
    spec = json.loads((root / "kernels" / "alignlessons-sandbox" / "kernel.json").read_text())
    assert spec["argv"][0] == str(python)

    run([python, "-m", "nbgrader", "generate_assignment", name, "--force"], cwd=root, env=env)
    released = sorted((root / "release" / name).glob("*.ipynb"))
    assert [p.name for p in released] == sorted(p.name for p in (paths.SOLUTIONS / name).glob("*.ipynb"))
    for path in released:
        source = nbformat.read(root / "source" / name / path.name, as_version=4)
        student = nbformat.read(path, as_version=4)
        assert any(SECRET.search(c.source) for c in source.cells)  # there was something to remove
        assert not [c.source[:80] for c in student.cells if SECRET.search(c.source)]
        # No line of a solution region, hidden test or mark scheme survives in the student version.
        student_text = "\n".join(c.source for c in student.cells)
        for cell in source.cells:
            for region in re.findall(
                r"BEGIN (?:SOLUTION|HIDDEN TESTS)(.*?)END (?:SOLUTION|HIDDEN TESTS)", cell.source, re.S
            ):
                for line in region.splitlines()[1:-1]:
                    if len(line.strip()) > 25:
                        assert line.strip() not in student_text, line


def test_the_sandbox_hides_the_packaged_solutions(installed):
    python, env, tmp = installed
    code = (
        "import json, alignlessons.paths as p\n"
        "from alignlessons.sandbox.launch import bwrap_command\n"
        "args = bwrap_command({'role': 'student', 'hidden': []}, bwrap='bwrap', connection_file='/x',"
        " cwd='/tmp/w', info_fd=3, kernel_args=[])\n"
        "print(json.dumps([str(p.PACKAGED_COURSE), args]))\n"
    )
    packaged, args = json.loads(run([python, "-c", code], cwd=tmp, env=env).stdout)
    assert Path(packaged).is_relative_to(tmp / "venv")
    binds = [args[i + 1] for i, a in enumerate(args) if a == "--ro-bind"]
    assert any(Path(packaged).is_relative_to(b) for b in binds)  # the package is shown ...
    hidden = [args[i + 1] for i, a in enumerate(args) if a == "--tmpfs"]
    assert packaged in hidden  # ... but not its copy of the solutions
