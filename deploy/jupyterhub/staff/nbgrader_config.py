"""nbgrader configuration of the instructor and graders on the class server (deploy/jupyterhub/).

JupyterHub puts this folder on staff's JUPYTER_CONFIG_PATH and sets ALIGNLESSONS_COURSE_ROOT.
Single-user servers start in the home folder, and nbgrader's formgrader reads the configuration
of the folder it starts in: so this loads the course root's own nbgrader_config.py (written by
`alignlessons course init`), wherever the server started.
"""

import os
from pathlib import Path

c = get_config()
course_root = Path(os.environ.get("ALIGNLESSONS_COURSE_ROOT", "/home/instructor/alignlessons-2026"))
if (course_root / "nbgrader_config.py").is_file():
    load_subconfig(str(course_root / "nbgrader_config.py"))
