"""Build hook: ship the course's nbgrader source notebooks inside the package.

``alignlessons course init`` copies ``solutions/`` (solutions, hidden tests, mark schemes) into a
new course root. In a clone it reads the repository's folder; an installed wheel has no
repository around it, so the wheel carries a copy under ``alignlessons/_course/solutions``
(:mod:`alignlessons.paths`). Editable installs (``make setup``) read the repository directly and
get no copy. Everything else about the package is configured in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
COURSE_FILES = {"solutions": ("*/*.ipynb",)}  # repository folder -> files it ships


class build_py_with_course_files(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        # A fresh copy each build: a renamed or deleted assignment must not linger in build/.
        shutil.rmtree(Path(self.build_lib, "alignlessons", "_course"), ignore_errors=True)
        for folder, patterns in COURSE_FILES.items():
            source = HERE / folder
            files = sorted(
                p for pattern in patterns for p in source.glob(pattern) if ".ipynb_checkpoints" not in p.parts
            )
            if not files:
                raise SystemExit(
                    f"setup.py: no course files in {source}: the wheel would "
                    "not be able to run `alignlessons course init`"
                )
            for path in files:
                target = Path(self.build_lib, "alignlessons", "_course", folder, path.relative_to(source))
                self.mkpath(str(target.parent))
                self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": build_py_with_course_files})
