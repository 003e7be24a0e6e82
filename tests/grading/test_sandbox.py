"""Each isolation property of the grading sandbox, proved by an attempted breach.

The kernels here are started by :class:`alignlessons.sandbox.manager.SandboxKernelManager`
exactly as autograding starts them, inside a throwaway course root that holds a gradebook,
another student's submission and a copy of the solutions.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alignlessons import grading
from alignlessons.sandbox import SandboxUnavailable
from alignlessons.sandbox.manager import SandboxKernelManager

from .corpus import leftover_kernels

GiB = 1024**3
CANARY = "CANARY-7f3a-do-not-leak"


class Result(dict):
    @property
    def out(self) -> str:
        return self.get("stdout", "")


async def _run(
    cells: list[str], cwd: Path, *, timeout: float = 60, manager=None, **traits
) -> tuple[list[Result], SandboxKernelManager]:
    km = manager if manager is not None else SandboxKernelManager(**traits)
    await km.start_kernel(cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    results: list[Result] = []
    try:
        await kc.wait_for_ready(timeout=60)
        for code in cells:
            res = Result(stdout="", error=None, died=False)
            msg_id = kc.execute(code)
            deadline = time.monotonic() + timeout
            while True:
                if time.monotonic() > deadline:
                    res["timeout"] = True
                    break
                if not await km.is_alive():
                    res["died"] = True
                    break
                try:
                    msg = await kc.get_iopub_msg(timeout=0.5)
                except Exception:  # noqa: BLE001 - queue empty: check liveness again
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    res["stdout"] += content["text"]
                elif kind == "error":
                    res["error"] = (content["ename"], content["evalue"])
                elif kind == "status" and content["execution_state"] == "idle":
                    break
            results.append(res)
            if res["died"]:
                break
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        await km.cleanup_resources()
    return results, km


def run(cells, cwd, **kw):
    return asyncio.run(_run(cells, cwd, **kw))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course root: gradebook, source, another student's submission, this student's folder."""
    root = tmp_path_factory.mktemp("sandbox-course")
    (root / "gradebook.db").write_text(CANARY + " gradebook")
    (root / "source" / "a1").mkdir(parents=True)
    (root / "source" / "a1" / "a1.ipynb").write_text(CANARY + " BEGIN SOLUTION")
    (root / "submitted" / "bob" / "a1").mkdir(parents=True)
    (root / "submitted" / "bob" / "a1" / "a1.ipynb").write_text(CANARY + " bob's work")
    work = root / "autograded" / "alice" / "a1"
    work.mkdir(parents=True)
    (work / "a1.ipynb").write_text("{}")
    (work / "data.csv").write_text("x\n1\n")
    return root


pytestmark = [pytest.mark.slow]


@pytest.mark.sandbox
def test_kernel_sees_its_own_folder_but_not_the_course(course):
    work = course / "autograded" / "alice" / "a1"
    code = f"""
import os
print("cwd", os.getcwd(), sorted(os.listdir(".")))
print(open("data.csv").read().strip().replace(chr(10), ","))
for p in [{str(course / "gradebook.db")!r}, "../../../gradebook.db", {str(course / "source/a1/a1.ipynb")!r},
          {str(course / "submitted/bob/a1/a1.ipynb")!r}, "../../../submitted/bob/a1/a1.ipynb",
          {str(grading.solutions_dir() / "00_start_here" / "00_start_here.ipynb")!r}, "/etc/shadow",
          os.path.expanduser("~root/.bash_history")]:
    try:
        print("READ", p, open(p).read()[:40])
    except OSError as e:
        print("blocked", p, type(e).__name__)
print("repo", sorted(os.listdir({str(grading.solutions_dir().parent)!r})))
"""
    (res,), _ = run([code], work)
    assert res["error"] is None, res
    # Regular files of the folder only: never a notebook (the one being graded holds the
    # restored hidden tests and mark schemes).
    assert "cwd /home/student/a1 ['data.csv']" in res.out
    assert "x,1" in res.out
    assert "READ" not in res.out and CANARY not in res.out, res.out
    repo = res.out.split("repo ", 1)[1]
    assert "solutions" not in repo and "tests" not in repo, repo


@pytest.mark.sandbox
def test_writes_stay_in_the_jail(course, tmp_path):
    work = course / "autograded" / "alice" / "a1"
    before = {p.name: p.read_bytes() for p in work.iterdir()}
    host_tmp = Path("/tmp") / f"alignlessons-jail-probe-{os.getpid()}"
    venv_target = Path(sys.prefix) / "jail-probe.txt"
    pkg_target = Path(grading.__file__).parent / "jail-probe.txt"
    code = f"""
import os
for p in ["/usr/jail-probe", "/etc/jail-probe", {str(venv_target)!r}, {str(pkg_target)!r},
          {str(course / "gradebook.db")!r}, "../../../gradebook.db", {str(work / "a1.ipynb")!r},
          "/run/alignlessons/kernel.json"]:
    try:
        with open(p, "w") as f:
            f.write("x")
        print("WROTE", p)
    except OSError as e:
        print("blocked", p, type(e).__name__)
open("data.csv", "w").write("changed")
os.remove("data.csv")
open("data.csv", "w").write("changed")
open({str(host_tmp)!r}, "w").write("in the jail's /tmp only")
print("local ok", open("data.csv").read())
"""
    (res,), _ = run([code], work)
    assert res["error"] is None, res
    assert "WROTE" not in res.out, res.out
    assert "local ok changed" in res.out
    assert not host_tmp.exists() and not venv_target.exists() and not pkg_target.exists()
    assert {p.name: p.read_bytes() for p in work.iterdir()} == before
    assert (course / "gradebook.db").read_text() == CANARY + " gradebook"


@pytest.mark.sandbox
def test_no_network_even_to_loopback(course):
    received: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            received.append(conn.recv(100) or b"<connected>")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    code = f"""
import socket, urllib.request
for target in [("127.0.0.1", {port}), ("localhost", {port})]:
    try:
        s = socket.create_connection(target, timeout=3)
        s.sendall(b"breach")
        print("CONNECTED", target)
    except OSError as e:
        print("blocked", target, type(e).__name__)
try:
    urllib.request.urlopen("http://127.0.0.1:{port}/", timeout=3)
    print("CONNECTED http")
except OSError as e:
    print("blocked http", type(e).__name__)
try:
    socket.getaddrinfo("example.org", 80)
    print("RESOLVED")
except OSError as e:
    print("blocked dns", type(e).__name__)
"""
    try:
        (res,), _ = run([code], course / "autograded" / "alice" / "a1")
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
    assert "CONNECTED" not in res.out and "RESOLVED" not in res.out, res.out
    assert received == []


@pytest.mark.sandbox
def test_memory_limit_raises_memory_error(course):
    code = "x = bytearray(2 * 1024**3)"
    after = "print('still alive', 6 * 7)"
    (res, res2), _ = run([code, after], course / "autograded" / "alice" / "a1", memory_limit=GiB)
    assert res["error"] and res["error"][0] == "MemoryError", res
    assert "still alive 42" in res2.out


@pytest.mark.sandbox
def test_cpu_limit_stops_a_cpu_burner(course):
    code = """
import signal
signal.signal(signal.SIGXCPU, signal.SIG_IGN)   # ignoring the soft limit does not help
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
"""
    t0 = time.monotonic()
    (res,), _ = run([code], course / "autograded" / "alice" / "a1", cpu_limit=4, timeout=60)
    assert res["died"], res
    assert time.monotonic() - t0 < 30


@pytest.mark.sandbox
def test_wall_clock_limit_kills_the_jail(course):
    t0 = time.monotonic()
    (res,), km = run(
        ["import time\ntime.sleep(600)"], course / "autograded" / "alice" / "a1", wall_limit=12, timeout=90
    )
    assert res["died"], res
    assert time.monotonic() - t0 < 45


@pytest.mark.sandbox
def test_fork_bomb_is_contained(course):
    code = """
import os, time
n = 0
try:
    for _ in range(500):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError as e:
    print("fork refused after", n, type(e).__name__)
else:
    print("FORKED", n)
"""
    (res,), _ = run([code], course / "autograded" / "alice" / "a1", process_limit=40)
    assert "fork refused after" in res.out, res
    assert int(res.out.split("after")[1].split()[0]) < 40
    time.sleep(0.5)
    assert leftover_kernels() == []


@pytest.mark.sandbox
def test_no_view_of_grader_environment_or_processes(course, monkeypatch):
    monkeypatch.setenv("ALIGNLESSONS_TEST_SECRET", CANARY)
    code = """
import os, socket
print("env", CANARY_NAME in os.environ, sorted(k for k in os.environ if "TOKEN" in k or "SECRET" in k))
print("pids", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
print("host", socket.gethostname(), "home", os.path.expanduser("~"))
""".replace("CANARY_NAME", repr("ALIGNLESSONS_TEST_SECRET"))
    (res,), _ = run([code], course / "autograded" / "alice" / "a1")
    assert "env False []" in res.out, res.out
    pids = eval(res.out.split("pids ", 1)[1].splitlines()[0])  # noqa: S307 - our own output
    assert len(pids) <= 3 and max(pids) < 10, pids  # the jail's own init and kernel only
    assert "host sandbox home /home/student" in res.out


def test_refuses_to_run_without_bubblewrap(course):
    km = SandboxKernelManager(bwrap="/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable) as info:
        asyncio.run(km.start_kernel(cwd=str(course)))
    message = str(info.value)
    assert "refuses to run student code without its sandbox" in message
    assert "allow_unsandboxed = True" in message and "apt-get install bubblewrap" in message


def test_explicit_opt_out_runs_unsandboxed_with_a_private_copy(course):
    work = course / "autograded" / "alice" / "a1"
    code = (
        "import os\nopen('data.csv','w').write('changed')\n"
        "print('cwd', os.path.basename(os.getcwd()), open('data.csv').read())"
    )
    (res,), _ = run([code], work, bwrap="/nonexistent/bwrap", allow_unsandboxed=True)
    assert res["error"] is None and "cwd work changed" in res.out, res
    assert (work / "data.csv").read_text() == "x\n1\n"


def test_launcher_refuses_to_start_outside_the_grader(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ALIGNLESSONS_SANDBOX_STATE"}
    proc = subprocess.run(
        [sys.executable, "-m", "alignlessons.sandbox.launch", "-f", str(tmp_path / "k.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 64
    assert "only for autograding" in proc.stderr


# --- the jail is built by the kernel provisioner the spec names -----------------------------
def test_the_sandbox_spec_names_the_sandbox_provisioner():
    from importlib.metadata import entry_points

    from alignlessons.sandbox import PROVISIONER_NAME
    from alignlessons.sandbox.kernelspec import spec_dict
    from alignlessons.sandbox.provisioner import SandboxProvisioner

    spec = spec_dict()
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == PROVISIONER_NAME
    (ep,) = [ep for ep in entry_points(group="jupyter_client.kernel_provisioners") if ep.name == PROVISIONER_NAME]
    assert ep.load() is SandboxProvisioner


@pytest.mark.sandbox
def test_any_kernel_manager_starts_the_sandbox_spec_in_the_jail(course, tmp_path, monkeypatch):
    """Not only nbgrader through SandboxKernelManager: jupyter_client's own manager, given the
    installed grading spec, builds the same jail (the provisioner does it)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    from alignlessons.sandbox import KERNEL_NAME
    from alignlessons.sandbox.kernelspec import install

    install(tmp_path / "kernels")
    ksm = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)
    work = course / "autograded" / "alice" / "a1"
    code = f"""
import os
print("cwd", os.getcwd(), sorted(os.listdir(".")))
try:
    print("READ", open({str(course / "gradebook.db")!r}).read())
except OSError as e:
    print("blocked", type(e).__name__)
"""
    (res,), km = run([code], work, manager=km)
    assert type(km.provisioner).__name__ == "SandboxProvisioner"
    assert res["error"] is None, res
    assert "cwd /home/student/a1 ['data.csv']" in res.out, res.out
    assert "READ" not in res.out and CANARY not in res.out, res.out


@pytest.mark.sandbox
def test_a_spec_written_before_the_provisioner_still_gets_the_jail(course, tmp_path):
    """A course root initialised by an older version has a kernel.json without the provisioner
    stanza: SandboxKernelManager still starts it through the sandbox provisioner."""
    import json

    from alignlessons.sandbox.kernelspec import install

    path = install(tmp_path / "kernels")
    spec = json.loads(path.read_text())
    del spec["metadata"]["kernel_provisioner"]
    path.write_text(json.dumps(spec))
    work = course / "autograded" / "alice" / "a1"
    (res,), km = run(["import os; print('cwd', os.getcwd())"], work, kernel_spec_file=str(path))
    assert type(km.provisioner).__name__ == "SandboxProvisioner"
    assert "cwd /home/student/a1" in res.out, res


@pytest.mark.sandbox
def test_the_state_folder_is_removed_after_shutdown(course):
    work = course / "autograded" / "alice" / "a1"

    async def go():
        km = SandboxKernelManager()
        await km.start_kernel(cwd=str(work))
        state = km.provisioner.state_dir
        alive = state is not None and (state / "settings.json").is_file()
        await km.shutdown_kernel(now=True)
        await km.cleanup_resources()
        return state, alive

    state, alive = asyncio.run(go())
    assert alive, state
    assert not state.exists(), sorted(state.iterdir())
