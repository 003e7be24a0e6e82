"""nbgrader configuration of every student on the class server (deploy/jupyterhub/).

JupyterHub puts this folder on students' JUPYTER_CONFIG_PATH and sets ALIGNLESSONS_EXCHANGE.
"""

import os

c = get_config()
c.CourseDirectory.course_id = "alignlessons"
c.Exchange.root = os.environ.get("ALIGNLESSONS_EXCHANGE", "/srv/nbgrader/exchange")
# Submissions readable by the student and the instructor's group only (not by classmates).
c.ExchangeFactory.submit = "alignlessons.hub.PrivateSubmit"
