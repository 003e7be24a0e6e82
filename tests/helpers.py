"""Helpers shared by tests that start servers or browsers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "alignlessons-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60, proc: subprocess.Popen | None = None) -> bytes:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.read()
        except Exception as exc:  # noqa: BLE001 - retry until the deadline
            last = exc
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


@contextlib.contextmanager
def make_lab(port: int, *, root_dir: Path | None = None, log: Path | None = None, extra: str = ""):
    """Run `make lab ARGS=...` exactly as the README says, on a loopback port, then stop it."""
    args = f"--no-browser --port={port} --IdentityProvider.token={TOKEN} --ServerApp.port_retries=0 {extra}"
    out = open(log, "w") if log else subprocess.DEVNULL
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    cmd = ["make", "-s", "-C", str(ROOT), "lab", f"ARGS={args}"]
    if root_dir is not None:
        cmd.append(f"COURSE_DIR={root_dir}")
    proc = subprocess.Popen(
        cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=env
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=90, proc=proc)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if log:
            out.close()


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook of code cells (no outputs) for browser tests."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)
    return path
