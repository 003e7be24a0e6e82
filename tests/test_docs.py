"""The contributor docs stay inside the repository and name files that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: A repository path written in backticks, e.g. `src/alignlessons/widgets/racing.py`.
PATH = re.compile(r"`((?:src|tests|lessons|solutions|assignments|docs)/[^`\s]*)`")
#: Placeholders in recipes ("lessons/NN_slug.ipynb", "models/NAME.py") are not real files.
PLACEHOLDER = re.compile(r"NN|NAME|_name|\bname\b|\*|\.\.\.")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_point_to_files_inside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    bad = []
    for target in LINK.findall(text):
        if re.match(r"^(https?:|mailto:|#)", target):
            continue
        path = (doc.parent / target.split("#", 1)[0]).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            bad.append(target)
    assert not bad, f"{doc.name} links outside the repository or to missing files: {bad}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_repository_paths_named_in_the_docs_exist(doc):
    text = doc.read_text(encoding="utf-8")
    missing = [p for p in PATH.findall(text) if not PLACEHOLDER.search(p) and not (ROOT / p.split("::")[0]).exists()]
    assert not missing, f"{doc.name} names files that do not exist: {missing}"
