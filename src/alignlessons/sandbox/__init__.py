"""Sandboxed autograding: student code runs in a bubblewrap jail, tests run where it cannot reach.

How a submission is graded (``alignlessons.grading.configure`` wires this into nbgrader):

* **Two kernels per notebook.** The *student kernel* runs the student's cells (and the course's
  locked set-up cells). The *test kernel* runs the course's locked cells and the autograder
  test cells; no student code ever runs in it. Before each test cell, the names the test reads
  that the student defines are copied from the student kernel *as data* (numbers, strings,
  containers, numpy arrays, pandas objects); a student function becomes a proxy whose calls run
  in the student kernel and return data. So redefining ``math.isclose``, builtins, numpy
  functions, IPython's error handling or the course's helpers changes nothing in the kernel
  that decides the score, and hidden tests never enter the student's process.
* **Each kernel runs in a jail** (:mod:`alignlessons.sandbox.launch`): fresh user, PID, network,
  IPC, UTS and cgroup namespaces; a read-only view of ``/usr``, part of ``/etc``, the Python
  installation, the virtualenv and the ``alignlessons`` package only; a size-limited tmpfs as
  the working folder (a copy of the submission folder) and home; no network at all; memory,
  CPU-time, file-size, open-file and process limits; a wall-clock limit after which the whole
  jail is killed. The course root (gradebook, other students, source notebooks) is not mounted.
* The kernels speak ZeroMQ over unix sockets inside the jail, reached from outside through
  ``/proc/PID/root``; the two kernels talk over an inherited socket pair. Nothing in the jail
  can write to the grader's disk.

This module is imported by the kernel launcher, so it must stay cheap to import (stdlib only).
"""

from __future__ import annotations

import os
import shutil

KERNEL_NAME = "alignlessons-sandbox"
KERNEL_DISPLAY_NAME = "Python 3 (alignlessons grading sandbox)"
#: The kernel provisioner that builds the jail (entry point; :mod:`.provisioner`).
PROVISIONER_NAME = "alignlessons-sandbox-provisioner"

#: Paths inside the jail.
JAIL_RUN = "/run/alignlessons"
JAIL_CONNECTION_FILE = JAIL_RUN + "/kernel.json"
JAIL_IPC_DIR = JAIL_RUN + "/ipc"
JAIL_SUBMISSION = JAIL_RUN + "/submission"
JAIL_HOME = "/home/student"

UNAVAILABLE_MESSAGE = (
    "alignlessons refuses to run student code without its sandbox: bubblewrap (`bwrap`) was not "
    "found{detail}. Install it (Debian/Ubuntu: `apt-get install bubblewrap`), or, only if you accept "
    "that student code runs with your permissions (it can read and delete the gradebook, read the "
    "solutions and other students' work, and use the network), opt out explicitly in "
    "nbgrader_config.py with `c.SandboxKernelManager.allow_unsandboxed = True`."
)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be used and the instructor has not opted out of it."""


def bwrap_path(candidate: str | None = None) -> str | None:
    """The bubblewrap executable to use, or None if it is not installed."""
    if candidate:
        return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)), None)


def available() -> bool:
    """Whether bubblewrap is installed (the sandbox can be used)."""
    return bwrap_path() is not None


_PROBE: list = []


def probe() -> str | None:
    """None if bubblewrap can create a jail here, else why not (e.g. user namespaces are
    forbidden in this container). The result is cached."""
    if not _PROBE:
        import subprocess

        bwrap = bwrap_path()
        if bwrap is None:
            _PROBE.append("bubblewrap (bwrap) is not installed")
        else:
            cmd = [
                bwrap,
                "--unshare-user",
                "--unshare-net",
                "--unshare-pid",
                "--die-with-parent",
                "--ro-bind",
                "/usr",
                "/usr",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--symlink",
                "usr/bin",
                "/bin",
                "--symlink",
                "usr/lib",
                "/lib",
                "--symlink",
                "usr/lib64",
                "/lib64",
                "--",
                "/usr/bin/env",
                "true",
            ]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
                _PROBE.append(
                    None if proc.returncode == 0 else f"bwrap cannot create a jail here: {proc.stderr.strip()[:300]}"
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                _PROBE.append(f"bwrap cannot create a jail here: {exc}")
    return _PROBE[0]


__all__ = [
    "KERNEL_NAME",
    "SandboxUnavailable",
    "available",
    "bwrap_path",
    "probe",
    "UNAVAILABLE_MESSAGE",
]
