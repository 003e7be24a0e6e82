"""Start of a grading kernel *inside* the jail (see :mod:`alignlessons.sandbox.launch`).

    python -m alignlessons.sandbox.inner -f CONNECTION_FILE [kernel arguments ...]

Sets the limits that only work inside the jail's user namespace (processes), copies the
submission folder into the private working folder, connects the grading bridge (before any
student code runs), then becomes an ordinary IPython kernel.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys


def _copy_submission(source: str, target: str, limit: int) -> None:
    """Copy the submission folder into the (tmpfs) working folder, symlinks as symlinks, up to
    ``limit`` bytes in total (beyond it, files are skipped)."""
    if not source or not os.path.isdir(source):
        return
    total = 0
    for dirpath, _dirnames, filenames in os.walk(source):
        rel = os.path.relpath(dirpath, source)
        dest_dir = os.path.normpath(os.path.join(target, rel))
        os.makedirs(dest_dir, exist_ok=True)
        for name in filenames:
            src = os.path.join(dirpath, name)
            dst = os.path.join(dest_dir, name)
            try:
                if os.path.islink(src) or not os.path.isfile(src):
                    continue  # the grader staged regular files only; never recreate a link
                size = os.path.getsize(src)
                if limit and total + size > limit:
                    continue
                shutil.copyfile(src, dst)
                total += size
            except OSError:
                continue


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    role = os.environ.get("ALIGNLESSONS_SANDBOX_ROLE", "student")
    nproc = int(os.environ.get("ALIGNLESSONS_SANDBOX_NPROC") or 0)
    if nproc:
        try:  # counts processes of this user namespace only; without effect for real root
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        except (ValueError, OSError):
            pass
    os.umask(0o077)
    workdir = os.environ.get("ALIGNLESSONS_SANDBOX_WORKDIR") or os.getcwd()
    os.makedirs(workdir, exist_ok=True)
    _copy_submission(
        os.environ.get("ALIGNLESSONS_SANDBOX_COPY_FROM", ""),
        workdir,
        int(os.environ.get("ALIGNLESSONS_SANDBOX_COPY_LIMIT") or 0),
    )
    os.chdir(workdir)
    for var in ("ALIGNLESSONS_SANDBOX_COPY_FROM", "ALIGNLESSONS_SANDBOX_COPY_LIMIT"):
        os.environ.pop(var, None)

    bridge_fd = os.environ.pop("ALIGNLESSONS_BRIDGE_FD", "")
    timeout = float(os.environ.pop("ALIGNLESSONS_BRIDGE_TIMEOUT", "60") or 60)
    max_bytes = int(os.environ.pop("ALIGNLESSONS_BRIDGE_MAX_BYTES", "0") or 0) or None

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["--HistoryManager.enabled=False", "--IPKernelApp.quiet=True", *argv])
    if bridge_fd:
        from . import bridge

        if role == "student":
            bridge.serve(int(bridge_fd), lambda: app.shell.user_ns, max_bytes=max_bytes, call_timeout=timeout + 5)
        else:
            bridge.listen(int(bridge_fd), timeout=timeout, max_bytes=max_bytes)
    if role == "test":
        # The test kernel's working folder is empty; nothing there may shadow a module.
        sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]
    app.start()


if __name__ == "__main__":
    main()
