"""`nbgrader collect` through the course's exchange: who submitted is checked, links are not followed.

Two accounts share the world-writable inbox. The victim submits a full solution; later, the
attacker drops a blank "submission" in the victim's name. Collect must take the victim's own
submission, refuse the forged one with a reason, and copy regular files only. The accounts are
numeric uids (``c.SafeCollect.student_uids``), so the test needs root to give files to them.
"""

from __future__ import annotations

import json
import os
import shutil

import nbformat
import pytest

from alignlessons import tooling
from alignlessons.course import init_course

from . import corpus as C

pytestmark = [pytest.mark.slow]
VICTIM, ATTACKER = 64001, 64002
NAME = "00_start_here"


def _chown_tree(path, uid):
    os.chown(path, uid, uid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(path):
        for n in dirnames + filenames:
            os.chown(os.path.join(dirpath, n), uid, uid, follow_symlinks=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create files owned by other accounts")
def test_collect_refuses_a_submission_in_someone_elses_name(tmp_path):
    made = init_course(tmp_path / "course", exchange=tmp_path / "exchange", assignments=[NAME])
    with open(made.root / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.SafeCollect.student_uids = {{'victim': {VICTIM}, 'mallory': {ATTACKER}}}\n")
    for args in (("generate_assignment", NAME, "--force"), ("release_assignment", NAME)):
        proc = C.nbgrader(*args, cwd=made.root)
        assert proc.returncode == 0, proc.stderr[-3000:]
    fname = C.notebook_names(NAME)[0]
    src = C.source_nb(NAME, fname)
    student = nbformat.read(made.root / "release" / NAME / fname, as_version=4)
    inbound = made.exchange / "alignlessons" / "inbound"
    secret = made.root / "canary.txt"
    secret.write_text("instructor's secret")

    def drop(owner_uid, folder_name, nb, extra=()):
        folder = inbound / folder_name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / fname)
        (folder / "timestamp.txt").write_text(folder_name.split("+")[2])
        for link, target in extra:
            os.symlink(target, folder / link)
        _chown_tree(folder, owner_uid)

    # The victim's genuine submission (with a link it must not be able to smuggle in).
    drop(
        VICTIM,
        f"victim+{NAME}+2026-01-01 10:00:00.000000 UTC+aaaa",
        C.solve(student, src),
        extra=[("notes.txt", secret)],
    )
    # Later, the attacker's forgery in the victim's name, and one with a forged owner inside.
    drop(ATTACKER, f"victim+{NAME}+2026-01-01 11:00:00.000000 UTC+bbbb", student)
    drop(VICTIM, f"victim+{NAME}+2026-01-01 12:00:00.000000 UTC+cccc", student)
    os.chown(inbound / f"victim+{NAME}+2026-01-01 12:00:00.000000 UTC+cccc" / fname, ATTACKER, ATTACKER)
    # A submission by an account the course does not know.
    drop(ATTACKER, f"nobody+{NAME}+2026-01-01 10:30:00.000000 UTC+dddd", student)

    proc = C.nbgrader("collect", NAME, cwd=made.root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    collected = made.root / "submitted" / "victim" / NAME
    assert (collected / "timestamp.txt").read_text().startswith("2026-01-01 10:00"), proc.stderr
    got = nbformat.read(collected / fname, as_version=4)
    answers = {C.gid(c) for c in src.cells if C.meta(c).get("solution")}
    assert any(C.gid(c) in answers and "NotImplementedError" not in c.source for c in got.cells)
    assert not (collected / "notes.txt").exists() and not os.path.islink(collected / "notes.txt")
    assert not (made.root / "submitted" / "nobody").exists()
    records = [json.loads(line) for line in (made.root / "collect-refused.jsonl").read_text().splitlines()]
    reasons = {r["submission"].split("+")[2][:13]: r["reason"] for r in records}
    assert "uid 64002" in reasons["2026-01-01 11"]
    assert "in it belongs to uid 64002" in reasons["2026-01-01 12"]
    assert "no account" in reasons["2026-01-01 10"] or "nobody" in json.dumps(records)
    assert "Refused submission" in proc.stderr and "symbolic link" in proc.stderr


def test_without_an_account_collect_refuses_unless_told_otherwise(tmp_path):
    """A student id with no account (and no uid configured) cannot be verified: refused."""
    made = init_course(tmp_path / "course", exchange=tmp_path / "exchange", assignments=[NAME])
    for args in (("generate_assignment", NAME, "--force"), ("release_assignment", NAME)):
        assert C.nbgrader(*args, cwd=made.root).returncode == 0
    fname = C.notebook_names(NAME)[0]
    folder = made.exchange / "alignlessons" / "inbound" / f"no-such-account-7x+{NAME}+2026-01-01 10:00:00.000000 UTC+ab"
    folder.mkdir(parents=True)
    shutil.copy(made.root / "release" / NAME / fname, folder / fname)
    (folder / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
    proc = C.nbgrader("collect", NAME, cwd=made.root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not (made.root / "submitted" / "no-such-account-7x").exists()
    assert "cannot be checked" in (made.root / "collect-refused.jsonl").read_text()
    with open(made.root / "nbgrader_config.py", "a") as fh:
        fh.write("\nc.SafeCollect.allow_unverified = True\n")
    proc = C.nbgrader("collect", NAME, cwd=made.root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (made.root / "submitted" / "no-such-account-7x" / NAME / fname).exists()
    assert tooling  # the course's tool environment is what C.nbgrader uses
