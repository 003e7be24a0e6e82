"""Values cross from the student kernel to the test kernel only as data (unit tests, no kernels)."""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import inspect
import math
import socket

import numpy as np
import pandas as pd
import pytest

from alignlessons.sandbox import bridge, codec


def roundtrip(value):
    return codec.decode(codec.loads(codec.dumps(codec.encode(value))))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(10**40),
        2.5,
        float("inf"),
        "text",
        b"\x00bytes",
        1 + 2j,
        (1, "a"),
        [1, [2, 3]],
        {"a": 1, (1, 2): [3]},
        {1, 2},
        frozenset({"x"}),
        range(2, 10, 3),
        Ellipsis,
        dt.date(2023, 2, 24),
        dt.datetime(2022, 9, 1, 12, 30),
        dt.timedelta(days=3, seconds=5),
        decimal.Decimal("1.25"),
        fractions.Fraction(3, 7),
    ],
)
def test_plain_values_round_trip(value):
    assert roundtrip(value) == value
    assert type(roundtrip(value)) is type(value)


def test_iterators_arrive_as_lists_of_their_items():
    assert roundtrip(x * x for x in range(4)) == [0, 1, 4, 9]
    assert roundtrip({"a": 1, "b": 2}.keys()) == ["a", "b"]
    assert roundtrip(map(str, [1, 2])) == ["1", "2"]


def test_numpy_and_pandas_round_trip():
    arr = np.arange(12, dtype=np.int32).reshape(3, 4)
    back = roundtrip(arr)
    assert back.dtype == arr.dtype and (back == arr).all()
    assert type(roundtrip(np.float64(0.5))) is np.float64
    assert type(roundtrip(np.int64(7))) is np.int64
    assert (roundtrip(np.array(["a", "bc"])) == np.array(["a", "bc"])).all()
    s = pd.Series([1.5, 2.5], index=pd.Index(["x", "y"], name="k"), name="v")
    pd.testing.assert_series_equal(roundtrip(s), s)
    df = pd.DataFrame({"n": [1, 2], "s": ["a", "b"], "t": pd.to_datetime(["2023-02-24", "2022-12-30"])})
    pd.testing.assert_frame_equal(roundtrip(df), df)
    wide = df.pivot_table(index="n", columns="s", values="n", aggfunc="count")
    pd.testing.assert_frame_equal(roundtrip(wide), wide)
    assert roundtrip(pd.Timestamp("2023-02-24")) == pd.Timestamp("2023-02-24")


def test_objects_that_lie_about_themselves_arrive_as_what_they_are():
    class Anything(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__
        __class__ = property(lambda self: dict)

    class Mine:
        def __eq__(self, other):
            return True

    value = roundtrip(Anything(0.5))
    assert type(value) is float and value == 0.5 and value != 0.72
    opaque = roundtrip(Mine())
    assert isinstance(opaque, codec.Opaque) and opaque != opaque.__class__("Mine")
    assert not (opaque == 0.72) and "cannot be checked" in repr(opaque)


def test_decoding_refuses_memory_tricks_and_oversized_data():
    with pytest.raises(codec.CodecError):
        codec.decode({"$t": "ndarray", "dtype": "|O", "shape": [1], "b64": "AAAAAAAAAAA="})
    with pytest.raises(codec.CodecError):
        codec.decode({"$t": "ndarray", "dtype": "<f8", "shape": [1000], "b64": "AAAAAAAAAAA="})
    with pytest.raises(codec.CodecError):
        codec.decode({"$t": "pickle", "v": "..."})
    deep = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(codec.CodecError):
        codec.encode(deep)


def test_functions_become_proxies_with_the_students_source_and_signature():
    """A student function called through the link: results and exceptions come back as data."""
    student, tester = socket.socketpair()
    namespace = {}
    # a student's definitions, run as the student's kernel would run them
    exec(  # noqa: S102
        compile(
            'def plan_success(ps, scale=1.0):\n    """Doc."""\n'
            '    if len(ps) == 0:\n        raise ValueError("empty")\n'
            "    return float(np.prod(ps)) * scale\n"
            'q2_answer = "c"\n',
            "<cell>",
            "exec",
        ),
        {"np": np},
        namespace,
    )
    import linecache

    linecache.cache["<cell>"] = (
        0,
        None,
        [
            "def plan_success(ps, scale=1.0):\n",
            '    """Doc."""\n',
            "    if len(ps) == 0:\n",
            '        raise ValueError("empty")\n',
            "    return float(np.prod(ps)) * scale\n",
        ],
        "<cell>",
    )
    bridge.serve(student.detach(), lambda: namespace)
    bridge.connect(tester.detach(), timeout=10)
    ns = {"math": math}
    copied = bridge.fetch(
        ns, ["plan_success", "q2_answer", "missing", "math", "isinstance"], answers=["plan_success", "q2_answer"]
    )
    assert sorted(copied) == ["plan_success", "q2_answer"]
    assert ns["q2_answer"] == "c" and ns["math"] is math and "isinstance" not in ns
    fn = ns["plan_success"]
    assert math.isclose(fn([0.9, 0.8]), 0.72)
    assert fn(np.array([0.5, 0.5]), scale=2) == 0.5
    with pytest.raises(ValueError, match="empty"):
        fn([])
    assert "raise ValueError" in inspect.getsource(fn)
    assert list(inspect.signature(fn).parameters) == ["ps", "scale"]
    assert fn.__doc__ == "Doc."
