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

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import HBChannel  # noqa: F401 - imported for its side effects on load
from jupyter_client.connect import channel_socket_types
from jupyter_client.kernelspec import KernelSpec, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, Integer, List, Unicode, default

from . import JAIL_IPC_DIR, KERNEL_NAME, UNAVAILABLE_MESSAGE, SandboxUnavailable, bwrap_path
from .kernelspec import spec_dict

GiB = 1024**3
MiB = 1024**2


#: Largest message the grader accepts from a grading kernel; a larger one ends that connection.
MAX_MESSAGE_BYTES = 64 * MiB
#: Messages queued per socket on the grader's side.
RECEIVE_QUEUE = 16
#: A send to a kernel that is gone fails after this long instead of blocking.
SEND_TIMEOUT_MS = 5000


def harden_socket(sock, url: str) -> None:
    """Options for every socket the grader connects to a sandboxed kernel, set before it
    connects: never reconnect (the jail could have replaced the socket file by a link to a host
    socket), a bound on the size of a message and on the messages queued (no kernel can make
    the grader run out of memory). An ipc endpoint must be a socket, not a link."""
    import stat

    import zmq

    if url.startswith("ipc://"):
        path = url[len("ipc://") :]
        mode = os.lstat(path).st_mode  # raises if missing
        if not stat.S_ISSOCK(mode):
            raise RuntimeError(f"the kernel's endpoint {path} is not a socket")
    sock.setsockopt(zmq.RECONNECT_IVL, -1)
    sock.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)  # no peer (it never reconnects): do not block
    sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    sock.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)


def _connected_socket(owner, channel, identity=None):
    """``ConnectionFileMixin._create_connected_socket`` with :func:`harden_socket` applied
    before the socket connects (for the grader's client and for the manager's control socket)."""
    url = owner._make_url(channel)
    sock = owner.context.socket(channel_socket_types[channel])
    sock.linger = 0  # nothing is worth delivering to a kernel that is gone (never wait at exit)
    if identity:
        sock.identity = identity
    harden_socket(sock, url)
    sock.connect(url)
    return sock


class SandboxKernelClient(AsyncKernelClient):
    """The grader's client of a sandboxed kernel: hardened sockets (:func:`harden_socket`)."""

    _create_connected_socket = _connected_socket


class SandboxKernelManager(AsyncKernelManager):
    """Starts the ``alignlessons-sandbox`` kernel: ipc transport, limits, a jail per kernel."""

    memory_limit = Integer(2 * GiB, help="Address-space limit per process in the jail (bytes; 0: none).").tag(
        config=True
    )
    cpu_limit = Integer(600, help="CPU-time limit per process in the jail (seconds; 0: none).").tag(config=True)
    wall_limit = Integer(3600, help="Wall-clock limit for the whole kernel (seconds; 0: none).").tag(config=True)
    process_limit = Integer(
        64, help="Processes and threads in the jail (needs a pids cgroup when grading as root)."
    ).tag(config=True)
    file_size_limit = Integer(256 * MiB, help="Largest file the kernel may write (bytes).").tag(config=True)
    open_files_limit = Integer(1024, help="Open files per process.").tag(config=True)
    scratch_limit = Integer(256 * MiB, help="Size of each writable tmpfs in the jail (working folder, /tmp).").tag(
        config=True
    )
    use_cgroups = Bool(True, help="When grading as root, also confine each jail in pids and memory cgroups.").tag(
        config=True
    )
    allow_unsandboxed = Bool(
        False,
        help=(
            "Run grading kernels WITHOUT the bubblewrap jail when bwrap is missing. Student code then "
            "runs with your permissions. Only the resource limits remain."
        ),
    ).tag(config=True)
    bwrap = Unicode("", help="Path of the bwrap executable (default: search PATH).").tag(config=True)
    extra_ro_binds = List(Unicode(), help="More folders to show read-only inside the jail.").tag(config=True)
    hidden_paths = List(Unicode(), help="Folders or files never to show in the jail, even inside a bound folder.").tag(
        config=True
    )
    kernel_spec_file = Unicode(
        "",
        help=(
            "kernel.json of the grading kernel (course init writes one into the course root); "
            "default: an installed 'alignlessons-sandbox' spec, else the package's own."
        ),
    ).tag(config=True)

    role = Unicode("student", help="student: runs student code; test: runs the course's tests.")
    bridge_fd = Integer(-1, help="Inherited socket to the other kernel of the pair (-1: none).")
    bridge_timeout = Float(60.0, help="Seconds a test waits for one call into the student's code.")

    @default("kernel_name")
    def _kernel_name_default(self) -> str:
        return KERNEL_NAME

    @default("client_class")
    def _client_class_default(self) -> str:
        return "alignlessons.sandbox.manager.SandboxKernelClient"

    @default("client_factory")
    def _client_factory_default(self):
        return SandboxKernelClient

    _create_connected_socket = _connected_socket

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
                    self.log.warning(
                        "alignlessons: %s names a Python that does not exist; using this one (%s)", path, sys.executable
                    )
            except (OSError, ValueError):
                self.log.warning("alignlessons: cannot read the kernel spec %s; using the package's own", path)
        if self._kernel_spec is None and self.kernel_name == KERNEL_NAME:
            try:
                self._kernel_spec = self.kernel_spec_manager.get_kernel_spec(self.kernel_name)
            except NoSuchKernel:  # not installed: the package's own spec
                self._kernel_spec = KernelSpec(resource_dir="", **spec_dict())
        return super().kernel_spec

    # --- start ---------------------------------------------------------------------------------
    def _settings(self, sandboxed: bool) -> dict:
        hidden = [
            os.getcwd(),
            str(Path(__file__).resolve().parents[3] / "solutions"),
            os.path.expanduser("~"),
            *self.hidden_paths,
        ]
        trusted = self.role == "test"  # runs only the course's cells; reused across notebooks
        return {
            "role": self.role,
            "sandboxed": sandboxed,
            "bwrap": self.bwrap or "",
            "memory_bytes": self.memory_limit,
            "cpu_seconds": 0 if trusted else self.cpu_limit,
            "wall_seconds": 0 if trusted else self.wall_limit,
            "nproc": self.process_limit,
            "file_bytes": self.file_size_limit,
            "nofile": self.open_files_limit,
            "scratch_bytes": self.scratch_limit,
            "cgroups": self.use_cgroups,
            "ro_binds": list(self.extra_ro_binds),
            "hidden": hidden,
            "bridge_fd": self.bridge_fd if self.bridge_fd >= 0 else None,
            "bridge_timeout": self.bridge_timeout,
            "submission_dir": getattr(self, "_staged", None),
        }

    async def _async_pre_start_kernel(self, **kw):
        sandboxed = bwrap_path(self.bwrap or None) is not None
        if not sandboxed and not self.allow_unsandboxed:
            detail = f" at {self.bwrap}" if self.bwrap else " on PATH"
            raise SandboxUnavailable(UNAVAILABLE_MESSAGE.format(detail=detail))
        if not sandboxed:
            self.log.warning(
                "alignlessons: bubblewrap is missing and allow_unsandboxed is set: "
                "student code runs WITHOUT the sandbox, with your permissions."
            )
        self.transport = "ipc"
        state = Path(tempfile.mkdtemp(prefix="alignlessons-kernel-"))
        self._sandbox_state = state
        self.connection_file = str(state / "kernel.json")
        if sandboxed:
            self.ip = JAIL_IPC_DIR + "/k"
        else:
            (state / "ipc").mkdir(mode=0o700)
            self.ip = str(state / "ipc" / "k")
        self._staged = None
        if self.role == "student":
            # The jail sees a private copy of the submission folder: regular files only, and no
            # notebook (the one being graded holds the restored hidden tests and mark schemes).
            from .files import stage_for_jail

            staged = state / "submission"
            staged.mkdir(mode=0o700)
            # Only the folder the notebook runs in, named explicitly; never the grader's own
            # working folder (the course root) by default.
            found = stage_for_jail(kw["cwd"], str(staged), max_bytes=self.scratch_limit) if kw.get("cwd") else None
            self._staged = str(staged)
            self.staging_refused = found.reasons() if found else []
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
        # The client must connect once, to the kernel's own sockets (it never reconnects): wait
        # until the kernel has bound every one of them.
        import stat

        ports = [self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port]
        while True:
            try:
                if all(stat.S_ISSOCK(os.lstat(f"{self.ip}-{p}").st_mode) for p in ports):
                    break
            except OSError:
                pass
            if self.provisioner is None or await self.provisioner.poll() is not None:
                raise RuntimeError("the sandboxed kernel did not start" + self._launcher_hint())
            if time.monotonic() > deadline:
                raise RuntimeError("the sandboxed kernel did not open its sockets within 60 s")
            await asyncio.sleep(0.005)

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

    # A kernel whose connection is gone (it died, or a message broke a limit) cannot be asked
    # to stop; the sends fail (zmq.Again) and the process is killed instead.
    async def _async_interrupt_kernel(self) -> None:
        import zmq

        try:
            await super()._async_interrupt_kernel()
        except zmq.ZMQError as exc:
            self.log.debug("alignlessons: interrupt not delivered (%s)", exc)

    async def _async_request_shutdown(self, restart: bool = False) -> None:
        import zmq

        try:
            await super()._async_request_shutdown(restart=restart)
        except zmq.ZMQError as exc:
            self.log.debug("alignlessons: shutdown request not delivered (%s)", exc)

    interrupt_kernel = _async_interrupt_kernel
    request_shutdown = _async_request_shutdown

    # jupyter_client binds these public names to its own coroutine functions: point them at ours.
    cleanup_resources = _async_cleanup_resources
    pre_start_kernel = _async_pre_start_kernel
    _launch_kernel = _async_launch_kernel
