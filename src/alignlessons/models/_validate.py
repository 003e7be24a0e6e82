"""Input validation shared by every model.

Every public model function validates its inputs with these helpers, so that bad input
always raises a ``ValueError`` that names the parameter, the value it got and the range
it allows, e.g. ``enmity must be a number in [0, 1]; got 1.5``.

Scalars come back as Python ``float``/``int``; array-like input comes back as a float
``numpy.ndarray`` (so callers can broadcast). NaN and infinities are always rejected.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any, Literal, overload

import numpy as np

__all__ = ["real", "integer", "choice", "probabilities", "fmt_range", "broadcast", "as_result"]


def fmt_range(lo: float | None, hi: float | None, lo_open: bool = False, hi_open: bool = False) -> str:
    """Human-readable interval, e.g. ``[0, 1]``, ``(0, inf)``."""
    left = "(" if (lo_open or lo is None) else "["
    right = ")" if (hi_open or hi is None) else "]"
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return f"{left}{lo_s}, {hi_s}{right}"


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array with shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@overload
def real(
    name: str,
    value: Any,
    *,
    lo: float | None = ...,
    hi: float | None = ...,
    lo_open: bool = ...,
    hi_open: bool = ...,
    allow_array: Literal[False],
) -> float: ...
@overload
def real(
    name: str,
    value: Any,
    *,
    lo: float | None = ...,
    hi: float | None = ...,
    lo_open: bool = ...,
    hi_open: bool = ...,
    allow_array: bool = ...,
) -> float | np.ndarray: ...
def real(
    name: str,
    value: Any,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    allow_array: bool = True,
) -> float | np.ndarray:
    """Validate a real number (or, if ``allow_array``, an array of them) in a range."""
    allowed = fmt_range(lo, hi, lo_open, hi_open)
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a number in {allowed}; got {_show(value)}")
    is_scalar = isinstance(value, numbers.Real)
    if not is_scalar and not allow_array:
        raise ValueError(f"{name} must be a single number in {allowed}; got {_show(value)}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in {allowed}; got {_show(value)}") from None
    if arr.ndim and arr.size == 0:
        raise ValueError(f"{name} must not be empty; got {_show(value)}")
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0] if arr.ndim else arr
        raise ValueError(f"{name} must be a finite number in {allowed}; got {float(bad)!r}")
    bad_mask = np.zeros(arr.shape, dtype=bool)
    if lo is not None:
        bad_mask |= (arr <= lo) if lo_open else (arr < lo)
    if hi is not None:
        bad_mask |= (arr >= hi) if hi_open else (arr > hi)
    if np.any(bad_mask):
        bad = arr[bad_mask].flat[0] if arr.ndim else float(arr)
        raise ValueError(f"{name} must be in {allowed}; got {float(bad):g}")
    return float(arr) if arr.ndim == 0 else arr


@overload
def integer(
    name: str,
    value: Any,
    *,
    lo: int | None = ...,
    hi: int | None = ...,
    allow_array: Literal[False] = ...,
) -> int: ...
@overload
def integer(
    name: str,
    value: Any,
    *,
    lo: int | None = ...,
    hi: int | None = ...,
    allow_array: bool,
) -> int | np.ndarray: ...
def integer(
    name: str,
    value: Any,
    *,
    lo: int | None = None,
    hi: int | None = None,
    allow_array: bool = False,
) -> int | np.ndarray:
    """Validate a whole number (a count) in ``[lo, hi]``; 3.0 is accepted, 2.5 is not."""
    allowed = fmt_range(lo, hi)
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a whole number in {allowed}; got {_show(value)}")
    is_scalar = isinstance(value, numbers.Real)
    if not is_scalar and not allow_array:
        raise ValueError(f"{name} must be a single whole number in {allowed}; got {_show(value)}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number in {allowed}; got {_show(value)}") from None
    if arr.ndim and arr.size == 0:
        raise ValueError(f"{name} must not be empty; got {_show(value)}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
        bad_mask = ~np.isfinite(arr) | (arr != np.round(np.nan_to_num(arr)))
        bad = arr[bad_mask].flat[0] if arr.ndim else float(arr)
        raise ValueError(f"{name} must be a whole number in {allowed}; got {float(bad):g}")
    bad_mask = np.zeros(arr.shape, dtype=bool)
    if lo is not None:
        bad_mask |= arr < lo
    if hi is not None:
        bad_mask |= arr > hi
    if np.any(bad_mask):
        bad = arr[bad_mask].flat[0] if arr.ndim else float(arr)
        raise ValueError(f"{name} must be a whole number in {allowed}; got {float(bad):g}")
    return int(arr) if arr.ndim == 0 else arr.astype(int)


def choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Validate that ``value`` is one of ``choices`` (exact string match)."""
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise ValueError(f"{name} must be one of {listed}; got {_show(value)}")
    return value


def probabilities(name: str, values: Any, *, min_len: int = 1) -> np.ndarray:
    """Validate a 1-D sequence of probabilities in [0, 1] with at least ``min_len`` items."""
    if isinstance(values, (str, bytes)) or values is None or isinstance(values, numbers.Real):
        raise ValueError(f"{name} must be a sequence of probabilities in [0, 1]; got {_show(values)}")
    arr = real(name, values, lo=0.0, hi=1.0)
    arr = np.atleast_1d(arr)
    if arr.ndim != 1 or arr.size < min_len:
        raise ValueError(
            f"{name} must be a flat sequence of at least {min_len} probabilities in [0, 1]; got {_show(values)}"
        )
    return arr


def broadcast(**arrays: Any) -> tuple[np.ndarray, ...]:
    """Broadcast named array arguments together (as floats), or explain which shapes clash."""
    try:
        return np.broadcast_arrays(*(np.asarray(a, float) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"array arguments must broadcast together; got shapes {shapes}") from None


def as_result(value: np.ndarray, *inputs: Any) -> float | np.ndarray:
    """A Python float when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(value)
    return value
