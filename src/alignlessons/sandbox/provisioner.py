"""The kernel provisioner that starts grading kernels in their jail.

jupyter_client starts every kernel through a *kernel provisioner* named in the kernel spec
(``metadata.kernel_provisioner.provisioner_name``) and registered as an entry point in the
``jupyter_client.kernel_provisioners`` group. The ``alignlessons-sandbox`` spec names this one
(:data:`PROVISIONER_NAME`), so whichever kernel manager starts that spec — nbgrader's
autograder through :class:`~alignlessons.sandbox.manager.SandboxKernelManager`, or any other
Jupyter application — the kernel runs in the jail with the limits configured for
``SandboxKernelManager``, or refuses to start.

What it does, at each step of jupyter_client's provisioner API:

* ``pre_launch``: refuse without bubblewrap (unless the instructor opted out); pick the ipc
  transport (no network inside the jail); make a private state folder (connection file,
  settings, the launcher's reports); for a student kernel, stage a private copy of the
  submission folder (regular files only, never a notebook: :func:`~.files.stage_for_jail`);
  pass the bridge socket to the launcher.
* ``launch_kernel``: start the launcher (:mod:`alignlessons.sandbox.launch`), wait until the
  jail reports where its sockets are (``/proc/PID/root/...``) and until the kernel has bound
  every one of them, and return that connection information.
* ``cleanup``: remove the jail's cgroups and the state folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from . import JAIL_IPC_DIR, PROVISIONER_NAME, UNAVAILABLE_MESSAGE, SandboxUnavailable, bwrap_path

__all__ = ["PROVISIONER_NAME", "SandboxProvisioner"]

#: Seconds the launcher has to report its jail and bind the kernel's sockets.
START_TIMEOUT = 60.0

_START_HINT = " (see the kernel's messages above; is bubblewrap allowed to create user namespaces?)"


def _options(km) -> Any:
    """The sandbox options: the kernel manager's own when it is a ``SandboxKernelManager``,
    otherwise a ``SandboxKernelManager`` built from the same configuration (so
    ``c.SandboxKernelManager.*`` settings apply whoever starts the kernel)."""
    from .manager import SandboxKernelManager

    if isinstance(km, SandboxKernelManager):
        return km
    return SandboxKernelManager(config=getattr(km, "config", None))


class SandboxProvisioner(LocalProvisioner):
    """Starts the ``alignlessons-sandbox`` kernel in a bubblewrap jail (see the module doc)."""

    state_dir: Path | None = None
    #: What the staging of the submission folder refused, with reasons (student kernels).
    staging_refused: list = []

    # --- jupyter_client's provisioner API ----------------------------------------------------
    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        if km is None:
            raise RuntimeError("the sandbox provisioner needs a kernel manager")
        opts = _options(km)
        sandboxed = bwrap_path(opts.bwrap or None) is not None
        if not sandboxed and not opts.allow_unsandboxed:
            detail = f" at {opts.bwrap}" if opts.bwrap else " on PATH"
            raise SandboxUnavailable(UNAVAILABLE_MESSAGE.format(detail=detail))
        if not sandboxed:
            self.log.warning(
                "alignlessons: bubblewrap is missing and allow_unsandboxed is set: "
                "student code runs WITHOUT the sandbox, with your permissions."
            )
        if self.state_dir is not None:  # a restart: a fresh jail, a fresh state folder
            self._remove_state()
        state = Path(tempfile.mkdtemp(prefix="alignlessons-kernel-"))
        self.state_dir = state
        km.transport = "ipc"
        km.cache_ports = False  # ports of an ipc endpoint are file-name suffixes, not tcp ports
        km.connection_file = str(state / "kernel.json")
        if sandboxed:
            km.ip = JAIL_IPC_DIR + "/k"
        else:
            (state / "ipc").mkdir(mode=0o700)
            km.ip = str(state / "ipc" / "k")
        staged = None
        self.staging_refused = []
        if opts.role == "student":
            # The jail sees a private copy of the submission folder: regular files only, and no
            # notebook (the one being graded holds the restored hidden tests and mark schemes).
            # Only the folder the notebook runs in, named explicitly; never the grader's own
            # working folder (the course root) by default.
            from .files import stage_for_jail

            staged = state / "submission"
            staged.mkdir(mode=0o700)
            cwd = kwargs.get("cwd")
            found = stage_for_jail(cwd, str(staged), max_bytes=opts.scratch_limit) if cwd else None
            self.staging_refused = found.reasons() if found else []
        settings = opts.sandbox_settings(sandboxed, submission_dir=str(staged) if staged else None)
        (state / "settings.json").write_text(json.dumps(settings))
        env = dict(kwargs.get("env") or os.environ)
        env["ALIGNLESSONS_SANDBOX_STATE"] = str(state)
        kwargs["env"] = env
        if settings.get("bridge_fd") is not None:
            kwargs["pass_fds"] = tuple(sorted(set(kwargs.get("pass_fds", ())) | {settings["bridge_fd"]}))
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict:
        info = dict(await super().launch_kernel(cmd, **kwargs))
        assert self.state_dir is not None
        ready = self.state_dir / "ready.json"
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.exists():
            await self._wait_step(deadline, "report its jail")
        ip = json.loads(ready.read_text())["ip"]
        # The grader's client connects once, to the kernel's own sockets (it never reconnects):
        # wait until the kernel has bound every one of them.
        ports = [info[name] for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
        while not self._all_sockets(ip, ports):
            await self._wait_step(deadline, "open its sockets")
        self.ip = ip
        info["ip"] = ip
        self.connection_info = info
        return info

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if not restart:
            self._remove_state()

    async def get_provisioner_info(self) -> dict:
        info = await super().get_provisioner_info()
        info["state_dir"] = str(self.state_dir) if self.state_dir else None
        return info

    async def load_provisioner_info(self, provisioner_info: dict) -> None:
        await super().load_provisioner_info(provisioner_info)
        state = provisioner_info.get("state_dir")
        self.state_dir = Path(state) if state else None

    # --- what the launcher reported ----------------------------------------------------------
    @property
    def killed_reason(self) -> str | None:
        """Why the launcher killed the kernel (e.g. the wall-clock limit), if it did."""
        killed = self.state_dir / "killed.json" if self.state_dir else None
        if killed is None or not killed.exists():
            return None
        try:
            return json.loads(killed.read_text()).get("reason")
        except (OSError, ValueError):
            return "killed"

    # --- helpers -----------------------------------------------------------------------------
    async def _wait_step(self, deadline: float, what: str) -> None:
        if await self.poll() is not None:
            raise RuntimeError("the sandboxed kernel did not start" + _START_HINT)
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sandboxed kernel did not {what} within {START_TIMEOUT:.0f} s")
        await asyncio.sleep(0.005)

    @staticmethod
    def _all_sockets(ip: str, ports: list[int]) -> bool:
        try:
            return all(stat.S_ISSOCK(os.lstat(f"{ip}-{port}").st_mode) for port in ports)
        except OSError:
            return False

    def _remove_state(self) -> None:
        state, self.state_dir = self.state_dir, None
        if state is None:
            return
        try:
            from .launch import remove_cgroups

            remove_cgroups(json.loads((state / "cgroups.json").read_text()))
        except (OSError, ValueError):
            pass
        shutil.rmtree(state, ignore_errors=True)
