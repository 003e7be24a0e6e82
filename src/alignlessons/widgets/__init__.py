"""ipywidgets explorers: each is thin glue between a model and a chart.

Every explorer has labelled, keyboard-operable controls, named presets, a live sentence and a
chart whose data are replaced in place. A ``*_kernel_free()`` companion returns an altair
chart with Vega-Lite sliders over a precomputed grid, for readers without a kernel.
"""
from .racing import RacingExplorer, racing_explorer, racing_kernel_free

#: Every explorer with its kernel-free companion (used by the benchmark and the tests).
EXPLORERS = {
    "racing": (racing_explorer, racing_kernel_free),
}

__all__ = ["EXPLORERS", "RacingExplorer", "racing_explorer", "racing_kernel_free"]
