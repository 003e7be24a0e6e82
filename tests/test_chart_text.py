"""Tests for alignlessons.charts.text (numbers in words) and alignlessons.charts.records."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from alignlessons.charts import records
from alignlessons.charts.text import percent, quantity, ratio


@pytest.mark.parametrize(
    "p, kwargs, expected",
    [
        (0.0, {}, "0%"),
        (1.0, {}, "100%"),
        (0.5, {}, "50%"),
        (0.0, {"digits": 2}, "0%"),  # exact ends print without decimals
        (0.123, {"digits": 1}, "12.3%"),
        # margin: values near the ends say so in words, one unit of the last digit
        (0.003, {"margin": 0.005}, "under 1%"),
        (0.997, {"margin": 0.005}, "over 99%"),
        (0.995, {"margin": 0.005}, "over 99%"),  # would round to 100%
        (0.005, {"margin": 0.005}, "under 1%"),  # would round to 0%
        (0.0004, {"digits": 1, "margin": 0.001, "below": "less than {}"}, "less than 0.1%"),
        (0.9995, {"digits": 1, "margin": 0.001, "above": "more than {}"}, "more than 99.9%"),
        (0.999, {"digits": 1, "margin": 0.001}, "99.9%"),
        # more digits only where needed
        (0.004, {"more_digits": 3}, "0.4%"),
        (0.99996, {"more_digits": 3}, "99.996%"),
        (0.3, {"more_digits": 3}, "30%"),
        (1e-9, {"more_digits": 3, "bound": 1e-4}, "under 0.01%"),
        (1 - 1e-9, {"more_digits": 3, "bound": 1e-4}, "over 99.99%"),
        # plain rounding may read 0% or 100%
        (0.996, {"plain": True}, "100%"),
        (0.0001, {"digits": 2, "plain": True}, "0.01%"),
    ],
)
def test_percent(p, kwargs, expected):
    assert percent(p, **kwargs) == expected


def test_percent_of_a_share_may_read_zero_and_calls_one_all_but():
    kw = {"more_digits": 4, "margin": 5e-7, "bound": 1e-6, "above": "essentially all (over {})", "share": True}
    assert percent(0.0001, **kw) == "0%"
    assert percent(0.99995, **kw) == "99.995%"
    assert percent(1.0, **kw) == "essentially all (over 99.9999%)"
    assert percent(0.9999999, **kw) == "essentially all (over 99.9999%)"


@pytest.mark.parametrize("p", [1e-12, 1e-6, 0.0049, 0.3, 0.9951, 1 - 1e-6, 1 - 1e-12])
def test_percent_never_rounds_a_possibility_to_an_end(p):
    for kwargs in ({"margin": 0.005}, {"more_digits": 3}, {"digits": 1, "margin": 0.001}):
        text = percent(p, **kwargs)
        assert text not in ("0%", "100%", "0.0%", "100.0%"), (p, kwargs, text)


@pytest.mark.parametrize(
    "r, expected",
    [
        (3.0, "3:1"),
        (2.5, "2.5:1"),
        (1 / 3, "0.333:1"),
        (12.4, "12:1"),
        (1500.0, "1,500:1"),
        (2e6, "over 1,000,000:1"),
        (math.inf, "over 1,000,000:1"),
    ],
)
def test_ratio(r, expected):
    assert ratio(r) == expected


def test_ratio_with_significant_figures():
    assert ratio(12.5, 3) == "12.5:1"
    assert ratio(1 / 0.1, 3) == "10:1"


def test_quantity_is_plural_unless_one():
    assert quantity(1, "year") == "1 year"
    assert quantity(2.5, "year") == "2.5 years"
    assert quantity(3, "month", ".1f") == "3.0 months"
    assert quantity(0, "point") == "0 points"


def test_records_round_floats_only_and_keep_other_values():
    frame = pd.DataFrame({"x": [0.123456789, 2.0], "n": [1, 2], "label": ["a", "b"]})
    assert records(frame, 3) == [{"x": 0.123, "n": 1, "label": "a"}, {"x": 2.0, "n": 2, "label": "b"}]
    assert records(frame, 6)[0]["x"] == 0.123457
    assert isinstance(records(frame, 3)[0]["n"], int)
