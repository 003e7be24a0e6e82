"""``nbgrader collect`` that checks who submitted, and copies regular files only.

nbgrader's exchange inbox is writable by every student; a submission's folder name
(``STUDENT+ASSIGNMENT+TIMESTAMP+RANDOM``) says whose it is, and nbgrader only *warns* when the
folder's owner is somebody else -- so any account could drop a later "submission" in a
classmate's name and have it collected instead of theirs. :class:`SafeCollect`
(``c.ExchangeFactory.collect``, set by :func:`alignlessons.grading.configure`):

* accepts a submission only if its folder and everything in it belong to the student's own
  account (the Unix account of that name, or ``c.SafeCollect.student_uids``); anything else is
  refused, logged with the reason and recorded in ``collect-refused.jsonl`` in the course root,
  and the student's latest *genuine* submission is collected instead;
* copies regular files only (no symbolic links, devices, FIFOs, sockets, hard links), within
  nbgrader's size limits (:mod:`alignlessons.sandbox.files`), and logs what it refused.

Where every student shares one Unix account (a single-user machine, some container set-ups),
ownership says nothing; set ``c.SafeCollect.allow_unverified = True`` only there, knowingly, or
use a service-based exchange that authenticates students.
"""

from __future__ import annotations

import datetime
import glob
import json
import os
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets import Bool, Dict, Integer

from .files import copy_admitted, safe_name, scan

try:
    import pwd
except ImportError:  # pragma: no cover - not on Windows
    pwd = None


class SafeCollect(ExchangeCollect):
    """See the module docstring."""

    student_uids = Dict(
        Integer(),
        help=(
            "Student id -> numeric uid of the account that must own their submissions (default: the "
            "Unix account with the student's name)."
        ),
    ).tag(config=True)
    allow_unverified = Bool(
        False,
        help=(
            "Accept submissions whose owner cannot be checked (no account named like the student). "
            "Only for set-ups where all students share one account: anyone can then submit in "
            "anyone's name."
        ),
    ).tag(config=True)

    def expected_uid(self, student: str):
        if student in self.student_uids:
            return self.student_uids[student]
        if pwd is None:
            return None
        try:
            return pwd.getpwnam(student).pw_uid
        except KeyError:
            return None

    def verify(self, student: str, path: str) -> str | None:
        """None if ``path`` may be collected as ``student``'s, else the reason it may not."""
        try:
            st = os.lstat(path)
        except OSError as exc:
            return f"cannot be read ({exc.strerror})"
        if not stat.S_ISDIR(st.st_mode):
            return "is not a folder (a link or a file)"
        uid = self.expected_uid(student)
        if uid is None:
            if self.allow_unverified:
                return None
            return (
                f"there is no account named {safe_name(student)!r}, so who submitted it cannot "
                "be checked (see SafeCollect.allow_unverified)"
            )
        if st.st_uid != uid:
            return f"it belongs to uid {st.st_uid}, not to {safe_name(student)!r} (uid {uid})"
        for dirpath, dirnames, filenames in os.walk(path):
            for name in dirnames + filenames:
                try:
                    owner = os.lstat(os.path.join(dirpath, name)).st_uid
                except OSError:
                    continue
                if owner != uid:
                    rel = os.path.relpath(os.path.join(dirpath, name), path)
                    return f"{safe_name(rel)} in it belongs to uid {owner}, not to {safe_name(student)!r}"
        return None

    def _refuse(self, rec: dict, reason: str) -> None:
        self.log.error("Refused submission %s: %s", safe_name(rec["filename"]), reason)
        self.refused.append(
            {"submission": safe_name(rec["filename"]), "student": safe_name(rec["username"]), "reason": reason}
        )

    def init_src(self):
        self.refused: list[dict] = []
        original_glob = glob.glob

        def verified_glob(pattern, *a, **k):
            paths = original_glob(pattern, *a, **k)
            out = []
            for path in paths:
                try:
                    rec = self._path_to_record(path)
                except Exception:  # noqa: BLE001 - nbgrader's own parser failed: refuse
                    self.refused.append(
                        {"submission": safe_name(os.path.basename(path)), "student": "?", "reason": "unreadable name"}
                    )
                    continue
                why = self.verify(rec["username"], path)
                if why is None:
                    out.append(path)
                else:
                    self._refuse(rec, why)
            return out

        import nbgrader.exchange.default.collect as module

        module.glob.glob = verified_glob
        try:
            super().init_src()
        finally:
            module.glob.glob = original_glob
        self._record_refusals()

    def _record_refusals(self) -> None:
        if not self.refused:
            return
        path = os.path.join(self.coursedir.root, "collect-refused.jsonl")
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        with open(path, "a", encoding="utf-8") as fh:
            for item in self.refused:
                fh.write(json.dumps({"time": now, "assignment": self.coursedir.assignment_id, **item}) + "\n")

    def do_copy(self, src, dest, log=None):
        """Copy regular files only (see :mod:`alignlessons.sandbox.files`)."""
        from nbgrader.utils import is_ignored

        max_file = int(self.coursedir.max_file_size or 0) * 1000 or None
        found = scan(
            src,
            max_bytes=int(self.coursedir.max_dir_size or 0) * 1000 or 200 * 1024 * 1024,
            **({"max_file_bytes": max_file} if max_file else {}),
        )
        files = [f for f in found.files if not is_ignored(os.path.join(src, f), self.coursedir.ignore)]
        os.makedirs(dest, exist_ok=True)
        found.refused += copy_admitted(src, dest, files)
        for reason in found.reasons():
            self.log.warning("Not collected from %s: %s", safe_name(os.path.basename(src)), reason)
