"""The class server end to end: deploy/jupyterhub/ as docs/instructors.md sets it up, real Unix
accounts, real browsers.

As root, the test creates an instructor and three students (unique names, removed afterwards)
with deploy/jupyterhub/setup.sh, starts JupyterHub with deploy/jupyterhub/jupyterhub_config.py on
loopback ports, and the instructor releases assignment 00. In headless Chromium each student logs
in with their password, opens the Assignments tab, fetches, and -- after their answers are written
into the fetched notebook as that Unix user (full, partial, blank) -- submits. The instructor
collects, autogrades (as the unprivileged instructor account, sandbox on), generates and releases
feedback; a student fetches feedback in the browser. Scores are compared with the source
notebook's points; as a student's Unix account, the test then tries to read a classmate's
submission, feedback and home folder, the course root, the gradebook and the source solutions.
Screenshots: artifacts/browser/hub-*.png. Every process the test started is stopped.

Only difference from a real server: this machine's Python may live where other accounts cannot
reach it (CI: a pyenv under /root, mode 0700). Then every command of the test runs in a private
mount namespace in which exactly the folders the course needs (the Python installation, the
checkout) are reachable; nothing else about the configuration changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from tests.conftest import CHROMIUM
from tests.grading import corpus as C
from tests.helpers import ROOT, free_port, wait_for_http

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

HUB = ROOT / "deploy" / "jupyterhub"
CONFIG = HUB / "jupyterhub_config.py"
SETUP = HUB / "setup.sh"
PROXY = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
VENV = Path(sys.prefix)
NAME = "00_start_here"  # the smallest assignment
FILENAME = f"{NAME}.ipynb"
ROLES = ("full", "partial", "blank")


def _problem() -> str | None:
    if os.geteuid() != 0:
        return "needs root (creates Unix accounts and runs JupyterHub); .ci/run runs it as root"
    for tool in ("useradd", "userdel", "groupadd", "chpasswd", "runuser", "unshare", "nsenter"):
        if shutil.which(tool) is None:
            return f"missing system tool: {tool}"
    if shutil.which("bwrap") is None:
        return "missing system package: bubblewrap (install with: apt-get install bubblewrap)"
    if CHROMIUM is None:
        return "missing system package: chromium (install with: apt-get install chromium)"
    if shutil.which("node") is None or not PROXY.exists():
        return (
            "the class server's proxy is not installed: needs node and npm (`make hub-setup` "
            "runs npm ci in deploy/jupyterhub)"
        )
    if not (VENV / "bin" / "jupyterhub-singleuser").exists():
        return "jupyterhub is not installed in the virtualenv (make setup)"
    return None


# --- making the course reachable for other accounts (test machines only) -------------------------
def _blocked_dirs(paths) -> dict[Path, set[str]]:
    """Folders other accounts cannot enter on the way to ``paths``: folder -> child names needed."""
    out: dict[Path, set[str]] = {}
    for path in paths:
        path = Path(path).resolve()
        for parent in reversed(path.parents):  # "/" first, then down towards ``path``
            if parent != Path("/") and not os.stat(parent).st_mode & stat.S_IXOTH:
                out.setdefault(parent, set()).add(path.relative_to(parent).parts[0])
                break
    return out


class Machine:
    """Runs commands in the test's mount namespace (if the course must be made reachable) and
    as a given Unix account with a clean environment."""

    def __init__(self, base: Path):
        self.base = base
        needed = [sys.base_prefix, os.path.realpath(sys.executable), VENV, ROOT]
        blocked = _blocked_dirs(needed)
        self.holder = None
        self.prefix: list[str] = []
        if blocked:
            stash = base / "stash"
            stash.mkdir(mode=0o700)
            lines = ["set -e"]
            for i, (folder, children) in enumerate(sorted(blocked.items())):
                lines += [
                    f"mkdir {stash}/{i}",
                    f"mount --bind '{folder}' {stash}/{i}",
                    f"mount -t tmpfs -o mode=0755,size=1m alignlessons-hub-test '{folder}'",
                ]
                for child in sorted(children):
                    lines += [f"mkdir '{folder}/{child}'", f"mount --bind {stash}/{i}/'{child}' '{folder}/{child}'"]
            lines.append("exec sleep 100000")
            self.holder = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "--", "bash", "-c", "\n".join(lines)],
                start_new_session=True,
            )
            deadline = time.monotonic() + 10
            while self._own_ns() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.prefix = ["nsenter", "-t", str(self.holder.pid), "-m", "--"]

    def _own_ns(self) -> bool:
        try:
            return (
                os.readlink(f"/proc/{self.holder.pid}/ns/mnt") == os.readlink("/proc/self/ns/mnt")
                or "sleep" not in Path(f"/proc/{self.holder.pid}/cmdline").read_text()
            )
        except OSError:
            return True

    def env(self, user: str | None = None) -> dict[str, str]:
        env = {
            "PATH": f"{VENV}/bin:/usr/local/bin:/usr/bin:/bin" + ("" if user else ":/usr/sbin:/sbin"),
            "LANG": "C.UTF-8",
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        if user:
            import pwd

            home = pwd.getpwnam(user).pw_dir
            env.update(HOME=home, USER=user, LOGNAME=user)
        return env

    def argv(self, argv: list[str], user: str | None = None, env: dict | None = None, cwd: str = "/") -> list[str]:
        e = {**self.env(user), **(env or {})}
        cmd = ["env", "-i", "-C", cwd, *[f"{k}={v}" for k, v in e.items()], *argv]
        if user:
            cmd = ["runuser", "-u", user, "--", *cmd]
        return self.prefix + cmd

    def run(self, argv, user=None, *, cwd=None, env=None, input=None, check=True, timeout=600):
        proc = subprocess.run(
            self.argv(list(argv), user, env, cwd or "/"), input=input, capture_output=True, text=True, timeout=timeout
        )
        if check:
            assert proc.returncode == 0, (
                f"{argv} as {user or 'root'} -> {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
            )
        return proc

    def close(self):
        if self.holder is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.holder.pid, signal.SIGKILL)
            self.holder.wait(timeout=10)


def _kill_processes_of(uids: set[int]) -> None:
    """Stop whatever still runs as the test's accounts (single-user servers, kernels)."""
    for _ in range(3):
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid in uids:
                        found.append(int(entry.name))
                except OSError:
                    pass
        if not found:
            return
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.3)


def _restore_modes(saved: dict[str, tuple[int, int, int]]) -> None:
    for path, (mode, uid, gid) in saved.items():
        with contextlib.suppress(OSError):
            os.chown(path, uid, gid, follow_symlinks=False)
            os.chmod(path, stat.S_IMODE(mode))


def _save_modes(*roots: Path) -> dict[str, tuple[int, int, int]]:
    saved = {}
    for root in roots:
        if not root.exists():
            continue
        for dirpath, _dirnames, filenames in os.walk(root):
            for p in [dirpath, *(os.path.join(dirpath, n) for n in filenames)]:
                st = os.lstat(p)
                saved[p] = (st.st_mode, st.st_uid, st.st_gid)
    return saved


# --- the class -------------------------------------------------------------------------------
class Hub:
    def __init__(self, base: Path):
        tag = uuid.uuid4().hex[:6]
        self.base = base
        self.instructor = f"alh{tag}-inst"
        self.students = {role: f"alh{tag}-s{i}" for i, role in enumerate(ROLES, start=1)}
        self.passwords = {u: uuid.uuid4().hex for u in [self.instructor, *self.students.values()]}
        self.groups = {"STUDENTS_GROUP": f"alh{tag}-students", "STAFF_GROUP": f"alh{tag}-staff"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = {
            **{f"ALIGNLESSONS_HUB_{k}": v for k, v in self.groups.items()},
            "ALIGNLESSONS_HUB_VENV": str(VENV),
            "ALIGNLESSONS_HUB_EXCHANGE": str(base / "exchange"),
            "ALIGNLESSONS_HUB_COURSE_ROOT": f"/home/{self.instructor}/alignlessons-2026",
            "ALIGNLESSONS_HUB_STATE": str(base / "state"),
            "ALIGNLESSONS_HUB_URL": self.url,
            "ALIGNLESSONS_HUB_HUB_URL": f"http://127.0.0.1:{free_port()}",
            "ALIGNLESSONS_HUB_PROXY_API_URL": f"http://127.0.0.1:{free_port()}",
        }
        self.course_root = Path(self.settings["ALIGNLESSONS_HUB_COURSE_ROOT"])
        self.exchange = base / "exchange"
        self.proc = None
        self.log = base / "jupyterhub.log"

    @property
    def users(self):
        return [self.instructor, *self.students.values()]

    def home(self, user: str) -> Path:
        import pwd

        return Path(pwd.getpwnam(user).pw_dir)


@pytest.fixture(scope="module")
def hub():
    problem = _problem()
    if problem:
        pytest.skip(problem)
    base = Path(tempfile.mkdtemp(prefix="alignlessons-hub-"))
    base.chmod(0o755)  # the exchange lies in it
    machine = Machine(base)
    h = Hub(base)
    h.machine = machine
    saved = _save_modes(ROOT / "solutions", ROOT / ".nbgrader")
    created_users: list[str] = []
    created_groups: list[str] = []
    t0 = time.monotonic()
    try:
        created_groups += list(h.groups.values())  # (removed afterwards even if a step fails)
        machine.run(["bash", str(SETUP), "server"], env=h.settings)
        created_users.append(h.instructor)
        machine.run(["bash", str(SETUP), "account", "staff", h.instructor], env=h.settings)
        # What alignlessons.sandbox.probe() tries, but as the (unprivileged) instructor.
        jail = [
            shutil.which("bwrap"),
            *(
                "--unshare-user --unshare-net --unshare-pid --die-with-parent --ro-bind /usr /usr "
                "--proc /proc --dev /dev --symlink usr/bin /bin --symlink usr/lib /lib "
                "--symlink usr/lib64 /lib64 -- /usr/bin/env true"
            ).split(),
        ]
        probe = machine.run(jail, h.instructor, check=False)
        if probe.returncode != 0:
            pytest.skip(
                "bubblewrap cannot create a jail as an unprivileged account here (unprivileged "
                f"user namespaces are forbidden?): {probe.stderr.strip()[:200]}"
            )
        for user in h.students.values():
            created_users.append(user)
            machine.run(["bash", str(SETUP), "account", "student", user], env=h.settings)
        machine.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in h.passwords.items()))
        machine.run(["bash", str(SETUP), "course", h.instructor], env=h.settings)
        # The instructor releases the assignment (standard nbgrader, in the course root).
        for args in (("generate_assignment", NAME, "--force"), ("release_assignment", NAME)):
            machine.run(["nbgrader", *args], h.instructor, cwd=str(h.course_root))
        out = h.log_file = open(h.log, "w")  # closed in the finally below
        h.proc = subprocess.Popen(
            machine.argv([f"{VENV}/bin/jupyterhub", "-f", str(CONFIG)], env=h.settings, cwd=str(base / "state")),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_http(f"{h.url}/hub/api", timeout=60, proc=h.proc)
        h.timings = {"set-up": time.monotonic() - t0}
        yield h
    finally:
        if h.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(h.proc.pid, signal.SIGTERM)
            try:
                h.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(h.proc.pid, signal.SIGKILL)
                h.proc.wait(timeout=10)
            pid_file = base / "state" / "jupyterhub-proxy.pid"
            with contextlib.suppress(OSError, ValueError, ProcessLookupError):
                os.kill(int(pid_file.read_text()), signal.SIGKILL)  # only if the hub left it running
        import pwd

        from tests.browser_support import ARTIFACTS

        if getattr(h, "log_file", None) is not None:
            h.log_file.close()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(h.log, ARTIFACTS / "hub-jupyterhub.log")
        if os.environ.get("ALIGNLESSONS_HUB_TEST_KEEP"):  # debugging: keep a copy of what was made
            keep = Path(os.environ["ALIGNLESSONS_HUB_TEST_KEEP"])
            for src in [base, *(Path(pwd.getpwnam(u).pw_dir) for u in created_users)]:
                with contextlib.suppress(OSError, KeyError):
                    shutil.copytree(src, keep / src.name, symlinks=True, dirs_exist_ok=True)
        uids = set()
        for user in created_users:
            with contextlib.suppress(KeyError):
                uids.add(pwd.getpwnam(user).pw_uid)
        _kill_processes_of(uids)
        for user in created_users:
            subprocess.run(["userdel", "--remove", user], capture_output=True)
        for group in created_groups:
            subprocess.run(["groupdel", group], capture_output=True)
        _restore_modes(saved)
        machine.close()
        shutil.rmtree(base, ignore_errors=True)


# --- the browser ----------------------------------------------------------------------------
@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser_support import ARTIFACTS, CHROMIUM_ARGS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _page(b):
    from urllib.parse import urlparse

    context = b.new_context(viewport={"width": 1280, "height": 900})

    def route(route, request):
        host = urlparse(request.url).hostname
        return (
            route.continue_()
            if host in ("127.0.0.1", "localhost") or request.url.startswith(("data:", "blob:"))
            else route.abort()
        )

    context.route("**/*", route)
    return context, context.new_page()


def _login(page, h: Hub, user: str):
    page.goto(f"{h.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", h.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)
    page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)


def _open_assignments(page) -> list[str]:
    """Open the Assignments tab from the Nbgrader menu; returns the menu's items."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    items = [
        t
        for t in page.locator(".lm-Menu-content .lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel").all_inner_texts()
        if t.strip()
    ]
    page.locator(".lm-Menu-itemLabel").get_by_text("Assignment List", exact=True).click()
    page.wait_for_selector("#released_assignments_list", timeout=60_000)
    page.wait_for_selector("#released_assignments_list_loading", state="hidden", timeout=60_000)
    return items


def _row(page, listing: str, text: str):
    return page.locator(f"#{listing} .list_item:not(.nested_list_item)", has_text=text)


def _shot(page, name: str):
    from tests.browser_support import ARTIFACTS

    page.screenshot(path=str(ARTIFACTS / f"hub-{name}.png"))


def _answers(role: str, src) -> set[str] | None:
    answers = C.solution_code_ids(src)
    return {"full": None, "partial": set(answers[: (len(answers) + 1) // 2]), "blank": set()}[role]


@pytest.fixture(scope="module")
def graded(hub):
    """The whole cycle; returns what the assertions need."""
    h = hub
    src = C.source_nb(NAME, FILENAME)
    t0 = time.monotonic()
    ui: dict[str, dict] = {}
    with browser() as b:
        for role, user in h.students.items():
            context, page = _page(b)
            try:
                _login(page, h, user)
                menu = _open_assignments(page)
                row = _row(page, "released_assignments_list", NAME)
                row.wait_for(timeout=60_000)
                _shot(page, f"{role}-released")
                row.locator("button", has_text="Fetch").click()
                _row(page, "fetched_assignments_list", NAME).wait_for(timeout=60_000)
                fetched = h.home(user) / NAME / FILENAME
                assert fetched.exists(), f"fetching in the browser did not create {fetched}"
                nb = nbformat.read(fetched, as_version=4)
                solved = C.solve(nb, src, _answers(role, src))
                h.machine.run(
                    ["python", "-c", "import sys; open(sys.argv[1], 'w').write(sys.stdin.read())", str(fetched)],
                    user,
                    input=nbformat.writes(solved),
                )
                page.click("#refresh_assignments_list")
                page.wait_for_timeout(500)
                page.wait_for_selector("#fetched_assignments_list_loading", state="hidden", timeout=60_000)
                _row(page, "fetched_assignments_list", NAME).locator("button", has_text="Submit").click()
                _row(page, "submitted_assignments_list", NAME).wait_for(timeout=60_000)
                _shot(page, f"{role}-submitted")
                ui[role] = {
                    "menus": page.locator(".lm-MenuBar-itemLabel").all_inner_texts(),
                    "nbgrader_menu": menu,
                    "page_config": page.evaluate(
                        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                        ".disabledExtensions || []"
                    ),
                }
            finally:
                context.close()
        t_students = time.monotonic() - t0

        # The instructor, unprivileged, in the course root: the standard commands.
        t1 = time.monotonic()
        logs = {}
        from tests.browser_support import ARTIFACTS

        for cmd in ("collect", "autograde", "generate_feedback", "release_feedback"):
            proc = h.machine.run(
                ["nbgrader", cmd, NAME], h.instructor, cwd=str(h.course_root), timeout=900, check=False
            )
            logs[cmd] = proc.stdout + proc.stderr
            with open(ARTIFACTS / "hub-instructor.log", "a" if cmd != "collect" else "w") as fh:
                fh.write(f"$ nbgrader {cmd} {NAME}  # as {h.instructor}, exit {proc.returncode}\n{logs[cmd]}\n")
            assert proc.returncode == 0, f"nbgrader {cmd} failed:\n{logs[cmd][-5000:]}"
        t_grading = time.monotonic() - t1

        # One student fetches feedback in the browser.
        role, user = "partial", h.students["partial"]
        context, page = _page(b)
        try:
            _login(page, h, user)
            _open_assignments(page)
            row = _row(page, "submitted_assignments_list", NAME)
            row.wait_for(timeout=60_000)
            row.locator("button", has_text="Fetch Feedback").click()
            row.locator("button", has_text="Fetch Feedback").wait_for(state="visible", timeout=60_000)
            deadline = time.monotonic() + 60
            while not list((h.home(user) / NAME / "feedback").glob(f"*/{NAME}.html")) and time.monotonic() < deadline:
                page.wait_for_timeout(300)
            page.click("#refresh_assignments_list")
            page.get_by_text("view feedback").first.wait_for(timeout=30_000)
            ui["feedback"] = page.locator("#submitted_assignments_list").inner_text()
            _shot(page, f"{role}-feedback")
        finally:
            context.close()
        # The instructor's JupyterLab has the grading tools (and starts in the course root).
        context, page = _page(b)
        try:
            _login(page, h, h.instructor)
            page.wait_for_timeout(1500)
            ui["instructor"] = {
                "menus": page.locator(".lm-MenuBar-itemLabel").all_inner_texts(),
                "page_config": page.evaluate(
                    "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                    ".disabledExtensions || []"
                ),
                "files": page.locator(".jp-DirListing-itemText").all_inner_texts(),
            }
            _shot(page, "instructor-lab")
            # The formgrader (nbgrader's page of the instructor's server) lists the assignment.
            page.goto(f"{h.url}/user/{h.instructor}/formgrader")
            try:
                page.get_by_text(NAME).first.wait_for(timeout=60_000)
            finally:
                _shot(page, "instructor-formgrader")
            ui["instructor"]["formgrader"] = page.inner_text("body")
        finally:
            context.close()
    h.timings.update(students=t_students, grading=t_grading)
    print(f"\nhub test timings (s): {json.dumps({k: round(v, 1) for k, v in h.timings.items()})}")
    return {"src": src, "logs": logs, "ui": ui}


def test_each_student_gets_exactly_their_score(hub, graded):
    from nbgrader.api import Gradebook

    src = graded["src"]
    total = sum(float(C.meta(c)["points"]) for c in src.cells if C.meta(c).get("grade"))
    with Gradebook(f"sqlite:///{hub.course_root / 'gradebook.db'}", course_id="alignlessons") as gb:
        subs = {s.student_id: s for s in gb.assignment_submissions(NAME)}
        assert sorted(subs) == sorted(hub.students.values())
        for role, user in hub.students.items():
            want = C.expected_code_score(src, _answers(role, src))
            assert float(subs[user].code_score) == want, (role, float(subs[user].code_score), want)
            assert float(subs[user].max_score) == total
            for nb in subs[user].notebooks:
                assert not nb.flagged, [c.auto_comment for c in nb.comments]
    assert C.expected_code_score(src, None) > C.expected_code_score(src, _answers("partial", src)) > 0


def test_autograding_ran_as_the_instructor_in_the_sandbox(hub, graded):
    import pwd

    from traitlets.config import PyFileConfigLoader

    log = graded["logs"]["autograde"]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(hub.course_root)).load_config()
    assert config.SandboxKernelManager.get("allow_unsandboxed", False) is False
    assert config.IsolatedExecute.kernel_name == "alignlessons-sandbox"
    assert "WITHOUT the sandbox" not in log and "refuses to run" not in log, log[-2000:]
    uid = pwd.getpwnam(hub.instructor).pw_uid
    for path in (hub.course_root / "gradebook.db", hub.course_root / "autograded"):
        assert path.stat().st_uid == uid, f"{path} was not written by the instructor's account"
    assert uid != 0
    assert "Refused submission" not in graded["logs"]["collect"], graded["logs"]["collect"][-2000:]


def test_feedback_arrived_in_the_browser(hub, graded):
    user = hub.students["partial"]
    pages = list((hub.home(user) / NAME / "feedback").glob(f"*/{NAME}.html"))
    assert len(pages) == 1, f"no feedback fetched for {user}"
    html = pages[0].read_text()
    leaked = [s for s in C.hidden_secrets(graded["src"]) if s in html]
    assert not leaked and "MARK SCHEME" not in html
    assert "view feedback" in graded["ui"]["feedback"]  # the Assignments tab links to it
    for role in ("full", "blank"):  # they did not fetch it
        assert not (hub.home(hub.students[role]) / NAME / "feedback").exists()


def test_roles_students_have_the_assignments_tab_only(hub, graded):
    ui = graded["ui"]
    for role in ROLES:
        disabled = set(ui[role]["page_config"])
        assert {
            "@jupyter/nbgrader:formgrader",
            "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:validate-assignment",
            "@jupyter/nbgrader:course-list",
        } <= disabled, disabled
        assert "@jupyter/nbgrader:assignment-list" not in disabled
        assert ui[role]["nbgrader_menu"] == ["Assignment List"], ui[role]["nbgrader_menu"]
    staff = ui["instructor"]
    assert not [x for x in staff["page_config"] if x.startswith("@jupyter/nbgrader")], staff
    assert {"source", "gradebook.db", "nbgrader_config.py"} <= set(staff["files"]), staff["files"]


def _try_read(h: Hub, user: str, path: Path) -> subprocess.CompletedProcess:
    code = (
        "import os, sys\np = sys.argv[1]\n"
        "if os.path.isdir(p): print(os.listdir(p))\n"
        "else: print(len(open(p, 'rb').read()))\n"
    )
    return h.machine.run(["python", "-c", code, str(path)], user, check=False)


def test_students_cannot_read_each_others_work_or_the_instructors(hub, graded):
    import pwd

    victim, intruder = hub.students["full"], hub.students["blank"]
    inbound = hub.exchange / "alignlessons" / "inbound"
    feedback = hub.exchange / "alignlessons" / "feedback"
    submissions = sorted(p for p in inbound.iterdir() if p.name.startswith(victim + "+"))
    assert submissions, "the victim's submission is not in the exchange"
    uid = pwd.getpwnam(victim).pw_uid
    assert all(p.stat().st_uid == uid for p in submissions)  # what SafeCollect checks
    victim_feedback = sorted(feedback.iterdir())
    assert victim_feedback
    targets = {
        "the exchange's inbound (to find a classmate's submission)": inbound,
        "a classmate's submitted notebook, by its exact name": submissions[-1] / FILENAME,
        "a classmate's submission folder": submissions[-1],
        "the exchange's feedback folder (to find a classmate's feedback)": feedback,
        "a classmate's home folder": hub.home(victim),
        "a classmate's fetched notebook": hub.home(victim) / NAME / FILENAME,
        "a classmate's fetched feedback": hub.home(hub.students["partial"]) / NAME / "feedback",
        "the course root": hub.course_root,
        "the gradebook": hub.course_root / "gradebook.db",
        "the source solutions in the course root": hub.course_root / "source" / NAME / FILENAME,
        "the submissions in the course root": hub.course_root / "submitted" / victim / NAME / FILENAME,
        "the repository's solutions": ROOT / "solutions" / NAME / FILENAME,
    }
    readable = {}
    for what, path in targets.items():
        assert os.path.lexists(path), f"{path} ({what}) does not exist: the check would prove nothing"
        proc = _try_read(hub, intruder, path)
        if proc.returncode == 0 or "PermissionError" not in proc.stderr:
            readable[what] = (str(path), proc.stdout[-200:], proc.stderr[-300:])
    assert readable == {}, readable
    # And the student can read their own (so the refusals above are about permissions).
    assert _try_read(hub, victim, hub.home(victim) / NAME / FILENAME).returncode == 0
    assert _try_read(hub, victim, submissions[-1] / FILENAME).returncode == 0
