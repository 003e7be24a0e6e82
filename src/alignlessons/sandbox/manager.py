"""The kernel manager that starts grading kernels in the sandbox (configurable from nbgrader).

In ``nbgrader_config.py`` (``alignlessons course init`` writes these with defaults)::

    c.SandboxKernelManager.memory_limit = 2 * 1024**3    # bytes of address space per process
    c.SandboxKernelManager.cpu_limit = 600               # CPU seconds per kernel
    c.SandboxKernelManager.wall_limit = 3600             # seconds before the jail is killed
    c.SandboxKernelManager.process_limit = 64            # processes/threads in the jail
    c.SandboxKernelManager.allow_unsandboxed = False     # True: run without bubblewrap (unsafe)

The jail itself is built by the kernel provisioner the grading kernel spec names
(:mod:`alignlessons.sandbox.provisioner`); this manager holds the settings, gives the kernel
its role and bridge socket, and hands out the hardened client. The jupyter_client internals it
still overrides have no public hook: socket creation (options set before connecting) and the
interrupt/shutdown requests to a kernel whose connection is gone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import HBChannel
from jupyter_client.connect import channel_socket_types
from jupyter_client.kernelspec import KernelSpec, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, Integer, List, Type, Unicode, default

from . import KERNEL_NAME, PROVISIONER_NAME
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


class SandboxHBChannel(HBChannel):
    """The heartbeat channel with a hardened socket. jupyter_client's own makes a new socket
    and connects again whenever a beat is missed: through a link the jail put in place of the
    kernel's socket, that would reach a host socket. This one checks the endpoint each time
    (:func:`harden_socket`); if it is not the kernel's socket, or the connection is gone, the
    channel stops and the heart counts as dead (a send never blocks: it fails at once or
    after the send time-out, and ends the channel's thread quietly)."""

    def _create_socket(self) -> None:
        import zmq

        if self.socket is not None:
            self.poller.unregister(self.socket)
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.REQ)
        self.socket.linger = 0
        try:
            harden_socket(self.socket, self.address)
            self.socket.connect(self.address)
        except (OSError, RuntimeError):
            self.socket.setsockopt(zmq.SNDTIMEO, 0)  # never connected: the next send fails at once
        self.poller.register(self.socket, zmq.POLLIN)

    def run(self) -> None:
        import zmq

        try:
            super().run()
        except zmq.ZMQError:  # the kernel's socket is gone or refused: the heart is dead
            self._beating = False


class SandboxKernelClient(AsyncKernelClient):
    """The grader's client of a sandboxed kernel: hardened sockets (:func:`harden_socket`),
    also for the heartbeat (:class:`SandboxHBChannel`)."""

    hb_channel_class = Type(SandboxHBChannel)
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
        spec = super().kernel_spec
        if spec is not None and self.kernel_name == KERNEL_NAME:
            # Always through the sandbox provisioner, also for a kernel.json written before
            # the spec named it (or edited to name another one).
            spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER_NAME, "config": {}}
        return spec

    # --- start: see alignlessons.sandbox.provisioner ------------------------------------------
    def sandbox_settings(self, sandboxed: bool, *, submission_dir: str | None = None) -> dict:
        """The launcher's settings for one kernel (written by the provisioner into its state
        folder; read by :mod:`alignlessons.sandbox.launch` before it builds the jail)."""
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
            "submission_dir": submission_dir,
        }

    # --- state ---------------------------------------------------------------------------------
    @property
    def killed_reason(self) -> str | None:
        """Why the launcher killed the kernel (e.g. the wall-clock limit), if it did."""
        return getattr(self.provisioner, "killed_reason", None)

    @property
    def staging_refused(self) -> list:
        """What the staging of the submission folder refused, with reasons (student kernels)."""
        return list(getattr(self.provisioner, "staging_refused", None) or [])

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
