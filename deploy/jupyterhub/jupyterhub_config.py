"""JupyterHub configuration of an alignlessons class server -- the file tests/test_hub.py runs.

    sudo /opt/alignlessons/.venv/bin/jupyterhub -f /opt/alignlessons/deploy/jupyterhub/jupyterhub_config.py

One Unix account per person (PAM: the accounts' own passwords), the hub and its proxy
(configurable-http-proxy from deploy/jupyterhub/node_modules, `make hub-setup`) run as root,
every single-user server runs as its user from the course's virtualenv. Roles come from two
Unix groups, created by deploy/jupyterhub/setup.sh:

* students (``alignlessons-students``): JupyterLab in their home folder with nbgrader's
  Assignments tab only (deploy/jupyterhub/student/: no Formgrader, Create Assignment,
  Validate or course list), fetching from and submitting to the exchange;
* staff (``alignlessons-graders``: the instructor and graders): JupyterLab in the course root
  with all of nbgrader's tools.

Nobody is a hub admin: an admin could open a student's server and act as the student.

Site settings are the ALIGNLESSONS_HUB_* variables below (the defaults are the guide's
layout); the test sets them to its temporary accounts, folders and ports.
"""

import grp
import os
import pwd
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def setting(name: str, default: str) -> str:
    return os.environ.get(f"ALIGNLESSONS_HUB_{name}", default)


VENV = Path(setting("VENV", str(REPO / ".venv")))  # the course's virtualenv
EXCHANGE = setting("EXCHANGE", "/srv/nbgrader/exchange")  # nbgrader's exchange (setup.sh)
COURSE_ROOT = setting("COURSE_ROOT", "/home/instructor/alignlessons-2026")  # `alignlessons course init`
STUDENTS = setting("STUDENTS_GROUP", "alignlessons-students")
STAFF = setting("STAFF_GROUP", "alignlessons-graders")
STATE = Path(setting("STATE", "/srv/jupyterhub"))  # hub database, cookie secret (root only)

c = get_config()  # noqa: F821  (provided by JupyterHub)

# --- the hub and its proxy, on loopback (put an HTTPS reverse proxy in front for a class) -------
c.JupyterHub.bind_url = setting("URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = setting("HUB_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = setting("PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every server
c.JupyterHub.cleanup_proxy = True

# --- who may log in: local accounts in the course's groups, with their own passwords -----------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENTS, STAFF}
c.PAMAuthenticator.admin_users = set()
c.PAMAuthenticator.admin_groups = set()


def members(group: str) -> set[str]:
    """The accounts of ``group``: its listed members and the accounts whose primary group it is."""
    try:
        g = grp.getgrnam(group)
    except KeyError:
        return set()
    return set(g.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == g.gr_gid}


def role(spawner) -> str:
    return "staff" if spawner.user.name in members(STAFF) else "student"


# --- the single-user servers: the course's virtualenv, a role per group ------------------------
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # nbgrader shells out to alembic
    "JUPYTER_PATH": str(VENV / "share" / "jupyter"),
    "JUPYTER_PLATFORM_DIRS": "1",
    "ALIGNLESSONS_EXCHANGE": EXCHANGE,
    "ALIGNLESSONS_COURSE_ROOT": COURSE_ROOT,
    # Students: nbgrader's Assignments tab only, and the students' nbgrader configuration;
    # staff: every nbgrader tool, and the course root's nbgrader configuration.
    "JUPYTER_CONFIG_PATH": lambda spawner: str(HERE / role(spawner)),
}


def pre_spawn_hook(spawner) -> None:
    """Staff start in the course root (formgrader and the grading commands work there)."""
    spawner.notebook_dir = COURSE_ROOT if role(spawner) == "staff" else "~"


c.Spawner.pre_spawn_hook = pre_spawn_hook
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
