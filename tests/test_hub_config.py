"""The class server's configuration (deploy/jupyterhub/) is the one the guide shows, and it loads.

The end-to-end run is tests/test_hub.py (needs root); these checks run everywhere.
"""

from __future__ import annotations

import json
import re

from tests.helpers import ROOT

HUB = ROOT / "deploy" / "jupyterhub"
GUIDE = ROOT / "docs" / "instructors.md"


def _load(env: dict[str, str], monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def test_the_guide_shows_the_tested_file_verbatim():
    text = GUIDE.read_text()
    m = re.search(r"<!-- the file itself: tests/test_hub_config.py[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert m, "the guide no longer shows deploy/jupyterhub/jupyterhub_config.py"
    assert m.group(1) == (HUB / "jupyterhub_config.py").read_text()


def test_the_guide_uses_the_tested_commands():
    text = GUIDE.read_text()
    m = re.search(r"<!-- tested: tests/test_hub.py[^>]*-->\s*```bash\n(.*?)```", text, re.S)
    assert m, "the guide's class-server set-up block is missing"
    block = m.group(1)
    test = (ROOT / "tests" / "test_hub.py").read_text()
    for step in ('"server"', '"account", "staff"', '"account", "student"', '"course"'):
        assert step in test
    for line in (
        "deploy/jupyterhub/setup.sh server",
        "deploy/jupyterhub/setup.sh account staff instructor",
        "deploy/jupyterhub/setup.sh account student alice",
        "deploy/jupyterhub/setup.sh course instructor",
        ".venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py",
        "make hub-setup",
    ):
        assert line in block, line


def test_the_configuration_loads_with_its_defaults(monkeypatch):
    c = _load({}, monkeypatch)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.Spawner.cmd == [str(ROOT / ".venv" / "bin" / "jupyterhub-singleuser")]
    assert c.PAMAuthenticator.allowed_groups == {"alignlessons-students", "alignlessons-graders"}
    assert c.PAMAuthenticator.admin_users == set() and c.PAMAuthenticator.admin_groups == set()
    assert c.ConfigurableHTTPProxy.command == [str(HUB / "node_modules" / ".bin" / "configurable-http-proxy")]
    assert c.Spawner.environment["ALIGNLESSONS_EXCHANGE"] == "/srv/nbgrader/exchange"


def test_roles_come_from_the_groups(monkeypatch, tmp_path):
    import grp
    import os
    import pwd
    import types

    me = pwd.getpwuid(os.getuid()).pw_name
    my_group = grp.getgrgid(os.getgid()).gr_name
    c = _load({"ALIGNLESSONS_HUB_STAFF_GROUP": my_group, "ALIGNLESSONS_HUB_COURSE_ROOT": str(tmp_path)}, monkeypatch)
    spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=me), notebook_dir="")
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"](spawner) == str(HUB / "staff")
    c.Spawner.pre_spawn_hook(spawner)
    assert spawner.notebook_dir == str(tmp_path)
    other = types.SimpleNamespace(user=types.SimpleNamespace(name="no-such-account-x"), notebook_dir="")
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"](other) == str(HUB / "student")
    c.Spawner.pre_spawn_hook(other)
    assert other.notebook_dir == "~"


def test_students_keep_only_the_assignments_tab():
    disabled = json.loads((HUB / "student" / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert {k for k, v in disabled.items() if v} == {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:validate-assignment",
        "@jupyter/nbgrader:course-list",
    }
    server = json.loads((HUB / "student" / "jupyter_server_config.json").read_text())
    off = {k for k, v in server["ServerApp"]["jpserver_extensions"].items() if not v}
    assert off == {"nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"}
    assert not (HUB / "staff" / "labconfig").exists()  # staff: every nbgrader tool


def test_the_proxy_is_pinned():
    lock = json.loads((HUB / "package-lock.json").read_text())
    pkg = json.loads((HUB / "package.json").read_text())
    version = pkg["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin an exact version"
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == version
