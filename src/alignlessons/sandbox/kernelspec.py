"""The ``alignlessons-sandbox`` kernel spec (written into a course root by ``alignlessons course init``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import KERNEL_DISPLAY_NAME, KERNEL_NAME, PROVISIONER_NAME


def spec_dict(python: str | None = None) -> dict:
    return {
        "argv": [python or sys.executable, "-m", "alignlessons.sandbox.launch", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY_NAME,
        "language": "python",
        "interrupt_mode": "message",
        "env": {},
        "metadata": {
            # jupyter_client starts the kernel through this provisioner (an entry point of the
            # package): the jail is built whichever application starts the kernel.
            "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME, "config": {}},
            "alignlessons": {
                "sandbox": True,
                "note": "Grading only: nbgrader autograde starts it through "
                "alignlessons.sandbox.SandboxKernelManager; it always runs in the jail.",
            },
            "debugger": False,
        },
    }


def install(kernels_dir: Path, python: str | None = None) -> Path:
    """Write the kernel spec into ``kernels_dir/alignlessons-sandbox/kernel.json``; returns it."""
    target = Path(kernels_dir) / KERNEL_NAME
    target.mkdir(parents=True, exist_ok=True)
    path = target / "kernel.json"
    path.write_text(json.dumps(spec_dict(python), indent=2) + "\n")
    return path
