"""Run `nbgrader ...` and `alignlessons ...` command lines quickly: a helper process imports
both programs once, then forks a fresh copy of itself for every command line, which runs the
program's console entry point (what the `nbgrader` and `alignlessons` scripts call) in the given
folder with the given environment. Each command runs in its own pristine process, exactly as
from a shell, without paying nbgrader's ~2 s of imports every time."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from alignlessons import tooling

ZYGOTE = r"""
import json, os, sys
import nbgrader.apps.nbgraderapp as nbgraderapp
import nbgrader.apps as _apps  # noqa: F401 - every subcommand, imported once
import nbgrader.exchange.default as _exchange  # noqa: F401
import alignlessons.cli as cli
import alignlessons.grading, alignlessons.sandbox.execute, alignlessons.sandbox.submission  # noqa: F401
print("ready", flush=True)
for line in sys.stdin:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            out = os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            same = req["stderr"] == req["stdout"]
            os.dup2(out if same else os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            os.chdir(req["cwd"])
            os.environ.clear()
            os.environ.update(req["env"])
            sys.argv = list(req["argv"])
            try:
                if sys.argv[0] == "nbgrader":
                    code = nbgraderapp.main() or 0
                else:
                    code = cli.main(sys.argv[1:]) or 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            import atexit
            atexit._run_exitfuncs()  # as at the end of a normal run (e.g. stop grading kernels)
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class Runner:
    """One helper process; command lines run one at a time (thread-safe)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=tooling.tool_env(),
        )
        assert self.proc.stdout.readline().strip() == "ready"
        self.lock = threading.Lock()
        self.tmp = tempfile.TemporaryDirectory(prefix="alignlessons-runner-")

    def run(self, argv: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
        with self.lock:
            out, err = Path(self.tmp.name, "out"), Path(self.tmp.name, "err")
            request = {"argv": argv, "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err)}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            code = json.loads(self.proc.stdout.readline())["code"]
            return subprocess.CompletedProcess(argv, code, out.read_text(), err.read_text())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        self.tmp.cleanup()
