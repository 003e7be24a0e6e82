"""alignlessons: a Jupyter course on how leading actors plan to align and deploy powerful AI.

Subpackages:
    models   pure numpy models, one module per idea (no widgets, no charts, no I/O)
    charts   altair chart builders with one shared theme, rendered offline
    widgets  ipywidgets explorers: thin glue of a model and a chart
    content  course data (sources, quotes, glossary, ...) as pandas DataFrames
    quiz     ungraded self-checks for lessons
"""

__version__ = "0.1.0"
