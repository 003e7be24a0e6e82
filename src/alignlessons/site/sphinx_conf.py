"""Sphinx configuration of the course site (the staged source folder's conf.py imports this).

Sphinx + MyST-NB + sphinx-book-theme: pure Python, builds with no network. Notebooks are never
executed (``nb_execution_mode = "off"``): pages show the stored outputs, already rewritten by
:mod:`alignlessons.site.prepare`. Vega and MathJax are served from the site's own ``_static``.
"""

from __future__ import annotations

project = "alignlessons"
author = "alignlessons contributors"
copyright = "alignlessons contributors; code MIT, course text CC BY-SA 4.0"
language = "en"
# Quotations are verbatim: no typographic rewriting of quotes and dashes.
smartquotes = False

extensions = ["myst_nb", "sphinx.ext.mathjax"]
exclude_patterns = ["_build", "_extra", "**.ipynb_checkpoints"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# Notebooks: stored outputs only, never re-executed; no widget JavaScript from a CDN.
nb_execution_mode = "off"
nb_ipywidgets_js = {}
nb_merge_streams = True
nb_output_stderr = "show"
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# MathJax 2 from the site itself (package jupyter-server-mathjax), not a CDN.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
mathjax2_config = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processRefs": False,
        "processEnvironments": False,
        # MyST-NB marks notebook pages mathjax_ignore and math spans "math".
        "ignoreClass": "tex2jax_ignore|mathjax_ignore|document",
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
    },
    "showMathMenu": False,
    "messageStyle": "none",
    # The package ships the STIX-Web fonts only (no TeX web fonts, no image fonts).
    "HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web", "webFont": "STIX-Web", "imageFont": None},
}

html_theme = "sphinx_book_theme"
html_title = "alignlessons"
templates_path = ["_templates"]
html_static_path = ["_static"]
html_extra_path = ["_extra"]
html_css_files = ["alignlessons-site.css"]
html_js_files = ["vega-bundle.js", ("alignlessons-charts.js", {"defer": "defer"})]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
    "show_prev_next": True,
}
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
