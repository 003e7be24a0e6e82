# Sphinx configuration of the course site: everything lives in alignlessons.site.sphinx_conf.
from alignlessons.site.sphinx_conf import *  # noqa: F403
