"""The kernel manager that starts grading kernels in the sandbox (configurable from nbgrader).

In ``nbgrader_config.py`` (``alignlessons course init`` writes these with defaults)::

    c.SandboxKernelManager.memory_limit = 2 * 1024**3    # bytes of address space per process
    c.SandboxKernelManager.cpu_limit = 600               # CPU seconds per kernel
    c.SandboxKernelManager.wall_limit = 3600             # seconds before the jail is killed
    c.SandboxKernelManager.process_limit = 64            # processes/threads in the jail
    c.SandboxKernelManager.allow_unsandboxed = False     # True: run without bubblewrap (unsafe)
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, Integer, List, Unicode, default

from . import JAIL_IPC_DIR, KERNEL_NAME, UNAVAILABLE_MESSAGE, SandboxUnavailable, bwrap_path
from .kernelspec import spec_dict

GiB = 1024 ** 3
MiB = 1024 ** 2


class SandboxKernelManager(AsyncKernelManager):
    """Starts the ``alignlessons-sandbox`` kernel: ipc transport, limits, a jail per kernel."""

    memory_limit = Integer(2 * GiB, help="Address-space limit per process in the jail (bytes; 0: none).").tag(config=True)
    cpu_limit = Integer(600, help="CPU-time limit per process in the jail (seconds; 0: none).").tag(config=True)
    wall_limit = Integer(3600, help="Wall-clock limit for the whole kernel (seconds; 0: none).").tag(config=True)
    process_limit = Integer(64, help="Processes and threads in the jail (needs a pids cgroup when grading as root).").tag(config=True)
    file_size_limit = Integer(256 * MiB, help="Largest file the kernel may write (bytes).").tag(config=True)
    open_files_limit = Integer(1024, help="Open files per process.").tag(config=True)
    scratch_limit = Integer(256 * MiB, help="Size of each writable tmpfs in the jail (working folder, /tmp).").tag(config=True)
    use_cgroups = Bool(True, help="When grading as root, also confine each jail in pids and memory cgroups.").tag(config=True)
    allow_unsandboxed = Bool(False, help=(
        "Run grading kernels WITHOUT the bubblewrap jail when bwrap is missing. Student code then "
        "runs with your permissions. Only the resource limits remain.")).tag(config=True)
    bwrap = Unicode("", help="Path of the bwrap executable (default: search PATH).").tag(config=True)
    extra_ro_binds = List(Unicode(), help="More folders to show read-only inside the jail.").tag(config=True)
    hidden_paths = List(Unicode(), help="Folders or files never to show in the jail, even inside a bound folder.").tag(config=True)
    kernel_spec_file = Unicode("", help=(
        "kernel.json of the grading kernel (course init writes one into the course root); "
        "default: an installed 'alignlessons-sandbox' spec, else the package's own.")).tag(config=True)

    role = Unicode("student", help="student: runs student code; test: runs the course's tests.")
    bridge_fd = Integer(-1, help="Inherited socket to the other kernel of the pair (-1: none).")
    bridge_timeout = Float(60.0, help="Seconds a test waits for one call into the student's code.")

    @default("kernel_name")
    def _kernel_name_default(self) -> str:
        return KERNEL_NAME

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @property
    def kernel_spec(self):
        if self._kernel_spec is None and self.kernel_name == KERNEL_NAME and self.kernel_spec_file:
            path = Path(self.kernel_spec_file)
            try:
                spec = KernelSpec.from_resource_dir(str(path.parent))
                if spec.argv and os.access(spec.argv[0], os.X_OK):
                    self._kernel_spec = spec
                else:
                    self.log.warning("alignlessons: %s names a Python that does not exist; using "
                                     "this one (%s)", path, sys.executable)
            except (OSError, ValueError):
                self.log.warning("alignlessons: cannot read the kernel spec %s; using the "
                                 "package's own", path)
        if self._kernel_spec is None and self.kernel_name == KERNEL_NAME:
            try:
                self._kernel_spec = self.kernel_spec_manager.get_kernel_spec(self.kernel_name)
            except NoSuchKernel:  # not installed: the package's own spec
                self._kernel_spec = KernelSpec(resource_dir="", **spec_dict())
        return super().kernel_spec

    # --- start ---------------------------------------------------------------------------------
    def _settings(self, sandboxed: bool) -> dict:
        hidden = [os.getcwd(), str(Path(__file__).resolve().parents[3] / "solutions"),
                  os.path.expanduser("~"),
                  *self.hidden_paths]
        trusted = self.role == "test"  # runs only the course's cells; reused across notebooks
        return {
            "role": self.role, "sandboxed": sandboxed, "bwrap": self.bwrap or "",
            "memory_bytes": self.memory_limit, "cpu_seconds": 0 if trusted else self.cpu_limit,
            "wall_seconds": 0 if trusted else self.wall_limit, "nproc": self.process_limit,
            "file_bytes": self.file_size_limit, "nofile": self.open_files_limit,
            "scratch_bytes": self.scratch_limit, "cgroups": self.use_cgroups,
            "ro_binds": list(self.extra_ro_binds), "hidden": hidden,
            "bridge_fd": self.bridge_fd if self.bridge_fd >= 0 else None,
            "bridge_timeout": self.bridge_timeout,
        }

    async def _async_pre_start_kernel(self, **kw):
        sandboxed = bwrap_path(self.bwrap or None) is not None
        if not sandboxed and not self.allow_unsandboxed:
            detail = f" at {self.bwrap}" if self.bwrap else " on PATH"
            raise SandboxUnavailable(UNAVAILABLE_MESSAGE.format(detail=detail))
        if not sandboxed:
            self.log.warning("alignlessons: bubblewrap is missing and allow_unsandboxed is set: "
                             "student code runs WITHOUT the sandbox, with your permissions.")
        self.transport = "ipc"
        state = Path(tempfile.mkdtemp(prefix="alignlessons-kernel-"))
        self._sandbox_state = state
        self.connection_file = str(state / "kernel.json")
        if sandboxed:
            self.ip = JAIL_IPC_DIR + "/k"
        else:
            (state / "ipc").mkdir(mode=0o700)
            self.ip = str(state / "ipc" / "k")
        (state / "settings.json").write_text(json.dumps(self._settings(sandboxed)))
        env = dict(kw.get("env") or os.environ)
        env["ALIGNLESSONS_SANDBOX_STATE"] = str(state)
        kw["env"] = env
        if self.bridge_fd >= 0:
            kw["pass_fds"] = tuple(sorted(set(kw.get("pass_fds", ())) | {self.bridge_fd}))
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        ready = self._sandbox_state / "ready.json"
        deadline = time.monotonic() + 60
        while not ready.exists():
            if self.provisioner is None or await self.provisioner.poll() is not None:
                raise RuntimeError("the sandboxed kernel did not start" + self._launcher_hint())
            if time.monotonic() > deadline:
                raise RuntimeError("the sandboxed kernel did not start within 60 s")
            await asyncio.sleep(0.005)
        self.ip = json.loads(ready.read_text())["ip"]

    def _launcher_hint(self) -> str:
        return " (see the kernel's messages above; is bubblewrap allowed to create user namespaces?)"

    # --- state ---------------------------------------------------------------------------------
    @property
    def killed_reason(self) -> str | None:
        """Why the launcher killed the kernel (e.g. the wall-clock limit), if it did."""
        state = getattr(self, "_sandbox_state", None)
        if state and (state / "killed.json").exists():
            try:
                return json.loads((state / "killed.json").read_text()).get("reason")
            except (OSError, ValueError):
                return "killed"
        return None

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        state = getattr(self, "_sandbox_state", None)
        if state is not None and not restart:
            try:
                from .launch import remove_cgroups

                remove_cgroups(json.loads((state / "cgroups.json").read_text()))
            except (OSError, ValueError):
                pass
            shutil.rmtree(state, ignore_errors=True)

    # jupyter_client binds these public names to its own coroutine functions: point them at ours.
    cleanup_resources = _async_cleanup_resources
    pre_start_kernel = _async_pre_start_kernel
    _launch_kernel = _async_launch_kernel
