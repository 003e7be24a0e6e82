"""Kernel launcher of the grading sandbox (the ``argv`` of the ``alignlessons-sandbox`` kernel spec).

    python -m alignlessons.sandbox.launch -f CONNECTION_FILE [kernel arguments ...]

Runs *outside* the jail, with the grader's permissions, and only with the standard library. It is
started by :class:`alignlessons.sandbox.manager.SandboxKernelManager`, which writes the limits
and the kernel's role into a private state folder named by ``ALIGNLESSONS_SANDBOX_STATE``.

It sets resource limits (inherited by everything in the jail), puts the jail into fresh pids and
memory cgroups when it can (root with a writable cgroup file system), starts
``bwrap ... python -m alignlessons.sandbox.inner``, tells the kernel manager where the kernel's
sockets can be reached (``/proc/PID/root/...``), and kills the whole jail when the wall-clock
limit passes, when the kernel manager goes away, or on SIGTERM.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from . import JAIL_CONNECTION_FILE, JAIL_HOME, JAIL_IPC_DIR, JAIL_SUBMISSION, bwrap_path

# Parts of /etc a Python kernel may need. Everything else in /etc (shadow files, keys, service
# configuration) stays invisible.
ETC_ALLOW = (
    "alternatives",
    "ca-certificates",
    "fonts",
    "gai.conf",
    "group",
    "host.conf",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "locale.alias",
    "localtime",
    "mime.types",
    "nsswitch.conf",
    "os-release",
    "passwd",
    "protocols",
    "services",
    "ssl",
    "timezone",
    "matplotlibrc",
    "python3",
    "python3.11",
    "python3.12",
    "python3.13",
)
TOP_LEVEL = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
MiB = 1024 * 1024


def _fail(message: str, code: int = 70) -> None:
    print(f"alignlessons sandbox: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def _set_parent_death_signal() -> None:
    """Die with the kernel manager's process (PR_SET_PDEATHSIG), so no jail outlives the grader."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; the wall-clock limit still applies
        pass


def _is_under(path: str, root: str) -> bool:
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or path.startswith(root.rstrip("/") + "/")


def python_binds() -> list[str]:
    """Read-only folders the kernel's Python needs: the installation, the virtualenv and the
    ``alignlessons`` package (only the package folder itself, never the repository around it)."""
    import alignlessons

    paths = {
        sys.base_prefix,
        sys.base_exec_prefix,
        sys.prefix,
        sys.exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        os.path.dirname(os.path.abspath(alignlessons.__file__)),
    }
    out: list[str] = []
    for p in sorted(paths, key=len):
        p = os.path.abspath(p)
        if not os.path.isdir(p) or _is_under(p, "/usr") or any(_is_under(p, q) for q in out):
            continue
        out.append(p)
    return out


# --- cgroups (optional, root only) -------------------------------------------------------------
def _write(path: Path, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def make_cgroups(settings: dict) -> list[str]:
    """Per-kernel cgroups limiting processes (fork bombs) and memory, when the grader may create
    them (root with a writable cgroup v1 or v2 hierarchy). Returns the folders created."""
    if not settings.get("cgroups") or os.geteuid() != 0:
        return []
    name = f"alignlessons-{uuid.uuid4().hex[:12]}"
    nproc, memory = int(settings.get("nproc") or 0), int(settings.get("memory_bytes") or 0)
    memory_total = memory + 2 * int(settings.get("scratch_bytes") or 0) if memory else 0
    made: list[str] = []
    base = Path("/sys/fs/cgroup")
    try:
        if (base / "cgroup.controllers").exists():  # cgroup v2
            controllers = (base / "cgroup.controllers").read_text().split()
            wanted = [c for c in ("pids", "memory") if c in controllers]
            if wanted:
                try:
                    _write(base / "cgroup.subtree_control", " ".join("+" + c for c in wanted))
                except OSError:
                    pass
                d = base / name
                d.mkdir()
                made.append(str(d))
                if "pids" in wanted and nproc:
                    _write(d / "pids.max", str(nproc))
                if "memory" in wanted and memory_total:
                    _write(d / "memory.max", str(memory_total))
                    try:
                        _write(d / "memory.swap.max", "0")
                    except OSError:
                        pass
        else:  # cgroup v1
            for controller, limit_file, value in (
                ("pids", "pids.max", nproc),
                ("memory", "memory.limit_in_bytes", memory_total),
            ):
                root = base / controller
                if not value or not root.is_dir():
                    continue
                d = root / name
                try:
                    d.mkdir()
                except OSError:
                    continue
                made.append(str(d))
                try:
                    _write(d / limit_file, str(value))
                except OSError:
                    pass
    except OSError:
        pass
    return made


def remove_cgroups(folders: list[str]) -> None:
    for folder in folders:
        d = Path(folder)
        for _ in range(50):
            try:
                pids = [int(x) for x in (d / "cgroup.procs").read_text().split()]
            except OSError:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                d.rmdir()
                break
            except OSError:
                time.sleep(0.02)


# --- the jail ------------------------------------------------------------------------------------
def jail_env(settings: dict, workdir: str) -> dict[str, str]:
    venv_bin = os.path.dirname(os.path.abspath(sys.executable))
    env = {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": JAIL_HOME,
        "USER": "student",
        "LOGNAME": "student",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MALLOC_ARENA_MAX": "2",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "IPYTHONDIR": f"{JAIL_HOME}/.ipython",
        "JUPYTER_CONFIG_DIR": f"{JAIL_HOME}/.jupyter",
        "JUPYTER_DATA_DIR": f"{JAIL_HOME}/.local/share/jupyter",
        "JUPYTER_RUNTIME_DIR": f"{JAIL_HOME}/.local/share/jupyter/runtime",
        "ALIGNLESSONS_HOME": f"{JAIL_HOME}/.alignlessons",
        "ALIGNLESSONS_SANDBOX_ROLE": settings.get("role", "student"),
        "ALIGNLESSONS_SANDBOX_NPROC": str(settings.get("nproc") or 0),
        "ALIGNLESSONS_SANDBOX_WORKDIR": workdir,
    }
    if settings.get("role", "student") == "student":
        env["ALIGNLESSONS_SANDBOX_COPY_FROM"] = JAIL_SUBMISSION
        env["ALIGNLESSONS_SANDBOX_COPY_LIMIT"] = str(settings.get("scratch_bytes") or 0)
    if settings.get("bridge_fd") is not None and settings.get("bridge_fd", -1) >= 0:
        env["ALIGNLESSONS_BRIDGE_FD"] = str(settings["bridge_fd"])
        env["ALIGNLESSONS_BRIDGE_TIMEOUT"] = str(settings.get("bridge_timeout") or 60)
        env["ALIGNLESSONS_BRIDGE_MAX_BYTES"] = str(settings.get("bridge_max_bytes") or 64 * MiB)
    if os.environ.get("TZ"):
        env["TZ"] = os.environ["TZ"]
    return env


def bwrap_command(
    settings: dict, *, bwrap: str, connection_file: str, cwd: str, info_fd: int, kernel_args: list[str]
) -> list[str]:
    """The full bubblewrap command line for one kernel (see the module docstring)."""
    role = settings.get("role", "student")
    scratch = str(int(settings.get("scratch_bytes") or 256 * MiB))
    name = os.path.basename(os.path.normpath(cwd)) or "work"
    workdir = f"{JAIL_HOME}/{name}" if role == "student" else f"{JAIL_HOME}/tests"
    a = [
        bwrap,
        "--unshare-user",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "sandbox",
        "--info-fd",
        str(info_fd),
    ]
    # The system, read-only: /usr, the usual top-level links, a short list of /etc entries.
    a += ["--ro-bind", "/usr", "/usr"]
    for top in TOP_LEVEL:
        p = "/" + top
        if os.path.islink(p):
            a += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p):
            a += ["--ro-bind", p, p]
    for entry in ETC_ALLOW:
        p = "/etc/" + entry
        if os.path.lexists(p):
            a += ["--ro-bind-try", p, p]
    a += ["--proc", "/proc", "--dev", "/dev", "--size", str(16 * MiB), "--tmpfs", "/dev/shm"]
    # Writable places are size-limited tmpfs mounts that vanish with the jail.
    a += ["--size", scratch, "--tmpfs", "/tmp", "--size", scratch, "--tmpfs", JAIL_HOME, "--dir", workdir]
    a += ["--ro-bind", connection_file, JAIL_CONNECTION_FILE, "--size", str(MiB), "--tmpfs", JAIL_IPC_DIR]
    if role == "student" and settings.get("submission_dir"):
        a += ["--ro-bind", settings["submission_dir"], JAIL_SUBMISSION]
    # Python, the virtualenv and the alignlessons package, read-only.
    binds = python_binds() + [p for p in settings.get("ro_binds", []) if os.path.exists(p)]
    for p in binds:
        a += ["--ro-bind", p, p]
    # Anything secret that happens to lie inside a bound folder is hidden again, always
    # including the course's own solutions (shipped inside the package when installed).
    from ..paths import grader_only_paths

    for secret in dict.fromkeys([*settings.get("hidden", []), *map(str, grader_only_paths())]):
        if not secret or not os.path.lexists(secret):
            continue
        if any(_is_under(secret, b) for b in binds):
            if os.path.isdir(secret):
                a += ["--tmpfs", os.path.realpath(secret)]
            else:
                a += ["--ro-bind", "/dev/null", os.path.realpath(secret)]
    # Everything not mounted above (the jail's root, /dev) is read-only.
    a += ["--remount-ro", "/dev", "--remount-ro", "/"]
    a += ["--chdir", workdir, "--clearenv"]
    for key, value in jail_env(settings, workdir).items():
        a += ["--setenv", key, value]
    a += ["--", sys.executable, "-m", "alignlessons.sandbox.inner", "-f", JAIL_CONNECTION_FILE, *kernel_args]
    return a


def _limits(settings: dict):
    """The resource limits, applied in the child just before it runs bwrap."""
    limits = []
    if settings.get("memory_bytes"):
        m = int(settings["memory_bytes"])
        limits.append((resource.RLIMIT_AS, (m, m)))
    if settings.get("cpu_seconds"):
        s = int(settings["cpu_seconds"])
        limits.append((resource.RLIMIT_CPU, (s, s + 2)))
    if settings.get("file_bytes"):
        f = int(settings["file_bytes"])
        limits.append((resource.RLIMIT_FSIZE, (f, f)))
    if settings.get("nofile"):
        n = int(settings["nofile"])
        limits.append((resource.RLIMIT_NOFILE, (n, n)))
    limits.append((resource.RLIMIT_CORE, (0, 0)))
    return limits


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "-f" not in argv or argv.index("-f") + 1 >= len(argv):
        _fail("usage: python -m alignlessons.sandbox.launch -f CONNECTION_FILE [kernel args]", 64)
    i = argv.index("-f")
    connection_file = argv[i + 1]
    kernel_args = argv[:i] + argv[i + 2 :]
    state = os.environ.get("ALIGNLESSONS_SANDBOX_STATE")
    if not state or not os.path.isfile(os.path.join(state, "settings.json")):
        _fail(
            "this kernel is only for autograding and must be started by "
            "alignlessons.sandbox.SandboxKernelManager (configured by `alignlessons course init`); "
            "it cannot be started from JupyterLab or `jupyter console`.",
            64,
        )
    settings = json.loads(Path(state, "settings.json").read_text())
    with open(connection_file) as fh:
        info = json.load(fh)
    if info.get("transport") != "ipc":
        _fail("the sandbox kernel needs the ipc transport (no network inside the jail)", 64)
    _set_parent_death_signal()

    cwd = os.getcwd()
    limits = _limits(settings)
    pass_fds = []
    if settings.get("bridge_fd") is not None and settings.get("bridge_fd", -1) >= 0:
        pass_fds.append(int(settings["bridge_fd"]))

    if settings.get("sandboxed", True):
        bwrap = bwrap_path(settings.get("bwrap") or None)
        if bwrap is None:
            _fail("bubblewrap (bwrap) is not installed", 69)
        read_info, write_info = os.pipe()
        cmd = bwrap_command(
            settings, bwrap=bwrap, connection_file=connection_file, cwd=cwd, info_fd=write_info, kernel_args=kernel_args
        )
        pass_fds.append(write_info)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        child_cwd = "/"
    else:  # explicit opt-out: limits and a private copy of the folder, but no jail
        read_info = write_info = None
        work = Path(state, "work")
        work.mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "alignlessons.sandbox.inner", "-f", connection_file, *kernel_args]
        env = dict(os.environ)
        env.update(
            {
                k: v
                for k, v in jail_env(settings, str(work)).items()
                if k.startswith("ALIGNLESSONS_SANDBOX")
                or k.startswith("ALIGNLESSONS_BRIDGE")
                or k.endswith("_NUM_THREADS")
            }
        )
        env["ALIGNLESSONS_SANDBOX_COPY_FROM"] = (
            settings.get("submission_dir") or "" if settings.get("role") == "student" else ""
        )
        env["ALIGNLESSONS_SANDBOX_WORKDIR"] = str(work)
        env["ALIGNLESSONS_HOME"] = str(Path(state, "home"))
        child_cwd = str(work)

    cgroups = make_cgroups(settings) if settings.get("sandboxed", True) else []
    Path(state, "cgroups.json").write_text(json.dumps(cgroups))

    def preexec() -> None:
        for folder in cgroups:
            try:
                _write(Path(folder) / "cgroup.procs", str(os.getpid()))
            except OSError:
                pass
        for which, value in limits:
            try:
                resource.setrlimit(which, value)
            except (ValueError, OSError):
                pass

    try:
        proc = subprocess.Popen(
            cmd,
            cwd=child_cwd,
            env=env,
            pass_fds=tuple(pass_fds),
            preexec_fn=preexec,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as exc:
        remove_cgroups(cgroups)
        _fail(f"could not start the kernel: {exc}")
    for fd in pass_fds:
        try:
            os.close(fd)
        except OSError:
            pass

    tail = bytearray()

    def drain() -> None:  # keep only the end of the kernel's own stdout/stderr (debugging aid)
        assert proc.stdout is not None
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):
            tail.extend(chunk)
            del tail[:-65536]

    threading.Thread(target=drain, daemon=True).start()

    def stop(signum=None, frame=None) -> None:
        try:
            proc.kill()
        except OSError:
            pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts travel as messages

    if read_info is not None:
        data = b""
        while True:
            chunk = os.read(read_info, 65536)
            if not chunk:
                break
            data += chunk
            try:
                json.loads(data)
                break
            except ValueError:
                continue
        os.close(read_info)
        try:
            pid = int(json.loads(data)["child-pid"])
        except (ValueError, KeyError):
            proc.wait()
            remove_cgroups(cgroups)
            sys.stderr.write(tail.decode(errors="replace"))
            _fail("bubblewrap could not create the jail")
        ready = {"ip": f"/proc/{pid}/root{JAIL_IPC_DIR}/k", "pid": pid}
    else:
        ready = {"ip": info["ip"], "pid": proc.pid}
    tmp = Path(state, "ready.json.tmp")
    tmp.write_text(json.dumps(ready))
    os.replace(tmp, Path(state, "ready.json"))

    wall = float(settings.get("wall_seconds") or 0) or None
    try:
        code = proc.wait(timeout=wall)
    except subprocess.TimeoutExpired:
        stop()
        code = proc.wait()
        print(
            f"alignlessons sandbox: wall-clock limit of {wall:g} s reached; kernel killed", file=sys.stderr, flush=True
        )
        Path(state, "killed.json").write_text(json.dumps({"reason": "wall-clock limit"}))
    remove_cgroups(cgroups)
    if code and os.environ.get("ALIGNLESSONS_SANDBOX_DEBUG"):
        sys.stderr.write(tail.decode(errors="replace")[-4000:])
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
