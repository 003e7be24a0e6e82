"""Fixtures shared by the explorer tests: one explorer per module, reset before each test."""

from __future__ import annotations

import json

import pytest


def explorer_fixtures(make_explorer, make_kernel_free):
    """Return the fixtures ``_shared``, ``e`` and ``kernel_free`` for one explorer module.

    Use as ``_shared, e, kernel_free = explorer_fixtures(plans_explorer, plans_kernel_free)``.
    """

    @pytest.fixture(scope="module")
    def _shared():
        explorer = make_explorer()
        return explorer, explorer.values()

    @pytest.fixture
    def e(_shared):
        """One explorer per module (building one takes a while), reset to its defaults for each test."""
        explorer, defaults = _shared
        explorer.set(**defaults)
        explorer.message_html.value = ""
        return explorer

    @pytest.fixture(scope="module")
    def kernel_free():
        chart = make_kernel_free()
        return chart, chart._repr_mimebundle_()[0]

    return _shared, e, kernel_free


def state(e):
    """What a learner sees change: the sentence and the chart's data."""
    return e.sentence_html.value, json.dumps(e.chart.datasets, sort_keys=True)


def walk(node):
    """Every dict inside a (nested) Vega-Lite spec."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def bound_params(spec) -> dict:
    """The spec's parameters that are bound to an input (name -> binding)."""
    return {p["name"]: p["bind"] for node in walk(spec) for p in node.get("params", []) if "bind" in p}
