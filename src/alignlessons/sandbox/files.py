"""A submission folder is an untrusted file tree: admit regular files only, within limits.

Every place where the grader copies or reads what a student submitted goes through
:func:`scan`: ``nbgrader collect`` (:class:`alignlessons.sandbox.exchange.SafeCollect`), the
copy from ``submitted/`` into ``autograded/`` (:func:`install_autograde_copy`), the private copy
that the student's jail sees (:func:`stage_for_jail`) and the reading of the submitted notebook
(:func:`open_regular`).

Admitted: regular files (by ``lstat``, never following a link) with a single hard link, inside
folders that are real folders, within a depth, a count and a total size. Refused, each with its
reason: symbolic links, hard links, devices, FIFOs, sockets, files or folders beyond the limits,
names that are not printable. Nothing refused is ever opened.

Stdlib only: the kernel launcher imports this module.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import shutil
import stat
from dataclasses import dataclass, field

MiB = 1024 * 1024
MAX_FILES = 500
MAX_DEPTH = 8
MAX_BYTES = 200 * MiB
MAX_FILE_BYTES = 100 * MiB

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def safe_name(text: str, limit: int = 120) -> str:
    """A file name as it may appear in a message that a person or a tool renders later:
    only letters, digits and ``._-+/ `` survive; anything else becomes ``?``."""
    out = "".join(ch if (ch.isascii() and (ch.isalnum() or ch in "._-+/ ")) else "?" for ch in str(text))
    return out[:limit] + ("…" if len(out) > limit else "")


@dataclass
class Scan:
    root: str
    files: list[str] = field(default_factory=list)  # admitted, relative paths
    refused: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)
    total: int = 0

    def reasons(self) -> list[str]:
        return [f"{safe_name(path)}: {why}" for path, why in self.refused]


def _printable(name: str) -> bool:
    return name.isprintable() and "\\" not in name and len(name.encode("utf-8", "replace")) <= 200


def scan(
    root: str,
    *,
    exclude=(),
    max_files: int = MAX_FILES,
    max_depth: int = MAX_DEPTH,
    max_bytes: int = MAX_BYTES,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> Scan:
    """What in the folder ``root`` may be copied or read (see the module docstring).
    ``exclude``: glob patterns of names to leave out silently (e.g. ``*.ipynb``)."""
    result = Scan(root)
    try:
        top = os.lstat(root)
    except OSError as exc:
        result.refused.append((".", f"cannot be read ({exc.strerror})"))
        return result
    if not stat.S_ISDIR(top.st_mode):
        result.refused.append((".", "the submission is not a folder"))
        return result
    todo = [("", 0)]
    while todo:
        rel_dir, depth = todo.pop()
        try:
            names = sorted(os.listdir(os.path.join(root, rel_dir) if rel_dir else root))
        except OSError as exc:
            result.refused.append((rel_dir or ".", f"cannot be listed ({exc.strerror})"))
            continue
        for name in names:
            rel = os.path.join(rel_dir, name) if rel_dir else name
            if any(fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(rel, pat) for pat in exclude):
                continue
            if not _printable(name):
                result.refused.append((rel, "its name has unprintable characters"))
                continue
            try:
                st = os.lstat(os.path.join(root, rel))
            except OSError as exc:
                result.refused.append((rel, f"cannot be read ({exc.strerror})"))
                continue
            kind = next((what for test, what in _KINDS if test(st.st_mode)), None)
            if kind:
                result.refused.append((rel, f"is {kind}; only regular files are accepted"))
            elif stat.S_ISDIR(st.st_mode):
                if depth + 1 > max_depth:
                    result.refused.append((rel, f"lies more than {max_depth} folders deep"))
                else:
                    todo.append((rel, depth + 1))
            elif not stat.S_ISREG(st.st_mode):
                result.refused.append((rel, "is not a regular file"))
            elif st.st_nlink != 1:
                result.refused.append((rel, "is a hard link to another file"))
            elif st.st_size > max_file_bytes:
                result.refused.append((rel, f"is larger than {max_file_bytes // MiB} MiB"))
            elif len(result.files) >= max_files:
                result.refused.append((rel, f"is past the limit of {max_files} files"))
            elif result.total + st.st_size > max_bytes:
                result.refused.append((rel, f"is past the limit of {max_bytes // MiB} MiB in all"))
            else:
                result.files.append(rel)
                result.total += st.st_size
    result.files.sort()
    return result


def open_regular(path: str, flags: int = os.O_RDONLY) -> int:
    """Open ``path`` without following a final symbolic link, and only if it is a regular file
    with one hard link; returns the file descriptor, or raises OSError saying why not."""
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_nlink != 1:
            raise OSError(errno.EMLINK, "a hard link to another file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def describe_refusal(path: str) -> str | None:
    """Why ``path`` (a submitted notebook) may not be read, or None if it may."""
    try:
        os.close(open_regular(path))
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "it is a symbolic link"
        return f"it is {exc.strerror.lower() if exc.strerror else 'not readable'}"


def copy_admitted(source: str, target: str, files: list[str]) -> list[tuple[str, str]]:
    """Copy the admitted ``files`` (relative to ``source``) into ``target`` without following
    links at either end; returns (path, reason) for files that changed under us and were skipped."""
    skipped = []
    for rel in files:
        src, dst = os.path.join(source, rel), os.path.join(target, rel)
        parent = os.path.dirname(dst)
        try:
            os.makedirs(parent, exist_ok=True)
            if os.path.islink(parent) or not os.path.isdir(parent):
                raise OSError(errno.ENOTDIR, "folder replaced")
            if os.path.lexists(dst):
                if os.path.isdir(dst) and not os.path.islink(dst):
                    shutil.rmtree(dst)
                else:
                    os.unlink(dst)
            fd_in = open_regular(src)
            try:
                fd_out = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                try:
                    while True:
                        chunk = os.read(fd_in, 1 << 20)
                        if not chunk:
                            break
                        os.write(fd_out, chunk)
                finally:
                    os.close(fd_out)
            finally:
                os.close(fd_in)
        except OSError as exc:
            skipped.append((rel, f"could not be copied safely ({exc.strerror or exc})"))
    return skipped


def stage_for_jail(source: str, target: str, *, max_bytes: int = MAX_BYTES) -> Scan:
    """The private copy of a submission folder that the student's jail sees: admitted files
    only, and never a notebook (the notebook being graded holds the restored hidden tests)."""
    os.makedirs(target, mode=0o700, exist_ok=True)
    found = scan(source, exclude=("*.ipynb", ".ipynb_checkpoints", "__pycache__"), max_bytes=max_bytes)
    found.refused += copy_admitted(source, target, found.files)
    return found


# --- nbgrader's copy from submitted/ to autograded/ ------------------------------------------------
#: Refusals found while copying, by (assignment, student), for the grading flags.
REFUSED: dict[tuple[str, str], list[str]] = {}


def _safe_init_assignment(self, assignment_id: str, student_id: str) -> None:
    """``BaseConverter.init_assignment`` for autograding: copy only admitted files."""
    from nbgrader.utils import is_ignored

    source = self._format_source(assignment_id, student_id)
    dest = self._format_dest(assignment_id, student_id)
    found = scan(source, exclude=("*.ipynb",))
    files = [f for f in found.files if not is_ignored(os.path.join(source, f), self.coursedir.ignore)]
    found.refused += copy_admitted(source, dest, files)
    REFUSED[(assignment_id, student_id)] = found.reasons()
    for reason in found.reasons():
        self.log.warning("alignlessons: %s/%s: refused %s", student_id, assignment_id, reason)


def install_autograde_copy() -> None:
    """Make ``nbgrader autograde`` copy submitted files through :func:`scan` (idempotent).

    nbgrader copies a submission's other files with ``shutil.copy``, which follows symbolic
    links with the grader's permissions; this replaces that step for autograding only."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.base import BaseConverter

    if getattr(BaseConverter.init_assignment, "_alignlessons", False):
        return
    original = BaseConverter.init_assignment

    def init_assignment(self, assignment_id, student_id):
        if isinstance(self, Autograde):
            return _safe_init_assignment(self, assignment_id, student_id)
        return original(self, assignment_id, student_id)

    init_assignment._alignlessons = True
    BaseConverter.init_assignment = init_assignment
